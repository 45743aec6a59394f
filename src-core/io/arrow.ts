/**
 * Arrow IPC reader: IPC file (`ARROW1`, also Feather v2) and IPC stream, with LZ4_FRAME / ZSTD
 * compressed buffers. The bytes are never read whole: an IPC file is magic + an IPC stream + a footer,
 * so the stream part is read in chunks (by ranges from the file) into apache-arrow's incremental
 * stream reader, and record batches are consumed one at a time. The footer is read first: its blocks
 * must lie inside the file, and their row counts (read from each batch's small metadata message) let
 * the builder size the matrix once. Each batch is checked against its declared lengths before use
 * (`arrow-check.ts`). Truncation is caught up front (closing `ARROW1`, or the stream's end marker).
 */
import { DataType, Message, MessageHeader, RecordBatchReader, type RecordBatch, type Schema } from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { registerArrowCodecs, setCodecBudget } from './arrow-codecs.js';
import { ArrowLayoutError, checkBatch } from './arrow-check.js';
import { RangeReader } from './file-source.js';
import { defaultReadContext, type ReadContext } from './read-control.js';
import { hasArrowEos, hasArrowFooter, isArrowFile, isArrowStream } from './sniff.js';
import { announce } from './watchdog-hook.js';
import { createTableBuilder, type TableBuilder, type TableLayoutOptions } from './table-layout.js';

const STREAM_CHUNK = 4 << 20;
/** Footers listing more batches than this are not pre-scanned for row counts (the builder grows instead). */
const MAX_PRESCAN_BATCHES = 20_000;
const MAGIC_BYTES = 6;

function arrowProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `could not decode the Arrow data (${msg}): the file is corrupt or truncated`;
}

/** Byte source for one read: a file by ranges, or bytes already in memory. */
interface Source {
  readonly size: number;
  read(position: number, length: number, what: string): Uint8Array;
}

function bytesSource(bytes: Uint8Array, path: string): Source {
  return {
    size: bytes.length,
    read: (position, length, what) => {
      if (position < 0 || length < 0 || position + length > bytes.length) {
        throw new InputError(path, `${what} lies outside the data (bytes ${position}..${position + length} of ${bytes.length}): the file is corrupt or truncated`);
      }
      return bytes.subarray(position, position + length);
    },
  };
}

/** Chunks of [start, end), read from the source only when the Arrow reader asks for more. */
function* rangeChunks(src: Source, start: number, end: number, onBytes: (done: number) => void): Generator<Uint8Array> {
  for (let at = start; at < end; at += STREAM_CHUNK) {
    const n = Math.min(STREAM_CHUNK, end - at);
    // bytes pulled buy the decoder time to decompress and build them (watchdog of the reader thread)
    announce('Arrow record batches', n * 32);
    yield src.read(at, n, 'Arrow data');
    onBytes(at + n - start);
  }
}

/** `readFooter`, with any failure to decode the footer's flatbuffers reported as a damaged file. */
function readFooterChecked(src: Source, path: string): { streamEnd: number; rows: number | null; schema: Schema } {
  try {
    return readFooter(src, path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, `could not decode the Arrow footer (${e instanceof Error ? e.message : String(e)}): the file is corrupt`);
  }
}

