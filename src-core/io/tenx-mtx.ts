/**
 * 10x Genomics / Cell Ranger matrix folders and bare MatrixMarket files.
 *  - v3: matrix.mtx.gz + features.tsv.gz (id, symbol, type) + barcodes.tsv.gz
 *  - v1/v2: matrix.mtx + genes.tsv (id, symbol) + barcodes.tsv (gzip or not, either way)
 * The file stores genes × cells; the Dataset is cells × genes (CSR), built while streaming.
 * Feature names are the symbols made unique scanpy-style (the 2nd `Rp1` becomes `Rp1-1`); the ids
 * (e.g. ENSMUSG…) stay strings in `featureIds`. When features carry several types, only
 * "Gene Expression" is kept (scanpy's `gex_only=True`), with a note.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError } from '../errors.js';
import type { CsrMatrix } from './dataset.js';
import type { AnnotatedDataset } from './features.js';
import { DEFAULT_GUNZIP_LIMITS, gunzipStream, maybeGunzipSmall } from './gzip.js';
import { fileChunks, readHead, type ByteCounter } from './file-source.js';
import { MtxParser, type MtxOptions, type MtxSize } from './mtx.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { isGzip } from './sniff.js';
import { makeUnique, numberedNames, requireUniqueCellIds } from './names.js';
import { selectCsrColumns } from './sparse.js';

export interface TenxFolderOptions {
  /** For a folder holding one sub-folder per genome (Cell Ranger 1/2), which one to read. */
  readonly genome?: string;
}

export interface FeatureTable {
  readonly ids: string[];
  readonly names: string[];
  readonly types: string[] | null;
}

/** Largest barcodes/features file (decompressed): 1 GiB is ~30 million barcodes. */
const MAX_SIDE_FILE = 1 << 30;

function readText(path: string): string {
  const size = fs.statSync(path).size;
  if (size > MAX_SIDE_FILE) throw new InputError(path, `${size} bytes is too large for a barcodes/features list (at most ${MAX_SIDE_FILE})`);
  const bytes = new Uint8Array(fs.readFileSync(path));
  if (bytes.length === 0) throw new InputError(path, 'the file is empty');
  const plain = maybeGunzipSmall(bytes, path, MAX_SIDE_FILE);
  if (/\.gz$/i.test(path) && plain === bytes) {
    throw new InputError(path, 'named .gz but is not gzip data (the gzip magic bytes 1f 8b are missing)');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new InputError(path, 'not valid UTF-8 text');
  }
}

