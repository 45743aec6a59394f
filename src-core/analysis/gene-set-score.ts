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
 * Two passes over the scored rows' entries and O(rows + genes) memory: pass 1 sums each gene's values
 * (shifted by its value in the first scored cell, so a constant gene's variance is exactly 0), pass 2 adds
 * x / σ to each cell's score, from a base of −Σ μ / σ (what every zero contributes). Sums in float64.
 */
export function geneSetScore(x: Matrix, rows: Int32Array, names: readonly string[], featureNames: readonly string[], symbols?: readonly string[]): GeneSetScore {
  if (names.length === 0) throw new InputError('gene set', 'the list is empty: paste gene names separated by commas, spaces or new lines');
  for (const r of rows) if (!(r >= 0 && r < x.nRows)) throw new InputError('gene set', `row ${r} is outside the matrix (${x.nRows} rows)`);
  const cols = matchGenes(names, featureNames, symbols);
  const notFound = names.filter((_, k) => cols[k]! < 0);
  // Distinct columns in list order (two names may find the same gene); slot[j] = its place, or −1.
  const slot = new Int32Array(x.nCols).fill(-1);
  const picked: number[] = [];
  for (const j of cols) if (j >= 0 && slot[j] === -1) { slot[j] = picked.length; picked.push(j); }
  const n = rows.length;
  const g = picked.length;
  const shift = new Float64Array(g);
  if (n > 0) forEachValue(x, rows[0]!, picked, slot, (k, v) => { shift[k] = v; });
  const s1 = new Float64Array(g);
  const s2 = new Float64Array(g);
  const seen = new Float64Array(g);
  for (let q = 0; q < n; q++) {
    forEachValue(x, rows[q]!, picked, slot, (k, v) => {
      const d = v - shift[k]!;
      s1[k]! += d;
      s2[k]! += d * d;
      seen[k]!++;
    });
  }
  const mean = new Float64Array(g);
  const sd = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    // Cells not visited (zeros of a sparse row) hold 0, i.e. −shift after shifting.
    const zeros = n - seen[k]!;
    const a1 = s1[k]! - zeros * shift[k]!;
    const a2 = s2[k]! + zeros * shift[k]! * shift[k]!;
    const m = a1 / Math.max(1, n);
    mean[k] = shift[k]! + m;
    sd[k] = Math.sqrt(Math.max(0, a2 / Math.max(1, n) - m * m));
  }
  const used: number[] = [];
  const constant: string[] = [];
  for (let k = 0; k < g; k++) {
    // Relative threshold: float32 storage leaves rounding-level spreads in "constant" genes.
    if (sd[k]! > 1e-9 * Math.max(1, Math.abs(mean[k]!))) used.push(k);
    else constant.push(featureNames[picked[k]!]!);
  }
  const values = new Float32Array(n);
  if (used.length === 0) values.fill(NaN);
  else {
    const inv = new Float64Array(g);
    let base = 0;
    for (const k of used) { inv[k] = 1 / sd[k]!; base -= mean[k]! * inv[k]!; }
    const acc = new Float64Array(1);
    for (let q = 0; q < n; q++) {
      acc[0] = base;
      forEachValue(x, rows[q]!, picked, slot, (k, v) => { acc[0]! += v * inv[k]!; });
      values[q] = acc[0]! / used.length;
    }
  }
  return { values, used: used.map((k) => featureNames[picked[k]!]!), notFound, constant };
}

/** Calls f(slot, value) for the picked genes' stored values in row r (every picked gene of a dense row; a CSR row's non-zeros). */
function forEachValue(x: Matrix, r: number, picked: readonly number[], slot: Int32Array, f: (k: number, v: number) => void): void {
  if (x.kind === 'dense') {
    const base = r * x.nCols;
    for (let k = 0; k < picked.length; k++) f(k, x.data[base + picked[k]!]!);
    return;
  }
  for (let p = x.indptr[r]!, end = x.indptr[r + 1]!; p < end; p++) {
    const j = x.indices[p]!;
    const k = j >= 0 && j < slot.length ? slot[j]! : -1;
    if (k >= 0) f(k, x.data[p]!);
  }
}
