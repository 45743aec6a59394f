/** Validation of the analysis calls (cluster, markers, setSelections, geneSetScore) that arrive from outside the process. */
import type { ClusterRequest, GeneSetRequest, MarkerRequest, NamedSelectionRows } from '../src-core/api.js';
import { MAX_GENE_SET } from '../src-core/analysis/gene-set-score.js';
import { InputError } from '../src-core/errors.js';
import { parseValue } from '../src-core/pipeline/param-values.js';

export type AnalysisCall =
  | { readonly method: 'cluster'; readonly request: ClusterRequest }
  | { readonly method: 'markers'; readonly request: MarkerRequest }
  | { readonly method: 'setSelections'; readonly selections: readonly NamedSelectionRows[] }
  | { readonly method: 'geneSetScore'; readonly request: GeneSetRequest };

const MAX_SELECTIONS = 200;

function num(name: string, v: unknown, min: number, max: number, integer = false): number {
  return parseValue({ kind: 'number', min, max, integer, words: [] }, v, name, 'json') as number;
}

function object(name: string, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(name, 'expected an object');
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw new InputError(`${name}.${key}`, 'unknown field');
  return o;
}

function rows(name: string, v: unknown): Int32Array {
  if (!(v instanceof Int32Array)) throw new InputError(name, 'expected an Int32Array of map rows');
  return v;
}

const given = (v: unknown): boolean => v !== undefined && v !== null;

export function validateAnalysisCall(method: 'cluster' | 'markers' | 'setSelections' | 'geneSetScore', a: readonly unknown[]): AnalysisCall {
  if (method === 'geneSetScore') {
    const o = object('request', a[0], ['genes']);
    if (!Array.isArray(o.genes)) throw new InputError('request.genes', 'expected a list of gene names');
    if (o.genes.length > MAX_GENE_SET) throw new InputError('request.genes', `more than ${MAX_GENE_SET} genes`);
    const genes = (o.genes as unknown[]).map((g, i) => {
      if (typeof g !== 'string' || g === '' || g.length > 200 || g.includes('\0')) throw new InputError(`request.genes[${i}]`, 'expected a gene name of 1–200 characters');
      return g;
    });
    return { method, request: { genes } };
  }
  if (method === 'cluster') {
    const o = object('request', a[0], ['resolution', 'seed']);
    return { method, request: { resolution: num('request.resolution', o.resolution, 0.01, 20), ...(given(o.seed) ? { seed: num('request.seed', o.seed, 0, 2 ** 31 - 1, true) } : {}) } };
  }
  if (method === 'markers') {
    const o = object('request', a[0], ['rows', 'reference', 'limit']);
    return {
      method,
      request: {
        rows: rows('request.rows', o.rows),
        ...(given(o.reference) ? { reference: rows('request.reference', o.reference) } : {}),
        ...(given(o.limit) ? { limit: num('request.limit', o.limit, 1, 100000, true) } : {}),
      },
    };
  }
  if (!Array.isArray(a[0])) throw new InputError('selections', 'expected a list of {name, rows}');
  if (a[0].length > MAX_SELECTIONS) throw new InputError('selections', `more than ${MAX_SELECTIONS} selections`);
  const selections = (a[0] as unknown[]).map((s, i) => {
    const o = object(`selections[${i}]`, s, ['name', 'rows']);
    if (typeof o.name !== 'string' || o.name.trim() === '' || o.name.length > 200 || o.name.includes('\0')) throw new InputError(`selections[${i}].name`, 'expected a name of 1–200 characters');
    return { name: o.name, rows: rows(`selections[${i}].rows`, o.rows) };
  });
  return { method, selections };
}
