/**
 * An export that would replace a file Isotherm did not write fails with 'OverwriteRefused' (the host
 * decides, src-core/export/isotherm-files.ts): ask the user, tell the host, and try again. The refused
 * path is the InputError's file, the message's part before ": this file exists".
 */
import type { IsothermApi } from '../../src-core/api.js';

const REFUSED = ': this file exists and was not written by Isotherm';

export function refusedPath(message: string): string | null {
  const at = message.indexOf(REFUSED);
  return at > 0 ? message.slice(0, at) : null;
}

/** Runs `f`; for each refused path the user agrees to replace, confirms it and runs `f` again (CSV + sidecar: at most a few times). */
export async function withOverwriteConfirmation<T>(api: Pick<IsothermApi, 'confirmOverwrite'>, f: () => Promise<T>, ask: (question: string) => boolean = (q) => window.confirm(q)): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      const path = e instanceof Error && e.name === 'OverwriteRefused' ? refusedPath(e.message) : null;
      if (path === null || attempt >= 4 || !ask(`${path} already exists and was not written by Isotherm.\n\nReplace it?`)) throw e;
      await api.confirmOverwrite(path);
    }
  }
}
