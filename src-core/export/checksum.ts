/**
 * SHA-256 of an input, streamed so a multi-gigabyte file never sits in memory at once. A directory
 * (a 10x matrix folder) is hashed as the sequence (relative path, NUL, content) of its regular files in
 * sorted order, so the same folder always gives the same digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface FileChecksum {
  readonly sha256: string;
  readonly bytes: number;
}

async function hashFileInto(hash: Hash, path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Uint8Array;
    hash.update(buf);
    bytes += buf.length;
  }
  return bytes;
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(join(dir, entry.name), rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

export async function sha256File(path: string): Promise<FileChecksum> {
  const hash = createHash('sha256');
  if (!(await stat(path)).isDirectory()) {
    const bytes = await hashFileInto(hash, path);
    return { sha256: hash.digest('hex'), bytes };
  }
  let bytes = 0;
  for (const rel of await filesUnder(path)) {
    hash.update(rel + '\u0000');
    bytes += await hashFileInto(hash, join(path, rel));
  }
  return { sha256: hash.digest('hex'), bytes };
}
