/**
 * Isotherm quality cases, for parameter experiments in loops:
 *   node dist/bench/quality-case.js SET [--params JSON] [--sim JSON] [--out FILE.csv]
 * prints one JSON line {set, demap, trust, acc, seconds, t, params, invalid?} per parameter set. SET is a
 * name `bench:quality` knows (pbmc68k, hsmm, mouse10k, cellranger3, cellbench3, sim-LEVEL-sSEED). --params holds
 * EmbedParams overrides, e.g. '{"preset":"phate","t":8}', or a JSON array of such objects: the data set and
 * its reference are then built once and each entry gives one line. --sim overrides count-simulator options
 * for sim-* sets. Scores as bench:quality (src-core/quality/reference.ts + map-score.ts). --out writes the (last) map as CSV.
 */
import { initBackend } from '../src-core/compute/backend.js';
import { qualityReference } from '../src-core/quality/reference.js';
import type { EmbedParams } from '../src-core/pipeline/params.js';
import type { CountSimOptions } from '../src-core/synthetic/counts.js';
import { runIsotherm, scoreCoords, writeMapCsv } from './quality-run.js';
import { loadSet } from './quality-sets.js';

const args = process.argv.slice(2);
const setName = args[0];
const fail = (msg: string): never => {
  process.stderr.write(`${msg}\nusage: node dist/bench/quality-case.js SET [--params JSON|JSON-array] [--sim JSON] [--out FILE.csv]\n`);
  process.exit(2);
};
if (!setName || setName.startsWith('--')) fail('no data set named');
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = (name: string): unknown => {
  try {
    return JSON.parse(opt(name) ?? '{}') as unknown;
  } catch (e) {
    return fail(`${name}: not JSON (${(e as Error).message})`);
  }
};
const paramsArg = json('--params');
const paramSets = (Array.isArray(paramsArg) ? paramsArg : [paramsArg]) as Partial<EmbedParams>[];
const simOverrides = json('--sim') as Partial<CountSimOptions>;
const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1e4) / 1e4);
try {
  await initBackend('auto');
  const set = await loadSet(setName!, simOverrides);
  const ref = await qualityReference(set.reference.data, set.reference.nRows, set.reference.nCols);
  for (const params of paramSets) {
    let line: Record<string, unknown>;
    try {
      const run = await runIsotherm(set, params);
      const s = scoreCoords(ref, set, run.coords);
      const out = opt('--out');
      if (out) writeMapCsv(out, set.cellIds, run.coords);
      line = { set: setName, demap: round(s.demap), trust: round(s.trust), acc: round(s.acc), seconds: Math.round(run.seconds * 100) / 100, t: run.t, params, ...(s.invalid ? { invalid: s.invalid } : {}) };
    } catch (e) {
      // One failing parameter set (e.g. an out-of-range value) does not end the loop.
      line = { set: setName, demap: null, trust: null, acc: null, seconds: null, t: null, params, invalid: `failed: ${(e as Error).message.split('\n')[0]}` };
    }
    process.stdout.write(JSON.stringify(line) + '\n');
  }
} catch (e) {
  process.stderr.write(`quality-case: ${(e as Error).message.split('\n')[0]}\n`);
  process.exit(1);
}
process.exit(0);
