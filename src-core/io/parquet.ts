/**
 * Parquet reader. parquet-wasm runs in a worker thread (`parquet-worker.ts`) and reads the file
 * through a Blob backed by the file itself (`fs.openAsBlob`), so only the footer and the row group
 * being decoded are in memory, never the whole file, and a panic inside parquet-wasm on a damaged
 * file ends the worker, not the process. Row groups are requested one at a time; each comes back as
 * an Arrow IPC stream that goes through the same table-layout builder as Arrow files (wide or
 * long/COO). The footer's row counts size the matrix once; its sizes are checked against the file
 * and the memory budget before a row group is decoded.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { feedIpcStream } from './arrow.js';
import { memoryChunks, readHead } from './file-source.js';
import type { FromWorker, GroupMeta, ToWorker } from './parquet-worker.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { hasParquetFooter, isParquet } from './sniff.js';
import type { TableBuilder, TableLayoutOptions } from './table-layout.js';

function parquetProblem(msg: string): string {
  return `could not decode the Parquet data (${msg}): the file is corrupt, truncated or uses an unsupported feature`;
}

/** Copies made of a row group while decoding it (wasm buffers, the IPC stream, Arrow vectors). */
const DECODE_COPIES = 3;
const WORKER_URL = new URL('./parquet-worker.js', import.meta.url);

/** The decoding thread, as a queue of answers: every `next()` is the worker's next message or its death. */
class ParquetThread {
  private readonly worker: Worker;
  private readonly inbox: FromWorker[] = [];
  private waiting: ((m: FromWorker) => void) | null = null;
  private ended: FromWorker | null = null;

  constructor(source: { path: string } | { bytes: Uint8Array }) {
    this.worker = new Worker(WORKER_URL, { workerData: source, stdout: true, stderr: true });
    this.worker.on('message', (m: FromWorker) => this.deliver(m));
    this.worker.on('error', (e: Error) => this.finish({ type: 'error', message: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` }));
    this.worker.on('exit', (code) => this.finish({ type: 'error', message: `the decoder stopped (exit code ${code})` }));
  }

  private deliver(m: FromWorker): void {
    if (this.waiting) { const w = this.waiting; this.waiting = null; w(m); } else this.inbox.push(m);
  }

  private finish(m: FromWorker): void {
    if (this.ended) return;
    this.ended = m;
    this.deliver(m);
  }

  next(): Promise<FromWorker> {
    const m = this.inbox.shift() ?? this.ended;
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => { this.waiting = resolve; });
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function checkGroups(groups: readonly GroupMeta[], declaredRows: number, size: number, path: string): number {
  let rows = 0;
  groups.forEach((g, i) => {
    if (!(Number.isSafeInteger(g.rows) && g.rows >= 0 && g.bytes >= 0)) throw new InputError(path, `row group ${i} declares ${g.rows} rows and ${g.bytes} bytes: the file is corrupt`);
    if (g.stored > size) throw new InputError(path, `row group ${i} claims ${g.stored} stored bytes in a ${size}-byte file: the file is corrupt`);
    rows += g.rows;
  });
  if (declaredRows !== rows) throw new InputError(path, `the footer says ${declaredRows} rows but its row groups hold ${rows}: the file is corrupt`);
  return rows;
}

async function readThrough(source: { path: string } | { bytes: Uint8Array }, size: number, path: string, options: TableLayoutOptions, ctx: ReadContext): Promise<AnnotatedDataset> {
  const thread = new ParquetThread(source);
  try {
    const meta = await thread.next();
    if (meta.type !== 'meta') throw new InputError(path, parquetProblem(meta.type === 'error' ? meta.message : 'no metadata'));
    const rows = checkGroups(meta.groups, meta.declaredRows, size, path);
    let builder: TableBuilder | undefined;
    const n = Math.max(meta.groups.length, 1);
    for (let g = 0; g < n; g++) {
      const info = meta.groups[g];
      if (info) ctx.budget.check(info.bytes * DECODE_COPIES, `row group ${g} (${info.rows} rows)`);
      thread.send({ group: g, rows: info?.rows ?? 0 });
      const m = await thread.next();
      if (m.type !== 'ipc') throw new InputError(path, parquetProblem(m.type === 'error' ? m.message : 'unexpected answer'));
      builder = await feedIpcStream(memoryChunks(m.ipc), path, 'parquet', options, ctx, rows, builder);
      await ctx.progress.step((g + 1) / n);
    }
    return builder!.finish();
  } finally {
    await thread.close();
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
  return readThrough({ path }, size, path, options, ctx);
}

/** Reads Parquet bytes already in memory (e.g. decompressed from gzip). */
export async function readParquet(bytes: Uint8Array, path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  if (!isParquet(bytes)) throw new InputError(path, 'not a Parquet file (the PAR1 magic is missing)');
  if (!hasParquetFooter(bytes)) throw new InputError(path, 'truncated Parquet file: the closing PAR1 footer is missing (copy or export it again)');
  return readThrough({ bytes }, bytes.length, path, options, ctx);
}
