/**
 * The non-zero values of every gene within one group of cells, gene by gene (a transpose restricted
 * to the group's rows): values of gene j are values[ptr[j] .. ptr[j+1]). Zeros are not stored; the
 * rank test treats them as one tie group. Works on dense row-major and CSR matrices; non-finite values
 * and gene indices outside the matrix are InputErrors. Two passes over the group's entries (count,
 * then fill), written out without callbacks: this is the hot loop of the marker table.
 */
import { InputError } from '../errors.js';
import type { Matrix } from '../io/dataset.js';

export interface GeneValues {
  readonly nGenes: number;
  readonly nCells: number;
  readonly ptr: Float64Array;
  readonly values: Float32Array;
}

export function geneValues(x: Matrix, rows: Int32Array): GeneValues {
  const g = x.nCols;
  const ptr = new Float64Array(g + 1);
  scan(x, rows, ptr, null, null);
  for (let j = 0; j < g; j++) ptr[j + 1]! += ptr[j]!;
  const fill = ptr.slice(0, g);
  const values = new Float32Array(ptr[g]!);
  scan(x, rows, null, fill, values);
  return { nGenes: g, nCells: rows.length, ptr, values };
}

/** Counts non-zeros per gene into count[j + 1], or (count = null) writes them at fill[j]++. */
function scan(x: Matrix, rows: Int32Array, count: Float64Array | null, fill: Float64Array | null, out: Float32Array | null): void {
  const nCols = x.nCols;
  if (x.kind === 'dense') {
    const data = x.data;
    for (let q = 0; q < rows.length; q++) {
      const r = rows[q]!;
      const base = r * nCols;
      for (let j = 0; j < nCols; j++) {
        const v = data[base + j]!;
        if (v === 0) continue;
        if (count) {
          if (!Number.isFinite(v)) nonFinite(r, j, v);
          count[j + 1]!++;
        } else out![fill![j]!++] = v;
      }
    }
    return;
  }
  const { indptr, indices, data } = x;
  for (let q = 0; q < rows.length; q++) {
    const r = rows[q]!;
    for (let p = indptr[r]!, end = indptr[r + 1]!; p < end; p++) {
      const v = data[p]!;
      if (v === 0) continue;
      const j = indices[p]!;
      if (count) {
        if (!(j >= 0 && j < nCols)) throw new InputError('expression matrix', `cell ${r} has gene index ${j} outside [0, ${nCols})`);
        if (!Number.isFinite(v)) nonFinite(r, j, v);
        count[j + 1]!++;
      } else out![fill![j]!++] = v;
    }
  }
}

function nonFinite(r: number, j: number, v: number): never {
  throw new InputError('expression matrix', `cell ${r}, gene ${j} has the value ${v}; values must be finite`);
}
