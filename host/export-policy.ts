/**
 * Where the app's exports may write and what they may replace: inside the host's file scope
 * (file-scope.ts), and an existing file only when the user confirmed replacing that path
 * (IsothermApi.confirmOverwrite; a confirmation is used once) — even one Isotherm wrote, so that an export
 * never replaces anything silently (issue 14, trap 3). A companion file (a CSV's sidecar) may replace
 * Isotherm's own without asking: the user confirmed its CSV.
 */
import { resolve } from 'node:path';
import type { ReplaceRule } from '../src-core/export/atomic-write.js';
import type { FileScope } from './file-scope.js';

export class ExportPolicy {
  readonly #confirmed = new Set<string>();
  constructor(readonly scope: FileScope | null) {}

  /** The user agreed to replace `path` (once), e.g. after an OverwriteRefused error. */
  confirm(path: string): void {
    this.#confirmed.add(resolve(path));
  }

  /** Refuses a destination outside the scope; tells the writer what it may replace there (`companion`: a sidecar). */
  async destination(path: string, companion = false): Promise<ReplaceRule> {
    await this.scope?.writable(path);
    return this.#confirmed.has(resolve(path)) ? 'any' : companion ? 'isotherm' : 'none';
  }

  /** Forgets a confirmation once the file was written. */
  used(path: string): void {
    this.#confirmed.delete(resolve(path));
  }
}
