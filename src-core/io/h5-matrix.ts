/**
 * Matrices stored in HDF5 (AnnData X / layers / raw, 10x matrix groups), read in blocks into their
 * final arrays. Every length is taken from dataset headers and checked (against the declared shape,
 * against each other, against the file and the memory budget) before the arrays are allocated:
 * a `shape` attribute that claims 500 million rows over arrays of 100 entries is refused from the
 * headers alone. Values are checked as they stream in (indices in range, data finite).
 */
import { InputError } from '../errors.js';
import type { CsrMatrix, DenseMatrix } from './dataset.js';
import { sortAndMergeRows } from './coo.js';
import type { H5Dataset, H5Group } from './h5.js';
import { getEntity, isDataset, joinPath } from './h5.js';
import { checkDeclaredSize, describeDataset, forEachBlock, numericBlock, readChecked, readRows2d, readSlice1d, BLOCK_ELEMENTS } from './h5-read.js';
import type { ReadContext } from './read-control.js';
import { matrixFloat32, matrixInt32 } from '../compute/matrix-arrays.js';

/** The three arrays of a compressed sparse group, with their lengths from the headers. */
export interface CompressedLayout {
  readonly where: string;
  readonly data: H5Dataset;
  readonly indices: H5Dataset;
  readonly indptr: H5Dataset;
  readonly nnz: number;
}

function need1d(g: H5Group, name: string, where: string, file: string): { ds: H5Dataset; length: number } {
  const e = getEntity(g, name);
  if (!isDataset(e)) throw new InputError(file, `missing dataset ${joinPath(where, name)}`);
  const info = describeDataset(e, file);
  if (info.shape.length !== 1) throw new InputError(file, `${joinPath(where, name)} should be 1-D, has shape [${info.shape.join(', ')}]`);
  return { ds: e, length: info.shape[0]! };
}

/**
 * Checks a compressed group from headers only: `nOuter` pointers (+1), data and indices of one
 * length below 2^31, each within what the file can hold. Nothing is read.
 */
export function describeCompressed(g: H5Group, where: string, nOuter: number, outerLabel: 'rows' | 'columns', fileSize: number, file: string): CompressedLayout {
  const data = need1d(g, 'data', where, file);
  const indices = need1d(g, 'indices', where, file);
  const indptr = need1d(g, 'indptr', where, file);
  if (indptr.length !== nOuter + 1) {
    throw new InputError(file, `${where}/indptr has ${indptr.length} entries but the shape needs ${nOuter + 1} (one more than the ${nOuter} ${outerLabel})`);
  }
  if (indices.length !== data.length) throw new InputError(file, `${where}/indices has ${indices.length} entries but ${where}/data has ${data.length}`);
  if (data.length > 2 ** 31 - 1) throw new InputError(file, `${where} stores ${data.length} values, more than the supported 2^31 - 1`);
  for (const d of [data, indices, indptr]) checkDeclaredSize(d.ds, describeDataset(d.ds, file), fileSize, file);
  return { where, data: data.ds, indices: indices.ds, indptr: indptr.ds, nnz: data.length };
}

/** Reads and validates the pointer array (small: one entry per row or column). */
function readPointers(layout: CompressedLayout, nOuter: number, ctx: ReadContext, fileSize: number, file: string): Int32Array {
  const { where, nnz } = layout;
  const raw = numericBlock(readChecked(layout.indptr, ctx, fileSize, file), `${where}/indptr`, file);
  if (raw.length !== nOuter + 1) throw new InputError(file, `${where}/indptr: read ${raw.length} entries where ${nOuter + 1} were expected`);
  const out = matrixInt32(nOuter + 1);
  const first = Number(raw[0]!);
  if (first !== 0) throw new InputError(file, `${where}/indptr must start at 0, starts at ${first}`);
  for (let i = 1; i <= nOuter; i++) {
    const v = Number(raw[i]!);
    if (!(v >= out[i - 1]!)) throw new InputError(file, `${where}/indptr decreases at position ${i}`);
    if (v > nnz) throw new InputError(file, `${where}/indptr[${i}] = ${v} is past the ${nnz} stored values`);
    out[i] = v;
  }
  if (out[nOuter] !== nnz) throw new InputError(file, `${where}/indptr ends at ${out[nOuter]} but there are ${nnz} stored values`);
  return out;
}

function badIndex(file: string, where: string, p: number, j: number, nInner: number): InputError {
  return new InputError(file, `${where}/indices[${p}] = ${j} is outside 0..${nInner - 1}`);
}

function badValue(file: string, where: string, p: number, x: number): InputError {
  return new InputError(file, `${where}/data[${p}] = ${x} is not a finite 32-bit number`);
}

