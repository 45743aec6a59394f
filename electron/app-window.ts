/**
 * The app's one window: context-isolated, sandboxed, no Node integration anywhere, web security on, no
 * insecure content, no <webview>, no navigation on drag and drop; only the preload talks to the main
 * process. The options are spelled out here (not built by a helper) so that static scanners such as
 * electronegativity see them.
 */
import { hardenContents } from './app-security.js';
import type { BrowserWindow, BrowserWindowConstructor } from './electron-types.js';

export interface WindowOptions {
  /** Absolute path of the bundled CommonJS preload (dist/electron/preload.cjs). */
  readonly preloadPath: string;
  readonly iconPath?: string;
}

export function createAppWindow(BrowserWindow: BrowserWindowConstructor, options: WindowOptions, log: (line: string) => void): BrowserWindow {
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
  return w;
}
