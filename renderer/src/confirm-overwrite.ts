/**
 * An export that would replace an existing file fails with 'OverwriteRefused' (the host decides,
 * host/export-policy.ts): ask the user, tell the host, and try again — nothing is replaced silently
 * (issue 14, trap 3). The refused path is the InputError's file, the message's part before ": this file
 * exists"; the rest says whether it is an earlier Isotherm export.
 */
import type { IsothermApi } from '../../src-core/api.js';

const REFUSED = ': this file exists';

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
      if (path === null || attempt >= 4) throw e;
      const own = (e as Error).message.includes('an earlier Isotherm export');
      if (!ask(`${path} already exists${own ? ' (an earlier Isotherm export)' : ' and was not written by Isotherm'}.\n\nReplace it?`)) throw e;
      await api.confirmOverwrite(path);
    }
  }
}
