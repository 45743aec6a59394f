/**
 * The subset of Electron's API that Isotherm uses, typed here by hand: the `electron` package is not a
 * dependency (its install step downloads the binary, which `npm ci` must not need), and the main-process
 * and preload code take these objects as arguments so that unit tests can pass fakes (no display needed).
 * Names and shapes follow Electron's own documentation (https://www.electronjs.org/docs/latest/api/).
 * Types only: this module emits no code that runs.
 */

// ---------- main process ----------

export interface WebPreferences {
  readonly preload: string;
  readonly contextIsolation: boolean;
  readonly sandbox: boolean;
  readonly nodeIntegration: boolean;
  readonly nodeIntegrationInWorker: boolean;
  readonly nodeIntegrationInSubFrames: boolean;
  readonly webSecurity: boolean;
  readonly allowRunningInsecureContent: boolean;
  readonly webviewTag: boolean;
  readonly experimentalFeatures: boolean;
  readonly navigateOnDragDrop: boolean;
  readonly safeDialogs: boolean;
  readonly spellcheck: boolean;
  /** Comma-separated Blink features to turn off, e.g. 'Auxclick'. */
  readonly disableBlinkFeatures: string;
}

export interface BrowserWindowOptions {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly title: string;
  readonly show: boolean;
  readonly backgroundColor: string;
  readonly icon?: string;
  readonly webPreferences: WebPreferences;
}

/** A frame (IpcMainInvokeEvent.senderFrame). */
export interface WebFrameMain {
  readonly url: string;
  readonly parent: WebFrameMain | null;
}

export interface NavigationEvent {
  preventDefault(): void;
}

export interface WebContents {
  readonly id: number;
  readonly mainFrame: WebFrameMain;
  on(event: 'will-navigate' | 'will-redirect', listener: (e: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { readonly action: 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  setTitle(title: string): void;
}

export interface BrowserWindowConstructor {
  new (options: BrowserWindowOptions): BrowserWindow;
}

export interface IpcMainInvokeEvent {
  readonly sender: WebContents;
  readonly senderFrame: WebFrameMain | null;
}

export interface IpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => void): unknown;
}

export interface FileFilter {
  readonly name: string;
  readonly extensions: readonly string[];
}

export interface Dialog {
  showOpenDialog(window: BrowserWindow, options: {
    readonly title: string;
    readonly properties: readonly ('openFile' | 'openDirectory')[];
    readonly filters: readonly FileFilter[];
  }): Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;
  showSaveDialog(window: BrowserWindow, options: {
    readonly title: string;
    readonly defaultPath?: string;
    readonly filters: readonly FileFilter[];
    /** Linux: ask before replacing an existing file (macOS and Windows always ask). */
    readonly properties?: readonly 'showOverwriteConfirmation'[];
  }): Promise<{ readonly canceled: boolean; readonly filePath?: string }>;
  showMessageBox(window: BrowserWindow, options: {
    readonly type: 'none' | 'info' | 'error' | 'question' | 'warning';
    readonly title: string;
    readonly message: string;
    readonly detail?: string;
    readonly buttons?: readonly string[];
  }): Promise<{ readonly response: number }>;
}

export interface MenuItemOptions {
  readonly label?: string;
  readonly role?: string;
  readonly type?: 'normal' | 'separator' | 'submenu';
  readonly accelerator?: string;
  readonly enabled?: boolean;
  readonly click?: () => void;
  readonly submenu?: readonly MenuItemOptions[];
}

export interface MenuStatic {
  buildFromTemplate(template: readonly MenuItemOptions[]): unknown;
  setApplicationMenu(menu: unknown): void;
}

export interface HeadersReceivedDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface Session {
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void): void;
  };
  setPermissionRequestHandler(handler: (contents: WebContents, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: WebContents | null, permission: string) => boolean): void;
}

export interface SessionStatic {
  readonly defaultSession: Session;
}

export interface CustomScheme {
  readonly scheme: string;
  readonly privileges: {
    readonly standard?: boolean;
    readonly secure?: boolean;
    readonly supportFetchAPI?: boolean;
    readonly corsEnabled?: boolean;
  };
}

export interface Protocol {
  registerSchemesAsPrivileged(schemes: readonly CustomScheme[]): void;
  /** The handler gets a Fetch API Request and returns a Response (Electron ≥ 25). */
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface Shell {
  showItemInFolder(path: string): void;
}

export interface App {
  readonly isPackaged: boolean;
  whenReady(): Promise<void>;
  on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): unknown;
  on(event: 'open-file', listener: (e: NavigationEvent, path: string) => void): unknown;
  on(event: 'second-instance', listener: (e: NavigationEvent, argv: readonly string[]) => void): unknown;
  on(event: 'web-contents-created', listener: (e: NavigationEvent, contents: WebContents) => void): unknown;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  getPath(name: 'userData' | 'home' | 'documents'): string;
  getVersion(): string;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
}

/** What electron/main.ts takes from `require('electron')` in the main process. */
export interface ElectronMain {
  readonly app: App;
  readonly BrowserWindow: BrowserWindowConstructor;
  readonly ipcMain: IpcMain;
  readonly dialog: Dialog;
  readonly Menu: MenuStatic;
  readonly session: SessionStatic;
  readonly protocol: Protocol;
  readonly shell: Shell;
}

// ---------- preload (sandboxed renderer) ----------

export interface IpcRendererEvent {
  readonly senderId?: number;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
}

export interface ContextBridge {
  exposeInMainWorld(key: string, api: unknown): void;
}

export interface WebUtils {
  /** The file system path of a dropped/picked File (Electron ≥ 29; File.path was removed in 32). */
  getPathForFile(file: unknown): string;
}

/** What electron/preload.ts takes from `require('electron')` in the sandboxed preload. */
export interface ElectronPreload {
  readonly contextBridge: ContextBridge;
  readonly ipcRenderer: IpcRenderer;
  readonly webUtils?: WebUtils;
}
