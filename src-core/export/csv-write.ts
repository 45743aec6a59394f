/**
 * The embedding as CSV: `cell_id,x,y` then the metadata columns (categorical as labels, numeric as
 * numbers, missing as empty). Produced in chunks of rows so a million cells never become one huge string,
 * and written atomically.
 */
import { tableRows, sourceRow, COORDINATE_NAMES, type EmbeddingTable } from './embedding-table.js';
import { csvField, formatFloat32, formatFloat64, uniqueNames } from './format.js';
import { writeFileAtomic, type AtomicWriteOptions, type WriteReport } from './atomic-write.js';

export interface CsvWriteOptions extends AtomicWriteOptions {
  /** Rows per chunk handed to the file writer. Default 8192. */
  readonly rowsPerChunk?: number;
}

export interface CsvWriteReport extends WriteReport {
  readonly rows: number;
  readonly columns: readonly string[];
}

/** Header names: cell_id, x, y, then the metadata names made unique (a column called "x" becomes "x-1"). */
export function csvColumns(table: EmbeddingTable): string[] {
  return uniqueNames(['cell_id', ...COORDINATE_NAMES, ...(table.obs ?? []).map((c) => c.name)]);
}

export function* embeddingCsvChunks(table: EmbeddingTable, rowsPerChunk = 8192): Generator<string> {
  const n = tableRows(table);
  const obs = table.obs ?? [];
  const fmt = table.coordinates instanceof Float32Array ? formatFloat32 : formatFloat64;
  // Category labels are quoted once, not once per row.
  const labels = obs.map((c) => (c.kind === 'categorical' ? c.categories.map(csvField) : null));
  yield csvColumns(table).map(csvField).join(',') + '\n';
  const lines: string[] = [];
  for (let r = 0; r < n; r++) {
    const i = sourceRow(table, r);
    let line = `${csvField(table.cellIds[i]!)},${fmt(table.coordinates[2 * r]!)},${fmt(table.coordinates[2 * r + 1]!)}`;
    for (let c = 0; c < obs.length; c++) {
      const col = obs[c]!;
      if (col.kind === 'numeric') line += ',' + formatFloat64(col.values[i]!);
      else {
        const code = col.codes[i]!;
        line += ',' + (code >= 0 ? labels[c]![code] ?? '' : '');
      }
    }
    lines.push(line);
    if (lines.length === rowsPerChunk) {
      yield lines.join('\n') + '\n';
      lines.length = 0;
    }
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

export async function writeEmbeddingCsv(path: string, table: EmbeddingTable, options: CsvWriteOptions = {}): Promise<CsvWriteReport> {
  const rows = tableRows(table);
  const report = await writeFileAtomic(path, embeddingCsvChunks(table, options.rowsPerChunk), options);
  return { ...report, rows, columns: csvColumns(table) };
}
