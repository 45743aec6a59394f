/**
 * Atomic file output: everything is written to a temporary file in the destination's own directory
 * (same file system, so the final rename is atomic) and renamed over the destination only when complete.
 * A crash, an exception or a full disk therefore leaves either the old destination or the new one, never
 * a truncated file, and the temporary file is removed on failure.
 *
 * The input data set is protected: a destination that is (or links to) one of `protectedPaths` is refused
 * before anything is written.
 */
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { writtenByIsotherm } from './isotherm-files.js';

/** Name of the error for an existing file Isotherm did not write (the app asks before replacing it). */
export const OVERWRITE_REFUSED = 'OverwriteRefused';

/** Which existing destination a write may replace (AtomicWriteOptions.replace). */
export type ReplaceRule = 'any' | 'isotherm' | 'none';

export interface AtomicWriteOptions {
  /** Files the output must never replace, typically the input data set. */
  readonly protectedPaths?: readonly string[];
  /**
   * Which existing destination may be replaced: 'any' (the default, for the library and the app's own
   * state files) or 'isotherm': only a file Isotherm wrote (isotherm-files.ts), so that a user-facing
   * export never clobbers someone's file unconfirmed (the CLI's `--force` and the app's confirmation
   * switch back to 'any'); 'none': no existing file unconfirmed, not even Isotherm's own (the app's
   * exports, issue 14 trap 3: never overwrite silently).
   */
  readonly replace?: ReplaceRule;
}

export type Chunk = string | Uint8Array;
export type ChunkSource = Iterable<Chunk> | AsyncIterable<Chunk>;

export interface WriteReport {
  readonly path: string;
  readonly bytes: number;
}

/** Write `content` (one buffer/string, or chunks from a possibly async generator) atomically to `dest`. */
export async function writeFileAtomic(dest: string, content: Chunk | ChunkSource, options: AtomicWriteOptions = {}): Promise<WriteReport> {
  const chunks: ChunkSource = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
  let bytes = 0;
  await withAtomicFile(
    dest,
    async (tempPath) => {
      const encoder = new TextEncoder();
      const fh = await open(tempPath, 'wx');
      try {
        for await (const chunk of chunks) {
          const buf: Uint8Array = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
          let off = 0;
          while (off < buf.length) {
            const { bytesWritten } = await fh.write(buf, off, buf.length - off);
            off += bytesWritten;
          }
          bytes += buf.length;
        }
        // Flush to disk before the rename, or a power cut could leave a renamed but empty file.
        await fh.sync();
      } finally {
        await fh.close();
      }
    },
    options,
  );
  return { path: resolve(dest), bytes };
}

/**
 * Run `build(tempPath)` to produce the output at a fresh temporary path next to `dest`, then rename it
 * onto `dest`. `build` may create the file however it likes (copy, library writer, ...). On any failure the
 * temporary file is deleted and `dest` is untouched.
 */
export async function withAtomicFile<T>(dest: string, build: (tempPath: string) => Promise<T>, options: AtomicWriteOptions = {}): Promise<T> {
  const target = resolve(dest);
  await assertWritableDestination(target, options.protectedPaths ?? [], options.replace ?? 'any');
  const tempPath = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const result = await build(tempPath);
    await rename(tempPath, target);
    return result;
  } catch (e) {
    await unlink(tempPath).catch(() => undefined);
    throw e;
  }
}

/** Refuses a destination in a missing directory, a directory itself, or one of the protected input files. */
export async function assertWritableDestination(target: string, protectedPaths: readonly string[], replace: ReplaceRule = 'any'): Promise<void> {
  const dir = dirname(target);
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat || !dirStat.isDirectory()) throw new InputError(target, `output directory ${dir} does not exist`);
  const destStat = await stat(target).catch(() => null);
  if (destStat?.isDirectory()) throw new InputError(target, 'output path is a directory; give a file name');
  const destReal = destStat ? await realpath(target) : join(await realpath(dir), basename(target));
  for (const p of protectedPaths) {
    const input = resolve(p);
    const inputStat = await stat(input).catch(() => null);
    const inputReal = inputStat ? await realpath(input) : input;
    // Same path after resolving symlinks, or the same inode (a hard link): both would destroy the input.
    const sameInode = destStat !== null && inputStat !== null && destStat.dev === inputStat.dev && destStat.ino === inputStat.ino;
    if (input === target || inputReal === destReal || sameInode) {
      throw new InputError(target, `refusing to write onto the input file ${p}; choose another output path`);
    }
  }
  if (destStat && replace !== 'any') {
    const own = await writtenByIsotherm(target);
    if (own && replace === 'isotherm') return;
    const e = new InputError(target, own ? 'this file exists (an earlier Isotherm export): choose another name, or confirm to replace it' : 'this file exists and was not written by Isotherm: choose another name, or confirm to replace it (CLI: --force)');
    e.name = OVERWRITE_REFUSED;
    throw e;
  }
}
