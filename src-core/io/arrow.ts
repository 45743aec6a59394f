/**
 * Arrow IPC reader: IPC file (`ARROW1`, also Feather v2) and IPC stream, with LZ4_FRAME / ZSTD
 * compressed buffers. Record batches are read one by one into the shared table-layout builder
 * (wide or long/COO). Truncation is caught up front: a file must end with its `ARROW1` footer
 * magic, a stream with the end-of-stream marker; apache-arrow failures become InputErrors.
 */
import { RecordBatchReader } from 'apache-arrow';
import { InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import { registerArrowCodecs } from './arrow-codecs.js';
import { hasArrowEos, hasArrowFooter, isArrowFile, isArrowStream } from './sniff.js';
import { createTableBuilder, type TableBuilder, type TableLayoutOptions } from './table-layout.js';

function arrowProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return `could not decode the Arrow data (${msg}): the file is corrupt or truncated`;
}

/**
 * Feeds every record batch of IPC bytes (file or stream) to a table builder made from the schema.
 * `builder` may be passed in to continue across several IPC chunks (Parquet row groups).
 */
export function feedIpc(bytes: Uint8Array, path: string, format: string, options: TableLayoutOptions, builder?: TableBuilder): TableBuilder {
  registerArrowCodecs();
  let b = builder;
  try {
    const reader = RecordBatchReader.from(bytes);
    reader.open();
    b ??= createTableBuilder(reader.schema, path, format, options);
    for (const batch of reader) b.add(batch);
    reader.cancel();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, arrowProblem(e));
  }
  if (!b) throw new InputError(path, 'no schema in the Arrow data');
  return b;
}

export function readArrow(bytes: Uint8Array, path: string, options: TableLayoutOptions = {}): AnnotatedDataset {
  let format: string;
  if (isArrowFile(bytes)) {
    if (!hasArrowFooter(bytes) || bytes.length < 16) {
      throw new InputError(path, 'truncated Arrow IPC file: the closing ARROW1 footer is missing (copy or export it again)');
    }
    format = 'arrow-ipc';
  } else if (isArrowStream(bytes)) {
    if (!hasArrowEos(bytes)) {
      throw new InputError(path, 'truncated Arrow IPC stream: the end-of-stream marker is missing (copy or export it again)');
    }
    format = 'arrow-stream';
  } else {
    throw new InputError(path, 'not Arrow IPC data (neither the ARROW1 file magic nor a stream continuation marker)');
  }
  return feedIpc(bytes, path, format, options).finish();
}
