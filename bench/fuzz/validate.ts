/**
 * What every data set a reader returns must satisfy, whatever the input: consistent counts, a
 * well-formed matrix with finite values, metadata columns of the right length with codes in range,
 * finite obsm embeddings, unique cell ids. Returns the first violation, or null.
 */
import type { AnnotatedDataset } from '../../src-core/io/features.js';

export function checkDataset(ds: AnnotatedDataset): string | null {
  const { X } = ds;
  if (!(Number.isInteger(ds.nCells) && ds.nCells >= 0 && Number.isInteger(ds.nFeatures) && ds.nFeatures >= 0)) return `bad counts ${ds.nCells} × ${ds.nFeatures}`;
  if (X.nRows !== ds.nCells || X.nCols !== ds.nFeatures) return `X is ${X.nRows} × ${X.nCols}, data set says ${ds.nCells} × ${ds.nFeatures}`;
  if (ds.cellIds.length !== ds.nCells) return `${ds.cellIds.length} cell ids for ${ds.nCells} cells`;
  if (ds.featureNames.length !== ds.nFeatures) return `${ds.featureNames.length} feature names for ${ds.nFeatures} features`;
  if (new Set(ds.cellIds).size !== ds.cellIds.length) return 'repeated cell ids';
  if (X.kind === 'dense') {
    if (X.data.length !== X.nRows * X.nCols) return `dense X holds ${X.data.length} values for ${X.nRows} × ${X.nCols}`;
  } else {
    const { indptr, indices, data } = X;
    if (indptr.length !== X.nRows + 1 || indptr[0] !== 0) return 'CSR indptr has the wrong length or start';
    for (let i = 0; i < X.nRows; i++) if (!(indptr[i + 1]! >= indptr[i]!)) return `CSR indptr decreases at ${i}`;
    if (indptr[X.nRows] !== indices.length || indices.length !== data.length) return 'CSR lengths disagree';
    for (let p = 0; p < indices.length; p++) if (!(indices[p]! >= 0 && indices[p]! < X.nCols)) return `CSR index ${indices[p]} out of range`;
  }
  for (let k = 0; k < X.data.length; k++) if (!Number.isFinite(X.data[k]!)) return `X value ${k} is ${X.data[k]}`;
  for (const c of ds.obs) {
    if (c.kind === 'numeric') {
      if (c.values.length !== ds.nCells) return `obs '${c.name}' has ${c.values.length} values`;
    } else {
      if (c.codes.length !== ds.nCells) return `obs '${c.name}' has ${c.codes.length} codes`;
      for (const code of c.codes) if (!(code >= -1 && code < c.categories.length)) return `obs '${c.name}' code ${code} out of range`;
    }
  }
  for (const [key, m] of Object.entries(ds.obsm)) {
    if (m.nRows !== ds.nCells || m.data.length !== m.nRows * m.nCols) return `obsm '${key}' is malformed`;
    for (let k = 0; k < m.data.length; k++) if (!Number.isFinite(m.data[k]!)) return `obsm '${key}' value ${k} is ${m.data[k]}`;
  }
  return null;
}
