/**
 * Interpolated cells as CSV (`isotherm interpolate`, the app's Time panel): one row per cell,
 * `sample,x,y,alpha[,from,to],source_cell,target_cell` — the pair it was displaced between, by cell id;
 * `from,to` (the time point labels) when the caller includes them. Streamed in chunks, written atomically.
 */
import { writeFileAtomic, type AtomicWriteOptions, type WriteReport } from './atomic-write.js';
import { csvField, formatFloat64 } from './format.js';

export interface InterpolationTable {
  /** n × 2 map coordinates. */
  readonly coords: ArrayLike<number>;
  readonly alpha: number;
  /** The pair of each cell, as rows that `cellId` names. */
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly cellId: (row: number) => string;
  /** Time point labels, written in every row when given. */
  readonly labels?: { readonly from: string; readonly to: string };
}

export function* interpolationCsvChunks(t: InterpolationTable): Generator<string> {
  const labels = t.labels ? `,${csvField(t.labels.from)},${csvField(t.labels.to)}` : '';
  yield `sample,x,y,alpha${t.labels ? ',from,to' : ''},source_cell,target_cell\n`;
  let chunk = '';
  for (let q = 0; q < t.source.length; q++) {
    chunk += `${q},${formatFloat64(t.coords[q * 2]!)},${formatFloat64(t.coords[q * 2 + 1]!)},${t.alpha}${labels},${csvField(t.cellId(t.source[q]!))},${csvField(t.cellId(t.target[q]!))}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function writeInterpolationCsv(path: string, table: InterpolationTable, options: AtomicWriteOptions = {}): Promise<WriteReport & { readonly rows: number }> {
  const report = await writeFileAtomic(path, interpolationCsvChunks(table), options);
  return { ...report, rows: table.source.length };
}
