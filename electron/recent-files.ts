/**
 * The File ▸ Open Recent list, kept in <userData>/recent-files.json. Written atomically (temporary file +
 * rename, src-core/export/atomic-write.ts), so a crash leaves the old list or the new one; a missing,
 * unreadable or corrupt file reads as an empty list (and is replaced on the next write), never an error.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../src-core/export/atomic-write.js';
import { pathProblem } from '../host/paths.js';

export const RECENT_FILE_NAME = 'recent-files.json';

export class RecentFiles {
  readonly path: string;
  private readonly max: number;
  private files: string[] = [];
  private writing: Promise<unknown> = Promise.resolve();

  constructor(userDataDir: string, max = 10) {
    this.path = join(userDataDir, RECENT_FILE_NAME);
    this.max = max;
  }

  /** Reads the stored list (tolerating a missing or corrupt file); returns it. */
  async load(): Promise<readonly string[]> {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(await readFile(this.path, 'utf8'));
    } catch {
      parsed = null;
    }
    const files = parsed !== null && typeof parsed === 'object' ? (parsed as { files?: unknown }).files : undefined;
    this.files = Array.isArray(files)
      ? [...new Set(files.filter((f): f is string => pathProblem(f, isAbsolute) === null))].slice(0, this.max)
      : [];
    return this.list();
  }

  list(): readonly string[] {
    return [...this.files];
  }

  /** Moves `path` to the top of the list and saves it. */
  add(path: string): Promise<void> {
    this.files = [path, ...this.files.filter((f) => f !== path)].slice(0, this.max);
    return this.save();
  }

  remove(path: string): Promise<void> {
    this.files = this.files.filter((f) => f !== path);
    return this.save();
  }

  clear(): Promise<void> {
    this.files = [];
    return this.save();
  }

  /** Saves are serialised; each writes the list as it is when its turn comes. */
  private save(): Promise<void> {
    const next = this.writing.catch(() => undefined).then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, files: this.files }, null, 2)}\n`);
    });
    this.writing = next;
    return next;
  }
}
