/**
 * Write the map back into AnnData: a COPY of the input .h5ad with the coordinates added as
 * obsm/X_isotherm (n × 2 float32), which scanpy/anndata then read as adata.obsm['X_isotherm'].
 *
 * The input is never opened for writing: it is copied byte for byte to a temporary file beside the
 * destination, the copy is edited with h5wasm, closed, and renamed onto the destination.
 *
 * Layouts:
 * - current AnnData (≥ 0.7): obsm is a group; the new dataset gets encoding-type='array',
 *   encoding-version='0.2.0' (and obsm is created as a 'dict' group if the file has none).
 * - legacy AnnData (< 0.7, e.g. scanpy's pbmc68k_reduced): obsm is ONE compound dataset whose fields are
 *   the embeddings. Adding a field means rewriting that dataset under the same name, and h5wasm 0.10 cannot
 *   delete or rename HDF5 objects, so this is refused with an InputError that says how to convert the file.
 * - An existing obsm/<key> is overwritten in place when it is n × 2 float32 (re-running Isotherm on its own
 *   output); any other shape is refused for the same reason (it cannot be deleted).
 * - `obs` columns (the app's clusters, named selections, gene-set score) are added to the obs dataframe in
 *   AnnData's encoding (categorical: a group with codes and categories; numeric: a float64 array) and
 *   appended to its column-order; a name the file already has (or one HDF5/AnnData cannot take) gets a suffix.
 */
import { copyFile, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Group as H5Group, File as H5File } from 'h5wasm';
import { InputError } from '../errors.js';
import type { ObsColumn } from '../io/dataset.js';
import { withAtomicFile, type AtomicWriteOptions } from './atomic-write.js';

export interface H5adWriteOptions extends AtomicWriteOptions {
  /** obsm key. Default 'X_isotherm'. */
  readonly key?: string;
  /** File row (cell) of each coordinate row, when only some cells were embedded; the others get NaN. */
  readonly rowIndex?: Int32Array;
  /** Columns to add to obs, indexed by file row (current AnnData layout only). */
  readonly obs?: readonly ObsColumn[];
}

export interface H5adWriteReport {
  readonly path: string;
  readonly key: string;
  readonly nCells: number;
  /** Cells without coordinates (filled with NaN). */
  readonly missingCells: number;
  /** True when an existing obsm/<key> of the right shape was overwritten. */
  readonly replaced: boolean;
  /** The obs columns added. */
  readonly obsAdded: readonly string[];
}

export const DEFAULT_OBSM_KEY = 'X_isotherm';

export type H5Lib = (typeof import('h5wasm/node'))['default'];

/** AnnData's element encodings and the version of each that this writer produces. */
const ENCODING_VERSIONS = {
  anndata: '0.1.0', dict: '0.1.0', dataframe: '0.2.0', array: '0.2.0', 'string-array': '0.2.0', categorical: '0.2.0', csr_matrix: '0.1.0',
} as const;

/** Marks an HDF5 group or dataset as the AnnData element `type` (encoding-type and encoding-version); returns it. */
export function encodedAs<T extends { create_attribute(name: string, value: string): unknown }>(o: T, type: keyof typeof ENCODING_VERSIONS): T {
  o.create_attribute('encoding-type', type);
  o.create_attribute('encoding-version', ENCODING_VERSIONS[type]);
  return o;
}

export async function writeH5adWithEmbedding(
  inputPath: string,
  outputPath: string,
  coordinates: Float32Array | Float64Array,
  options: H5adWriteOptions = {},
): Promise<H5adWriteReport> {
  const key = options.key ?? DEFAULT_OBSM_KEY;
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new InputError(key, 'obsm key may only contain letters, digits, "_", "." and "-"');
  if (coordinates.length % 2 !== 0) throw new Error(`coordinates must be n × 2, got ${coordinates.length} values`);
  const { default: h5wasm } = await import('h5wasm/node');
  await h5wasm.ready;
  const protectedPaths = [inputPath, ...(options.protectedPaths ?? [])];
  return withAtomicFile(
    outputPath,
    async (tempPath) => {
      // COPYFILE_EXCL: the temp name is fresh; never clobber something that appeared there.
      await copyFile(inputPath, tempPath, constants.COPYFILE_EXCL);
      let file: H5File;
      try {
        file = new h5wasm.File(tempPath, 'a');
      } catch (e) {
        throw new InputError(inputPath, `cannot open as HDF5 (${(e as Error).message})`);
      }
      try {
        const nCells = cellCount(h5wasm, file, inputPath);
        const values = placeRows(coordinates, nCells, options.rowIndex, inputPath);
        const obsm = obsmGroup(h5wasm, file, inputPath);
        const replaced = writeArray(h5wasm, obsm, key, values, nCells, inputPath);
        const obsAdded = options.obs?.length ? addObsColumns(h5wasm, file, options.obs, nCells, inputPath) : [];
        return { path: resolve(outputPath), key, nCells, missingCells: countMissing(values), replaced, obsAdded };
      } finally {
        file.close();
      }
    },
    { protectedPaths, ...(options.replace ? { replace: options.replace } : {}) },
  );
}

/** Number of cells: the length of the obs index (current layout) or of X. */
function cellCount(lib: H5Lib, file: H5File, inputPath: string): number {
  const obs = file.get('obs');
  if (obs instanceof lib.Group) {
    const indexName = obs.attrs['_index']?.value;
    const index = typeof indexName === 'string' ? file.get(`obs/${indexName}`) : null;
    if (index instanceof lib.Dataset && index.shape && index.shape.length >= 1) return index.shape[0]!;
  }
  if (obs instanceof lib.Dataset && obs.shape && obs.shape.length === 1) return obs.shape[0]!;
  const x = file.get('X');
  if (x instanceof lib.Dataset && x.shape && x.shape.length === 2) return x.shape[0]!;
  if (x instanceof lib.Group) {
    const shape = x.attrs['shape']?.value ?? x.attrs['h5sparse_shape']?.value;
    if (shape && typeof shape === 'object' && 'length' in shape && shape.length === 2) return Number(shape[0]);
  }
  throw new InputError(inputPath, 'not an AnnData file: found neither obs nor X to count the cells');
}

