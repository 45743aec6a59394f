/**
 * `isotherm interpolate INPUT --time COL --from A --to B --at F -o OUT.csv [...]`: the map of all cells,
 * OT between the cells of time points A and B, and N cells displaced a fraction F of the way
 * (docs/interpolation.md; the same interpolateOnMap as the app's Time panel, without its subsampling and
 * anchoring). Writes OUT.csv (sample, x, y, alpha, source_cell, target_cell) and OUT.json.
 */
import { resolve } from 'node:path';
import { InputError } from '../src-core/errors.js';
import { assertWritableDestination, sidecarPathFor, writeFileAtomic } from '../src-core/export/index.js';
import { writeInterpolationCsv } from '../src-core/export/interpolation-csv.js';
import { interpolateOnMap } from '../src-core/interpolate/on-map.js';
import { timePair } from '../src-core/interpolate/time-points.js';
import { resolveParams } from '../src-core/pipeline/params.js';
import { loadTimeCourse, mapOptions, parseOt, splitArgs } from './time-args.js';

type Print = (line: string) => void;

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
  // Both outputs are checked before the work: an output that may not be replaced fails at once.
  const replace = args.force ? 'any' : 'isotherm';
  for (const p of [output, sidecarPathFor(output)]) await assertWritableDestination(p, [resolve(input)], replace);

  const { workspace: ws, course } = await loadTimeCourse(args, timeColumn, values.get('--obsm-key'), log);
  const { from: A, to: B } = timePair(course, from, to, { from: '--from', to: '--to' });
  const nRaw = values.get('--n');
  const count = nRaw === undefined ? Math.max(1, Math.round((1 - alpha) * A.cells.length + alpha * B.cells.length)) : Number(nRaw);
  if (!(Number.isInteger(count) && count >= 1 && count <= 10_000_000)) throw new InputError('--n', `expected a positive integer, got '${nRaw}'`);

  const params = resolveParams(args.params);
  if (!args.quiet) log('isotherm: map of all cells…');
  const map = await ws.run(args.params);
  const X = ws.prep.matrix;
  const r = interpolateOnMap({
    pcs: X.data, n: X.nRows, dim: X.nCols, coords: map.coords, from: A, to: B, alpha, count, seed: params.seed, space,
    placeK: params.knn, placeDecay: params.decay, anchor: false, maxCells: Infinity, ot,
  });
  const protectedPaths = [resolve(input)];
  await writeInterpolationCsv(output, { coords: r.coords, alpha, source: r.source, target: r.target, cellId: (row) => ws.cellId(row) }, { protectedPaths, replace });
  const sidecar = {
    command: 'interpolate',
    input: resolve(input),
    output,
    time: { column: timeColumn, from: A.label, to: B.label, fromTime: A.time, toTime: B.time, timeSource: course.timeSource, nFrom: A.cells.length, nTo: B.cells.length },
    alpha,
    samples: count,
    space: space === 'map' ? 'OT in the 2-D map (squared Euclidean), displacement in the map' : 'OT in PC space (squared Euclidean), interpolated PC vectors placed into the map by kNN extension',
    ot: r.transport,
    pcs: ws.pcaSource(),
    map: { t: map.heat.t, tAuto: map.heat.tAuto, knn: map.params.knn, decay: map.params.decay, preset: map.params.preset, seed: map.params.seed, landmarks: map.landmarks },
  };
  await writeFileAtomic(sidecarPathFor(output), JSON.stringify(sidecar, null, 2) + '\n', { protectedPaths, replace });
  if (!args.quiet) log(`isotherm: wrote ${output} (${count} cells at α = ${alpha} between ${A.label} and ${B.label})`);
}
