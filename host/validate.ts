/**
 * Validation of every IsothermApi call that arrives from outside the process (a browser over the
 * WebSocket of `isotherm serve`, the Electron window over IPC). Unknown methods, wrong types, out-of-range
 * numbers and unknown enum values are refused with an InputError naming the argument; parameter names and
 * ranges come from the parameter spec, paths go through host/paths.ts.
 */
import type { ColourBy, EmbedParams, InterpolateRequest, OpenOptions, TimeEvaluationRequest } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import { PCA_PARAM } from '../src-core/pipeline/params.js';
import { parseAppParams, parseValue } from '../src-core/pipeline/param-values.js';
import { checkedExportPath, checkedPath } from './paths.js';
import { validateAnalysisCall, type AnalysisCall } from './validate-analysis.js';

export type ApiCall =
  | { readonly method: 'listFiles'; readonly dir: string | undefined }
  | { readonly method: 'folders' }
  | { readonly method: 'open'; readonly path: string; readonly options: OpenOptions }
  | { readonly method: 'openDemo' }
  | { readonly method: 'reprocess'; readonly options: OpenOptions }
  | { readonly method: 'runCompare'; readonly params: Partial<EmbedParams> }
  | { readonly method: 'compareCoords' }
  | { readonly method: 'pcaCoords' }
  | { readonly method: 'describe' }
  | { readonly method: 'run'; readonly params: Partial<EmbedParams> }
  | { readonly method: 'cancel' }
  | { readonly method: 'subset'; readonly rows: Int32Array }
  | { readonly method: 'back' }
  | { readonly method: 'coords' }
  | { readonly method: 'colour'; readonly by: ColourBy }
  | { readonly method: 'searchGenes'; readonly query: string; readonly limit: number }
  | { readonly method: 'cellInfo'; readonly row: number }
  | { readonly method: 'exportCsv'; readonly path: string; readonly rows: Int32Array | undefined }
  | { readonly method: 'exportArrow'; readonly path: string; readonly rows: Int32Array | undefined }
  | { readonly method: 'exportH5ad'; readonly path: string }
  | { readonly method: 'exportSvg'; readonly path: string; readonly svg: string }
  | { readonly method: 'exportPng'; readonly path: string; readonly png: Uint8Array }
  | { readonly method: 'exportIds'; readonly path: string; readonly rows: Int32Array }
  | { readonly method: 'confirmOverwrite'; readonly path: string }
  | { readonly method: 'timeColumns' }
  | { readonly method: 'interpolate'; readonly request: InterpolateRequest }
  | { readonly method: 'exportInterpolation'; readonly path: string; readonly request: InterpolateRequest }
  | { readonly method: 'evaluateTime'; readonly request: TimeEvaluationRequest }
  | { readonly method: 'cancelEvaluation' }
  | AnalysisCall;

const MAX_SVG_BYTES = 64 * 1024 * 1024;
const MAX_TEXT = 4096;

function str(name: string, v: unknown, max = MAX_TEXT): string {
  if (typeof v !== 'string') throw new InputError(name, 'expected a string');
  if (v.length > max) throw new InputError(name, `longer than ${max} characters`);
  if (v.includes('\0')) throw new InputError(name, 'contains a NUL character');
  return v;
}

function num(name: string, v: unknown, min: number, max: number, integer = false): number {
  return parseValue({ kind: 'number', min, max, integer, words: [] }, v, name, 'json') as number;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  return parseValue({ kind: 'choice', values: allowed }, v, name, 'json') as T;
}

function rows(name: string, v: unknown): Int32Array {
  if (!(v instanceof Int32Array)) throw new InputError(name, 'expected an Int32Array of map rows');
  return v;
}

/** Embedding parameters: the names and ranges of the parameter spec (src-core/pipeline/params.ts). */
export function validateParams(v: unknown): Partial<EmbedParams> {
  return parseAppParams(v);
}

export function validateOpenOptions(v: unknown): OpenOptions {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new InputError('options', 'expected an object');
  const o: { pca?: OpenOptions['pca'] } = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === 'pca') o.pca = parseValue(PCA_PARAM.domain, value, 'options.pca', 'json') as OpenOptions['pca'];
    else throw new InputError(`options.${key}`, 'unknown option');
  }
  return o;
}

function fields(name: string, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(name, 'expected an object');
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw new InputError(`${name}.${key}`, 'unknown field');
  return o;
}

export function validateInterpolateRequest(v: unknown): InterpolateRequest {
  const o = fields('request', v, ['column', 'from', 'to', 'alpha', 'n', 'seed', 'space']);
  return {
    column: str('request.column', o.column, 1000),
    from: str('request.from', o.from, 1000),
    to: str('request.to', o.to, 1000),
    alpha: num('request.alpha', o.alpha, 0, 1),
    ...(o.n === undefined || o.n === null ? {} : { n: num('request.n', o.n, 1, 100000, true) }),
    ...(o.seed === undefined || o.seed === null ? {} : { seed: num('request.seed', o.seed, 0, 2 ** 31 - 1, true) }),
    ...(o.space === undefined || o.space === null ? {} : { space: oneOf('request.space', o.space, ['pcs', 'map'] as const) }),
  };
}

