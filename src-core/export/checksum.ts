/** SHA-256 of a file, streamed so a multi-gigabyte input never sits in memory at once. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileChecksum {
  readonly sha256: string;
  readonly bytes: number;
}

export async function sha256File(path: string): Promise<FileChecksum> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    // Typed as Uint8Array: @types/node 20.9's Buffer does not match TypeScript 5.9's generic Uint8Array.
    const buf = chunk as Uint8Array;
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
