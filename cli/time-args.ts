/**
 * What `isotherm interpolate` and `isotherm evaluate` share: their argument split (own flags vs the map
 * options of `embed`, validated by the embed parser so they mean exactly what they mean there), the OT
 * flags, and reading a time course (a Workspace plus its time column).
 */
import { InputError } from '../src-core/errors.js';
import type { TimeCourse } from '../src-core/interpolate/time-points.js';
import type { OtMethod } from '../src-core/interpolate/transport.js';
import { readDataset, Workspace } from '../src-core/workspace/workspace.js';
import { applyMemoryBudget, MAP_BOOL_FLAGS, MAP_VALUE_FLAGS, parseEmbedArgs, readOptions, startBackend, type EmbedArgs } from './args.js';

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
  readonly workspace: Workspace;
  readonly course: TimeCourse;
}

/** Reads INPUT with its time column (`--time`), its PCs (`--pca`, `--obsm-key`) and the time points. */
export async function loadTimeCourse(args: EmbedArgs, timeColumn: string, obsmKey: string | undefined, log: Print): Promise<LoadedCourse> {
  applyMemoryBudget(args);
  await startBackend(args);
  const loaded = await readDataset(args.input, readOptions(args, [timeColumn]));
  const { dataset } = loaded;
  if (!dataset.obs.some((c) => c.name === timeColumn)) {
    throw new InputError('--time', `no metadata column '${timeColumn}' in ${args.input} (have: ${dataset.obs.map((c) => c.name).join(', ') || 'none'})`);
  }
  if (obsmKey !== undefined && !dataset.obsm[obsmKey]) {
    throw new InputError('--obsm-key', `no obsm/${obsmKey} in ${args.input} (have: ${Object.keys(dataset.obsm).join(', ') || 'none'})`);
  }
  const workspace = Workspace.prepare(loaded, { pca: args.pca, ...(obsmKey !== undefined ? { obsmKey } : {}) });
  const X = workspace.prep.matrix;
  if (!args.quiet) log(`isotherm: ${X.nRows} cells × ${X.nCols} dimensions (${workspace.pcaSource()})`);
  const course = workspace.timeCourse(timeColumn, '--time');
  if (course.levels.length < 2) throw new InputError('--time', `column '${timeColumn}' has ${course.levels.length} time point(s); interpolation needs at least 2`);
  return { workspace, course };
}

export function parseOt(values: Map<string, string>): { method: OtMethod; relativeEpsilon: number } {
  const raw = values.get('--ot') ?? 'exact';
  if (raw !== 'exact' && raw !== 'sinkhorn' && raw !== 'auto') throw new InputError('--ot', `expected exact, sinkhorn or auto, got '${raw}'`);
  const epsRaw = values.get('--epsilon');
  const eps = epsRaw === undefined ? 0.01 : Number(epsRaw);
  if (!(eps > 0 && eps <= 10) || epsRaw?.trim() === '') throw new InputError('--epsilon', `expected a number in (0, 10] (relative to the largest cost), got '${epsRaw}'`);
  return { method: raw, relativeEpsilon: eps };
}
