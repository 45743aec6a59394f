/**
 * Parquet reader: parquet-wasm reads the file through a Blob backed by the file itself
 * (`fs.openAsBlob`), so only the footer and the row group being decoded are in memory, never the
 * whole file. Row groups are decoded one at a time into an Arrow IPC stream that goes through the
 * same table-layout builder as Arrow files (wide or long/COO). The footer's row counts size the
 * matrix once; its sizes are checked against the file and the memory budget before a row group is
 * decoded. openDataset runs this in a worker thread (thread-read.ts): parquet-wasm can panic on a
 * damaged file from inside a callback, outside any promise held here, which ends only that thread.
 */
import fs from 'node:fs';
import * as parquet from 'parquet-wasm/node';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { feedIpcStream } from './arrow.js';
import { memoryChunks, readHead } from './file-source.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { hasParquetFooter, isParquet } from './sniff.js';
import type { TableBuilder, TableLayoutOptions } from './table-layout.js';
import { announce } from './watchdog-hook.js';

function parquetProblem(e: unknown): string {
  const msg = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
  return `could not decode the Parquet data (${msg}): the file is corrupt, truncated or uses an unsupported feature`;
}

/** Copies made of a row group while decoding it (wasm buffers, the IPC stream, Arrow vectors). */
const DECODE_COPIES = 3;

interface GroupInfo { readonly rows: number; readonly bytes: number }

function groupsOf(file: parquet.ParquetFile, size: number, path: string): { groups: GroupInfo[]; rows: number } {
  const meta = file.metadata();
  const groups: GroupInfo[] = [];
  let rows = 0;
  for (let g = 0; g < meta.numRowGroups(); g++) {
    const rg = meta.rowGroup(g);
    const n = rg.numRows();
    const bytes = rg.totalByteSize();
    const stored = rg.compressedSize();
    if (!(Number.isSafeInteger(n) && n >= 0 && bytes >= 0)) throw new InputError(path, `row group ${g} declares ${n} rows and ${bytes} bytes: the file is corrupt`);
    if (stored > size) throw new InputError(path, `row group ${g} claims ${stored} stored bytes in a ${size}-byte file: the file is corrupt`);
    groups.push({ rows: n, bytes });
    rows += n;
  }
  const declared = meta.fileMetadata().numRows();
  if (declared !== rows) throw new InputError(path, `the footer says ${declared} rows but its row groups hold ${rows}: the file is corrupt`);
  return { groups, rows };
}

async function readParquetBlob(blob: Blob, path: string, options: TableLayoutOptions, ctx: ReadContext): Promise<AnnotatedDataset> {
  let file: parquet.ParquetFile | undefined;
  try {
    try {
      file = await parquet.ParquetFile.fromFile(blob);
    } catch (e) {
      throw new InputError(path, parquetProblem(e));
    }
    const { groups, rows } = groupsOf(file, blob.size, path);
    let builder: TableBuilder | undefined;
    const n = Math.max(groups.length, 1);
    for (let g = 0; g < n; g++) {
      const info = groups[g];
      if (info) ctx.budget.check(info.bytes * DECODE_COPIES, `row group ${g} (${info.rows} rows)`);
      announce(`row group ${g}`, info?.bytes ?? blob.size);
      let ipc: Uint8Array;
      try {
        // one batch per row group: per-batch dictionaries would otherwise be remapped 1,024 rows at a time
        const table = await file.read(info ? { rowGroups: [g], batchSize: Math.max(1, info.rows) } : undefined);
        ipc = table.intoIPCStream(); // consumes (frees) the wasm table
      } catch (e) {
        throw new InputError(path, parquetProblem(e));
      }
      builder = await feedIpcStream(memoryChunks(ipc), path, 'parquet', options, ctx, rows, builder);
      await ctx.progress.step((g + 1) / n);
    }
    return builder!.finish();
  } finally {
    file?.free();
  }
}

/** Reads a Parquet file from disk row group by row group (any size). */
export async function readParquetFile(path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  const size = fs.statSync(path).size;
  if (!isParquet(readHead(path, 4))) throw new InputError(path, 'not a Parquet file (the PAR1 magic is missing)');
  const fd = fs.openSync(path, 'r');
  const tail = new Uint8Array(Math.min(size, 12));
  try { fs.readSync(fd, tail, 0, tail.length, size - tail.length); } finally { fs.closeSync(fd); }
  if (size < 12 || !hasParquetFooter(tail)) throw new InputError(path, 'truncated Parquet file: the closing PAR1 footer is missing (copy or export it again)');
  let blob: Blob;
  try {
    blob = await fs.openAsBlob(path);
  } catch (e) {
    throw new InputError(path, `cannot read it (${e instanceof Error ? e.message : String(e)})`);
  }
  return readParquetBlob(blob, path, options, ctx);
}

/** Reads Parquet bytes already in memory (e.g. decompressed from gzip). */
export async function readParquet(bytes: Uint8Array, path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  if (!isParquet(bytes)) throw new InputError(path, 'not a Parquet file (the PAR1 magic is missing)');
  if (!hasParquetFooter(bytes)) throw new InputError(path, 'truncated Parquet file: the closing PAR1 footer is missing (copy or export it again)');
  return readParquetBlob(new Blob([bytes]), path, options, ctx);
}
