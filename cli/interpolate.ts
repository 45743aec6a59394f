/**
 * `isotherm interpolate INPUT --time COL --from A --to B --at F -o OUT.csv [...]`: the map of all cells,
 * exact OT between the cells of time points A and B, and N cells displaced a fraction F of the way
 * (docs/interpolation.md). Writes OUT.csv (sample, x, y, alpha, source_cell, target_cell) and OUT.json.
 *
 * Also holds the argument handling shared with `isotherm evaluate` (time column, PCs, map parameters):
 * map options are validated by the `embed` parser, so they mean exactly what they mean there.
 */
import { resolve } from 'node:path';
import { initBackend } from '../src-core/compute/backend.js';
import { InputError } from '../src-core/errors.js';
import { csvField, formatFloat64, sidecarPathFor, writeFileAtomic } from '../src-core/export/index.js';
import type { Dataset, ObsColumn } from '../src-core/io/dataset.js';
import { openDataset } from '../src-core/io/open.js';
import { squaredEuclideanCost, gatherRows } from '../src-core/interpolate/costs.js';
import { sampleInterpolant } from '../src-core/interpolate/displacement.js';
import { placeByKnn } from '../src-core/interpolate/place.js';
import { timeCourse, type TimeCourse, type TimeLevel } from '../src-core/interpolate/time-points.js';
import { transport, type OtMethod } from '../src-core/interpolate/transport.js';
import { checkEnoughCells, resolveParams, type EmbedParams } from '../src-core/pipeline/params.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { preprocess, type PreprocessOptions } from '../src-core/preprocess/index.js';
import { MAP_BOOL_FLAGS, MAP_VALUE_FLAGS, parseEmbedArgs, type EmbedArgs } from './args.js';

type Print = (line: string) => void;

/** Splits argv into this command's own flags (value / boolean) and the rest (map options for the embed parser). */
export function splitArgs(command: string, argv: readonly string[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string>): { input: string; values: Map<string, string>; flags: Set<string>; rest: string[] } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const rest: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') && a.length > 1) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      const inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (valueFlags.has(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new InputError(name, 'needs a value');
        values.set(name === '--output' ? '-o' : name, v);
      } else if (boolFlags.has(name)) flags.add(name);
      else if (MAP_VALUE_FLAGS.has(name)) {
        rest.push(a);
        if (inline === undefined) {
          const v = argv[++i];
          if (v === undefined) throw new InputError(name, 'needs a value');
          rest.push(v);
        }
      } else if (MAP_BOOL_FLAGS.has(name)) rest.push(a);
      else throw new InputError(name, `unknown option for ${command} (see \`isotherm help\`)`);
    } else positional.push(a);
  }
  if (positional.length === 0) throw new InputError(command, `missing INPUT file (usage: isotherm ${command} INPUT --time COL ...)`);
  if (positional.length > 1) throw new InputError(command, `expected one INPUT, got ${positional.length}: ${positional.join(' ')}`);
  return { input: positional[0]!, values, flags, rest };
}

/** Map options through the embed parser (its checks and messages), with a placeholder output. */
export function mapOptions(input: string, rest: readonly string[]): EmbedArgs {
  return parseEmbedArgs([input, ...rest, '-o', '-']);
}

export interface LoadedCourse {
  readonly dataset: Dataset;
  readonly pcs: Float32Array;
  readonly n: number;
  readonly dim: number;
  /** Row of the dataset behind each PC row. */
  readonly keptCells: Int32Array;
  readonly course: TimeCourse;
  readonly pcaSource: string;
}

