/**
 * The expression matrix behind marker genes and gene colours, chosen once per data set:
 *  - an .h5ad with `raw/X` uses it (scanpy keeps log-normalised expression there when X is scaled);
 *  - counts (non-negative integers, some above 20) are normalised here: ln(1 + 10⁴·x / cell total);
 *  - non-negative non-integer values are taken as log-normalised already;
 *  - values with negatives (scaled, z-scored) are used as they are, with a note: fold changes and
 *    "fraction expressing" mean little there.
 * Rows are the data set's rows (like X); columns are genes with `featureNames`.
 */
import type { CsrMatrix, Dataset, Matrix } from '../io/dataset.js';
import { openDataset } from '../io/open.js';
import type { ValueScale } from '../analysis/index.js';
import type { Workspace } from './workspace.js';

export interface Expression {
  readonly matrix: Matrix;
  readonly featureNames: readonly string[];
  /** How the marker fold change reads the values. */
  readonly valueScale: ValueScale;
  /** For the user: where the values come from and what was done to them. */
  readonly source: string;
}

const cache = new WeakMap<Dataset, Promise<Expression>>();

export function expressionOf(ws: Workspace): Promise<Expression> {
  const d = ws.dataset;
  let p = cache.get(d);
  if (!p) {
    p = chooseExpression(ws);
    cache.set(d, p);
  }
  return p;
}

async function chooseExpression(ws: Workspace): Promise<Expression> {
  const d = ws.dataset;
  if (d.source.format === 'h5ad') {
    // only a file without raw/X falls back to X; any other failure (a busy machine, a cancelled read) is
    // the caller's error and is not cached, so the next request tries again
    const raw = await openDataset(ws.inputPath, { useRaw: true }).catch((e: unknown) => {
      if (e instanceof Error && /has no raw matrix/.test(e.message)) return null;
      cache.delete(d);
      throw e;
    });
    if (raw && raw.nCells === d.nCells) return fromValues(raw.X, raw.featureNames, 'raw/X');
  }
  return fromValues(d.X, d.featureNames, 'X');
}

function fromValues(m: Matrix, featureNames: readonly string[], where: string): Expression {
  const v = m.data;
  let negative = false;
  let integer = true;
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < 0) negative = true;
    if (integer && x !== Math.round(x)) integer = false;
    if (x > max) max = x;
  }
  if (negative) return { matrix: m, featureNames, valueScale: 'linear', source: `${where} as stored (it has negative values, e.g. scaled: fold changes and fractions expressing are not meaningful)` };
  if (integer && max > 20) return { matrix: logNormalise(m), featureNames, valueScale: 'log1p', source: `${where} counts, normalised here: ln(1 + 10⁴·count / cell total)` };
  return { matrix: m, featureNames, valueScale: 'log1p', source: `${where} (taken as log-normalised: ln(1 + x))` };
}

/** ln(1 + 10⁴·x / row total), as CSR (zeros stay zeros). */
function logNormalise(m: Matrix): CsrMatrix {
  if (m.kind === 'csr') {
    const data = new Float32Array(m.data.length);
    for (let i = 0; i < m.nRows; i++) {
      const a = m.indptr[i]!, b = m.indptr[i + 1]!;
      let total = 0;
      for (let p = a; p < b; p++) total += m.data[p]!;
      const f = total > 0 ? 1e4 / total : 0;
      for (let p = a; p < b; p++) data[p] = Math.log1p(m.data[p]! * f);
    }
    return { ...m, data };
  }
  const indptr = new Float64Array(m.nRows + 1);
  let nnz = 0;
  for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) nnz++;
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < m.nRows; i++) {
    let total = 0;
    for (let j = 0; j < m.nCols; j++) total += m.data[i * m.nCols + j]!;
    const f = total > 0 ? 1e4 / total : 0;
    for (let j = 0; j < m.nCols; j++) {
      const x = m.data[i * m.nCols + j]!;
      if (x === 0) continue;
      indices[p] = j;
      data[p++] = Math.log1p(x * f);
    }
    indptr[i + 1] = p;
  }
  return { kind: 'csr', nRows: m.nRows, nCols: m.nCols, indptr, indices, data };
}