export function validateTimeEvaluationRequest(v: unknown): TimeEvaluationRequest {
  const o = fields('request', v, ['column', 'seeds', 'paper', 'times']);
  if (o.paper !== undefined && o.paper !== null && typeof o.paper !== 'boolean') throw new InputError('request.paper', 'expected true or false');
  return {
    column: str('request.column', o.column, 1000),
    ...(o.seeds === undefined || o.seeds === null ? {} : { seeds: num('request.seeds', o.seeds, 1, 20, true) }),
    ...(typeof o.paper === 'boolean' ? { paper: o.paper } : {}),
    ...(o.times === undefined || o.times === null ? {} : { times: times('request.times', o.times) }),
  };
}

/** A list of finite times (at most 10,000; order and count are checked against the column's levels later). */
function times(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length > 10_000) throw new InputError(name, 'expected a list of at most 10000 numbers');
  return v.map((x, i) => num(`${name}[${i}]`, x, -1e15, 1e15));
}

function colourBy(v: unknown): ColourBy {
  if (v === null || typeof v !== 'object') throw new InputError('colour', 'expected {obs} or {gene}');
  const o = v as Record<string, unknown>;
  if ('obs' in o && !('gene' in o)) return { obs: str('colour.obs', o.obs, 1000) };
  if ('gene' in o && !('obs' in o)) return { gene: str('colour.gene', o.gene, 1000) };
  throw new InputError('colour', 'expected exactly one of obs or gene');
}

export function validateCall(method: unknown, args: unknown): ApiCall {
  if (!Array.isArray(args)) throw new InputError('call', 'arguments must be an array');
  if (args.length > 3) throw new InputError('call', 'too many arguments');
  const a = args as unknown[];
  switch (method) {
    case 'listFiles': return { method, dir: a[0] === undefined || a[0] === null || a[0] === '' ? undefined : checkedPath('dir', a[0]) };
    case 'open': return { method, path: checkedPath('path', a[0]), options: validateOpenOptions(a[1]) };
    case 'reprocess': return { method, options: validateOpenOptions(a[0] ?? {}) };
    case 'runCompare': return { method, params: validateParams(a[0] ?? {}) };
    case 'openDemo':
    case 'folders':
    case 'pcaCoords':
    case 'compareCoords': return { method };
    case 'subset': return { method, rows: rows('rows', a[0]) };
    case 'back':
    case 'describe':
    case 'cancel':
    case 'coords': return { method };
    case 'run': return { method, params: validateParams(a[0] ?? {}) };
    case 'colour': return { method, by: colourBy(a[0]) };
    case 'searchGenes': return { method, query: str('query', a[0], 200), limit: a[1] === undefined || a[1] === null ? 50 : num('limit', a[1], 1, 500, true) };
    case 'cellInfo': return { method, row: num('row', a[0], 0, 2 ** 31 - 1, true) };
    case 'exportCsv': return { method, path: checkedExportPath('csv', a[0]), rows: a[1] === undefined || a[1] === null ? undefined : rows('rows', a[1]) };
    case 'exportArrow': return { method, path: checkedExportPath('arrow', a[0]), rows: a[1] === undefined || a[1] === null ? undefined : rows('rows', a[1]) };
    case 'exportH5ad': return { method, path: checkedExportPath('h5ad', a[0]) };
    case 'exportSvg': return { method, path: checkedExportPath('svg', a[0]), svg: str('svg', a[1], MAX_SVG_BYTES) };
    case 'exportPng': {
      if (!(a[1] instanceof Uint8Array)) throw new InputError('png', 'expected the image bytes (Uint8Array)');
      if (a[1].length > MAX_SVG_BYTES) throw new InputError('png', `larger than ${MAX_SVG_BYTES} bytes`);
      return { method, path: checkedExportPath('png', a[0]), png: a[1] };
    }
    case 'exportIds': return { method, path: checkedExportPath('ids', a[0]), rows: rows('rows', a[1]) };
    case 'confirmOverwrite': return { method, path: checkedPath('path', a[0]) };
    case 'timeColumns':
    case 'cancelEvaluation': return { method };
    case 'interpolate': return { method, request: validateInterpolateRequest(a[0]) };
    case 'exportInterpolation': return { method, path: checkedExportPath('csv', a[0]), request: validateInterpolateRequest(a[1]) };
    case 'evaluateTime': return { method, request: validateTimeEvaluationRequest(a[0]) };
    case 'cluster':
    case 'markers':
    case 'setSelections':
    case 'geneSetScore': return validateAnalysisCall(method, a);
    default: throw new InputError('call', `unknown method ${JSON.stringify(method)}`);
  }
}
