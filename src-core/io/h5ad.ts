/**
 * AnnData .h5ad reader (h5wasm). Two on-disk layouts:
 *  - current (anndata ≥ 0.7; `encoding-type` attributes): obs/var are `dataframe` groups with an
 *    `_index` attribute naming the index dataset, categoricals are groups with `codes`/`categories`
 *    (+ `ordered`), obsm is a group of 2-D datasets; X / layers / raw/X are dense datasets or
 *    `csr_matrix` / `csc_matrix` groups.
 *  - legacy (anndata < 0.7, e.g. scanpy's pbmc68k_reduced): obs/var/obsm are HDF5 compound datasets,
 *    categorical codes live in the compound and their names in `uns/<col>_categories`; raw is
 *    `raw.X` / `raw.var`; sparse groups carry `h5sparse_format` / `h5sparse_shape`.
 * Every dataset's HDF5 filters are checked before it is read (see h5.ts).
 */
import { InputError } from '../errors.js';
import type { CategoricalColumn, DenseMatrix, Matrix, ObsColumn } from './dataset.js';
import type { AnnotatedDataset } from './features.js';
import {
  asInputError, attrNumbers, attrString, attrStrings, attrValue, closeQuietly, getEntity, isDataset, isGroup, joinPath, openH5, readValue,
  requireDataset, toFloat32, toFloat64, toIndexArray, toStrings, type H5Dataset, type H5File, type H5Group,
} from './h5.js';
import { makeUnique, requireUniqueCellIds } from './names.js';
import { cscToCsr, csrFromArrays, validateCompressed } from './sparse.js';

export interface H5adOptions {
  /** Read `layers/<layer>` instead of X. */
  readonly layer?: string;
  /** Read `raw/X` (legacy: `raw.X`) with the raw var names instead of X. */
  readonly useRaw?: boolean;
}

interface Frame {
  readonly index: string[];
  readonly columns: ObsColumn[];
}

export async function readH5ad(path: string, options: H5adOptions = {}): Promise<AnnotatedDataset> {
  const f = await openH5(path);
  try {
    return readOpenH5ad(f, path, options);
  } catch (e) {
    return asInputError(e, path);
  } finally {
    closeQuietly(f);
  }
}

/** Reads an .h5ad from an already opened HDF5 file (the caller closes it). */
export function readOpenH5ad(f: H5File, path: string, options: H5adOptions): AnnotatedDataset {
  const notes: string[] = [];
  const obsEntity = getEntity(f, 'obs');
  const legacy = isDataset(obsEntity);
  if (!obsEntity) throw new InputError(path, 'no obs in this HDF5 file: it is not an AnnData .h5ad (a 10x .h5 has a matrix/ group instead)');
  if (legacy) notes.push('legacy AnnData layout (anndata < 0.7): obs/var read from compound datasets');

  if (options.layer && options.useRaw) throw new InputError(path, 'choose either a layer or raw, not both');
  let matrixPath = 'X';
  let varPath = 'var';
  if (options.useRaw) {
    const rawX = getEntity(f, 'raw/X') ? 'raw/X' : getEntity(f, 'raw.X') ? 'raw.X' : null;
    if (!rawX) throw new InputError(path, 'this file has no raw matrix (raw/X); drop the raw option');
    matrixPath = rawX;
    varPath = rawX === 'raw/X' ? 'raw/var' : 'raw.var';
    notes.push(`matrix: ${rawX}`);
  } else if (options.layer) {
    const layers = getEntity(f, 'layers');
    const available = isGroup(layers) ? layers.keys() : [];
    if (!available.includes(options.layer)) {
      throw new InputError(path, `no layer '${options.layer}'; layers in this file: ${available.length ? available.join(', ') : '(none)'}`);
    }
    matrixPath = `layers/${options.layer}`;
    notes.push(`matrix: ${matrixPath}`);
  }

  const X = readMatrix(f, matrixPath, path);
  const obs = legacy ? readCompoundFrame(f, obsEntity as H5Dataset, path) : readGroupFrame(obsEntity as H5Group, path);
  const varEntity = getEntity(f, varPath);
  let featureNames: readonly string[];
  let featureSymbols: readonly string[] | undefined;
  if (isDataset(varEntity)) featureNames = readCompoundFrame(f, varEntity, path, true).index;
  else if (isGroup(varEntity)) {
    featureNames = readGroupFrame(varEntity, path, true).index;
    try {
      featureSymbols = symbolColumn(readGroupFrame(varEntity, path).columns, featureNames);
    } catch {
      featureSymbols = undefined; // symbols are a convenience: an odd var column must not stop the read
    }
  } else {
    featureNames = Array.from({ length: X.nCols }, (_, j) => String(j));
    notes.push(`no ${varPath}: features named by position`);
  }

  if (obs.index.length !== X.nRows) {
    throw new InputError(path, `obs has ${obs.index.length} rows but ${matrixPath} has ${X.nRows} rows`);
  }
  if (featureNames.length !== X.nCols) {
    throw new InputError(path, `${varPath} has ${featureNames.length} rows but ${matrixPath} has ${X.nCols} columns`);
  }
  requireUniqueCellIds(obs.index, path);
  const uniq = makeUnique(featureNames);
  if (uniq.renamed) notes.push(`${uniq.renamed} repeated feature names made unique (scanpy style: name-1, name-2…)`);

  const obsm = legacy ? readCompoundObsm(f, X.nRows, path, notes) : readGroupObsm(f, X.nRows, path, notes);
  return {
    nCells: X.nRows,
    nFeatures: X.nCols,
    X,
    cellIds: obs.index,
    featureNames: uniq.names,
    ...(featureSymbols ? { featureSymbols } : {}),
    obs: obs.columns,
    obsm,
    source: { path, format: 'h5ad', notes },
  };
}

