/**
 * What the Electron main process checks before it acts on a message from the renderer. The arguments of
 * an IsothermApi call go through the same validator as `isotherm serve`'s WebSocket (host/validate.ts:
 * known methods only, absolute paths without NUL, export extensions, finite numbers in range, enums);
 * this module adds what is particular to IPC: who sent it (only the main frame of our own window, showing
 * our own app:// page) and the shape of the envelope. (A dropped file's path: host/paths.ts checkedDataPath.)
 */
import { InputError } from '../src-core/errors.js';
import { validateCall, type ApiCall } from '../host/validate.js';
import type { IpcMainInvokeEvent, WebContents } from './electron-types.js';

/** The renderer's origin: a custom, standard, secure scheme served only from dist/renderer (electron/app.ts). */
export const APP_ORIGIN = 'app://isotherm';

/**
 * True when an IPC message comes from `window`'s main frame while it shows our page: a message from
 * another WebContents, a subframe, or a frame that somehow navigated elsewhere is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, window: WebContents | null): boolean {
  if (window === null || event.sender !== window || event.sender.id !== window.id) return false;
  const frame = event.senderFrame;
  if (frame === null || frame.parent !== null) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return url.origin === APP_ORIGIN || (url.protocol === 'app:' && url.host === 'isotherm');
}

export interface ValidRequest {
  readonly id: number;
  readonly call: ApiCall;
}

/** The `isotherm:call` envelope {id, method, args}, then the call itself (host/validate.ts). */
export function validateRequest(raw: unknown): ValidRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('call', 'expected {id, method, args}');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) if (key !== 'id' && key !== 'method' && key !== 'args') throw new InputError(`call.${key}`, 'unknown field');
  const id = o.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 2 ** 31 - 1) throw new InputError('call.id', `expected an integer id, got ${JSON.stringify(id)}`);
  return { id, call: validateCall(o.method, o.args) };
}
