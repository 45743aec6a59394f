/**
 * Write a NEW AnnData file (.h5ad, the current layout anndata ≥ 0.8 reads) for a data set that was not
 * read from one (CSV, 10x, Arrow, Parquet…): X as read (dense, or CSR as `csr_matrix`), the cell ids as the
 * obs index and the file's own annotation columns plus the app's (clusters, named selections, gene-set
 * score) as obs columns, the feature names as the var index, and the map as obsm/X_isotherm (NaN for cells
 * not on the map). Written to a temporary file and renamed into place (atomic-write.ts).
 *
 * X is left out above `MAX_X_BYTES` (its values are copied into h5wasm's heap, at most 2 GiB): the file then
 * holds the map and the annotations, and the report says so.
 */
import { resolve } from 'node:path';
import type { Group as H5Group } from 'h5wasm';
import type { Dataset, ObsColumn } from '../io/dataset.js';
import { withAtomicFile, type AtomicWriteOptions } from './atomic-write.js';
import { addObsColumns, countMissing, DEFAULT_OBSM_KEY, encodedAs, placeRows, type H5Lib } from './h5ad-write.js';

export interface NewH5adOptions extends AtomicWriteOptions {
  /** File row (cell) of each coordinate row, when only some cells were embedded; the others get NaN. */
  readonly rowIndex?: Int32Array;
  /** Columns added by the app, indexed by file row; a name the data set already has is skipped. */
  readonly obs?: readonly ObsColumn[];
}

export interface NewH5adReport {
  readonly path: string;
  readonly nCells: number;
  readonly missingCells: number;
  /** False when X was too large to write (see MAX_X_BYTES). */
  readonly wroteX: boolean;
  readonly obsColumns: readonly string[];
}

export const MAX_X_BYTES = 512 * 2 ** 20;

export async function writeNewH5ad(ds: Dataset, outputPath: string, coordinates: Float32Array | Float64Array, options: NewH5adOptions = {}): Promise<NewH5adReport> {
  if (coordinates.length % 2 !== 0) throw new Error(`coordinates must be n × 2, got ${coordinates.length} values`);
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  const n = ds.nCells;
  const values = placeRows(coordinates, n, options.rowIndex, ds.source.path);
  const own = new Set(ds.obs.map((c) => c.name));
  const columns = [...ds.obs, ...(options.obs ?? []).filter((c) => !own.has(c.name))];
  const xBytes = ds.X.kind === 'dense' ? ds.X.data.byteLength : ds.X.data.byteLength + ds.X.indices.byteLength + ds.X.indptr.byteLength;
  const wroteX = xBytes <= MAX_X_BYTES;
  return withAtomicFile(
    outputPath,
    async (tempPath) => {
      const file = new h5wasm.File(tempPath, 'w');
      try {
        encodedAs(file, 'anndata');
        dataframe(file.create_group('obs'), ds.cellIds);
        dataframe(file.create_group('var'), ds.featureNames);
        if (wroteX) writeX(file, ds);
        const obsm = encodedAs(file.create_group('obsm'), 'dict');
        encodedAs(obsm.create_dataset({ name: DEFAULT_OBSM_KEY, data: values, shape: [n, 2], dtype: '<f' }), 'array');
        for (const [key, m] of Object.entries(ds.obsm)) {
          if (key === DEFAULT_OBSM_KEY || !/^[A-Za-z0-9_.-]+$/.test(key)) continue;
          encodedAs(obsm.create_dataset({ name: key, data: m.data, shape: [m.nRows, m.nCols], dtype: '<f' }), 'array');
        }
        for (const name of ['layers', 'obsp', 'varm', 'varp', 'uns']) encodedAs(file.create_group(name), 'dict');
        const added = columns.length ? addObsColumns(h5wasm, file, columns, n, ds.source.path) : [];
        return { path: resolve(outputPath), nCells: n, missingCells: countMissing(values), wroteX, obsColumns: added };
      } finally {
        file.close();
      }
    },
    { protectedPaths: [ds.source.path, ...(options.protectedPaths ?? [])], ...(options.replace ? { replace: options.replace } : {}) },
  );
}

/** An AnnData dataframe with only its index (columns are added by addObsColumns). */
function dataframe(g: H5Group, index: readonly string[]): void {
  encodedAs(g, 'dataframe');
  g.create_attribute('_index', '_index');
  g.create_attribute('column-order', [] as string[]);
  encodedAs(g.create_dataset({ name: '_index', data: [...index] }), 'string-array');
}

function writeX(file: InstanceType<H5Lib['File']>, ds: Dataset): void {
  const x = ds.X;
  if (x.kind === 'dense') {
    encodedAs(file.create_dataset({ name: 'X', data: x.data, shape: [x.nRows, x.nCols], dtype: '<f' }), 'array');
    return;
  }
  const g = encodedAs(file.create_group('X'), 'csr_matrix');
  g.create_attribute('shape', new BigInt64Array([BigInt(x.nRows), BigInt(x.nCols)]), [2], '<q');
  g.create_dataset({ name: 'data', data: x.data, shape: [x.data.length], dtype: '<f' });
  g.create_dataset({ name: 'indices', data: x.indices, shape: [x.indices.length], dtype: '<i' });
  const indptr = x.indptr instanceof Int32Array ? x.indptr : BigInt64Array.from(x.indptr, (v) => BigInt(v));
  g.create_dataset({ name: 'indptr', data: indptr, shape: [indptr.length], dtype: x.indptr instanceof Int32Array ? '<i' : '<q' });
}
