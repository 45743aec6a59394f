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
import fs from 'node:fs';
import { InputError } from '../errors.js';
import type { CategoricalColumn, DenseMatrix, Matrix, ObsColumn } from './dataset.js';
import type { AnnotatedDataset } from './features.js';
import {
  asInputError, attrNumbers, attrString, attrStrings, attrValue, closeQuietly, getEntity, isDataset, isGroup, joinPath, openH5,
  requireDataset, toFloat64, toIndexArray, toStrings, type H5Dataset, type H5File, type H5Group,
} from './h5.js';
import { describeCompressed, readCscGroupAsCsr, readCsrGroup, readDenseMatrix, readRowBlocks } from './h5-matrix.js';
import { checkDeclaredSize, describeDataset, readChecked } from './h5-read.js';
import { makeUnique, requireUniqueCellIds } from './names.js';
import { defaultReadContext, type ReadContext } from './read-control.js';

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

export async function readH5ad(path: string, options: H5adOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  const f = await openH5(path);
  try {
    return await readOpenH5ad(f, path, options, ctx);
  } catch (e) {
    return asInputError(e, path);
  } finally {
    closeQuietly(f);
  }
}

/** Reads an .h5ad from an already opened HDF5 file (the caller closes it). */
export async function readOpenH5ad(f: H5File, path: string, options: H5adOptions, ctx: ReadContext): Promise<AnnotatedDataset> {
  const notes: string[] = [];
  const r: Reader = { f, path, ctx, fileSize: fs.statSync(path).size };
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

  // Every size is compared from the headers before the matrix is allocated or read.
  const plan = planMatrix(r, matrixPath);
  if (!isDataset(obsEntity) && !isGroup(obsEntity)) throw new InputError(path, '/obs is neither a group nor a dataset');
  const obsRows = frameRows(r, obsEntity, 'obs');
  if (obsRows !== plan.nRows) throw new InputError(path, `obs has ${obsRows} rows but ${matrixPath} has ${plan.nRows} rows`);
  const varEntity = getEntity(f, varPath);
  if (isDataset(varEntity) || isGroup(varEntity)) {
    const varRows = frameRows(r, varEntity, varPath);
    if (varRows !== plan.nCols) throw new InputError(path, `${varPath} has ${varRows} rows but ${matrixPath} has ${plan.nCols} columns`);
  }
  const X = await readPlannedMatrix(r, plan, notes);
  const obs = legacy ? readCompoundFrame(r, obsEntity as H5Dataset) : readGroupFrame(r, obsEntity as H5Group);
  let featureNames: readonly string[];
  let featureSymbols: readonly string[] | undefined;
  if (isDataset(varEntity)) featureNames = readCompoundFrame(r, varEntity, true).index;
  else if (isGroup(varEntity)) {
    featureNames = readGroupFrame(r, varEntity, true).index;
    try {
      featureSymbols = symbolColumn(readGroupFrame(r, varEntity).columns, featureNames);
    } catch (e) {
      // symbols are a convenience: an odd var column must not stop the read, but it is said
      if (!(e instanceof InputError)) throw e;
      notes.push(`gene symbols not read from ${varPath}: ${e.message}`);
      featureSymbols = undefined;
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

  const obsm = legacy ? await readCompoundObsm(r, X.nRows, notes) : await readGroupObsm(r, X.nRows, notes);
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

/** What one read needs besides the path: the open file, its size and the read's context. */
interface Reader {
  readonly f: H5File;
  readonly path: string;
  readonly ctx: ReadContext;
  readonly fileSize: number;
}

type MatrixPlan =
  | { readonly kind: 'dense'; readonly ds: H5Dataset; readonly where: string; readonly nRows: number; readonly nCols: number }
  | { readonly kind: 'csr' | 'csc'; readonly group: H5Group; readonly where: string; readonly nRows: number; readonly nCols: number };

/** Dense dataset, or a sparse group (current `encoding-type` or legacy `h5sparse_format`): kind and shape from headers. */
function planMatrix(r: Reader, name: string): MatrixPlan {
  const { f, path } = r;
  const e = getEntity(f, name);
  const where = `/${name}`;
  if (isDataset(e)) {
    const shape = describeDataset(e, path).shape;
    if (shape.length !== 2) throw new InputError(path, `${where} should be a 2-D matrix, has shape [${shape.join(', ')}]`);
    return { kind: 'dense', ds: e, where, nRows: shape[0]!, nCols: shape[1]! };
  }
  if (!isGroup(e)) throw new InputError(path, `missing ${where}`);
  const format = attrString(e, 'h5sparse_format', path);
  const enc = attrString(e, 'encoding-type', path) ?? (format ? `${format}_matrix` : undefined);
  if (enc !== 'csr_matrix' && enc !== 'csc_matrix') {
    throw new InputError(path, `${where} is a group with encoding '${enc ?? 'none'}': expected a dense array, csr_matrix or csc_matrix`);
  }
  const shape = attrNumbers(e, 'shape', path) ?? attrNumbers(e, 'h5sparse_shape', path);
  if (!shape || shape.length !== 2 || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new InputError(path, `${where} has no valid shape attribute`);
  }
  return { kind: enc === 'csr_matrix' ? 'csr' : 'csc', group: e, where, nRows: shape[0]!, nCols: shape[1]! };
}

async function readPlannedMatrix(r: Reader, plan: MatrixPlan, notes: string[]): Promise<Matrix> {
  const { path, ctx, fileSize } = r;
  if (plan.kind === 'dense') return readDenseMatrix(plan.ds, plan.where, ctx, fileSize, path);
  const csr = plan.kind === 'csr';
  const layout = describeCompressed(plan.group, plan.where, csr ? plan.nRows : plan.nCols, csr ? 'rows' : 'columns', fileSize, path);
  const res = csr
    ? await readCsrGroup(layout, plan.nRows, plan.nCols, ctx, fileSize, path)
    : await readCscGroupAsCsr(layout, plan.nRows, plan.nCols, ctx, fileSize, path);
  if (res.duplicatesSummed) notes.push(`${res.duplicatesSummed} repeated entries in ${plan.where} summed`);
  return res.matrix;
}

/** Rows of a dataframe (obs/var) from headers only: its index dataset's length. */
function frameRows(r: Reader, e: H5Dataset | H5Group, where: string): number {
  const { path } = r;
  if (isDataset(e)) {
    const shape = describeDataset(e, path).shape;
    if (shape.length !== 1) throw new InputError(path, `/${where} should be a 1-D table, has shape [${shape.join(', ')}]`);
    return shape[0]!;
  }
  const indexName = attrString(e, '_index', path) ?? '_index';
  const shape = describeDataset(requireDataset(e, indexName, path), path).shape;
  if (shape.length !== 1) throw new InputError(path, `${joinPath(e.path, indexName)} should be 1-D, has shape [${shape.join(', ')}]`);
  return shape[0]!;
}

/** A whole 1-D (or compound) dataset whose length must be `rows` (checked from its header first). */
function readColumn(r: Reader, ds: H5Dataset, rows: number | null, where: string): ReturnType<typeof readChecked> {
  if (rows !== null) {
    const shape = describeDataset(ds, r.path).shape;
    if (shape[0] !== rows) throw new InputError(r.path, `${where} has ${shape[0]} rows, expected ${rows}`);
  }
  return readChecked(ds, r.ctx, r.fileSize, r.path);
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

function isStringDataset(r: Reader, ds: H5Dataset): boolean {
  return describeDataset(ds, r.path).isString;
}

/** Current-layout dataframe group (obs or var). `indexOnly` skips the columns. */
function readGroupFrame(r: Reader, g: H5Group, indexOnly = false): Frame {
  const { path } = r;
  const indexName = attrString(g, '_index', path) ?? '_index';
  const index = toStrings(readColumn(r, requireDataset(g, indexName, path), null, `${g.path}/${indexName}`), `${g.path}/${indexName}`, path);
  if (indexOnly) return { index, columns: [] };
  const n = index.length;
  const order = attrStrings(g, 'column-order', path);
  const names = order && order.length ? order : g.keys().filter((k) => k !== indexName && k !== '__categories');
  const columns: ObsColumn[] = [];
  for (const name of names) {
    const e = getEntity(g, name);
    const where = joinPath(g.path, name);
    if (isGroup(e)) {
      const enc = attrString(e, 'encoding-type', path);
      if (enc === 'categorical') {
        const codes = Int32Array.from(toIndexArray(readColumn(r, requireDataset(e, 'codes', path), n, `${where}/codes`), `${where}/codes`, path));
        const cats = toStrings(readColumn(r, requireDataset(e, 'categories', path), null, `${where}/categories`), `${where}/categories`, path);
        columns.push(categorical(name, codes, cats, isTruthyAttr(attrString(e, 'ordered', path)), path, where));
      } else if (enc && enc.startsWith('nullable-')) {
        const values = toFloat64(readColumn(r, requireDataset(e, 'values', path), n, `${where}/values`), `${where}/values`, path);
        const maskE = getEntity(e, 'mask');
        if (isDataset(maskE)) {
          const mask = toFloat64(readColumn(r, maskE, n, `${where}/mask`), `${where}/mask`, path);
          for (let i = 0; i < values.length; i++) if (mask[i]) values[i] = NaN;
        }
        columns.push({ name, kind: 'numeric', values });
      }
      continue; // other encodings (e.g. nested dataframes) are not per-cell scalars
    }
    if (!isDataset(e)) continue;
    if (describeDataset(e, path).shape.length !== 1) continue;
    if (isStringDataset(r, e)) {
      columns.push(categoricalFromStrings(name, toStrings(readColumn(r, e, n, where), where, path)));
      continue;
    }
    const values = toFloat64(readColumn(r, e, n, where), where, path);
    // anndata 0.7 stored categorical codes as a plain dataset with a `categories` reference attribute
    if (attrValue(e, 'categories', path) !== undefined) {
      const catsE = getEntity(g, `__categories/${name}`);
      if (isDataset(catsE)) {
        const cats = toStrings(readColumn(r, catsE, null, `${where} categories`), `${where} categories`, path);
        columns.push(categorical(name, Int32Array.from(values), cats, isTruthyAttr(attrString(catsE, 'ordered', path)), path, where));
        continue;
      }
    }
    columns.push({ name, kind: 'numeric', values });
  }
  return { index, columns };
}

interface CompoundMemberInfo { name: string; type: number; shape?: number[] }

function compoundMembers(ds: H5Dataset, path: string): CompoundMemberInfo[] {
  let ct: { members: { name: string; type: number; array_type?: { type: number; shape?: number[] } }[] } | undefined;
  try {
    ct = ds.metadata.compound_type as typeof ct;
  } catch (e) {
    throw new InputError(path, `could not read the type of ${ds.path} (${e instanceof Error ? e.message : String(e)}): the file is corrupt`);
  }
  if (!ct || !Array.isArray(ct.members)) throw new InputError(path, `${ds.path} is not a compound dataset`);
  return ct.members.map((m) => {
    const shape = (m as unknown as { shape?: number[] }).shape;
    const arrayShape = m.array_type?.shape ?? undefined;
    return { name: m.name, type: m.array_type ? m.array_type.type : m.type, shape: arrayShape ?? shape ?? undefined } as CompoundMemberInfo;
  });
}

function compoundRows(r: Reader, ds: H5Dataset, rows: number | null): unknown[][] {
  const v = readColumn(r, ds, rows, ds.path);
  if (!Array.isArray(v)) throw new InputError(r.path, `${ds.path}: could not read the compound rows`);
  return v as unknown as unknown[][];
}

/** Legacy compound dataframe (obs or var); category names come from uns/<col>_categories. */
function readCompoundFrame(r: Reader, ds: H5Dataset, indexOnly = false): Frame {
  const { f, path } = r;
  const members = compoundMembers(ds, path);
  const rows = compoundRows(r, ds, null);
  let idx = members.findIndex((m) => m.name === 'index' || m.name === '_index');
  if (idx < 0) idx = members.findIndex((m) => m.type === 3);
  if (idx < 0) throw new InputError(path, `${ds.path} has no index field`);
  const index = rows.map((row) => String(row[idx]));
  if (indexOnly) return { index, columns: [] };
  const columns: ObsColumn[] = [];
  members.forEach((m, k) => {
    if (k === idx) return;
    const where = `${ds.path}.${m.name}`;
    if (m.type === 3) {
      columns.push(categoricalFromStrings(m.name, rows.map((row) => String(row[k]))));
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
      const cats = toStrings(readColumn(r, catsE, null, `/uns/${m.name}_categories`), `/uns/${m.name}_categories`, path);
      columns.push(categorical(m.name, Int32Array.from(values), cats, false, path, where));
    } else {
      columns.push({ name: m.name, kind: 'numeric', values });
    }
  });
  return { index, columns };
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

async function readGroupObsm(r: Reader, nCells: number, notes: string[]): Promise<Record<string, DenseMatrix>> {
  const { f, path, ctx, fileSize } = r;
  const out: Record<string, DenseMatrix> = {};
  const g = getEntity(f, 'obsm');
  if (!isGroup(g)) return out;
  for (const key of g.keys()) {
    const e = getEntity(g, key);
    if (!isDataset(e)) { notes.push(`obsm/${key} skipped (not a dense array)`); continue; }
    const info = describeDataset(e, path);
    const shape = info.shape;
    if (shape.length !== 2 && shape.length !== 1) { notes.push(`obsm/${key} skipped (shape [${shape.join(', ')}])`); continue; }
    if (info.isString || info.isCompound) { notes.push(`obsm/${key} skipped (not numeric)`); continue; }
    if (shape[0] !== nCells) throw new InputError(path, `/obsm/${key} has ${shape[0]} rows, expected ${nCells}`);
    const w = shape.length === 2 ? shape[1]! : 1;
    checkDeclaredSize(e, info, fileSize, path);
    ctx.budget.reserve(nCells * w * 4, `/obsm/${key} (${nCells} × ${w})`);
    const data = shape.length === 2
      ? await readRowBlocks(e, nCells, w, `/obsm/${key}`, ctx, path, true)
      : Float32Array.from(toFloat64(readChecked(e, ctx, fileSize, path), `/obsm/${key}`, path));
    // a map is drawn from these numbers: an embedding with NaN/Inf is left out, and said
    if (!allFinite(data)) { notes.push(`obsm/${key} skipped (holds non-finite values)`); ctx.budget.release(nCells * w * 4); continue; }
    out[key] = { kind: 'dense', nRows: nCells, nCols: w, data };
  }
  return out;
}

/** Legacy obsm: one compound dataset, each field a fixed-size array per row. */
function readCompoundObsm(r: Reader, nCells: number, notes: string[]): Record<string, DenseMatrix> | Promise<Record<string, DenseMatrix>> {
  const { f, path } = r;
  const out: Record<string, DenseMatrix> = {};
  const ds = getEntity(f, 'obsm');
  if (isGroup(ds)) return readGroupObsm(r, nCells, notes);
  if (!isDataset(ds)) return out;
  const members = compoundMembers(ds, path);
  const rows = compoundRows(r, ds, nCells);
  members.forEach((m, k) => {
    const first = rows[0]?.[k];
    const w = Array.isArray(first) || ArrayBuffer.isView(first) ? (first as ArrayLike<number>).length : 1;
    r.ctx.budget.check(nCells * w * 4, `/obsm.${m.name}`);
    const data = new Float32Array(nCells * w);
    for (let i = 0; i < nCells; i++) {
      const v = rows[i]![k];
      if (w === 1 && !(Array.isArray(v) || ArrayBuffer.isView(v))) data[i] = Number(v);
      else {
        const a = v as ArrayLike<number>;
        for (let j = 0; j < w; j++) data[i * w + j] = Number(a[j]);
      }
    }
    if (!allFinite(data)) { notes.push(`obsm.${m.name} skipped (holds non-finite values)`); return; }
    out[m.name] = { kind: 'dense', nRows: nCells, nCols: w, data };
  });
  return out;
}