/** Where the IPC stream inside an IPC file ends, its schema, and the rows its footer promises (null when unknown). */
function readFooter(src: Source, path: string): { streamEnd: number; rows: number | null; schema: Schema } {
  const size = src.size;
  if (size < 2 * MAGIC_BYTES + 8 + 4) throw new InputError(path, 'truncated Arrow IPC file: too short to hold a footer');
  const tail = src.read(size - MAGIC_BYTES - 4, 4, 'the footer length');
  const footerLen = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  const streamEnd = size - MAGIC_BYTES - 4 - footerLen;
  if (footerLen <= 0 || streamEnd < 8) throw new InputError(path, `the Arrow footer length ${footerLen} does not fit in a ${size}-byte file: the file is corrupt`);
  let footer: InstanceType<typeof Footer>;
  try {
    footer = Footer.decode(src.read(streamEnd, footerLen, 'the Arrow footer'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, `could not decode the Arrow footer (${e instanceof Error ? e.message : String(e)}): the file is corrupt`);
  }
  const blocks = [...footer.recordBatches()];
  for (const b of [...blocks, ...footer.dictionaryBatches()]) {
    const end = b.offset + b.metaDataLength + b.bodyLength;
    if (!(b.offset >= 8 && b.metaDataLength > 0 && b.bodyLength >= 0 && Number.isSafeInteger(end) && end <= streamEnd)) {
      throw new InputError(path, `the Arrow footer lists a batch at bytes ${b.offset}..${end}, outside the ${streamEnd}-byte data section: the file is corrupt`);
    }
  }
  if (blocks.length > MAX_PRESCAN_BATCHES) return { streamEnd, rows: null, schema: footer.schema };
  const minRowBytes = minBytesPerRow(footer.schema);
  let rows = 0;
  let plausible = minRowBytes > 0;
  for (const b of blocks) {
    const meta = src.read(b.offset, b.metaDataLength, 'a record batch header');
    const { length, compressed } = batchRowsOf(meta, path);
    rows += length;
    // the rows must fit in the batch's body: uncompressed exactly, compressed within a generous ratio
    if (length * minRowBytes > b.bodyLength * (compressed ? PLAUSIBLE_RATIO : 1)) plausible = false;
  }
  return { streamEnd, rows: plausible ? rows : null, schema: footer.schema };
}

/** Header type of the message at `at` (a continuation marker, a length, a flatbuffer); null when unreadable. */
function messageTypeAt(src: Source, at: number, end: number): number | null {
  if (at + 8 > end) return null;
  const head = src.read(at, 8, 'a message header');
  const dv = new DataView(head.buffer, head.byteOffset, 8);
  const skip = dv.getInt32(0, true) === -1 ? 4 : 0;
  const len = dv.getInt32(skip, true);
  if (len <= 0 || at + skip + 4 + len > end) return null;
  try {
    return Message.decode(src.read(at + skip + 4, len, 'a message header')).headerType;
  } catch {
    return null; // the stream reader reports the damage with its own words
  }
}

/** A schema message as the IPC stream format frames it: continuation, padded length, flatbuffer. */
function schemaMessageBytes(schema: Schema): Uint8Array {
  const flat = Message.encode(Message.from(schema));
  const padded = (flat.length + 8 + 7) & ~7;
  const out = new Uint8Array(padded);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, -1, true);
  dv.setInt32(4, padded - 8, true);
  out.set(flat, 8);
  return out;
}

/** Expansion up to which a compressed batch's row count is trusted for sizing (else the builder grows). */
const PLAUSIBLE_RATIO = 64;

/** Fewest body bytes one row takes: the byte widths of the fixed-width numeric columns. */
function minBytesPerRow(schema: Schema): number {
  let n = 0;
  for (const f of schema.fields) {
    const t = f.type as DataType;
    if (DataType.isInt(t)) n += (t as unknown as { bitWidth: number }).bitWidth / 8;
    else if (DataType.isFloat(t)) n += [2, 4, 8][(t as unknown as { precision: number }).precision] ?? 2;
  }
  return n;
}

/** Row count from a record batch's metadata message (continuation marker, length, flatbuffer). */
function batchRowsOf(meta: Uint8Array, path: string): { length: number; compressed: boolean } {
  const dv = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
  let at = 0;
  if (meta.length >= 4 && dv.getInt32(0, true) === -1) at = 4;
  if (meta.length < at + 4) throw new InputError(path, 'a record batch header is too short: the file is corrupt');
  const len = dv.getInt32(at, true);
  if (len <= 0 || at + 4 + len > meta.length) throw new InputError(path, `a record batch header declares ${len} bytes in a ${meta.length}-byte block: the file is corrupt`);
  let msg: Message;
  try {
    msg = Message.decode(meta.subarray(at + 4, at + 4 + len));
  } catch (e) {
    throw new InputError(path, `could not decode a record batch header (${e instanceof Error ? e.message : String(e)}): the file is corrupt`);
  }
  if (!msg.isRecordBatch()) throw new InputError(path, 'the Arrow footer points at a message that is not a record batch: the file is corrupt');
  const n = Number(msg.header().length);
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new InputError(path, `a record batch declares ${n} rows: the file is corrupt`);
  return { length: n, compressed: (msg.header() as { compression?: unknown }).compression != null };
}

