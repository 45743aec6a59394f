/**
 * The IPC protocol between the Electron preload and the main process, shared by both sides and by the
 * renderer (connectApi): channel names, the call envelope, and how an error keeps its name across
 * contextBridge (which rebuilds a rejected Error in the page's world keeping only its message, so
 * `CancelledError` would arrive as a plain `Error`). Pure TypeScript: no Node, DOM or Electron imports.
 */
import type { ApiErrorInfo } from '../src-core/api.js';

/** renderer → main (invoke): one IsothermApi call; resolves with an IpcOutcome, never rejects. */
export const CALL_CHANNEL = 'isotherm:call';
/** main → renderer: a progress event of call `id` (run, runCompare, evaluateTime). */
export const PROGRESS_CHANNEL = 'isotherm:progress';
/** renderer → main (send): a file was dropped on the window; main opens it. */
export const DROP_CHANNEL = 'isotherm:drop';

export interface IpcCallRequest {
  /** Chosen by the preload, unique per window; progress events carry it. */
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

export type IpcOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: ApiErrorInfo };

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
