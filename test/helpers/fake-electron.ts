/**
 * Fakes of the Electron modules Isotherm uses (electron/electron-types.ts), recording what the code under
 * test does with them: no display and no `electron` package needed.
 */
import type {
  BrowserWindow, BrowserWindowOptions, CustomScheme, ElectronMain, HeadersReceivedDetails, IpcMainInvokeEvent, IpcRenderer,
  IpcRendererEvent, MenuItemOptions, NavigationEvent, WebContents, WebFrameMain,
} from '../../electron/electron-types.js';
import type { ApiWorker } from '../../electron/app.js';
import type { ApiCall } from '../../host/validate.js';
import type { ProgressEvent } from '../../src-core/api.js';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

let nextContentsId = 1;

export class FakeWebContents extends Emitter implements WebContents {
  readonly id = nextContentsId++;
  mainFrame: WebFrameMain = { url: 'app://isotherm/index.html', parent: null };
  openHandler: ((d: { readonly url: string }) => { readonly action: 'deny' }) | null = null;
  readonly sent: unknown[][] = [];
  destroyed = false;
  setWindowOpenHandler(handler: (d: { readonly url: string }) => { readonly action: 'deny' }): void {
    this.openHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A navigation-like event whose preventDefault() is recorded. */
export function navEvent(): NavigationEvent & { prevented: boolean } {
  const e = { prevented: false, preventDefault(): void { e.prevented = true; } };
  return e;
}

export class FakeWindow extends Emitter implements BrowserWindow {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  title = '';
  shown = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowOptions) {
    super();
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void { this.shown = true; }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean { return false; }
  isDestroyed(): boolean { return this.destroyed; }
  setTitle(title: string): void { this.title = title; }
}

export interface DialogScript {
  open: { canceled: boolean; filePaths: string[] }[];
  save: { canceled: boolean; filePath?: string }[];
}

export interface FakeElectron {
  readonly electron: ElectronMain;
  readonly windows: FakeWindow[];
  readonly app: Emitter & { quitCalls: number; lock: boolean; recentDocs: string[]; packaged: boolean };
  readonly ipcHandlers: Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>;
  readonly ipcListeners: Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => void>;
  readonly dialogs: DialogScript;
  readonly messages: { type: string; message: string; detail?: string }[];
  readonly openDialogs: unknown[];
  readonly saveDialogs: unknown[];
  menu: readonly MenuItemOptions[] | null;
  readonly schemes: CustomScheme[];
  protocolHandler: ((request: Request) => Response | Promise<Response>) | null;
  headersListener: ((d: HeadersReceivedDetails, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null;
  permissionRequest: ((c: WebContents, permission: string, cb: (granted: boolean) => void) => void) | null;
  permissionCheck: ((c: WebContents | null, permission: string) => boolean) | null;
}

export function fakeElectron(userData: string, options: { lock?: boolean; packaged?: boolean } = {}): FakeElectron {
  const windows: FakeWindow[] = [];
  const app = Object.assign(new Emitter(), { quitCalls: 0, lock: options.lock ?? true, recentDocs: [] as string[], packaged: options.packaged ?? false });
  const f: FakeElectron = {
    windows,
    app,
    ipcHandlers: new Map(),
    ipcListeners: new Map(),
    dialogs: { open: [], save: [] },
    messages: [],
    openDialogs: [],
    saveDialogs: [],
    menu: null,
    schemes: [],
    protocolHandler: null,
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    electron: undefined as unknown as ElectronMain,
  };
  const Window = function (this: unknown, opts: BrowserWindowOptions) {
    const w = new FakeWindow(opts);
    windows.push(w);
    return w;
  } as unknown as ElectronMain['BrowserWindow'];
  (f as { electron: ElectronMain }).electron = {
    app: {
      get isPackaged() { return app.packaged; },
      whenReady: () => Promise.resolve(),
      on: (event: string, listener: Listener) => app.on(event, listener),
      requestSingleInstanceLock: () => app.lock,
      quit: () => { app.quitCalls++; },
      getPath: (name: string) => (name === 'userData' ? userData : `/home/tester${name === 'documents' ? '/Documents' : ''}`),
      getVersion: () => '0.1.0',
      addRecentDocument: (p: string) => { app.recentDocs.push(p); },
      clearRecentDocuments: () => { app.recentDocs.length = 0; },
    } as ElectronMain['app'],
    BrowserWindow: Window,
    ipcMain: {
      handle: (channel, listener) => { f.ipcHandlers.set(channel, listener); },
      on: (channel, listener) => { f.ipcListeners.set(channel, listener); },
    },
    dialog: {
      showOpenDialog: async (_w, o) => { f.openDialogs.push(o); return f.dialogs.open.shift() ?? { canceled: true, filePaths: [] }; },
      showSaveDialog: async (_w, o) => { f.saveDialogs.push(o); return f.dialogs.save.shift() ?? { canceled: true }; },
      showMessageBox: async (_w, o) => { f.messages.push({ type: o.type, message: o.message, ...(o.detail !== undefined ? { detail: o.detail } : {}) }); return { response: 0 }; },
    },
    Menu: {
      buildFromTemplate: (t) => t,
      setApplicationMenu: (m) => { f.menu = m as readonly MenuItemOptions[]; },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l) => { f.headersListener = l; } },
        setPermissionRequestHandler: (h) => { f.permissionRequest = h; },
        setPermissionCheckHandler: (h) => { f.permissionCheck = h; },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s) => { f.schemes.push(...s); },
      handle: (_scheme, h) => { f.protocolHandler = h; },
    },
    shell: { showItemInFolder: () => undefined },
  };
  return f;
}

/** An IPC event as our window's main frame would send it (or, with overrides, someone else). */
export function ipcEvent(sender: FakeWebContents, frame: WebFrameMain | null = sender.mainFrame): IpcMainInvokeEvent {
  return { sender, senderFrame: frame };
}

/** A compute worker that records calls and answers from a table (progress events for run). */
export class FakeWorker implements ApiWorker {
  readonly calls: ApiCall[] = [];
  terminated = false;
  failOpen: string | null = null;
  /** Folders the host added to the file scope (ComputeWorker.grant). */
  readonly grants: string[] = [];
  grant(folder: string): void {
    this.grants.push(folder);
  }
  call(call: ApiCall, onProgress?: (e: ProgressEvent) => void): Promise<unknown> {
    this.calls.push(call);
    switch (call.method) {
      case 'open':
        if (this.failOpen) return Promise.reject(Object.assign(new Error(this.failOpen), { name: 'InputError' }));
        return Promise.resolve({ path: call.path, format: 'h5ad', nCells: 10, nFeatures: 5, nMapped: 10, nDims: 5, obs: [], featureNames: [], obsmKeys: [], notes: [], depth: 0 });
      case 'describe':
        return Promise.resolve({ path: '/data/cells.h5ad', format: 'h5ad', nCells: 10, nFeatures: 5, nMapped: 10, nDims: 5, obs: [], featureNames: [], obsmKeys: [], notes: [], depth: 0 });
      case 'run':
        onProgress?.({ stage: 'knn', fraction: 0.5 } as unknown as ProgressEvent);
        onProgress?.({ stage: 'knn', fraction: 1 } as unknown as ProgressEvent);
        return Promise.resolve({ runId: 1 });
      case 'exportCsv':
        return Promise.resolve({ path: call.path, bytes: 100, extra: [call.path.replace(/\.csv$/, '.json')], rows: 10 });
      case 'listFiles':
        return Promise.resolve({ dir: call.dir ?? '/', parent: null, entries: [] });
      case 'coords':
        return Promise.resolve(new Float32Array([1, 2, 3, 4]));
      default:
        return Promise.resolve(null);
    }
  }
  terminate(): Promise<void> {
    this.terminated = true;
    return Promise.resolve();
  }
}

/** A fake ipcRenderer for the preload: invoke() answers through `answer`, which may emit progress first. */
export class FakeIpcRenderer implements IpcRenderer {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sentMessages: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, ((event: IpcRendererEvent, ...args: unknown[]) => void)[]>();
  answer: (channel: string, request: unknown, emit: (channel: string, ...args: unknown[]) => void) => Promise<unknown> = async () => ({ ok: true, value: null });
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, args[0], (c, ...a) => this.emit(c, ...a));
  }
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sentMessages.push({ channel, args });
  }
  emit(channel: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l({}, ...args);
  }
}