/**
 * Feeds every record batch of an IPC stream (chunks of bytes, pulled as the reader needs them) to a
 * table builder made from the schema. `builder` may be passed in to continue across several IPC
 * streams (Parquet row groups). apache-arrow's synchronous reader is used, driven one batch at a time
 * from here (its asynchronous reader was measured to leave its promise unsettled on some damaged
 * streams, so a read could wait forever); between batches the read reports progress and yields.
 */
export async function feedIpcStream(
  chunks: Iterable<Uint8Array>, path: string, format: string, options: TableLayoutOptions, ctx: ReadContext,
  rowsHint: number | null, builder?: TableBuilder,
): Promise<TableBuilder> {
  registerArrowCodecs();
  setCodecBudget(ctx.budget);
  let b = builder;
  try {
    const reader = RecordBatchReader.from(chunks);
    reader.open();
    const schema = reader.schema as Schema | undefined;
    if (!schema) throw new InputError(path, 'no schema in the Arrow data');
    b ??= createTableBuilder(schema, path, format, options, { rowsHint, budget: ctx.budget });
    for (;;) {
      setCodecBudget(ctx.budget);
      const next = reader.next();
      if (next.done) break;
      const batch = next.value as RecordBatch;
      checkBatch(batch);
      b.add(batch);
      await ctx.progress.tick();
    }
    reader.cancel();
  } catch (e) {
    if (e instanceof InputError || (e as Error).name === 'CancelledError') throw e;
    if (e instanceof ArrowLayoutError) throw new InputError(path, `${e.message}: the file is corrupt`);
    throw new InputError(path, arrowProblem(e));
  } finally {
    setCodecBudget(null);
  }
  return b;
}

async function readArrowSource(src: Source, path: string, options: TableLayoutOptions, ctx: ReadContext): Promise<AnnotatedDataset> {
  const head = src.read(0, Math.min(src.size, 8), 'the Arrow header');
  let start: number;
  let end: number;
  let format: string;
  let rows: number | null = null;
  let schema: Schema | null = null;
  if (isArrowFile(head)) {
    if (!hasArrowFooter(src.read(src.size - MAGIC_BYTES, MAGIC_BYTES, 'the Arrow footer magic')) || src.size < 16) {
      throw new InputError(path, 'truncated Arrow IPC file: the closing ARROW1 footer is missing (copy or export it again)');
    }
    const f = readFooterChecked(src, path);
    start = 8;
    end = f.streamEnd;
    rows = f.rows;
    if (messageTypeAt(src, start, end) !== MessageHeader.Schema) schema = f.schema;
    format = 'arrow-ipc';
  } else if (isArrowStream(head)) {
    if (src.size < 8 || !hasArrowEos(src.read(src.size - 8, 8, 'the end-of-stream marker'))) {
      throw new InputError(path, 'truncated Arrow IPC stream: the end-of-stream marker is missing (copy or export it again)');
    }
    start = 0;
    end = src.size;
    format = 'arrow-stream';
  } else {
    throw new InputError(path, 'not Arrow IPC data (neither the ARROW1 file magic nor a stream continuation marker)');
  }
  const span = Math.max(1, end - start);
  let chunks = rangeChunks(src, start, end, (done) => ctx.progress.report(done / span));
  if (schema) {
    // writers may leave the schema out of a file's stream part (apache-arrow JS does): the footer's is used
    const rest = chunks;
    let first: Uint8Array;
    try {
      first = schemaMessageBytes(schema);
    } catch (e) {
      throw new InputError(path, `could not decode the schema in the Arrow footer (${e instanceof Error ? e.message : String(e)}): the file is corrupt`);
    }
    chunks = (function* () { yield first; yield* rest; })();
  }
  const b = await feedIpcStream(chunks, path, format, options, ctx, rows);
  return b.finish();
}

/** Reads an Arrow IPC file or stream from disk by ranges (any size). */
export async function readArrowFile(path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  const file = RangeReader.open(path);
  try {
    return await readArrowSource(file, path, options, ctx);
  } finally {
    file.close();
  }
}

/** Reads Arrow IPC bytes already in memory (e.g. decompressed from gzip). */
export async function readArrow(bytes: Uint8Array, path: string, options: TableLayoutOptions = {}, ctx: ReadContext = defaultReadContext(path)): Promise<AnnotatedDataset> {
  return readArrowSource(bytesSource(bytes, path), path, options, ctx);
}