function obsmGroup(lib: H5Lib, file: H5File, inputPath: string): H5Group {
  const obsm = file.get('obsm');
  if (obsm === null) {
    return encodedAs(file.create_group('obsm'), 'dict');
  }
  if (obsm instanceof lib.Group) return obsm;
  throw new InputError(
    inputPath,
    'obsm is a legacy AnnData (< 0.7) compound dataset, which cannot be extended in place here (h5wasm cannot delete or rename HDF5 objects); ' +
      'convert the file to the current layout first (in Python: anndata.read_h5ad(path).write_h5ad(new_path)) or export the map as CSV / Arrow / Parquet',
  );
}

/** Create obsm/<key> (or overwrite it when it already has the right shape). Returns whether it replaced one. */
function writeArray(lib: H5Lib, obsm: H5Group, key: string, values: Float32Array, nCells: number, inputPath: string): boolean {
  const existing = obsm.get(key);
  if (existing !== null) {
    const ds = existing instanceof lib.Dataset ? existing : null;
    const shape = ds?.shape ?? null;
    if (ds && shape && shape.length === 2 && shape[0] === nCells && shape[1] === 2 && ds.dtype === '<f') {
      ds.write_slice([[0, nCells], [0, 2]], values);
      return true;
    }
    throw new InputError(inputPath, `obsm/${key} already exists with another shape or type and cannot be replaced; choose another key`);
  }
  encodedAs(obsm.create_dataset({ name: key, data: values, shape: [nCells, 2], dtype: '<f' }), 'array');
  return false;
}

/** Adds `columns` to the obs dataframe group and to its column-order attribute; returns their names. */
export function addObsColumns(lib: H5Lib, file: H5File, columns: readonly ObsColumn[], nCells: number, inputPath: string): string[] {
  const obs = file.get('obs');
  if (!(obs instanceof lib.Group)) throw new InputError(inputPath, 'obs is a legacy AnnData (< 0.7) compound dataset: columns cannot be added to it here; export the map as CSV / Arrow, or convert the file first (anndata.read_h5ad(path).write_h5ad(new_path))');
  // HDF5 names cannot hold '/', AnnData reserves its index and '__categories', and an existing entry cannot
  // be deleted here: such a column is written under a free name ("name_2", …) instead
  const taken = new Set<string>(['_index', '__categories']);
  const index = obs.attrs['_index']?.value;
  if (typeof index === 'string') taken.add(index);
  const named: ObsColumn[] = [];
  for (const c of columns) {
    const n = c.kind === 'categorical' ? c.codes.length : c.values.length;
    if (n !== nCells) throw new Error(`obs column '${c.name}' has ${n} values for ${nCells} cells`);
    const base = c.name.replace(/[/\0]/g, '_').replace(/^\.+$/, '_') || '_';
    let name = base;
    for (let k = 2; taken.has(name) || obs.get(name) !== null; k++) name = `${base}_${k}`;
    taken.add(name);
    named.push({ ...c, name });
  }
  columns = named;
  for (const c of columns) {
    if (c.kind === 'categorical') {
      const g = encodedAs(obs.create_group(c.name), 'categorical');
      g.create_attribute('ordered', new Uint8Array([c.ordered ? 1 : 0]), [], '<B');
      g.create_dataset({ name: 'codes', data: Int32Array.from(c.codes), shape: [nCells], dtype: '<i' });
      encodedAs(g.create_dataset({ name: 'categories', data: [...c.categories] }), 'string-array');
    } else {
      encodedAs(obs.create_dataset({ name: c.name, data: Float64Array.from(c.values), shape: [nCells], dtype: '<d' }), 'array');
    }
  }
  const before = obs.attrs['column-order']?.value;
  const order = Array.isArray(before) ? before.map(String) : typeof before === 'string' ? [before] : [];
  if (before !== undefined) obs.delete_attribute('column-order');
  obs.create_attribute('column-order', [...order, ...columns.map((c) => c.name)]);
  return columns.map((c) => c.name);
}

/** n_file × 2 float32 with the embedded rows in place and NaN for cells that were not embedded. */
export function placeRows(coordinates: Float32Array | Float64Array, nCells: number, rowIndex: Int32Array | undefined, inputPath: string): Float32Array {
  const n = coordinates.length / 2;
  if (!rowIndex) {
    if (n !== nCells) throw new InputError(inputPath, `the map has ${n} cells but the file has ${nCells}`);
    return coordinates instanceof Float32Array ? coordinates : Float32Array.from(coordinates);
  }
  if (rowIndex.length !== n) throw new Error(`rowIndex has ${rowIndex.length} entries for ${n} coordinate rows`);
  const out = new Float32Array(nCells * 2).fill(NaN);
  for (let r = 0; r < n; r++) {
    const i = rowIndex[r]!;
    if (i < 0 || i >= nCells) throw new Error(`rowIndex[${r}] = ${i} is outside the file's ${nCells} cells`);
    out[2 * i] = coordinates[2 * r]!;
    out[2 * i + 1] = coordinates[2 * r + 1]!;
  }
  return out;
}

export function countMissing(values: Float32Array): number {
  let missing = 0;
  for (let i = 0; i < values.length; i += 2) if (Number.isNaN(values[i]!)) missing++;
  return missing;
}
