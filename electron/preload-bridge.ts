/**
 * The preload's logic, separate from its entry (electron/preload.ts) so that tests can drive it with a
 * fake ipcRenderer / contextBridge. It exposes the IsothermApi as window.isotherm: every method sends
 * one `isotherm:call` (ipcRenderer.invoke) and resolves with the value or rejects with an Error whose
 * message carries the error's name (src-core/api-errors.ts; the renderer's connectApi() restores it).
 * A trailing function argument (open, run, runCompare, evaluateTime) is the progress callback: it receives
 * the `isotherm:progress` events the main process sends for that call. Nothing but these functions
 * crosses into the page: no ipcRenderer, no Node.
 */
import type { IsothermApi } from '../src-core/api.js';
import type { ElectronPreload, IpcRenderer, WebUtils } from './electron-types.js';
import { tagErrorMessage } from '../src-core/api-errors.js';
import { CALL_CHANNEL, DROP_CHANNEL, PROGRESS_CHANNEL, type IpcCallRequest, type IpcOutcome } from './ipc-protocol.js';

/** Every IsothermApi method: `satisfies` makes tsc fail when the interface gains or loses one. */
const METHODS = {
  listFiles: 1, open: 1, openDemo: 1, reprocess: 1, describe: 1, run: 1, subset: 1, back: 1, cancel: 1, coords: 1,
  runCompare: 1, compareCoords: 1, colour: 1, searchGenes: 1, cellInfo: 1, exportCsv: 1, exportSvg: 1, exportPng: 1,
  exportIds: 1, confirmOverwrite: 1, timeColumns: 1, interpolate: 1, exportInterpolation: 1, evaluateTime: 1, cancelEvaluation: 1,
  cluster: 1, markers: 1, setSelections: 1, exportArrow: 1, folders: 1, geneSetScore: 1, pcaCoords: 1, exportH5ad: 1,
} as const satisfies Record<keyof IsothermApi, 1>;

export const API_METHODS = Object.keys(METHODS) as readonly (keyof IsothermApi)[];

type Bridged = Record<string, (...args: unknown[]) => Promise<unknown>>;

export function createBridge(ipc: IpcRenderer): IsothermApi {
  let nextId = 1;
  const listeners = new Map<number, (event: unknown) => void>();
  ipc.on(PROGRESS_CHANNEL, (_event, id, progress) => {
    if (typeof id === 'number') listeners.get(id)?.(progress);
  });

  const call = async (method: string, rawArgs: readonly unknown[]): Promise<unknown> => {
    const args = [...rawArgs];
    const last = args[args.length - 1];
    const onProgress = typeof last === 'function' ? (args.pop() as (event: unknown) => void) : undefined;
    const id = nextId++;
    if (onProgress) listeners.set(id, onProgress);
    try {
      const request: IpcCallRequest = { id, method, args: args.map((a) => (a === undefined ? null : a)) };
      const outcome = (await ipc.invoke(CALL_CHANNEL, request)) as IpcOutcome | null | undefined;
      if (outcome?.ok === true) return outcome.value;
      const error = outcome?.ok === false ? outcome.error : { name: 'Error', message: 'no answer from the Isotherm main process' };
      throw new Error(tagErrorMessage(error));
    } finally {
      listeners.delete(id);
    }
  };

  const api: Bridged = {};
  for (const method of API_METHODS) api[method] = (...args: unknown[]) => call(method, args);
  return api as unknown as IsothermApi;
}

/** The few DOM shapes the drop handler touches (the preload shares the page's DOM, not its JS world). */
export interface DropEventLike {
  preventDefault(): void;
  readonly dataTransfer: { readonly files: ArrayLike<unknown> } | null;
}
export interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (e: DropEventLike) => void): void;
}

/**
 * Dropping a file on the window opens it: the preload reads the dropped File's path (webUtils; File.path
 * before Electron 32) and sends it to the main process, which validates it and opens it like File ▸ Open.
 * The page itself is never navigated to the file.
 */
export function installDropHandler(target: DropTarget, ipc: IpcRenderer, webUtils: WebUtils | undefined): void {
  target.addEventListener('dragover', (e) => e.preventDefault());
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file === undefined) return;
    let path = '';
    try {
      path = webUtils ? webUtils.getPathForFile(file) : String((file as { path?: unknown }).path ?? '');
    } catch {
      path = '';
    }
    if (path !== '') ipc.send(DROP_CHANNEL, path);
  });
}

/** Everything the preload does (electron/preload.ts calls it with the real modules and window). */
export function installPreload(electron: ElectronPreload, target: DropTarget): void {
  electron.contextBridge.exposeInMainWorld('isotherm', createBridge(electron.ipcRenderer));
  installDropHandler(target, electron.ipcRenderer, electron.webUtils);
}