/** CSR group (rows × cols): pointers, then indices and data in blocks into the final arrays. */
export async function readCsrGroup(layout: CompressedLayout, nRows: number, nCols: number, ctx: ReadContext, fileSize: number, file: string): Promise<{ matrix: CsrMatrix; duplicatesSummed: number }> {
  const { where, nnz } = layout;
  ctx.budget.reserve(nnz * 8 + (nRows + 1) * 4, `${where} (${nRows} × ${nCols}, ${nnz} stored values)`);
  const indptr = readPointers(layout, nRows, ctx, fileSize, file);
  const indices = matrixInt32(nnz);
  const data = matrixFloat32(nnz);
  const total = Math.max(1, 2 * nnz);
  await forEachBlock(layout.indices, nnz, file, ctx, (done) => done / total, (v, start) => {
    for (let k = 0; k < v.length; k++) {
      const j = Number(v[k]!);
      if (!(j >= 0 && j < nCols && Number.isInteger(j))) throw badIndex(file, where, start + k, j, nCols);
      indices[start + k] = j;
    }
  });
  await forEachBlock(layout.data, nnz, file, ctx, (done) => (nnz + done) / total, (v, start) => {
    for (let k = 0; k < v.length; k++) {
      // values are stored as float32: a finite double beyond ±3.4e38 would become Infinity
      const x = Number(v[k]!);
      if (!Number.isFinite(Math.fround(x))) throw badValue(file, where, start + k, x);
      data[start + k] = x;
    }
  });
  const m = sortAndMergeRows(nRows, indptr, indices, data);
  return { matrix: { kind: 'csr', nRows, nCols, indptr: m.indptr, indices: m.indices, data: m.data }, duplicatesSummed: m.duplicates };
}

/**
 * CSC group (nRows × nCols stored by columns) → CSR by a counting transpose in two passes over the
 * row indices (count, then place), O(nnz + nRows + nCols); column indices come out sorted.
 */
export async function readCscGroupAsCsr(layout: CompressedLayout, nRows: number, nCols: number, ctx: ReadContext, fileSize: number, file: string): Promise<{ matrix: CsrMatrix; duplicatesSummed: number }> {
  const { where, nnz } = layout;
  ctx.budget.reserve(nnz * 8 + (nRows + 1) * 8 + (nCols + 1) * 4, `${where} (${nRows} × ${nCols}, ${nnz} stored values)`);
  const colptr = readPointers(layout, nCols, ctx, fileSize, file);
  const indptr = matrixInt32(nRows + 1);
  const total = Math.max(1, 3 * nnz);
  await forEachBlock(layout.indices, nnz, file, ctx, (done) => done / total, (v, start) => {
    for (let k = 0; k < v.length; k++) {
      const r = Number(v[k]!);
      if (!(r >= 0 && r < nRows && Number.isInteger(r))) throw badIndex(file, where, start + k, r, nRows);
      indptr[r + 1]!++;
    }
  });
  for (let i = 0; i < nRows; i++) indptr[i + 1]! += indptr[i]!;
  const next = indptr.slice(0, nRows);
  const indices = matrixInt32(nnz);
  const data = matrixFloat32(nnz);
  // place entries column by column: each block of values with the same block of row indices
  let j = 0;
  await forEachBlock(layout.data, nnz, file, ctx, (done) => (nnz + 2 * done) / total, (v, start) => {
    const rowBlock = numericBlock(readSlice1d(layout.indices, start, start + v.length, file), `${where}/indices`, file);
    if (rowBlock.length !== v.length) throw new InputError(file, `${where}/indices: read ${rowBlock.length} values where ${v.length} were expected`);
    for (let k = 0; k < v.length; k++) {
      const p = start + k;
      while (colptr[j + 1]! <= p) j++;
      const x = Number(v[k]!);
      if (!Number.isFinite(Math.fround(x))) throw badValue(file, where, p, x);
      const q = next[Number(rowBlock[k]!)]!++;
      indices[q] = j;
      data[q] = x;
    }
  });
  const m = sortAndMergeRows(nRows, indptr, indices, data);
  return { matrix: { kind: 'csr', nRows, nCols, indptr: m.indptr, indices: m.indices, data: m.data }, duplicatesSummed: m.duplicates };
}

/** Dense 2-D dataset read by row blocks into one Float32Array (values checked finite). */
export async function readDenseMatrix(ds: H5Dataset, where: string, ctx: ReadContext, fileSize: number, file: string): Promise<DenseMatrix> {
  const info = describeDataset(ds, file);
  if (info.shape.length !== 2) throw new InputError(file, `${where} should be a 2-D matrix, has shape [${info.shape.join(', ')}]`);
  const [r, c] = info.shape as [number, number];
  checkDeclaredSize(ds, info, fileSize, file);
  ctx.budget.reserve(r * c * 4, `${where} (${r} × ${c} dense)`);
  const data = await readRowBlocks(ds, r, c, where, ctx, file);
  return { kind: 'dense', nRows: r, nCols: c, data };
}

/** Rows of a 2-D numeric dataset into a Float32Array, in blocks; non-finite values are refused. */
export async function readRowBlocks(ds: H5Dataset, r: number, c: number, where: string, ctx: ReadContext, file: string, allowNonFinite = false): Promise<Float32Array> {
  if (r * c > 2 ** 32) throw new InputError(file, `${where}: ${r} × ${c} values are more than one array can hold`);
  const data = new Float32Array(r * c);
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(1, c)));
  for (let r0 = 0; r0 < r; r0 += rowsPerBlock) {
    const r1 = Math.min(r, r0 + rowsPerBlock);
    const v = numericBlock(readRows2d(ds, r0, r1, file), where, file);
    if (v.length !== (r1 - r0) * c) throw new InputError(file, `${where}: read ${v.length} values where ${(r1 - r0) * c} were expected`);
    const base = r0 * c;
    for (let k = 0; k < v.length; k++) {
      const x = Math.fround(Number(v[k]!));
      if (!allowNonFinite && !Number.isFinite(x)) throw new InputError(file, `${where} holds a non-finite value (${x}) at row ${r0 + Math.floor(k / c) + 1}, column ${(k % c) + 1}`);
      data[base + k] = x;
    }
    await ctx.progress.step(r1 / Math.max(1, r));
  }
  return data;
}