/** var columns that hold gene symbols in common AnnData files (Monocle, scanpy, CELLxGENE). */
const SYMBOL_COLUMNS = ['gene_short_name', 'gene_symbols', 'gene_symbol', 'feature_name', 'gene_name', 'symbol', 'Symbol'];

/** The symbol column's values, when the index is something else (ids); undefined otherwise. */
function symbolColumn(columns: readonly ObsColumn[], index: readonly string[]): readonly string[] | undefined {
  for (const name of SYMBOL_COLUMNS) {
    const col = columns.find((c) => c.name === name);
    if (!col || col.kind !== 'categorical') continue;
    const values = Array.from(col.codes, (c) => (c >= 0 ? col.categories[c]! : ''));
    if (values.some((v, j) => v !== '' && v !== index[j])) return values;
  }
  return undefined;
}

/** Dense dataset, or a sparse group (current `encoding-type` or legacy `h5sparse_format`). */
function readMatrix(f: H5File, name: string, path: string): Matrix {
  const e = getEntity(f, name);
  const where = `/${name}`;
  if (isDataset(e)) {
    const shape = e.shape ?? [];
    if (shape.length !== 2) throw new InputError(path, `${where} should be a 2-D matrix, has shape [${shape.join(', ')}]`);
    const [r, c] = shape as [number, number];
    const data = toFloat32(readValue(e, path), where, path);
    if (data.length !== r * c) throw new InputError(path, `${where} holds ${data.length} values, expected ${r}×${c}`);
    return { kind: 'dense', nRows: r, nCols: c, data };
  }
  if (!isGroup(e)) throw new InputError(path, `missing ${where}`);
  const enc = attrString(e, 'encoding-type') ?? (attrString(e, 'h5sparse_format') ? `${attrString(e, 'h5sparse_format')}_matrix` : undefined);
  if (enc !== 'csr_matrix' && enc !== 'csc_matrix') {
    throw new InputError(path, `${where} is a group with encoding '${enc ?? 'none'}': expected a dense array, csr_matrix or csc_matrix`);
  }
  const shape = attrNumbers(e, 'shape') ?? attrNumbers(e, 'h5sparse_shape');
  if (!shape || shape.length !== 2 || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new InputError(path, `${where} has no valid shape attribute`);
  }
  const [nRows, nCols] = shape as [number, number];
  const data = toFloat32(readValue(requireDataset(e, 'data', path), path), `${where}/data`, path);
  const indices = toIndexArray(readValue(requireDataset(e, 'indices', path), path), `${where}/indices`, path);
  const indptr = toIndexArray(readValue(requireDataset(e, 'indptr', path), path), `${where}/indptr`, path);
  if (enc === 'csr_matrix') {
    validateCompressed(indptr, indices, data.length, nRows, nCols, where, path, 'rows');
    return csrFromArrays(nRows, nCols, indptr, indices, data).matrix;
  }
  validateCompressed(indptr, indices, data.length, nCols, nRows, where, path, 'columns');
  return cscToCsr(nRows, nCols, indptr, indices, data);
}