function lines(text: string): string[] {
  const out = text.split('\n');
  for (let i = 0; i < out.length; i++) if (out[i]!.endsWith('\r')) out[i] = out[i]!.slice(0, -1);
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

export function parseBarcodes(text: string, path: string): string[] {
  const ids = lines(text).map((l) => l.split('\t')[0]!);
  ids.forEach((id, i) => { if (id === '') throw new InputError(path, `line ${i + 1} is empty: every line must hold a barcode`); });
  return ids;
}

export function parseFeatures(text: string, path: string): FeatureTable {
  const ids: string[] = [], names: string[] = [], types: string[] = [];
  let nTypes = 0;
  lines(text).forEach((l, i) => {
    const f = l.split('\t');
    if (f[0] === undefined || f[0] === '') throw new InputError(path, `line ${i + 1} has no feature id`);
    ids.push(f[0]);
    names.push(f[1] !== undefined && f[1] !== '' ? f[1] : f[0]);
    if (f[2] !== undefined) { types.push(f[2]); nTypes++; } else types.push('');
  });
  return { ids, names, types: nTypes ? types : null };
}

/**
 * Applies scanpy's conventions to a cells × features CSR: keep only Gene Expression features when
 * several types are present, make symbols unique. Shared by the folder and the .h5 readers.
 */
export function finishTenx(
  path: string, format: string, matrix: CsrMatrix, barcodes: readonly string[], features: FeatureTable, notes: string[],
): AnnotatedDataset {
  requireUniqueCellIds(barcodes, path);
  let X = matrix;
  let { ids, names } = features;
  let types = features.types;
  if (types && new Set(types).size > 1 && types.includes('Gene Expression')) {
    const keep = types.map((t) => t === 'Gene Expression');
    const dropped = keep.filter((k) => !k).length;
    X = selectCsrColumns(X, keep);
    ids = ids.filter((_, j) => keep[j]);
    names = names.filter((_, j) => keep[j]);
    types = types.filter((_, j) => keep[j]);
    notes.push(`kept the ${ids.length} 'Gene Expression' features, dropped ${dropped} of other types (scanpy gex_only)`);
  }
  const uniq = makeUnique(names);
  if (uniq.renamed) notes.push(`${uniq.renamed} repeated gene symbols made unique scanpy-style (second 'X' becomes 'X-1'); ids kept in featureIds`);
  return {
    nCells: X.nRows,
    nFeatures: X.nCols,
    X,
    cellIds: barcodes,
    featureNames: uniq.names,
    featureIds: ids,
    ...(types ? { featureTypes: types } : {}),
    obs: [],
    obsm: {},
    source: { path, format, notes },
  };
}

function firstExisting(dir: string, names: readonly string[]): string | null {
  for (const n of names) {
    const p = nodePath.join(dir, n);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const MATRIX_NAMES = ['matrix.mtx.gz', 'matrix.mtx'];
const BARCODE_NAMES = ['barcodes.tsv.gz', 'barcodes.tsv'];
const FEATURE_NAMES = ['features.tsv.gz', 'features.tsv', 'genes.tsv.gz', 'genes.tsv'];

/** The folder holding matrix.mtx(.gz): `dir` itself, or its genome sub-folder (Cell Ranger 1/2). */
export function resolveTenxFolder(dir: string, options: TenxFolderOptions = {}): string {
  if (firstExisting(dir, MATRIX_NAMES)) return dir;
  const subs = fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && firstExisting(nodePath.join(dir, d.name), MATRIX_NAMES))
    .map((d) => d.name)
    .sort();
  if (subs.length === 0) {
    throw new InputError(dir, 'a directory without matrix.mtx(.gz): expected a 10x folder with matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz');
  }
  if (options.genome) {
    if (!subs.includes(options.genome)) throw new InputError(dir, `no genome '${options.genome}' here; genomes: ${subs.join(', ')}`);
    return nodePath.join(dir, options.genome);
  }
  if (subs.length > 1) throw new InputError(dir, `several genomes (${subs.join(', ')}): choose one with the genome option`);
  return nodePath.join(dir, subs[0]!);
}

/** Reads a Cell Ranger matrix folder (v1/v2 or v3). */
export async function readTenxFolder(dir: string, options: TenxFolderOptions = {}, ctx: ReadContext = defaultReadContext(dir)): Promise<AnnotatedDataset> {
  const folder = resolveTenxFolder(dir, options);
  const matrixPath = firstExisting(folder, MATRIX_NAMES)!;
  const barcodesPath = firstExisting(folder, BARCODE_NAMES);
  const featuresPath = firstExisting(folder, FEATURE_NAMES);
  if (!barcodesPath) throw new InputError(folder, 'missing barcodes.tsv(.gz) next to the matrix');
  if (!featuresPath) throw new InputError(folder, 'missing features.tsv(.gz) (or genes.tsv) next to the matrix');
  const barcodes = parseBarcodes(readText(barcodesPath), barcodesPath);
  const features = parseFeatures(readText(featuresPath), featuresPath);
  const notes: string[] = [];
  if (folder !== dir) notes.push(`read genome folder ${nodePath.basename(folder)}`);
  const matrix = await readTenxMatrix(matrixPath, (size) => {
    if (size.nCols !== barcodes.length) {
      throw new InputError(matrixPath, `the header says ${size.nCols} cells (columns) but ${nodePath.basename(barcodesPath)} lists ${barcodes.length} barcodes`);
    }
    if (size.nRows !== features.ids.length) {
      throw new InputError(matrixPath, `the header says ${size.nRows} genes (rows) but ${nodePath.basename(featuresPath)} lists ${features.ids.length} features`);
    }
  }, notes, ctx);
  return finishTenx(folder, '10x-mtx', matrix, barcodes, features, notes);
}

/** Streams a genes × cells .mtx(.gz) file into a cells × genes CSR, never holding the file or its text whole. */
export async function readTenxMatrix(path: string, onSize: ((s: MtxSize) => void) | undefined, notes: string[], ctx: ReadContext): Promise<CsrMatrix> {
  const size = fs.statSync(path).size;
  if (size === 0) throw new InputError(path, 'the file is empty');
  const gz = isGzip(readHead(path, 2));
  if (/\.gz$/i.test(path) && !gz) {
    throw new InputError(path, 'named .gz but is not gzip data (the gzip magic bytes 1f 8b are missing)');
  }
  const counter: ByteCounter = { bytes: 0 };
  const raw = fileChunks(path, counter);
  const chunks = gz ? gunzipStream(raw, path) : raw;
  // each entry line takes at least 4 bytes ("1 1\n"); gzip can shrink text at most maxRatio-fold
  const capacity: MtxOptions['capacity'] = gz
    ? { maxEntries: (size * DEFAULT_GUNZIP_LIMITS.maxRatio) / 4, initialEntries: size, what: `a ${size}-byte gzip file` }
    : { maxEntries: size / 4, initialEntries: size / 4, what: `a ${size}-byte file` };
  const parser = new MtxParser(path, { transpose: true, capacity, budget: ctx.budget, ...(onSize ? { onSize } : {}) });
  for await (const c of chunks) {
    parser.push(c);
    await ctx.progress.step(counter.bytes / size);
  }
  const res = parser.finish();
  if (res.duplicatesSummed) notes.push(`${res.duplicatesSummed} repeated (gene, cell) entries summed`);
  return res.matrix;
}

/**
 * A bare .mtx(.gz) file. When it is named matrix.mtx(.gz) and sits next to barcodes/features files,
 * the whole folder is read. Otherwise it is read as genes × cells (the 10x convention) with cells
 * named cell_1… and genes gene_1….
 */
export async function readMtxFile(path: string, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  const dir = nodePath.dirname(path);
  if (MATRIX_NAMES.includes(nodePath.basename(path)) && firstExisting(dir, BARCODE_NAMES) && firstExisting(dir, FEATURE_NAMES)) {
    return readTenxFolder(dir, {}, ctx);
  }
  const notes = ['bare MatrixMarket file read as genes × cells (10x convention); no names: cells are cell_1…, genes gene_1…'];
  // Without barcodes to compare with, refuse headers that promise millions of rows or columns
  // with far fewer entries: they are corrupt, and names for them alone would exhaust memory.
  const plausible = (s: MtxSize): void => {
    const limit = Math.max(1_000_000, 10 * s.nnz);
    if (s.nRows > limit || s.nCols > limit) {
      throw new InputError(path, `the header claims ${s.nRows} × ${s.nCols} with only ${s.nnz} entries: implausible (corrupt header?); a 10x folder with barcodes/features lifts this check`);
    }
  };
  const matrix = await readTenxMatrix(path, plausible, notes, ctx);
  const features: FeatureTable = { ids: numberedNames('gene_', matrix.nCols), names: numberedNames('gene_', matrix.nCols), types: null };
  return finishTenx(path, 'mtx', matrix, numberedNames('cell_', matrix.nRows), features, notes);
}
