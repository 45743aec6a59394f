/**
 * The app's file browser: a folder's entries, data files first, then folders, then the rest (hidden ones
 * left out, and those `allowed` refuses, e.g. links that lead out of the host's file scope).
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { DATA_FILE_EXTENSIONS, type FileEntry, type FileListing } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';

export async function listFolder(dir: string, allowed: (path: string) => Promise<boolean> = async () => true): Promise<FileListing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new InputError(dir, `cannot list this folder (${e instanceof Error ? e.message : String(e)})`);
  }
  const entries: FileEntry[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => null);
    if (!s || !(await allowed(path))) continue;
    if (s.isDirectory()) entries.push({ name, path, kind: 'directory', bytes: 0 });
    else if (s.isFile()) entries.push({ name, path, kind: 'file', bytes: s.size });
  }
  const isData = (name: string): boolean => (DATA_FILE_EXTENSIONS as readonly string[]).includes(extname(name).slice(1).toLowerCase());
  const rank = (e: FileEntry): number => (e.kind === 'directory' ? 1 : isData(e.name) ? 0 : 2);
  entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const parent = dirname(dir);
  return { dir, parent: parent === dir || !(await allowed(parent)) ? null : parent, entries };
}