function categorical(name: string, codes: Int32Array, categories: string[], ordered: boolean, path: string, where: string): CategoricalColumn {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < -1 || c >= categories.length) {
      throw new InputError(path, `${where}: code ${c} at row ${i + 1} is outside the ${categories.length} categories`);
    }
  }
  return { name, kind: 'categorical', codes, categories, ordered };
}

/** Strings → categorical column, categories sorted (pandas' default for `astype('category')`). */
export function categoricalFromStrings(name: string, values: readonly string[]): CategoricalColumn {
  const cats = Array.from(new Set(values)).sort();
  const pos = new Map(cats.map((c, i) => [c, i] as const));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = pos.get(values[i]!)!;
  return { name, kind: 'categorical', codes, categories: cats, ordered: false };
}

function isTruthyAttr(v: string | undefined): boolean {
  return v === '1' || v === 'true' || v === 'True' || v === 'TRUE';
}

function isStringDataset(ds: H5Dataset): boolean {
  try { return ds.metadata.type === 3; } catch { return false; }
}

/** Current-layout dataframe group (obs or var). `indexOnly` skips the columns. */
function readGroupFrame(g: H5Group, path: string, indexOnly = false): Frame {
  const indexName = attrString(g, '_index') ?? '_index';
  const index = toStrings(readValue(requireDataset(g, indexName, path), path), `${g.path}/${indexName}`, path);
  if (indexOnly) return { index, columns: [] };
  const order = attrStrings(g, 'column-order');
  const names = order && order.length ? order : g.keys().filter((k) => k !== indexName && k !== '__categories');
  const columns: ObsColumn[] = [];
  for (const name of names) {
    const e = getEntity(g, name);
    const where = joinPath(g.path, name);
    if (isGroup(e)) {
      const enc = attrString(e, 'encoding-type');
      if (enc === 'categorical') {
        const codes = Int32Array.from(toIndexArray(readValue(requireDataset(e, 'codes', path), path), `${where}/codes`, path));
        const cats = toStrings(readValue(requireDataset(e, 'categories', path), path), `${where}/categories`, path);
        columns.push(categorical(name, codes, cats, isTruthyAttr(attrString(e, 'ordered')), path, where));
      } else if (enc && enc.startsWith('nullable-')) {
        const values = toFloat64(readValue(requireDataset(e, 'values', path), path), `${where}/values`, path);
        const maskE = getEntity(e, 'mask');
        if (isDataset(maskE)) {
          const mask = toFloat64(readValue(maskE, path), `${where}/mask`, path);
          for (let i = 0; i < values.length; i++) if (mask[i]) values[i] = NaN;
        }
        columns.push({ name, kind: 'numeric', values });
      }
      continue; // other encodings (e.g. nested dataframes) are not per-cell scalars
    }
    if (!isDataset(e)) continue;
    if ((e.shape ?? []).length !== 1) continue;
    if (isStringDataset(e)) {
      columns.push(categoricalFromStrings(name, toStrings(readValue(e, path), where, path)));
      continue;
    }
    const values = toFloat64(readValue(e, path), where, path);
    // anndata 0.7 stored categorical codes as a plain dataset with a `categories` reference attribute
    if (attrValue(e, 'categories') !== undefined) {
      const catsE = getEntity(g, `__categories/${name}`);
      if (isDataset(catsE)) {
        const cats = toStrings(readValue(catsE, path), `${where} categories`, path);
        columns.push(categorical(name, Int32Array.from(values), cats, isTruthyAttr(attrString(catsE, 'ordered')), path, where));
        continue;
      }
    }
    columns.push({ name, kind: 'numeric', values });
  }
  return { index, columns };
}

interface CompoundMemberInfo { name: string; type: number; shape?: number[] }

function compoundMembers(ds: H5Dataset, path: string): CompoundMemberInfo[] {
  const ct = ds.metadata.compound_type;
  if (!ct) throw new InputError(path, `${ds.path} is not a compound dataset`);
  return ct.members.map((m) => {
    const shape = (m as unknown as { shape?: number[] }).shape;
    const arrayShape = m.array_type?.shape ?? undefined;
    return { name: m.name, type: m.array_type ? m.array_type.type : m.type, shape: arrayShape ?? shape ?? undefined } as CompoundMemberInfo;
  });
}

