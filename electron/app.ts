/**
 * The Electron main process, written against the electron-types.ts subset and taking the electron module
 * as an argument (electron/main.ts passes the real one; test/unit/electron-main.test.ts passes fakes).
 *
 * Security (Electron's checklist, https://www.electronjs.org/docs/latest/tutorial/security): the window
 * (app-window.ts) and its content, navigation and permissions (app-security.ts); IPC: one invoke channel
 * for the IsothermApi, the sender must be our window's main frame on app://isotherm, every argument is
 * validated (host/validate.ts) before it reaches the compute worker.
 * Computation runs in a worker thread (host/compute-worker.ts, shared with `isotherm serve`).
 */
import { statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { DATA_FILE_EXTENSIONS, type DatasetDescription, type ExportReport, type ProgressEvent } from '../src-core/api.js';
import { errorInfo } from '../src-core/api-errors.js';
import { checkedDataPath } from '../host/paths.js';
import { validateCall, type ApiCall } from '../host/validate.js';
import { menuTemplate } from './app-menu.js';
import { APP_SCHEME, APP_URL, hardenContents, hardenSession, serveAppRequest } from './app-security.js';
import { createAppWindow } from './app-window.js';
import type { BrowserWindow, ElectronMain, IpcMainInvokeEvent, MenuItemOptions } from './electron-types.js';
import { CALL_CHANNEL, DROP_CHANNEL, PROGRESS_CHANNEL, type IpcOutcome } from './ipc-protocol.js';
import { isTrustedSender, validateRequest } from './ipc-validate.js';
import { RecentFiles } from './recent-files.js';

/** The compute worker as the main process uses it (host/compute-worker.ts ComputeWorker satisfies it). */
export interface ApiWorker {
  call(call: ApiCall, onProgress?: (e: ProgressEvent) => void): Promise<unknown>;
  terminate(): Promise<void>;
  /** Adds a folder the user chose here (dialog, drop, recent list, argv) to the worker's file scope. */
  grant?(folder: string): void;
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

const OPEN_FILTERS = [
  { name: 'Single-cell data', extensions: [...DATA_FILE_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];

export function startIsotherm(electron: ElectronMain, options: HostOptions): IsothermHost {
  const { app, protocol } = electron;
  const log = options.log ?? ((line: string) => process.stderr.write(`isotherm: ${line}\n`));
  const recent = new RecentFiles(options.userDataDir ?? app.getPath('userData'));
  if (!app.requestSingleInstanceLock()) {
    // Another Isotherm is running: it receives our argv (second-instance) and opens the file.
    app.quit();
    return { ready: Promise.resolve(), recent, window: () => null, openPath: async () => false, menuTemplate: () => [] };
  }
  // Must happen before 'ready': app:// behaves like https (standard, secure origin, fetch allowed).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.on('web-contents-created', (_e, contents) => hardenContents(contents, log));
  const main = new MainProcess(electron, options, recent, log);
  main.listen();
  const ready = main.start();
  ready.catch((e: unknown) => log(`start-up failed: ${message(e)}`));
  return { ready, recent, window: () => main.win, openPath: (path) => main.openPath(path), menuTemplate: () => main.menuTemplate() };
}

/** The main process's state (the window, the compute worker, a file waiting to be opened) and what it does. */
class MainProcess {
  win: BrowserWindow | null = null;
  private worker: ApiWorker | null = null;
  private pendingOpen: string | null = null;
  private readonly electron: ElectronMain;
  private readonly options: HostOptions;
  private readonly recent: RecentFiles;
  private readonly log: (line: string) => void;
  private readonly platform: NodeJS.Platform;

  constructor(electron: ElectronMain, options: HostOptions, recent: RecentFiles, log: (line: string) => void) {
    this.electron = electron;
    this.options = options;
    this.recent = recent;
    this.log = log;
    this.platform = options.platform ?? process.platform;
  }

  /** The app's events: files from Finder or a second instance, windows closing, quitting. */
  listen(): void {
    const { app } = this.electron;
    // macOS: a file opened from Finder / a file association, possibly before 'ready'.
    app.on('open-file', (e, path) => {
      e.preventDefault();
      if (this.worker && this.win) void this.openPath(path);
      else this.pendingOpen = path;
    });
    app.on('second-instance', (_e, argv) => {
      const win = this.win;
      if (win) {
        if (win.isMinimized()) win.restore();
        win.focus();
      }
      const file = filesFromArgv(argv, app.isPackaged)[0];
      if (file !== undefined) void this.openPath(file);
    });
    app.on('window-all-closed', () => app.quit());
    app.on('before-quit', () => {
      void this.worker?.terminate();
      this.worker = null;
    });
    app.on('activate', () => {
      if (this.win === null && this.worker !== null) this.win = this.createWindow(true);
    });
  }

  /** After 'ready': session hardening, app:// and IPC handlers, the menu, the worker, the window, the first file or the demo. */
  async start(): Promise<void> {
    const { app, ipcMain, protocol, session } = this.electron;
    await app.whenReady();
    hardenSession(session.defaultSession);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, this.options.rendererDir));
    ipcMain.handle(CALL_CHANNEL, (event, raw) => this.handleCall(event, raw));
    ipcMain.on(DROP_CHANNEL, (event, raw) => this.handleDrop(event, raw));
    await this.recent.load();
    this.refreshMenu();
    const first = filesFromArgv(this.options.argv, app.isPackaged)[0] ?? this.pendingOpen;
    // The file browser starts in the last-opened folder (the recent list survives restarts), else home.
    const last = first ?? this.recent.list()[0];
    this.worker = this.options.createWorker(last ? dirname(last) : app.getPath('home'));
    this.win = this.createWindow(!first);
    if (first) {
      this.pendingOpen = null;
      await this.openPath(first);
    } else if (!this.options.argv.includes('--no-demo')) {
      // Demo data set on start-up without a file (the API ignores it once the user opened something).
      await this.worker.call({ method: 'openDemo' }).catch((e: unknown) => this.log(`could not open the demo data set: ${message(e)}`));
    }
  }

  /** The single place where the host opens a data set (menu, recent, drop, argv, file association). */
  async openPath(raw: string): Promise<boolean> {
    let path: string;
    try {
      path = checkedDataPath(raw, isDirectory);
    } catch (e) {
      await this.showError('This cannot be opened', e);
      return false;
    }
    const win = this.win;
    if (this.worker === null || win === null || win.isDestroyed()) {
      this.pendingOpen = path;
      return false;
    }
    // The user chose this file (dialog, drop, recent list, command line): its folder joins the file scope.
    this.worker.grant?.(isDirectory(path) ? path : dirname(path));
    // Post the open first, then reload the page: its describe() waits for the open in the worker.
    const opened = this.worker.call({ method: 'open', path, options: {} });
    void win.loadURL(APP_URL).catch((e: unknown) => this.log(`could not reload the view: ${message(e)}`));
    try {
      await opened;
    } catch (e) {
      await this.showError(`Could not open ${basename(path)}`, e);
      return false;
    }
    win.setTitle(`${basename(path)} — Isotherm`);
    await this.remember(path);
    return true;
  }

  menuTemplate(): MenuItemOptions[] {
    const { app } = this.electron;
    return menuTemplate({
      platform: this.platform,
      packaged: app.isPackaged,
      version: app.getVersion(),
      recentFiles: this.recent.list(),
      open: (folder) => void this.openDialog(folder),
      openRecent: (path) => void this.openPath(path),
      clearRecent: () => void this.recent.clear().then(() => { app.clearRecentDocuments(); this.refreshMenu(); }, (e: unknown) => this.log(message(e))),
      exportCsv: () => void this.exportCsvDialog(),
      reload: () => void this.win?.loadURL(APP_URL),
      info: (title, detail) => void this.info(title, detail),
    });
  }

  private createWindow(load: boolean): BrowserWindow {
    const w = createAppWindow(this.electron.BrowserWindow, this.options, this.log);
    w.on('closed', () => {
      if (this.win === w) this.win = null;
    });
    if (load) void w.loadURL(APP_URL).catch((e: unknown) => this.log(`could not load the view: ${message(e)}`));
    return w;
  }

  private refreshMenu(): void {
    const { Menu } = this.electron;
    Menu.setApplicationMenu(Menu.buildFromTemplate(this.menuTemplate()));
  }

  private async remember(path: string): Promise<void> {
    await this.recent.add(path).catch((e: unknown) => this.log(`could not save the recent files list: ${message(e)}`));
    this.electron.app.addRecentDocument(path);
    this.refreshMenu();
  }

  private async showError(title: string, e: unknown): Promise<void> {
    const win = this.win;
    if (win && !win.isDestroyed()) await this.electron.dialog.showMessageBox(win, { type: 'error', title: 'Isotherm', message: title, detail: message(e) });
    else this.log(`${title}: ${message(e)}`);
  }

  private async info(title: string, detail: string): Promise<void> {
    if (this.win) await this.electron.dialog.showMessageBox(this.win, { type: 'info', title: 'Isotherm', message: title, detail });
  }

  private async openDialog(folder: boolean): Promise<void> {
    if (!this.win) return;
    const r = await this.electron.dialog.showOpenDialog(this.win, folder
      ? { title: 'Open a 10x Genomics folder', properties: ['openDirectory'], filters: [] }
      : { title: 'Open a data set', properties: ['openFile'], filters: OPEN_FILTERS });
    const path = r.filePaths[0];
    if (!r.canceled && path !== undefined) await this.openPath(path);
  }

  private async exportCsvDialog(): Promise<void> {
    const { app, dialog } = this.electron;
    const win = this.win;
    const worker = this.worker;
    if (!win || !worker) return;
    try {
      const d = (await worker.call({ method: 'describe' })) as DatasetDescription | null;
      if (d === null) throw new Error('Open a data set and compute its map first.');
      const stem = basename(d.path, extname(d.path));
      // Never the input file's folder by default (it may be read-only or shared; issue 14, trap 3).
      const dir = app.getPath('documents');
      const r = await dialog.showSaveDialog(win, { title: 'Export the map as CSV', defaultPath: resolve(dir, `${stem}.isotherm.csv`), filters: [{ name: 'CSV', extensions: ['csv'] }], properties: ['showOverwriteConfirmation'] });
      if (r.canceled || !r.filePath) return;
      // The native save dialog already asked before replacing the CSV (not its sidecar, which is checked as usual).
      worker.grant?.(dirname(r.filePath));
      await worker.call(validateCall('confirmOverwrite', [r.filePath]));
      const report = (await worker.call(validateCall('exportCsv', [r.filePath]))) as ExportReport;
      await dialog.showMessageBox(win, {
        type: 'info',
        title: 'Isotherm',
        message: `Wrote ${report.rows} cells to ${basename(report.path)}`,
        detail: [report.path, ...report.extra].join('\n'),
      });
    } catch (e) {
      await this.showError('Could not export the map', e);
    }
  }

  private async handleCall(event: IpcMainInvokeEvent, raw: unknown): Promise<IpcOutcome> {
    if (!isTrustedSender(event, this.win?.webContents ?? null)) {
      this.log(`refused an IPC call from ${event.senderFrame?.url.slice(0, 200) ?? 'an unknown frame'}`);
      return { ok: false, error: { name: 'SecurityError', message: 'IPC from an untrusted frame' } };
    }
    try {
      const { id, call } = validateRequest(raw);
      if (this.worker === null) throw new Error('the compute worker is not running');
      const value = await this.worker.call(call, (e) => {
        if (!event.sender.isDestroyed()) event.sender.send(PROGRESS_CHANNEL, id, e);
      });
      if (call.method === 'open') await this.remember(call.path);
      return { ok: true, value: value === undefined ? null : value };
    } catch (e) {
      return { ok: false, error: errorInfo(e) };
    }
  }

  private handleDrop(event: IpcMainInvokeEvent, raw: unknown): void {
    if (!isTrustedSender(event, this.win?.webContents ?? null)) {
      this.log('refused a dropped file from an untrusted frame');
      return;
    }
    void this.openPath(typeof raw === 'string' ? raw : '');
  }
}
