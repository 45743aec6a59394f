/**
 * The file-access scope of the hosts (`isotherm serve`, Electron), enforced in the compute worker so
 * that neither a page nor a compromised renderer can widen it: reading, listing and exporting are allowed
 * only inside the scope's folders — the user's home folder, the folder the host started in (serve: the
 * working directory and INPUT's folder; Electron: the folder of the file it was started with) and, in Electron,
 * folders of files the user chose in a native dialog, dropped or opened from the recent list. Paths are
 * resolved through symlinks (realpath) before the check, so a link inside the scope that points outside it
 * is refused; an export's folder is resolved the same way, and an existing destination that is a symlink
 * is checked where it leads.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { InputError } from '../src-core/errors.js';

export class FileScope {
  readonly #roots: string[] = [];

  constructor(roots: readonly string[]) {
    for (const r of roots) this.grant(r);
  }

  /** Folders in the scope as given (before resolving links). */
  get roots(): readonly string[] {
    return this.#roots;
  }

  /** Adds a folder (and everything below it) to the scope. */
  grant(folder: string): void {
    const f = resolve(folder);
    if (!this.#roots.includes(f)) this.#roots.push(f);
  }

  async #realRoots(): Promise<string[]> {
    const out: string[] = [];
    for (const r of this.#roots) out.push(await realpath(r).catch(() => r));
    return out;
  }

  /** Whether a path that is already resolved (no links) lies in a scope folder. */
  async #inside(real: string): Promise<boolean> {
    for (const root of await this.#realRoots()) {
      const rel = relative(root, real);
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return true;
    }
    return false;
  }

  #refuse(path: string, real: string): never {
    const where = real === resolve(path) ? '' : ` (it leads to ${real})`;
    throw new InputError(path, `outside the folders Isotherm may use${where}: your home folder, the folder it started in, and folders you opened (${this.#roots.join(', ')})`);
  }

  /** The real path of an existing file or folder to read or list; refused when it resolves outside the scope. */
  async readable(path: string): Promise<string> {
    const real = await realpath(path).catch(() => null);
    if (real === null) return path; // the reader reports the missing file in its own words
    if (!(await this.#inside(real))) this.#refuse(path, real);
    return real;
  }

  /** Whether an existing entry may be shown in a listing (false when it resolves outside the scope). */
  async listable(path: string): Promise<boolean> {
    const real = await realpath(path).catch(() => null);
    return real !== null && (await this.#inside(real));
  }

  /** Checks where an export to `path` would really write: the destination (followed when it is a link) or its resolved folder. */
  async writable(path: string): Promise<void> {
    const target = resolve(path);
    const existing = await realpath(target).catch(() => null);
    const folder = await realpath(dirname(target)).catch(() => null);
    const real = existing ?? (folder === null ? target : join(folder, basename(target)));
    if (!(await this.#inside(real))) this.#refuse(path, real);
  }
}
