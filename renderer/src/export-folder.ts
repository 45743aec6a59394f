/**
 * Where exports go by default (issue 14, trap 3): the folder of the last export, else the user's documents
 * folder (AppFolders.documents) — never the input file's folder, which may be read-only or shared. The last
 * export folder is kept for the session and in the page's localStorage (Electron keeps it across restarts).
 */
import { dataFileStem } from '../../src-core/api.js';

const KEY = 'isotherm.lastExportFolder';
let sessionFolder: string | null = null;

function stored(): string | null {
  try {
    return globalThis.localStorage?.getItem(KEY) ?? null;
  } catch {
    return null; // storage switched off: the session folder only
  }
}

/** The folder part of a path ('/a/b/c.csv' → '/a/b'; 'C:\\x\\y.csv' → 'C:\\x'; '/c.csv' → '/'). */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '';
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/** `name` inside `folder`, with the folder's own separator. */
export function inFolder(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`;
}

/** The data file's name without its folder and data ending ('/d/x.csv.gz' → 'x'), the stem of export names. */
export function exportStem(dataPath: string): string {
  const stem = dataFileStem(dataPath);
  return stem.slice(Math.max(stem.lastIndexOf('/'), stem.lastIndexOf('\\')) + 1) || 'isotherm';
}

/** The default export folder: the last one used, else `documents`. */
export function exportFolder(documents: string): string {
  return sessionFolder ?? stored() ?? documents;
}

/** Remembers the folder of a file just exported. */
export function rememberExport(path: string): void {
  const folder = folderOf(path);
  if (!folder) return;
  sessionFolder = folder;
  try {
    globalThis.localStorage?.setItem(KEY, folder);
  } catch {
    /* storage switched off: the session keeps it */
  }
}
