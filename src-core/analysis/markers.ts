/**
 * Marker genes of a selection: for every gene, a Wilcoxon rank-sum test of group A against group B
 * (a second selection, or every other cell), Benjamini–Hochberg FDR over all genes, the log2 fold
 * change and the fraction of cells expressing (> 0) in each group. Default order: by score (z)
 * descending, i.e. genes most strongly higher in A first. Maths and conventions: docs/analysis.md §2.
 */
import { InputError } from '../errors.js';
import type { Matrix } from '../io/dataset.js';
import { benjaminiHochberg } from './fdr.js';
import { geneValues, type GeneValues } from './gene-values.js';
import { rowGroups } from './groups.js';
import { rankSumSorted } from './rank-sum.js';

/**
 * How the values relate to expression, which decides the fold change:
 *  'log1p'  — values are ln(1 + x) (log-normalised): fold change of the group means of expm1(value),
 *             i.e. of mean expression on the linear scale;
 *  'linear' — values are expression itself: fold change of the group means.
 */
export type ValueScale = 'log1p' | 'linear';

export interface MarkerOptions {
  readonly valueScale?: ValueScale;
  /** Added to both means before the ratio (default 1e-9), so a gene absent from one group stays finite. */
  readonly pseudocount?: number;
}

export interface MarkerRow {
  /** Column of the gene in the matrix. */
  readonly gene: number;
  readonly name: string;
  /** Tie- and continuity-corrected rank-sum z; > 0 means higher in A. */
  readonly score: number;
  /** Mann–Whitney U of A. */
  readonly u: number;
  readonly pValue: number;
  /** Benjamini–Hochberg adjusted p-value over all genes. */
  readonly pAdjusted: number;
  /** log2 of (mean A + ε)/(mean B + ε), on the scale given by `valueScale`. */
  readonly log2FoldChange: number;
  /** Mean of the values as stored (zeros included). */
  readonly meanA: number;
  readonly meanB: number;
  /** Fraction of cells with a value > 0. */
  readonly fractionA: number;
  readonly fractionB: number;
}

export interface MarkerTable {
  readonly rows: readonly MarkerRow[];
  readonly nA: number;
  readonly nB: number;
  /** 'rest' when B is every cell not in A. */
  readonly reference: 'rest' | 'selection';
  readonly valueScale: ValueScale;
}

export function rankMarkers(x: Matrix, featureNames: readonly string[], groupA: ArrayLike<number>, groupB: ArrayLike<number> | null, options: MarkerOptions = {}): MarkerTable {
  const valueScale = options.valueScale ?? 'log1p';
  const eps = options.pseudocount ?? 1e-9;
  if (featureNames.length !== x.nCols) throw new InputError('feature names', `${featureNames.length} names for ${x.nCols} genes`);
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new InputError('pseudocount', `must be a finite number ≥ 0, got ${eps}`);
  const groups = rowGroups(x.nRows, groupA, groupB);
  const a = geneValues(x, groups.rowsA);
  const b = geneValues(x, groups.rowsB);
  const nA = a.nCells;
  const nB = b.nCells;
  const g = x.nCols;
  const p = new Float64Array(g);
  const statsA = new Float64Array(3);
  const statsB = new Float64Array(3);
  const rows: Omit<MarkerRow, 'pAdjusted'>[] = [];
  for (let j = 0; j < g; j++) {
    const va = sortedGene(a, j);
    const vb = sortedGene(b, j);
    const r = rankSumSorted(va, nA, vb, nB);
    p[j] = r.p;
    geneStats(va, valueScale, statsA);
    geneStats(vb, valueScale, statsB);
    rows.push({
      gene: j,
      name: featureNames[j]!,
      score: r.z,
      u: r.u,
      pValue: r.p,
      log2FoldChange: Math.log2((statsA[1]! / nA + eps) / (statsB[1]! / nB + eps)),
      meanA: statsA[0]! / nA,
      meanB: statsB[0]! / nB,
      fractionA: statsA[2]! / nA,
      fractionB: statsB[2]! / nB,
    });
  }
  const q = benjaminiHochberg(p);
  const table = rows.map((row) => ({ ...row, pAdjusted: q[row.gene]! }));
  return { rows: sortMarkerRows(table, 'score', 'descending'), nA, nB, reference: groupB ? 'selection' : 'rest', valueScale };
}

export type MarkerSortKey = 'score' | 'pValue' | 'pAdjusted' | 'log2FoldChange' | 'fractionA' | 'fractionB' | 'meanA' | 'meanB' | 'name';

/** A sorted copy (the table's columns are sortable in the app); ties keep gene order. NaN sorts last. */
export function sortMarkerRows(rows: readonly MarkerRow[], key: MarkerSortKey, direction: 'ascending' | 'descending'): MarkerRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((x, y) => {
    if (key === 'name') return sign * x.name.localeCompare(y.name) || x.gene - y.gene;
    const vx = x[key];
    const vy = y[key];
    const nx = Number.isNaN(vx);
    const ny = Number.isNaN(vy);
    if (nx || ny) return nx === ny ? x.gene - y.gene : nx ? 1 : -1;
    return sign * (vx - vy) || x.gene - y.gene;
  });
}

/** The gene's non-zero values in the group, sorted ascending in place. */
function sortedGene(v: GeneValues, j: number): Float32Array {
  return v.values.subarray(v.ptr[j]!, v.ptr[j + 1]!).sort();
}

/** out = [sum of values, sum on the fold-change scale, count > 0]; values sorted, so expm1 runs once per distinct value. */
function geneStats(values: Float32Array, scale: ValueScale, out: Float64Array): void {
  let sum = 0;
  let linear = 0;
  let positive = 0;
  let last = NaN;
  let lastLinear = 0;
  for (let q = 0; q < values.length; q++) {
    const v = values[q]!;
    sum += v;
    if (v > 0) positive++;
    if (v !== last) {
      last = v;
      lastLinear = scale === 'log1p' ? Math.expm1(v) : v;
    }
    linear += lastLinear;
  }
  out[0] = sum;
  out[1] = linear;
  out[2] = positive;
}
