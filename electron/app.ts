/**
 * The Electron main process, written against the electron-types.ts subset and taking the electron module
 * as an argument (electron/main.ts passes the real one; test/unit/electron-main.test.ts passes fakes).
 *
 * Security (Electron's checklist, https://www.electronjs.org/docs/latest/tutorial/security):
 * - The window: contextIsolation, sandbox, no Node integration anywhere, webSecurity on, no insecure
 *   content, no <webview>, no navigation on drag and drop; only the preload talks to the main process.
 * - Content: only our own files, over a custom scheme (app://isotherm/…, served from dist/renderer, flat
 *   names only); no remote content at all. A strict Content-Security-Policy on every response.
 * - Navigation is blocked (will-navigate, will-redirect), new windows are denied (setWindowOpenHandler),
 *   <webview> attachment is refused, every permission request and check is denied.
 * - IPC: one invoke channel for the IsothermApi; the sender must be our window's main frame on app://isotherm,
 *   every argument is validated (host/validate.ts) before it reaches the compute worker.
 * Computation runs in a worker thread (host/compute-worker.ts, shared with `isotherm serve`).
 */
import { statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { DATA_FILE_EXTENSIONS, type DatasetDescription, type ExportReport, type ProgressEvent } from '../src-core/api.js';
import { errorInfo } from '../src-core/api-errors.js';
import { checkedDataPath } from '../host/paths.js';
import { validateCall, type ApiCall } from '../host/validate.js';
import { readRendererFile, rendererCsp } from '../host/renderer-files.js';
import type { BrowserWindow, ElectronMain, IpcMainInvokeEvent, MenuItemOptions, NavigationEvent, Session, WebContents } from './electron-types.js';
import { CALL_CHANNEL, DROP_CHANNEL, PROGRESS_CHANNEL, type IpcOutcome } from './ipc-protocol.js';
import { APP_ORIGIN, isTrustedSender, validateRequest } from './ipc-validate.js';
import { RecentFiles } from './recent-files.js';

export { APP_ORIGIN } from './ipc-validate.js';
export const APP_SCHEME = 'app';
export const APP_URL = `${APP_ORIGIN}/index.html`;
/** The page may connect nowhere: it reaches the main process only through the preload's IPC. */
export const CSP = rendererCsp("'none'");

/** The compute worker as the main process uses it (host/compute-worker.ts ComputeWorker satisfies it). */
export interface ApiWorker {
  call(call: ApiCall, onProgress?: (e: ProgressEvent) => void): Promise<unknown>;
  terminate(): Promise<void>;
}

export interface HostOptions {
  /** dist/renderer: the only files the window can load. */
  readonly rendererDir: string;
  /** Absolute path of the bundled CommonJS preload (dist/electron/preload.cjs). */
  readonly preloadPath: string;
  readonly iconPath?: string;
  /** process.argv: data files to open are the non-option arguments after the app (or script) path. */
  readonly argv: readonly string[];
  readonly createWorker: (startDir: string) => ApiWorker;
  /** Default app.getPath('userData'). */
  readonly userDataDir?: string;
  readonly platform?: NodeJS.Platform;
  readonly log?: (line: string) => void;
}

export interface IsothermHost {
  /** Settles when the window exists and the initial file (or the demo) has been asked for. */
  readonly ready: Promise<void>;
  readonly recent: RecentFiles;
  window(): BrowserWindow | null;
  /** Opens a data set as File ▸ Open does (validates the path; errors go to a dialog); true on success. */
  openPath(path: string): Promise<boolean>;
  /** The application menu's template (rebuilt when the recent list changes). */
  menuTemplate(): MenuItemOptions[];
}

/** Data files named on the command line (after the executable, and the script when not packaged). */
export function filesFromArgv(argv: readonly string[], packaged: boolean, cwd: string = process.cwd()): string[] {
  return argv
    .slice(packaged ? 1 : 2)
    .filter((a) => a !== '' && !a.startsWith('-'))
    .map((a) => resolve(cwd, a));
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Hardening applied to every WebContents the app creates (the window, and anything that might appear). */
export function hardenContents(contents: WebContents, log: (line: string) => void): void {
  contents.on('will-navigate', (e: NavigationEvent, url: string) => {
    e.preventDefault();
    log(`blocked navigation to ${url.slice(0, 200)}`);
  });
  contents.on('will-redirect', (e: NavigationEvent, url: string) => {
    e.preventDefault();
    log(`blocked redirect to ${url.slice(0, 200)}`);
  });
  contents.on('will-attach-webview', (e: NavigationEvent) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`denied a new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

/** CSP on every response the session sees, and no permission (camera, notifications, …) for anyone. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    headers['Content-Security-Policy'] = [CSP];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The app:// protocol: files of dist/renderer by flat name, with the CSP; everything else is 404. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  const notFound = (): Response => new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP } });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'isotherm' || request.method !== 'GET') return notFound();
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const file = await readRendererFile(name, rendererDir);
  if (file === null) return notFound();
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: { 'Content-Type': file.type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
  });
}

const OPEN_FILTERS = [
  { name: 'Single-cell data', extensions: [...DATA_FILE_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];

const SHORTCUTS = [
  'Ctrl/⌘+O  Open a data file…',
  'Ctrl/⌘+Shift+O  Open a 10x folder…',
  'Ctrl/⌘+E  Export the map as CSV…',
  'Ctrl/⌘+R  Reload the view',
  'Ctrl/⌘+Q  Quit',
  'On the map: p pan/zoom, l lasso, r rectangle, Esc clear the selection',
  'On the entropy curve: ← / → t ÷ 1.25 / × 1.25',
];

export function startIsotherm(electron: ElectronMain, options: HostOptions): IsothermHost {
  const { app, BrowserWindow, ipcMain, dialog, Menu, protocol, session } = electron;
  const log = options.log ?? ((line: string) => process.stderr.write(`isotherm: ${line}\n`));
  const platform = options.platform ?? process.platform;
  const recent = new RecentFiles(options.userDataDir ?? app.getPath('userData'));
  let win: BrowserWindow | null = null;
  let worker: ApiWorker | null = null;
  let pendingOpen: string | null = null;

  const noop: IsothermHost = { ready: Promise.resolve(), recent, window: () => null, openPath: async () => false, menuTemplate: () => [] };
  if (!app.requestSingleInstanceLock()) {
    // Another Isotherm is running: it receives our argv (second-instance) and opens the file.
    app.quit();
    return noop;
  }

  // Must happen before 'ready': app:// behaves like https (standard, secure origin, fetch allowed).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, log));

  const showError = async (title: string, e: unknown): Promise<void> => {
    if (win && !win.isDestroyed()) await dialog.showMessageBox(win, { type: 'error', title: 'Isotherm', message: title, detail: message(e) });
    else log(`${title}: ${message(e)}`);
  };

  const refreshMenu = (): void => Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));

  const remember = async (path: string): Promise<void> => {
    await recent.add(path).catch((e: unknown) => log(`could not save the recent files list: ${message(e)}`));
    app.addRecentDocument(path);
    refreshMenu();
  };

  /** The single place where the host opens a data set (menu, recent, drop, argv, file association). */
  const openPath = async (raw: string): Promise<boolean> => {
    let path: string;
    try {
      path = checkedDataPath(raw, isDirectory);
    } catch (e) {
      await showError('This cannot be opened', e);
      return false;
    }
    if (worker === null || win === null || win.isDestroyed()) {
      pendingOpen = path;
      return false;
    }
    // Post the open first, then reload the page: its describe() waits for the open in the worker.
    const opened = worker.call({ method: 'open', path, options: {} });
    void win.loadURL(APP_URL).catch((e: unknown) => log(`could not reload the view: ${message(e)}`));
    try {
      await opened;
    } catch (e) {
      await showError(`Could not open ${basename(path)}`, e);
      return false;
    }
    win.setTitle(`${basename(path)} — Isotherm`);
    await remember(path);
    return true;
  };

  const openDialog = async (folder: boolean): Promise<void> => {
    if (!win) return;
    const r = await dialog.showOpenDialog(win, folder
      ? { title: 'Open a 10x Genomics folder', properties: ['openDirectory'], filters: [] }
      : { title: 'Open a data set', properties: ['openFile'], filters: OPEN_FILTERS });
    const path = r.filePaths[0];
    if (!r.canceled && path !== undefined) await openPath(path);
  };

  const exportCsvDialog = async (): Promise<void> => {
    if (!win || !worker) return;
    try {
      const d = (await worker.call({ method: 'describe' })) as DatasetDescription | null;
      if (d === null) throw new Error('Open a data set and compute its map first.');
      const stem = basename(d.path, extname(d.path));
      const dir = d.demo ? app.getPath('documents') : dirname(d.path);
      const r = await dialog.showSaveDialog(win, { title: 'Export the map as CSV', defaultPath: resolve(dir, `${stem}.isotherm.csv`), filters: [{ name: 'CSV', extensions: ['csv'] }] });
      if (r.canceled || !r.filePath) return;
      const report = (await worker.call(validateCall('exportCsv', [r.filePath]))) as ExportReport;
      await dialog.showMessageBox(win, {
        type: 'info',
        title: 'Isotherm',
        message: `Wrote ${report.rows} cells to ${basename(report.path)}`,
        detail: [report.path, ...report.extra].join('\n'),
      });
    } catch (e) {
      await showError('Could not export the map', e);
    }
  };

  const info = async (title: string, detail: string): Promise<void> => {
    if (win) await dialog.showMessageBox(win, { type: 'info', title: 'Isotherm', message: title, detail });
  };

  const menuTemplate = (): MenuItemOptions[] => {
    const files = recent.list();
    const recentMenu: MenuItemOptions[] = [
      ...(files.length === 0 ? [{ label: 'No recent files', enabled: false }] : files.map((f) => ({ label: f, click: () => void openPath(f) }))),
      { type: 'separator' },
      { label: 'Clear Recent', enabled: files.length > 0, click: () => void recent.clear().then(() => { app.clearRecentDocuments(); refreshMenu(); }, (e: unknown) => log(message(e))) },
    ];
    const template: MenuItemOptions[] = [
      {
        label: 'File',
        submenu: [
          { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void openDialog(false) },
          { label: 'Open 10x Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => void openDialog(true) },
          { label: 'Open Recent', submenu: recentMenu },
          { type: 'separator' },
          { label: 'Export CSV…', accelerator: 'CmdOrCtrl+E', click: () => void exportCsvDialog() },
          { type: 'separator' },
          { label: 'Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' },
        ],
      },
      {
        label: 'Edit',
        submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
      },
      {
        label: 'View',
        submenu: [
          { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => void win?.loadURL(APP_URL) },
          { type: 'separator' },
          { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
          { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
          { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
          { type: 'separator' },
          { role: 'togglefullscreen', accelerator: platform === 'darwin' ? 'Ctrl+Cmd+F' : 'F11' },
          ...(app.isPackaged ? [] : [{ role: 'toggleDevTools', accelerator: 'Alt+CmdOrCtrl+I' }]),
        ],
      },
      {
        label: 'Help',
        submenu: [
          { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => void info('Keyboard shortcuts', SHORTCUTS.join('\n')) },
          { label: 'About Isotherm', click: () => void info(`Isotherm ${app.getVersion()}`, 'Heat-geodesic maps of single cells (Huguet et al., NeurIPS 2023).') },
        ],
      },
    ];
    return platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
  };

  const handleCall = async (event: IpcMainInvokeEvent, raw: unknown): Promise<IpcOutcome> => {
    if (!isTrustedSender(event, win?.webContents ?? null)) {
      log(`refused an IPC call from ${event.senderFrame?.url.slice(0, 200) ?? 'an unknown frame'}`);
      return { ok: false, error: { name: 'SecurityError', message: 'IPC from an untrusted frame' } };
    }
    try {
      const { id, call } = validateRequest(raw);
      if (worker === null) throw new Error('the compute worker is not running');
      const value = await worker.call(call, (e) => {
        if (!event.sender.isDestroyed()) event.sender.send(PROGRESS_CHANNEL, id, e);
      });
      if (call.method === 'open') await remember(call.path);
      return { ok: true, value: value === undefined ? null : value };
    } catch (e) {
      return { ok: false, error: errorInfo(e) };
    }
  };

  const handleDrop = (event: IpcMainInvokeEvent, raw: unknown): void => {
    if (!isTrustedSender(event, win?.webContents ?? null)) {
      log('refused a dropped file from an untrusted frame');
      return;
    }
    void openPath(typeof raw === 'string' ? raw : '');
  };

  const createWindow = (load: boolean): BrowserWindow => {
    const w = new BrowserWindow({
      width: 1400,
      height: 900,
      minWidth: 900,
      minHeight: 600,
      title: 'Isotherm',
      show: false,
      backgroundColor: '#ffffff',
      ...(options.iconPath ? { icon: options.iconPath } : {}),
      // Spelled out here (not built by a helper) so that static scanners such as electronegativity see it.
      webPreferences: {
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        // Middle-click would otherwise try to open links in new windows (denied anyway, see hardenContents).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    hardenContents(w.webContents, log);
    w.once('ready-to-show', () => w.show());
    w.on('closed', () => {
      if (win === w) win = null;
    });
    if (load) void w.loadURL(APP_URL).catch((e: unknown) => log(`could not load the view: ${message(e)}`));
    return w;
  };

  // macOS: a file opened from Finder / a file association, possibly before 'ready'.
  app.on('open-file', (e, path) => {
    e.preventDefault();
    if (worker && win) void openPath(path);
    else pendingOpen = path;
  });
  app.on('second-instance', (_e, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const file = filesFromArgv(argv, app.isPackaged)[0];
    if (file !== undefined) void openPath(file);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void worker?.terminate();
    worker = null;
  });
  app.on('activate', () => {
    if (win === null && worker !== null) win = createWindow(true);
  });

  const ready = (async (): Promise<void> => {
    await app.whenReady();
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, options.rendererDir));
    ipcMain.handle(CALL_CHANNEL, handleCall);
    ipcMain.on(DROP_CHANNEL, handleDrop);
    await recent.load();
    refreshMenu();
    const first = filesFromArgv(options.argv, app.isPackaged)[0] ?? pendingOpen;
    worker = options.createWorker(first ? dirname(first) : app.getPath('home'));
    win = createWindow(!first);
    if (first) {
      pendingOpen = null;
      await openPath(first);
    } else if (!options.argv.includes('--no-demo')) {
      // Demo data set on start-up without a file (the API ignores it once the user opened something).
      await worker.call({ method: 'openDemo' }).catch((e: unknown) => log(`could not open the demo data set: ${message(e)}`));
    }
  })();
  ready.catch((e: unknown) => log(`start-up failed: ${message(e)}`));
  return { ready, recent, window: () => win, openPath, menuTemplate };
}
