/**
 * `isotherm evaluate INPUT --time COL [-o OUT.json] [...]`: withhold each interior time point, predict it
 * from its neighbours, score against the truth (docs/interpolation.md). Prints the table on stdout and
 * writes the full result as JSON (default: INPUT's name + .interpolation.json in the current folder).
 */
import { basename, resolve } from 'node:path';
import { InputError } from '../src-core/errors.js';
import { assertWritableDestination, writeFileAtomic } from '../src-core/export/index.js';
import { evaluateInterpolation } from '../src-core/interpolate/evaluate.js';
import { formatEvaluationTable } from '../src-core/interpolate/evaluation-table.js';
import { findTimeLevel } from '../src-core/interpolate/time-points.js';
import { checkEnoughCells, resolveParams } from '../src-core/pipeline/params.js';
import { loadTimeCourse, mapOptions, parseOt, splitArgs } from './time-args.js';

type Print = (line: string) => void;

const VALUE_FLAGS = new Set(['--time', '-o', '--output', '--seeds', '--withhold', '--ot', '--epsilon', '--obsm-key', '--place-k', '--sampling']);
const BOOL_FLAGS = new Set(['--all-pairs', '--no-paper']);

function parseSeeds(raw: string | undefined): number[] {
  if (raw === undefined) return [0, 1, 2, 3, 4];
  const list = raw.includes(',') ? raw.split(',').map((s) => s.trim()) : null;
  if (list) {
    const seeds = list.map(Number);
    if (seeds.some((s, i) => list[i] === '' || !Number.isInteger(s) || s < 0 || s > 2 ** 31 - 1)) throw new InputError('--seeds', `expected a count or a comma-separated list of integer seeds, got '${raw}'`);
    return seeds;
  }
  const count = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(count) || count < 1 || count > 1000) throw new InputError('--seeds', `expected a count (1–1000) or a comma-separated list of seeds, got '${raw}'`);
  return Array.from({ length: count }, (_, i) => i);
}

export async function runEvaluate(argv: readonly string[], out: Print, log: Print): Promise<void> {
  const { input, values, flags, rest } = splitArgs('evaluate', argv, VALUE_FLAGS, BOOL_FLAGS);
  const args = mapOptions(input, rest);
  const timeColumn = values.get('--time');
  if (!timeColumn) throw new InputError('--time', 'missing the time column (usage: isotherm evaluate INPUT --time COL [-o OUT.json])');
  const output = resolve(values.get('-o') ?? `${basename(input).replace(/\.[^.]*$/, '')}.interpolation.json`);
  if (output === resolve(input)) throw new InputError(values.get('-o') ?? output, 'the output would overwrite the input file');
  const seeds = parseSeeds(values.get('--seeds'));
  const ot = parseOt(values);
  const placeRaw = values.get('--place-k');
  const placeK = placeRaw === undefined ? undefined : Number(placeRaw);
  if (placeK !== undefined && !(Number.isInteger(placeK) && placeK >= 1 && placeK <= 200)) throw new InputError('--place-k', `expected an integer in 1–200, got '${placeRaw}'`);

  const sampling = values.get('--sampling') ?? 'systematic';
  if (sampling !== 'systematic' && sampling !== 'multinomial') throw new InputError('--sampling', `expected systematic or multinomial, got '${sampling}'`);

  await assertWritableDestination(output, [resolve(input)], args.force ? 'any' : 'isotherm');
  const { workspace: ws, course } = await loadTimeCourse(args, timeColumn, values.get('--obsm-key'), log);
  if (course.levels.length < 3) throw new InputError('--time', `column '${timeColumn}' has ${course.levels.length} time points; withholding one needs at least 3`);
  const withholdRaw = values.get('--withhold');
  const withhold = withholdRaw?.split(',').map((s) => s.trim()).filter((s) => s !== '').map((label) => {
    const level = findTimeLevel(course, label, '--withhold');
    const i = course.levels.indexOf(level);
    if (i === 0 || i === course.levels.length - 1) throw new InputError('--withhold', `'${label}' is the first or last time point: it has no neighbours on both sides`);
    return level.label;
  });
  const X = ws.prep.matrix;
  const k = resolveParams(args.params).knn;
  for (const level of course.levels) checkEnoughCells(X.nRows - level.cells.length, k, input, `left after withholding ${level.label}`);
  const result = await evaluateInterpolation(X.data, X.nRows, X.nCols, course, {
    seeds,
    ...(withhold ? { withhold } : {}),
    embed: args.params,
    ...(placeK !== undefined ? { placeK } : {}),
    ...(args.params.decay !== undefined ? { placeDecay: args.params.decay } : {}),
    otMethod: ot.method,
    relativeEpsilon: ot.relativeEpsilon,
    allPairs: flags.has('--all-pairs'),
    sampling,
    skipPaper: flags.has('--no-paper'),
    onProgress: (m) => {
      if (!args.quiet) log(`isotherm: ${m}`);
    },
  });
  out(formatEvaluationTable(result));
  const json = { command: 'evaluate', input: resolve(input), pcs: ws.pcaSource(), argv: [...argv], ...result };
  await writeFileAtomic(output, JSON.stringify(json, null, 2) + '\n', { protectedPaths: [resolve(input)], replace: args.force ? 'any' : 'isotherm' });
  if (!args.quiet) log(`isotherm: wrote ${output} (${result.withheld.length} withheld time point${result.withheld.length === 1 ? '' : 's'} × ${seeds.length} seeds, ${(result.timingsMs / 1000).toFixed(1)} s)`);
}
