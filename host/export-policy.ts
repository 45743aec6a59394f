/**
 * Where the app's exports may write and what they may replace: inside the host's file scope
 * (file-scope.ts), and an existing file only when Isotherm wrote it or the user confirmed replacing that
 * path (IsothermApi.confirmOverwrite; a confirmation is used once).
 */
import { resolve } from 'node:path';
import type { FileScope } from './file-scope.js';

export class ExportPolicy {
  readonly #confirmed = new Set<string>();
  constructor(readonly scope: FileScope | null) {}

  /** The user agreed to replace `path` (once), e.g. after an OverwriteRefused error. */
  confirm(path: string): void {
    this.#confirmed.add(resolve(path));
  }

  /** Refuses a destination outside the scope; tells the writer what it may replace there. */
  async destination(path: string): Promise<'any' | 'isotherm'> {
    await this.scope?.writable(path);
    return this.#confirmed.has(resolve(path)) ? 'any' : 'isotherm';
  }

  /** Forgets a confirmation once the file was written. */
  used(path: string): void {
    this.#confirmed.delete(resolve(path));
  }
}
