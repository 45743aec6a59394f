/**
 * What the app asks about the cells of a workspace, by map row: colours (a metadata column or a gene),
 * gene search, one cell's id and metadata, and checks of row lists sent from outside.
 */
import type { CellInfo, ColourBy, ColourData } from '../api.js';
import { InputError } from '../errors.js';
import type { Matrix } from '../io/dataset.js';
import { featureSymbolsOf } from '../io/features.js';
import type { Workspace } from './workspace.js';

export function colourOf(ws: Workspace, by: ColourBy): ColourData {
  const rows = ws.keptCells;
  if ('obs' in by) {
    const col = ws.obs.find((c) => c.name === by.obs);
    if (!col) throw new InputError('colour', `no metadata column named '${by.obs}'`);
    if (col.kind === 'categorical') {
      const codes = new Int32Array(rows.length);
      for (let r = 0; r < rows.length; r++) codes[r] = col.codes[rows[r]!]!;
      return { kind: 'categorical', name: col.name, codes, categories: [...col.categories] };
    }
    const values = new Float32Array(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = col.values[rows[r]!]!;
    return numeric(col.name, values);
  }
  let j = ws.dataset.featureNames.indexOf(by.gene);
  if (j < 0) j = featureSymbolsOf(ws.dataset)?.indexOf(by.gene) ?? -1;
  if (j < 0) throw new InputError('colour', `no gene or feature named '${by.gene}'`);
  return numeric(by.gene, column(ws.dataset.X, j, rows));
}

/** Feature names (and symbols, when the names are ids) starting with, then containing, `query`; at most `limit`. */
export function searchGenes(ws: Workspace, query: string, limit = 50): string[] {
  const q = query.trim().toLowerCase();
  const max = Math.max(1, Math.min(500, Math.floor(limit)));
  const starts: string[] = [];
  const contains: string[] = [];
  const symbols = featureSymbolsOf(ws.dataset);
  const names = ws.dataset.featureNames;
  for (let j = 0; j < names.length; j++) {
    for (const name of symbols && symbols[j] ? [symbols[j]!, names[j]!] : [names[j]!]) {
      const l = name.toLowerCase();
      if (l.startsWith(q)) starts.push(name);
      else if (l.includes(q)) contains.push(name);
    }
    if (starts.length >= max) break;
  }
  return [...starts, ...contains].slice(0, max);
}

export function cellInfo(ws: Workspace, row: number): CellInfo {
  const rows = ws.keptCells;
  if (!Number.isInteger(row) || row < 0 || row >= rows.length) throw new InputError('row', `expected 0..${rows.length - 1}, got ${row}`);
  const i = rows[row]!;
  const fields = ws.obs.map((c) => ({
    name: c.name,
    value: c.kind === 'numeric' ? (Number.isNaN(c.values[i]!) ? '' : String(c.values[i])) : c.codes[i]! >= 0 ? c.categories[c.codes[i]!]! : '',
  }));
  return { row, id: ws.dataset.cellIds[i]!, fields };
}

/** Map rows sent from outside (a selection): an Int32Array of rows in 0..n−1. */
export function checkRows(rows: Int32Array, n: number): Int32Array {
  if (!(rows instanceof Int32Array)) throw new InputError('rows', 'expected an Int32Array of map rows');
  for (const r of rows) if (r < 0 || r >= n) throw new InputError('rows', `row ${r} is outside 0..${n - 1}`);
  return rows;
}

function numeric(name: string, values: Float32Array): ColourData {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) min = max = 0;
  return { kind: 'numeric', name, values, min, max };
}

/** Column j of X for the given rows, as float32. */
function column(X: Matrix, j: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (X.kind === 'dense') out[r] = X.data[i * X.nCols + j]!;
    else {
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        if (X.indices[p] === j) {
          out[r] = X.data[p]!;
          break;
        }
      }
    }
  }
  return out;
}
