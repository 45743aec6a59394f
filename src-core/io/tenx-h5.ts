/**
 * Cell Ranger HDF5 feature-barcode matrices (h5wasm).
 *  - v3+: a `matrix/` group: data, indices, indptr, shape, barcodes, features/{id, name, feature_type, genome}
 *  - v1/v2: one group per genome: data, indices, indptr, shape, barcodes, genes, gene_names
 * The stored matrix is genes × cells in CSC, i.e. exactly cells × genes in CSR: indptr runs over
 * cells. The result equals the matrix folder's (scanpy's invariant): same CSR, barcodes, names.
 */
import fs from 'node:fs';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import {
  asInputError, closeQuietly, getEntity, isDataset, isGroup, openH5, requireDataset, toIndexArray, toStrings,
  type H5File, type H5Group,
} from './h5.js';
import { describeCompressed, readCsrGroup } from './h5-matrix.js';
import { describeDataset, readChecked } from './h5-read.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { selectCsrColumns } from './sparse.js';
import { finishTenx, type FeatureTable } from './tenx-mtx.js';

export interface TenxH5Options {
  /** Cell Ranger 1/2 files with several genomes: which genome group to read. */
  readonly genome?: string;
}

/** True when the open HDF5 file looks like a Cell Ranger matrix (rather than an .h5ad). */
export function isTenxH5(f: H5File): boolean {
  if (isGroup(getEntity(f, 'matrix')) && isDataset(getEntity(f, 'matrix/indptr'))) return true;
  if (getEntity(f, 'obs')) return false;
  return f.keys().some((k) => { const g = getEntity(f, k); return isGroup(g) && isDataset(getEntity(g, 'indptr')) && isDataset(getEntity(g, 'barcodes')); });
}

export async function readTenxH5(path: string, options: TenxH5Options = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  const f = await openH5(path);
  try {
    return await readOpenTenxH5(f, path, options, ctx);
  } catch (e) {
    return asInputError(e, path);
  } finally {
    closeQuietly(f);
  }
}

export async function readOpenTenxH5(f: H5File, path: string, options: TenxH5Options, ctx: ReadContext): Promise<AnnotatedDataset> {
  const fileSize = fs.statSync(path).size;
  /** A 1-D string dataset, after checking its declared length (from its header) is `rows` when given. */
  const strings = (g: H5Group, name: string, rows: number | null = null): string[] => {
    const ds = requireDataset(g, name, path);
    const shape = describeDataset(ds, path).shape;
    if (rows !== null && shape[0] !== rows) throw new InputError(path, `${g.path}/${name} has ${shape[0]} entries but shape says ${rows}`);
    return toStrings(readChecked(ds, ctx, fileSize, path), `${g.path}/${name}`, path);
  };
  const notes: string[] = [];
  let g: H5Group;
  let features: FeatureTable;
  let format: string;
  let genomeFilter: string[] | null = null;
  const m = getEntity(f, 'matrix');
  if (isGroup(m)) {
    g = m;
    format = '10x-h5-v3';
    const fg = getEntity(g, 'features');
    if (!isGroup(fg)) throw new InputError(path, 'missing /matrix/features group');
    const ids = strings(fg, 'id');
    const names = isDataset(getEntity(fg, 'name')) ? strings(fg, 'name') : ids;
    const types = isDataset(getEntity(fg, 'feature_type')) ? strings(fg, 'feature_type') : null;
    features = { ids, names, types };
    if (options.genome) {
      if (!isDataset(getEntity(fg, 'genome'))) throw new InputError(path, `genome '${options.genome}' asked for, but this file has no features/genome`);
      genomeFilter = strings(fg, 'genome');
      const all = Array.from(new Set(genomeFilter)).sort();
      if (!all.includes(options.genome)) throw new InputError(path, `no genome '${options.genome}'; genomes in this file: ${all.join(', ')}`);
    }
  } else {
    const genomes = f.keys().filter((k) => { const e = getEntity(f, k); return isGroup(e) && isDataset(getEntity(e, 'indptr')); }).sort();
    if (genomes.length === 0) throw new InputError(path, 'not a Cell Ranger .h5: no matrix/ group and no genome groups with indptr');
    let genome: string;
    if (options.genome) {
      if (!genomes.includes(options.genome)) throw new InputError(path, `no genome '${options.genome}'; genomes in this file: ${genomes.join(', ')}`);
      genome = options.genome;
    } else if (genomes.length === 1) {
      genome = genomes[0]!;
    } else {
      throw new InputError(path, `this file holds several genomes (${genomes.join(', ')}): choose one with the genome option`);
    }
    g = getEntity(f, genome) as H5Group;
    format = '10x-h5-v2';
    notes.push(`genome ${genome}`);
    const ids = strings(g, 'genes');
    const names = isDataset(getEntity(g, 'gene_names')) ? strings(g, 'gene_names') : ids;
    features = { ids, names, types: null };
  }
  const shapeV = toIndexArray(readChecked(requireDataset(g, 'shape', path), ctx, fileSize, path), `${g.path}/shape`, path);
  if (shapeV.length !== 2 || !shapeV.every((v) => Number.isSafeInteger(v) && v >= 0)) throw new InputError(path, `${g.path}/shape must hold 2 counts`);
  const nGenes = shapeV[0]!, nCells = shapeV[1]!;
  if (features.ids.length !== nGenes) throw new InputError(path, `${g.path} lists ${features.ids.length} features but shape says ${nGenes}`);
  // the stored genes × cells CSC is the cells × genes CSR: pointers run over cells
  const layout = describeCompressed(g, g.path, nCells, 'columns', fileSize, path);
  const barcodes = strings(g, 'barcodes', nCells);
  if (barcodes.length !== nCells) throw new InputError(path, `${g.path}/barcodes has ${barcodes.length} entries but shape says ${nCells} cells`);
  const { matrix, duplicatesSummed } = await readCsrGroup(layout, nCells, nGenes, ctx, fileSize, path);
  if (duplicatesSummed) notes.push(`${duplicatesSummed} repeated (gene, cell) entries summed`);
  if (genomeFilter && options.genome) {
    // Cell Ranger 3 keeps every genome in one matrix: keep the chosen genome's features (scanpy's genome=)
    const keep = genomeFilter.map((gn) => gn === options.genome);
    const pick = <T>(a: readonly T[]): T[] => a.filter((_, j) => keep[j]);
    notes.push(`genome ${options.genome}: ${keep.filter(Boolean).length} of ${keep.length} features`);
    return finishTenx(path, format, selectCsrColumns(matrix, keep), barcodes,
      { ids: pick(features.ids), names: pick(features.names), types: features.types ? pick(features.types) : null }, notes);
  }
  return finishTenx(path, format, matrix, barcodes, features, notes);
}
