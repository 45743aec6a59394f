/**
 * Gene-set score (issue 14, trap 5): for a pasted list of genes, each cell's mean over the genes found of
 * the gene's z-score across the cells, z = (x − mean) / sd (population sd over the scored cells), on the
 * normalised log expression. Genes not in the data are reported as not found; genes with the same value in
 * every scored cell (sd 0) have no z-score and are reported as constant. Maths: docs/analysis.md §4.
 */
import { InputError } from '../errors.js';
import type { Matrix } from '../io/dataset.js';

/** Most genes one list may name (a pasted list is a marker panel, not a genome). */
export const MAX_GENE_SET = 2000;

export interface GeneSetScore {
  /** Score of each scored cell (in the order of `rows`); NaN when no gene could be scored. */
  readonly values: Float32Array;
  /** The genes that entered the score, as the data names them, in list order. */
  readonly used: readonly string[];
  /** Names of the list that match no gene. */
  readonly notFound: readonly string[];
  /** Genes found but constant over the scored cells (left out: no z-score). */
  readonly constant: readonly string[];
}

/** Gene names from pasted text: separated by commas, semicolons, spaces or new lines; duplicates dropped. */
export function parseGeneList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const g = raw.replace(/^["']+|["']+$/g, '');
    if (g === '' || seen.has(g)) continue;
    seen.add(g);
    out.push(g);
  }
  if (out.length > MAX_GENE_SET) throw new InputError('gene set', `${out.length} genes: at most ${MAX_GENE_SET} per list`);
  return out;
}

/**
 * Column of each name: exact match with a feature name (or with `symbols`, when the names are ids), else a
 * case-insensitive match when that is unambiguous ("sftpc" finds "Sftpc"); -1 when none.
 */
export function matchGenes(names: readonly string[], featureNames: readonly string[], symbols?: readonly string[]): Int32Array {
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  const add = (name: string | undefined, j: number): void => {
    if (!name) return;
    if (!exact.has(name)) exact.set(name, j);
    const f = name.toLowerCase();
    const had = folded.get(f);
    folded.set(f, had === undefined || had === j ? j : -2);
  };
  featureNames.forEach((n, j) => add(n, j));
  symbols?.forEach((s, j) => add(s, j));
  return Int32Array.from(names, (g) => {
    const e = exact.get(g);
    if (e !== undefined) return e;
    const f = folded.get(g.toLowerCase());
    return f === undefined || f < 0 ? -1 : f;
  });
}

/**
 * The score of the cells `rows` (matrix rows) for the genes `names` (columns found by matchGenes).
 * Sums run in float64; one pass over each scored row's entries.
 */
export function geneSetScore(x: Matrix, rows: Int32Array, names: readonly string[], featureNames: readonly string[], symbols?: readonly string[]): GeneSetScore {
  if (names.length === 0) throw new InputError('gene set', 'the list is empty: paste gene names separated by commas, spaces or new lines');
  const cols = matchGenes(names, featureNames, symbols);
  const notFound = names.filter((_, k) => cols[k]! < 0);
  // Distinct columns, in list order (two names may find the same gene).
  const slot = new Map<number, number>();
  const picked: number[] = [];
  for (const j of cols) if (j >= 0 && !slot.has(j)) { slot.set(j, picked.length); picked.push(j); }
  const n = rows.length;
  const g = picked.length;
  const cell = new Float64Array(n * g);
  for (let q = 0; q < n; q++) {
    const r = rows[q]!;
    if (!(r >= 0 && r < x.nRows)) throw new InputError('gene set', `row ${r} is outside the matrix (${x.nRows} rows)`);
    if (x.kind === 'dense') {
      for (let k = 0; k < g; k++) cell[q * g + k] = x.data[r * x.nCols + picked[k]!]!;
    } else {
      for (let p = x.indptr[r]!, end = x.indptr[r + 1]!; p < end; p++) {
        const k = slot.get(x.indices[p]!);
        if (k !== undefined) cell[q * g + k] = x.data[p]!;
      }
    }
  }
  const mean = new Float64Array(g);
  const sd = new Float64Array(g);
  for (let q = 0; q < n; q++) for (let k = 0; k < g; k++) mean[k]! += cell[q * g + k]!;
  for (let k = 0; k < g; k++) mean[k] = mean[k]! / Math.max(1, n);
  for (let q = 0; q < n; q++) for (let k = 0; k < g; k++) { const d = cell[q * g + k]! - mean[k]!; sd[k]! += d * d; }
  for (let k = 0; k < g; k++) sd[k] = Math.sqrt(sd[k]! / Math.max(1, n));
  const usedK: number[] = [];
  const constant: string[] = [];
  for (let k = 0; k < g; k++) {
    // Relative threshold: float32 storage makes "constant" genes differ by rounding only.
    if (sd[k]! > 1e-12 * Math.max(1, Math.abs(mean[k]!))) usedK.push(k);
    else constant.push(featureNames[picked[k]!]!);
  }
  const values = new Float32Array(n);
  for (let q = 0; q < n; q++) {
    if (usedK.length === 0) { values[q] = NaN; continue; }
    let s = 0;
    for (const k of usedK) s += (cell[q * g + k]! - mean[k]!) / sd[k]!;
    values[q] = s / usedK.length;
  }
  return { values, used: usedK.map((k) => featureNames[picked[k]!]!), notFound, constant };
}