function compoundRows(ds: H5Dataset, path: string): unknown[][] {
  const v = readValue(ds, path);
  if (!Array.isArray(v)) throw new InputError(path, `${ds.path}: could not read the compound rows`);
  return v as unknown as unknown[][];
}

/** Legacy compound dataframe (obs or var); category names come from uns/<col>_categories. */
function readCompoundFrame(f: H5File, ds: H5Dataset, path: string, indexOnly = false): Frame {
  const members = compoundMembers(ds, path);
  const rows = compoundRows(ds, path);
  let idx = members.findIndex((m) => m.name === 'index' || m.name === '_index');
  if (idx < 0) idx = members.findIndex((m) => m.type === 3);
  if (idx < 0) throw new InputError(path, `${ds.path} has no index field`);
  const index = rows.map((r) => String(r[idx]));
  if (indexOnly) return { index, columns: [] };
  const columns: ObsColumn[] = [];
  members.forEach((m, k) => {
    if (k === idx) return;
    const where = `${ds.path}.${m.name}`;
    if (m.type === 3) {
      columns.push(categoricalFromStrings(m.name, rows.map((r) => String(r[k]))));
      return;
    }
    if (m.shape && m.shape.length > 0 && m.shape.some((s) => s !== 1)) return; // array field: not a scalar column
    const values = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]![k];
      values[i] = typeof x === 'bigint' ? Number(x) : typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
    }
    const catsE = getEntity(f, `uns/${m.name}_categories`);
    if (isDataset(catsE)) {
      const cats = toStrings(readValue(catsE, path), `/uns/${m.name}_categories`, path);
      columns.push(categorical(m.name, Int32Array.from(values), cats, false, path, where));
    } else {
      columns.push({ name: m.name, kind: 'numeric', values });
    }
  });
  return { index, columns };
}

function readGroupObsm(f: H5File, nCells: number, path: string, notes: string[]): Record<string, DenseMatrix> {
  const out: Record<string, DenseMatrix> = {};
  const g = getEntity(f, 'obsm');
  if (!isGroup(g)) return out;
  for (const key of g.keys()) {
    const e = getEntity(g, key);
    if (!isDataset(e)) { notes.push(`obsm/${key} skipped (not a dense array)`); continue; }
    const shape = e.shape ?? [];
    if (shape.length !== 2 && shape.length !== 1) { notes.push(`obsm/${key} skipped (shape [${shape.join(', ')}])`); continue; }
    if (shape[0] !== nCells) throw new InputError(path, `/obsm/${key} has ${shape[0]} rows, expected ${nCells}`);
    const w = shape.length === 2 ? shape[1]! : 1;
    const data = toFloat32(readValue(e, path), `/obsm/${key}`, path);
    out[key] = { kind: 'dense', nRows: nCells, nCols: w, data };
  }
  return out;
}

/** Legacy obsm: one compound dataset, each field a fixed-size array per row. */
function readCompoundObsm(f: H5File, nCells: number, path: string, notes: string[]): Record<string, DenseMatrix> {
  const out: Record<string, DenseMatrix> = {};
  const ds = getEntity(f, 'obsm');
  if (isGroup(ds)) return readGroupObsm(f, nCells, path, notes);
  if (!isDataset(ds)) return out;
  const members = compoundMembers(ds, path);
  const rows = compoundRows(ds, path);
  if (rows.length !== nCells) throw new InputError(path, `/obsm has ${rows.length} rows, expected ${nCells}`);
  members.forEach((m, k) => {
    const first = rows[0]?.[k];
    const w = Array.isArray(first) || ArrayBuffer.isView(first) ? (first as ArrayLike<number>).length : 1;
    const data = new Float32Array(nCells * w);
    for (let i = 0; i < nCells; i++) {
      const v = rows[i]![k];
      if (w === 1 && !(Array.isArray(v) || ArrayBuffer.isView(v))) data[i] = Number(v);
      else {
        const a = v as ArrayLike<number>;
        for (let j = 0; j < w; j++) data[i * w + j] = Number(a[j]);
      }
    }
    out[m.name] = { kind: 'dense', nRows: nCells, nCols: w, data };
  });
  return out;
}
