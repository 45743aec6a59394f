/**
 * `npm run bench:quality`: map quality on real data and on simulated counts with known truth.
 * For every data set (bench/quality-sets.ts) one table: Isotherm's presets (default parameters, nothing
 * per data set) and the peers (bench/peers.py: UMAP, t-SNE, PCA-2D, Isomap k = 10, when Debian's python3
 * has sklearn and umap-learn), all embedding the same input matrix; columns DEMaP, trustworthiness (k = 10),
 * 10-NN label accuracy (when the set has labels), seconds. Scores by src-core/quality/reference.ts + map-score.ts (the
 * definition of shared/tools/map_quality.py). Every map is written as CSV under --out for re-scoring.
 * Options: --sets a,b,c  --presets geodesic,phate,sne  --no-peers  --seeds N (simulator seeds, default 2)
 *          --out DIR (default bench-output/quality)  --params JSON (overrides for every Isotherm run)
 *          --exact-scorer (also score every map with ../shared/tools/map_quality.py: its own 400 seeded cells;
 *                          for sim-* sets its input is reference.csv, the noiseless expression)
 *          --peers umap,tsne,pca2d,isomap (a subset)  --sim JSON (count-simulator option overrides for the sim-* sets, e.g. '{"nCells":10000}')
 * Progress goes to stderr; each set's table is printed to stdout as soon as it is done.
 */
import fs from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { initBackend } from '../src-core/compute/backend.js';
import { qualityReference } from '../src-core/quality/reference.js';
import { PRESETS, type EmbedParams, type Preset } from '../src-core/pipeline/params.js';
import type { CountSimOptions } from '../src-core/synthetic/counts.js';
import { exactScore, peersUnavailable, PEERS, runPeers } from './quality-peers.js';
import { readMapCsv, runIsotherm, scoreCoords, writeMapCsv, writeMatrixCsv, type ScoredMap } from './quality-run.js';
import { expandSetNames, isSimSet, loadSet, REAL_SETS, REPO_ROOT, SIM_LEVELS, type QualitySet } from './quality-sets.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const seeds = Number(opt('--seeds', '2'));
const setNames = expandSetNames(opt('--sets', [...REAL_SETS, ...SIM_LEVELS.map((l) => `sim-${l}`)].join(',')).split(','), seeds);
const presets = opt('--presets', PRESETS.join(',')).split(',') as Preset[];
for (const p of presets) if (!PRESETS.includes(p)) throw new Error(`--presets: unknown preset "${p}" (known: ${PRESETS.join(', ')})`);
const outRoot = path.resolve(opt('--out', path.join(REPO_ROOT, 'bench-output', 'quality')));
const extraParams = JSON.parse(opt('--params', '{}')) as Partial<EmbedParams>;
const simOverrides = JSON.parse(opt('--sim', '{}')) as Partial<CountSimOptions>;
const peerNames = opt('--peers', PEERS.join(',')).split(',');
for (const p of peerNames) if (!(PEERS as readonly string[]).includes(p)) throw new Error(`--peers: unknown peer "${p}" (known: ${PEERS.join(', ')})`);
const wantExact = args.includes('--exact-scorer');
const exactScorer = path.resolve(REPO_ROOT, '..', 'shared', 'tools', 'map_quality.py');

