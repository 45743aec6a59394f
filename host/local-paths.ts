/** Paths from the page as this machine reads them: checked (paths.ts) with node:path's isAbsolute, then resolved. */
import { isAbsolute, resolve } from 'node:path';
import type { ExportKind } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import { checkedExportPath, checkedPath } from './paths.js';

export function localPath(name: string, raw: unknown): string {
  return resolve(checkedPath(name, raw, isAbsolute));
}

/** Where an export of `kind` may write: a checked path with the kind's ending, never the input file. */
export function localExportPath(kind: ExportKind, raw: unknown, input: string): string {
  const out = resolve(checkedExportPath(kind, raw, isAbsolute));
  if (out === input) throw new InputError(out, 'the export would overwrite the input file');
  return out;
}