/** Reads INPUT, its PCs (`--pca`, `--obsm-key`) and the time column (`--time`). */
export async function loadTimeCourse(args: EmbedArgs, timeColumn: string, obsmKey: string | undefined, log: Print): Promise<LoadedCourse> {
  await initBackend(args.params.backend ?? 'auto').catch((e: Error) => {
    throw new InputError('--backend', e.message);
  });
  const dataset = await openDataset(args.input, {
    obsColumns: [...args.obsColumns, timeColumn],
    useRaw: args.useRaw,
    ...(args.layer !== undefined ? { layer: args.layer } : {}),
    ...(args.genome !== undefined ? { genome: args.genome } : {}),
  });
  const column: ObsColumn | undefined = dataset.obs.find((c) => c.name === timeColumn);
  if (!column) throw new InputError('--time', `no metadata column '${timeColumn}' in ${args.input} (have: ${dataset.obs.map((c) => c.name).join(', ') || 'none'})`);
  const useObsm = args.pca === 'obsm' || obsmKey !== undefined;
  if (obsmKey !== undefined && !dataset.obsm[obsmKey]) {
    throw new InputError('--obsm-key', `no obsm/${obsmKey} in ${args.input} (have: ${Object.keys(dataset.obsm).join(', ') || 'none'})`);
  }
  const pre: PreprocessOptions = useObsm
    ? { usePca: 'obsm', ...(obsmKey !== undefined ? { obsmKey } : {}) }
    : args.pca === 'off'
      ? { pca: 'off' }
      : args.pca === 'auto'
        ? {}
        : { pca: args.pca };
  const prep = preprocess(dataset, pre);
  const obsmStep = prep.steps.find((s) => s.step === 'obsm');
  const pcaSource = obsmStep?.applied ? `obsm/${obsmKey ?? 'X_pca'}` : prep.pca ? `PCA (${prep.matrix.nCols} components) computed here` : 'features as they are';
  if (!args.quiet) log(`isotherm: ${prep.matrix.nRows} cells × ${prep.matrix.nCols} dimensions (${pcaSource})`);
  const course = timeCourse(column, prep.keptCells);
  if (course.levels.length < 2) throw new InputError('--time', `column '${timeColumn}' has ${course.levels.length} time point(s); interpolation needs at least 2`);
  return { dataset, pcs: prep.matrix.data, n: prep.matrix.nRows, dim: prep.matrix.nCols, keptCells: prep.keptCells, course, pcaSource };
}

export function findLevel(course: TimeCourse, label: string, flag: string): TimeLevel {
  const exact = course.levels.find((l) => l.label === label);
  if (exact) return exact;
  const v = Number(label);
  const byValue = Number.isFinite(v) ? course.levels.find((l) => l.time === v) : undefined;
  if (byValue) return byValue;
  throw new InputError(flag, `no time point '${label}' in column '${course.column}' (have: ${course.levels.map((l) => l.label).join(', ')})`);
}

export function parseOt(values: Map<string, string>): { method: OtMethod; relativeEpsilon: number } {
  const raw = values.get('--ot') ?? 'exact';
  if (raw !== 'exact' && raw !== 'sinkhorn' && raw !== 'auto') throw new InputError('--ot', `expected exact, sinkhorn or auto, got '${raw}'`);
  const epsRaw = values.get('--epsilon');
  const eps = epsRaw === undefined ? 0.01 : Number(epsRaw);
  if (!(eps > 0 && eps <= 10) || epsRaw?.trim() === '') throw new InputError('--epsilon', `expected a number in (0, 10] (relative to the largest cost), got '${epsRaw}'`);
  return { method: raw, relativeEpsilon: eps };
}

const VALUE_FLAGS = new Set(['--time', '--from', '--to', '--at', '-o', '--output', '--n', '--space', '--ot', '--epsilon', '--obsm-key']);

