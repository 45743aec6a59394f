/**
 * The one check of a file path that comes from outside the process (the page, IPC, a drop, the recent
 * files list): a non-empty string, at most MAX_PATH characters, no NUL, absolute. Hosts that know their
 * platform pass its own `isAbsolute` (node:path); the default accepts POSIX, drive-letter and UNC paths.
 * Plus what may be opened (data file endings or a folder) and where an export may write (its endings).
 */
import { DATA_FILE_EXTENSIONS, EXPORT_EXTENSIONS, type ExportKind } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';

export const MAX_PATH = 4096;

export function looksAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** What is wrong with `raw` as a path, or null when nothing is. */
export function pathProblem(raw: unknown, isAbsolute: (path: string) => boolean = looksAbsolute): string | null {
  if (typeof raw !== 'string' || raw === '') return 'expected a file path';
  if (raw.length > MAX_PATH) return `longer than ${MAX_PATH} characters`;
  if (raw.includes('\0')) return 'contains a NUL character';
  if (!isAbsolute(raw)) return `expected an absolute path, got '${raw}'`;
  return null;
}

/** `raw` when it is an acceptable path; otherwise an InputError naming `name` (e.g. 'path', 'dir'). */
export function checkedPath(name: string, raw: unknown, isAbsolute?: (path: string) => boolean): string {
  const problem = pathProblem(raw, isAbsolute);
  if (problem !== null) throw new InputError(name, problem);
  return raw as string;
}

/** The ending of a file name as node:path's extname() gives it, lower-cased ('.csv'; '' for ".csv" or "x"). */
export function fileEnding(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** A path an export of `kind` may write: acceptable (checkedPath) and with one of the kind's endings. */
export function checkedExportPath(kind: ExportKind, raw: unknown, isAbsolute?: (path: string) => boolean): string {
  const path = checkedPath('path', raw, isAbsolute);
  const allowed = EXPORT_EXTENSIONS[kind];
  if (!allowed.includes(fileEnding(path))) throw new InputError(path, `a ${kind} export must end in ${allowed.join(' or ')}`);
  return path;
}

/** A path to open that did not come through a file dialog: acceptable, and a data file by its ending or a folder (10x). */
export function checkedDataPath(raw: unknown, isDirectory: (path: string) => boolean, isAbsolute?: (path: string) => boolean): string {
  const path = checkedPath('path', raw, isAbsolute);
  const ending = fileEnding(path).slice(1);
  if ((DATA_FILE_EXTENSIONS as readonly string[]).includes(ending) || isDirectory(path)) return path;
  throw new InputError(path, `not a data file Isotherm reads (.${DATA_FILE_EXTENSIONS.join(', .')} or a 10x folder)`);
}
