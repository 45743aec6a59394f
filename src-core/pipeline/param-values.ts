/**
 * One check of a parameter value against its Domain (params.ts), for the command line (text, e.g.
 * `--knn 12`) and for calls from the app (JSON values, e.g. `{knn: 12}`). Every problem is an InputError
 * naming the flag or field. The messages keep each host's own wording: one-sided bounds on the command
 * line ("must be ≥ 2"), the whole range in the app ("must be between 2 and 200").
 */
import { InputError } from '../errors.js';
import { PARAMS, PARAM_NAMES, type Domain, type EmbedParams } from './params.js';

export type ValueSource = 'text' | 'json';

function shown(raw: unknown, source: ValueSource): string {
  return source === 'text' ? `'${String(raw)}'` : JSON.stringify(raw);
}

/** `raw` as a value of `domain` (a string of its choices or words, or a number in range). */
export function parseValue(domain: Domain, raw: unknown, name: string, source: ValueSource): string | number {
  if (domain.kind === 'choice') {
    if (typeof raw === 'string' && domain.values.includes(raw)) return raw;
    throw new InputError(name, `expected one of ${domain.values.join(', ')}, got ${shown(raw, source)}`);
  }
  if (typeof raw === 'string' && domain.words.includes(raw)) return raw;
  const v = source === 'text' && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(name, `expected a number, got ${shown(raw, source)}`);
  if (domain.integer && !Number.isInteger(v)) throw new InputError(name, `expected an integer, got ${source === 'text' ? shown(raw, source) : v}`);
  if (source === 'text') {
    if (v < domain.min) throw new InputError(name, `must be ≥ ${domain.min}, got ${String(raw)}`);
    if (v > domain.max) throw new InputError(name, `must be ≤ ${domain.max}, got ${String(raw)}`);
  } else if (v < domain.min || v > domain.max) throw new InputError(name, `must be between ${domain.min} and ${domain.max}, got ${v}`);
  return v;
}

/** The spec of `key` when it names a parameter the app may set, else null (also for inherited names such as 'constructor'). */
function appParam(key: string): (typeof PARAMS)[keyof EmbedParams] | null {
  if (!Object.hasOwn(PARAMS, key)) return null;
  const spec = PARAMS[key as keyof EmbedParams];
  return spec.app === false ? null : spec;
}

/** Parameters of a call from the app: known names only, each value checked (undefined fields are skipped). */
export function parseAppParams(v: unknown, name = 'params'): Partial<EmbedParams> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(name, 'expected an object');
  const p: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (value === undefined) continue;
    const spec = appParam(key);
    if (!spec) throw new InputError(`${name}.${key}`, 'unknown parameter');
    p[key] = parseValue(spec.domain, value, `${name}.${key}`, 'json');
  }
  return p as Partial<EmbedParams>;
}

/** Parameters given on the command line: `flags` maps a flag (e.g. '--knn') to its text. */
export function parseCliParams(flags: ReadonlyMap<string, string>): Partial<EmbedParams> {
  const p: Record<string, string | number> = {};
  for (const key of PARAM_NAMES) {
    const cli = PARAMS[key].cli;
    const raw = cli ? flags.get(cli.flag) : undefined;
    if (cli && raw !== undefined) p[key] = parseValue(PARAMS[key].domain, raw, cli.flag, 'text');
  }
  return p as Partial<EmbedParams>;
}

/** Command-line flags of the embedding parameters (each takes a value). */
export const PARAM_FLAGS: readonly string[] = PARAM_NAMES.flatMap((k) => (PARAMS[k].cli ? [PARAMS[k].cli!.flag] : []));

/** USAGE lines of the embedding parameters: `--knn K   neighbours … (default 10)`. */
export function paramUsage(indent: string): string[] {
  return PARAM_NAMES.flatMap((k) => {
    const s = PARAMS[k];
    if (!s.cli) return [];
    return [`${indent}${`${s.cli.flag} ${s.cli.value}`.padEnd(34)} ${s.help} (default ${String(s.default)})`];
  });
}
