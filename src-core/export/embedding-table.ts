/**
 * What every exporter writes: one row per cell, with its id, its map coordinates and its metadata.
 * `rowIndex` lets the caller export a subset of the data set's cells (after QC) without copying the
 * ids and metadata columns.
 */
import type { ObsColumn } from '../io/dataset.js';

export interface EmbeddingTable {
  /** Cell ids of the whole data set. */
  readonly cellIds: readonly string[];
  /** n × 2 row-major map coordinates, one row per exported cell. */
  readonly coordinates: Float32Array | Float64Array;
  /** Metadata columns of the whole data set (each cellIds.length long). */
  readonly obs?: readonly ObsColumn[];
  /** Data set row of each exported row; identity when absent. */
  readonly rowIndex?: Int32Array;
}

export const COORDINATE_NAMES = ['x', 'y'] as const;

/** Number of exported rows, after checking that the parts agree. */
export function tableRows(table: EmbeddingTable): number {
  if (table.coordinates.length % 2 !== 0) throw new Error(`coordinates must be n × 2, got ${table.coordinates.length} values`);
  const n = table.coordinates.length / 2;
  const expected = table.rowIndex ? table.rowIndex.length : table.cellIds.length;
  if (n !== expected) throw new Error(`embedding has ${n} rows but ${table.rowIndex ? 'rowIndex' : 'cellIds'} has ${expected}`);
  for (const c of table.obs ?? []) {
    const len = c.kind === 'numeric' ? c.values.length : c.codes.length;
    if (len !== table.cellIds.length) throw new Error(`metadata column ${c.name} has ${len} values for ${table.cellIds.length} cells`);
  }
  return n;
}

/** Data set row of exported row r. */
export function sourceRow(table: EmbeddingTable, r: number): number {
  return table.rowIndex ? table.rowIndex[r]! : r;
}