export async function runInterpolate(argv: readonly string[], _out: Print, log: Print): Promise<void> {
  const { input, values, rest } = splitArgs('interpolate', argv, VALUE_FLAGS, new Set());
  const args = mapOptions(input, rest);
  const timeColumn = values.get('--time');
  if (!timeColumn) throw new InputError('--time', 'missing the time column (usage: isotherm interpolate INPUT --time COL --from A --to B --at F -o OUT.csv)');
  const from = values.get('--from');
  const to = values.get('--to');
  if (from === undefined) throw new InputError('--from', 'missing the first time point');
  if (to === undefined) throw new InputError('--to', 'missing the second time point');
  const atRaw = values.get('--at');
  if (atRaw === undefined) throw new InputError('--at', 'missing the fraction F in [0, 1]');
  const alpha = Number(atRaw);
  if (atRaw.trim() === '' || !(alpha >= 0 && alpha <= 1)) throw new InputError('--at', `expected a fraction in [0, 1], got '${atRaw}'`);
  const outRaw = values.get('-o');
  if (!outRaw) throw new InputError('-o', 'missing output file (usage: ... -o OUT.csv)');
  const output = resolve(outRaw);
  if (output === resolve(input)) throw new InputError(outRaw, 'the output would overwrite the input file');
  const space = values.get('--space') ?? 'pcs';
  if (space !== 'map' && space !== 'pcs') throw new InputError('--space', `expected map or pcs, got '${space}'`);
  const ot = parseOt(values);

  const data = await loadTimeCourse(args, timeColumn, values.get('--obsm-key'), log);
  const A = findLevel(data.course, from, '--from');
  const B = findLevel(data.course, to, '--to');
  if (A === B) throw new InputError('--to', `the same time point as --from ('${from}')`);
  const nRaw = values.get('--n');
  const count = nRaw === undefined ? Math.max(1, Math.round((1 - alpha) * A.cells.length + alpha * B.cells.length)) : Number(nRaw);
  if (!(Number.isInteger(count) && count >= 1 && count <= 10_000_000)) throw new InputError('--n', `expected a positive integer, got '${nRaw}'`);
  const params: Partial<EmbedParams> = args.params;
  const { knn: k, decay } = resolveParams(params);
  checkEnoughCells(data.n, k, input, 'after preprocessing');

  const seed = params.seed ?? 0;
  if (!args.quiet) log('isotherm: map of all cells…');
  const map = await new EmbeddingPipeline(data.pcs, data.n, data.dim).run(params);
  let points: Float64Array;
  let source: Int32Array;
  let target: Int32Array;
  let otInfo: { method: string; epsilon: number | null; cost: number };
  if (space === 'map') {
    const yA = gatherRows(map.coords, 2, A.cells);
    const yB = gatherRows(map.coords, 2, B.cells);
    const r = transport(squaredEuclideanCost(yA, A.cells.length, yB, B.cells.length, 2), A.cells.length, B.cells.length, ot);
    const s = sampleInterpolant(yA, yB, 2, r.plan, alpha, count, seed);
    points = s.points;
    source = s.source;
    target = s.target;
    otInfo = { method: r.method, epsilon: r.epsilon, cost: r.plan.cost };
  } else {
    const pA = gatherRows(data.pcs, data.dim, A.cells);
    const pB = gatherRows(data.pcs, data.dim, B.cells);
    const r = transport(squaredEuclideanCost(pA, A.cells.length, pB, B.cells.length, data.dim), A.cells.length, B.cells.length, ot);
    const s = sampleInterpolant(pA, pB, data.dim, r.plan, alpha, count, seed);
    points = placeByKnn(s.points, count, data.pcs, data.n, data.dim, map.coords, 2, { k, decay });
    source = s.source;
    target = s.target;
    otInfo = { method: r.method, epsilon: r.epsilon, cost: r.plan.cost };
  }
  const ids = data.dataset.cellIds;
  const idOf = (level: TimeLevel, i: number): string => ids[data.keptCells[level.cells[i]!]!] ?? String(level.cells[i]);
  function* rows(): Generator<string> {
    yield 'sample,x,y,alpha,source_cell,target_cell\n';
    let chunk = '';
    for (let q = 0; q < count; q++) {
      chunk += `${q},${formatFloat64(points[q * 2]!)},${formatFloat64(points[q * 2 + 1]!)},${alpha},${csvField(idOf(A, source[q]!))},${csvField(idOf(B, target[q]!))}\n`;
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  const protectedPaths = [resolve(input)];
  await writeFileAtomic(output, rows(), { protectedPaths });
  const sidecar = {
    command: 'interpolate',
    input: resolve(input),
    output,
    time: { column: timeColumn, from: A.label, to: B.label, fromTime: A.time, toTime: B.time, timeSource: data.course.timeSource, nFrom: A.cells.length, nTo: B.cells.length },
    alpha,
    samples: count,
    space: space === 'map' ? 'OT in the 2-D map (squared Euclidean), displacement in the map' : 'OT in PC space (squared Euclidean), interpolated PC vectors placed into the map by kNN extension',
    ot: otInfo,
    pcs: data.pcaSource,
    map: { t: map.heat.t, tAuto: map.heat.tAuto, knn: map.params.knn, decay: map.params.decay, preset: map.params.preset, seed: map.params.seed, landmarks: map.landmarks },
  };
  await writeFileAtomic(sidecarPathFor(output), JSON.stringify(sidecar, null, 2) + '\n', { protectedPaths });
  if (!args.quiet) log(`isotherm: wrote ${output} (${count} cells at α = ${alpha} between ${A.label} and ${B.label})`);
}
