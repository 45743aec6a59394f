/**
 * Errors as they cross a host boundary (WebSocket, IPC, worker threads): plain {name, message}, so that the
 * renderer can tell a cancelled run (CancelledError) or bad input (InputError) from a failure. Electron's
 * contextBridge keeps only a rejected Error's message, so the preload tags the name into the message and
 * the page takes it out again (withErrorNames). No Node, DOM or Electron imports: the renderer bundles this.
 */
export interface ApiErrorInfo {
  readonly name: string;
  readonly message: string;
}

export function errorInfo(e: unknown): ApiErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

const TAGGED = /^\[([A-Za-z][A-Za-z0-9_]*)\] ([\s\S]*)$/;

/** The message of an error the preload rejects with: "[InputError] path: no such file". */
export function tagErrorMessage(error: ApiErrorInfo): string {
  return `[${error.name}] ${error.message}`;
}

/** Puts back the name tagErrorMessage() stored in the message (on the page's side of contextBridge). */
export function untagError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const m = TAGGED.exec(e.message);
  if (!m) return e;
  const out = new Error(m[2]);
  out.name = m[1]!;
  return out;
}

/**
 * Wraps the object the preload exposed as window.isotherm so that every method's rejection carries the
 * original error name again (e.g. CancelledError). The renderer's connectApi() applies it.
 */
export function withErrorNames<T extends object>(bridged: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(bridged)) {
    const f = (bridged as Record<string, unknown>)[key];
    out[key] = typeof f === 'function'
      ? (...args: unknown[]) => (f as (...a: unknown[]) => Promise<unknown>)(...args).catch((e: unknown) => {
        throw untagError(e);
      })
      : f;
  }
  return out as T;
}
