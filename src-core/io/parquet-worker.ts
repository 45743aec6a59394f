/**
 * Worker thread that decodes Parquet with parquet-wasm, one row group per request. It runs apart
 * from the reader because parquet-wasm's async reader can panic on damaged files from inside a
 * callback (a wasm `unreachable` trap thrown outside any promise the caller holds), which would
 * otherwise end the whole process; here it ends only this thread, and the reader reports the file.
 * Messages: in {path} or {bytes} first, then {group} requests; out {meta}, {ipc} (transferred), {error}.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as parquet from 'parquet-wasm/node';

export interface GroupMeta { readonly rows: number; readonly bytes: number; readonly stored: number }
export type ToWorker = { readonly group: number; readonly rows: number } | { readonly close: true };
export type FromWorker =
  | { readonly type: 'meta'; readonly groups: readonly GroupMeta[]; readonly declaredRows: number }
  | { readonly type: 'ipc'; readonly group: number; readonly ipc: Uint8Array }
  | { readonly type: 'error'; readonly message: string };

const port = parentPort!;
const input = workerData as { readonly path?: string; readonly bytes?: Uint8Array };

function send(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
}

async function main(): Promise<void> {
  const blob = input.path !== undefined ? await fs.openAsBlob(input.path) : new Blob([input.bytes!]);
  const file = await parquet.ParquetFile.fromFile(blob);
  const meta = file.metadata();
  const groups: GroupMeta[] = [];
  for (let g = 0; g < meta.numRowGroups(); g++) {
    const rg = meta.rowGroup(g);
    groups.push({ rows: rg.numRows(), bytes: rg.totalByteSize(), stored: rg.compressedSize() });
  }
  send({ type: 'meta', groups, declaredRows: meta.fileMetadata().numRows() });
  port.on('message', (m: ToWorker) => {
    if ('close' in m) { file.free(); process.exit(0); }
    void (async () => {
      try {
        const table = await file.read(groups.length ? { rowGroups: [m.group], batchSize: Math.max(1, m.rows) } : undefined);
        const ipc = table.intoIPCStream();
        const own = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
        send({ type: 'ipc', group: m.group, ipc: own }, [own.buffer as ArrayBuffer]);
      } catch (e) {
        send({ type: 'error', message: message(e) });
      }
    })();
  });
}

main().catch((e: unknown) => send({ type: 'error', message: message(e) }));
