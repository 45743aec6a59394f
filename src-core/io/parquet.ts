/**
 * Parquet reader: parquet-wasm reads the file through a Blob, which in Node can be backed by the file
 * itself (`fs.openAsBlob`), so only the footer and the row group being decoded are in memory, never
 * the whole file. Each row group is decoded into an Arrow IPC stream that goes through the same
 * table-layout builder as Arrow files (wide or long/COO). The footer's row counts size the matrix
 * once; its sizes are checked against the file and the memory budget before a row group is decoded.
 */
import fs from 'node:fs';
import * as parquet from 'parquet-wasm/node';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { feedIpcStream } from './arrow.js';
import { memoryChunks } from './file-source.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { hasParquetFooter, isParquet } from './sniff.js';
import type { TableBuilder, TableLayoutOptions } from './table-layout.js';

function parquetProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
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
  const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  if (!isParquet(head)) throw new InputError(path, 'not a Parquet file (the PAR1 magic is missing)');
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - 12)).arrayBuffer());
  if (blob.size < 12 || !hasParquetFooter(tail)) throw new InputError(path, 'truncated Parquet file: the closing PAR1 footer is missing (copy or export it again)');
  let file: parquet.ParquetFile | undefined;
  try {
    try {
      file = await parquet.ParquetFile.fromFile(blob);
    } catch (e) {
      throw new InputError(path, parquetProblem(e));
    }
    const { groups, rows } = groupsOf(file, blob.size, path);
    let builder: TableBuilder | undefined;
    for (let g = 0; g < Math.max(groups.length, 1); g++) {
      const info = groups[g];
      if (info) ctx.budget.check(info.bytes * DECODE_COPIES, `row group ${g} (${info.rows} rows)`);
      let ipc: Uint8Array;
      try {
        const table = await file.read(info ? { rowGroups: [g], batchSize: Math.max(1, info.rows) } : undefined);
        ipc = table.intoIPCStream();
      } catch (e) {
        throw new InputError(path, parquetProblem(e));
      }
      builder = await feedIpcStream(memoryChunks(ipc), path, 'parquet', options, ctx, rows, builder);
      await ctx.progress.step((g + 1) / Math.max(groups.length, 1));
    }
    return builder!.finish();
  } finally {
    file?.free();
  }
}

/** Reads a Parquet file from disk row group by row group (any size). */
export async function readParquetFile(path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
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
  return readParquetBlob(new Blob([bytes]), path, options, ctx);
}
