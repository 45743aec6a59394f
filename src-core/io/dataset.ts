/**
 * The one in-memory model every reader produces and every stage consumes.
 * Columnar and typed: matrices are flat typed arrays (row-major dense or CSR), metadata columns are
 * typed per column. Rows are cells, columns are features (genes / PCs), whatever the file stored.
 */

/** Row-major dense matrix: entry (i, j) is data[i * nCols + j]. */
export interface DenseMatrix {
  readonly kind: 'dense';
  readonly nRows: number;
  readonly nCols: number;
  readonly data: Float32Array;
}

/** Compressed sparse rows: row i holds indices[indptr[i] .. indptr[i+1]) with values in data. */
export interface CsrMatrix {
  readonly kind: 'csr';
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array | Float64Array;
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

export type Matrix = DenseMatrix | CsrMatrix;

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric';
  /** NaN marks a missing value. */
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly kind: 'categorical';
  /** Index into `categories`; -1 marks a missing value. */
  readonly codes: Int32Array;
  readonly categories: readonly string[];
  readonly ordered: boolean;
}

export type ObsColumn = NumericColumn | CategoricalColumn;

export interface DatasetSource {
  /** Path (or name) the data came from, used in every message about it. */
  readonly path: string;
  /** Detected format, e.g. 'csv', 'h5ad', '10x-mtx', 'arrow-ipc', 'parquet'. */
  readonly format: string;
  /** Free-form notes the reader wants recorded in the sidecar (e.g. "dropped 1 all-zero cell"). */
  readonly notes: readonly string[];
}

export interface Dataset {
  readonly nCells: number;
  readonly nFeatures: number;
  readonly X: Matrix;
  readonly cellIds: readonly string[];
  readonly featureNames: readonly string[];
  readonly obs: readonly ObsColumn[];
  /** Precomputed per-cell embeddings (e.g. X_pca), each nCells rows. */
  readonly obsm: Readonly<Record<string, DenseMatrix>>;
  readonly source: DatasetSource;
}

export function denseMatrix(nRows: number, nCols: number, data?: Float32Array): DenseMatrix {
  const d = data ?? new Float32Array(nRows * nCols);
  if (d.length !== nRows * nCols) throw new Error(`dense matrix ${nRows}x${nCols} needs ${nRows * nCols} values, got ${d.length}`);
  return { kind: 'dense', nRows, nCols, data: d };
}

/** A dense row-major copy; callers use it only when the matrix is known to be small. */
export function toDense(m: Matrix): DenseMatrix {
  if (m.kind === 'dense') return m;
  const out = new Float32Array(m.nRows * m.nCols);
  for (let i = 0; i < m.nRows; i++) {
    const base = i * m.nCols;
    for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) out[base + m.indices[p]!] = m.data[p]!;
  }
  return denseMatrix(m.nRows, m.nCols, out);
}