const log = (msg: string): void => {
  process.stderr.write(`[quality ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

interface Row extends ScoredMap {
  readonly map: string;
  readonly seconds: number | null;
  readonly t: number | null;
  exact?: { demap: number; trust: number } | { error: string };
}

const backend = await initBackend('auto');
const peerCheck = args.includes('--no-peers') ? { reason: 'disabled by --no-peers', versions: '' } : await peersUnavailable();
const scorerExists = fs.existsSync(exactScorer);
console.log(`# Map quality (npm run bench:quality)\n`);
console.log(`${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, engine ${backend.name}`);
console.log(`Isotherm presets ${presets.join(', ')} with default parameters${Object.keys(extraParams).length ? ` + ${JSON.stringify(extraParams)}` : ''}; seconds = EmbeddingPipeline.run (peers: the fit).`);
console.log(peerCheck.reason ? `Peers skipped: ${peerCheck.reason}.` : `Peers: ${peerCheck.versions} (bench/peers.py; umap/t-SNE/PCA seed 0, Isomap k = 10).`);
console.log(
  `Scores: DEMaP = Spearman(map distances, shortest paths on the symmetrised 10-NN graph of the reference) over the pairs of 400 seeded cells; trustworthiness k = 10 on 3,000 seeded cells; 10-NN accuracy 5-fold. ` +
    `Exact scorer ${exactScorer} ${scorerExists ? `exists${wantExact ? ' (columns "py"; simulated sets scored against their reference.csv)' : ' (--exact-scorer to also use it)'}` : 'not found'}. Maps: ${outRoot}/SET/*.csv.\n`,
);

const summary: { set: string; rows: Row[] }[] = [];
for (const name of setNames) {
  log(`${name}: loading`);
  const set = await loadSet(name, simOverrides);
  const dir = path.join(outRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  const inputCsv = path.join(dir, 'input.csv');
  writeMatrixCsv(inputCsv, set.cellIds, set.input, 'PC');
  // What the exact scorer computes the truth from: the noiseless expression for simulated sets, else the input.
  const truthCsv = isSimSet(name) ? path.join(dir, 'reference.csv') : inputCsv;
  if (isSimSet(name)) writeMatrixCsv(truthCsv, set.cellIds, set.reference, 'g', 5);
  log(`${name}: ${set.input.nRows} cells × ${set.input.nCols} (loaded in ${set.loadSeconds.toFixed(1)} s); building the reference`);
  const t0 = performance.now();
  const ref = await qualityReference(set.reference.data, set.reference.nRows, set.reference.nCols);
  log(`${name}: reference in ${((performance.now() - t0) / 1000).toFixed(1)} s (${ref.components} component(s), ${ref.finitePairs} finite pairs)`);

  const rows: Row[] = [];
  for (const preset of presets) {
    log(`${name}: isotherm ${preset}`);
    try {
      const run = await runIsotherm(set, { ...extraParams, preset });
      const file = path.join(dir, `isotherm-${preset}.csv`);
      writeMapCsv(file, set.cellIds, run.coords);
      rows.push({ map: `isotherm ${preset}`, seconds: run.seconds, t: run.t, ...scoreCoords(ref, set, run.coords), ...(await exact(set, truthCsv, file)) });
    } catch (e) {
      rows.push({ map: `isotherm ${preset}`, seconds: null, t: null, demap: null, trust: null, acc: null, invalid: `failed: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  if (!peerCheck.reason) {
    const peerRows: Row[] = [];
    const pending: Promise<void>[] = [];
    log(`${name}: peers ${peerNames.join(', ')}`);
    try {
      await runPeers(inputCsv, dir, peerNames, (r) => {
        log(`${name}: ${r.name} ${r.error ? `failed: ${r.error}` : `done in ${r.seconds!.toFixed(1)} s`}`);
        if (!r.file) {
          peerRows.push({ map: r.name, seconds: null, t: null, demap: null, trust: null, acc: null, invalid: `failed: ${r.error}` });
          return;
        }
        const coords = readMapCsv(r.file, set.cellIds);
        const row: Row = { map: r.name, seconds: r.seconds, t: null, ...scoreCoords(ref, set, coords) };
        peerRows.push(row);
        pending.push(
          exact(set, truthCsv, r.file).then((x) => {
            Object.assign(row, x);
          }),
        );
      });
    } catch (e) {
      log(`${name}: peers failed: ${(e as Error).message}`);
    }
    await Promise.all(pending);
    rows.push(...peerNames.map((p) => peerRows.find((r) => r.map === p)).filter((r): r is Row => r !== undefined));
  }
  printTable(set, rows);
  summary.push({ set: name, rows });
}
printSummary();
process.exit(0);

async function exact(set: QualitySet, truthCsv: string, mapCsv: string): Promise<Pick<Row, 'exact'>> {
  if (!wantExact || !scorerExists) return {};
  log(`${set.name}: map_quality.py score ${path.basename(mapCsv)}`);
  return { exact: await exactScore(exactScorer, truthCsv, mapCsv) };
}

function f(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '–' : v.toFixed(digits);
}

function printTable(set: QualitySet, rows: readonly Row[]): void {
  const py = rows.some((r) => r.exact);
  const acc = set.labels ? ` 10-NN acc (${set.labels.name}) |` : '';
  console.log(`## ${set.name}\n\n${set.description}.\n`);
  console.log(`| map | DEMaP | trust |${acc} seconds | t |${py ? ' DEMaP (py) | trust (py) |' : ''}`);
  console.log(`|---|---|---|${set.labels ? '---|' : ''}---|---|${py ? '---|---|' : ''}`);
  for (const r of rows) {
    const scores = r.invalid ? `INVALID: ${r.invalid} | – |` : `${f(r.demap)} | ${f(r.trust)} |`;
    const pyCols = py ? (r.exact ? ('error' in r.exact ? ` ${r.exact.error} | – |` : ` ${f(r.exact.demap)} | ${f(r.exact.trust)} |`) : ' – | – |') : '';
    console.log(`| ${r.map} | ${scores}${set.labels ? ` ${f(r.acc)} |` : ''} ${f(r.seconds, 1)} | ${r.t === null ? '–' : r.t.toPrecision(3)} |${pyCols}`);
  }
  console.log('');
}

function printSummary(): void {
  if (summary.length < 2) return;
  const maps = [...new Set(summary.flatMap((s) => s.rows.map((r) => r.map)))];
  console.log(`## Summary: DEMaP / trustworthiness\n`);
  console.log(`| map | ${summary.map((s) => s.set).join(' | ')} |`);
  console.log(`|---|${summary.map(() => '---|').join('')}`);
  for (const m of maps) {
    const cells = summary.map((s) => {
      const r = s.rows.find((x) => x.map === m);
      if (!r) return '–';
      if (r.invalid) return 'invalid';
      const py = r.exact && !('error' in r.exact) ? ` (py ${f(r.exact.demap)} / ${f(r.exact.trust)})` : '';
      return `${f(r.demap)} / ${f(r.trust)}${py}`;
    });
    console.log(`| ${m} | ${cells.join(' | ')} |`);
  }
  console.log('');
}
