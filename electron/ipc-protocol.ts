/**
 * The IPC protocol between the Electron preload and the main process, shared by both sides: channel names
 * and the call envelope. An error keeps its name across contextBridge by a tag in its message
 * (src-core/api-errors.ts). Pure TypeScript: no Node, DOM or Electron imports.
 */
import type { ApiErrorInfo } from '../src-core/api-errors.js';

/** renderer → main (invoke): one IsothermApi call; resolves with an IpcOutcome, never rejects. */
export const CALL_CHANNEL = 'isotherm:call';
/** main → renderer: a progress event of call `id` (open, run, runCompare, evaluateTime). */
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
