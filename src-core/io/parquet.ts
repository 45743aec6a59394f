/**
 * Parquet reader: parquet-wasm decodes one row group at a time into an Arrow IPC stream, which
 * goes through the same table-layout builder as Arrow files (wide or long/COO). Peak memory is
 * one row group's Arrow data plus the Dataset being built.
 */
import * as parquet from 'parquet-wasm/node';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { feedIpc } from './arrow.js';
import { hasParquetFooter, isParquet } from './sniff.js';
import type { TableBuilder, TableLayoutOptions } from './table-layout.js';

function parquetProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `could not decode the Parquet data (${msg}): the file is corrupt, truncated or uses an unsupported feature`;
}

async function rowGroupCount(bytes: Uint8Array, path: string): Promise<number> {
  let file: parquet.ParquetFile | undefined;
  try {
    file = await parquet.ParquetFile.fromFile(new Blob([bytes]));
    return file.metadata().numRowGroups();
  } catch (e) {
    throw new InputError(path, parquetProblem(e));
  } finally {
    file?.free();
  }
}

export async function readParquet(bytes: Uint8Array, path: string, options: TableLayoutOptions = {}): Promise<AnnotatedDataset> {
  if (!isParquet(bytes)) throw new InputError(path, 'not a Parquet file (the PAR1 magic is missing)');
  if (!hasParquetFooter(bytes)) throw new InputError(path, 'truncated Parquet file: the closing PAR1 footer is missing (copy or export it again)');
  const groups = await rowGroupCount(bytes, path);
  let builder: TableBuilder | undefined;
  for (let g = 0; g < Math.max(groups, 1); g++) {
    let ipc: Uint8Array;
    try {
      const table = parquet.readParquet(bytes, groups > 0 ? { rowGroups: [g] } : undefined);
      ipc = table.intoIPCStream();
    } catch (e) {
      throw new InputError(path, parquetProblem(e));
    }
    builder = feedIpc(ipc, path, 'parquet', options, builder);
  }
  return builder!.finish();
}
