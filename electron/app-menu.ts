/** The application menu (File, Edit, View, Help; the app menu first on macOS) and its keyboard shortcuts. */
import type { MenuItemOptions } from './electron-types.js';

export const SHORTCUTS = [
  'Ctrl/⌘+O  Open a data file…',
  'Ctrl/⌘+Shift+O  Open a 10x folder…',
  'Ctrl/⌘+E  Export the map as CSV…',
  'Ctrl/⌘+R  Reload the view',
  'Ctrl/⌘+Q  Quit',
  'On the map: p pan/zoom, l lasso, r rectangle, Esc clear the selection',
  'On the entropy curve: ← / → t ÷ 1.25 / × 1.25',
];

/** What the menu shows and what its items do (the main process supplies them). */
export interface MenuActions {
  readonly platform: NodeJS.Platform;
  readonly packaged: boolean;
  readonly version: string;
  readonly recentFiles: readonly string[];
  open(folder: boolean): void;
  openRecent(path: string): void;
  clearRecent(): void;
  exportCsv(): void;
  reload(): void;
  info(title: string, detail: string): void;
}

export function menuTemplate(a: MenuActions): MenuItemOptions[] {
  const files = a.recentFiles;
  const recentMenu: MenuItemOptions[] = [
    ...(files.length === 0 ? [{ label: 'No recent files', enabled: false }] : files.map((f) => ({ label: f, click: () => a.openRecent(f) }))),
    { type: 'separator' },
    { label: 'Clear Recent', enabled: files.length > 0, click: () => a.clearRecent() },
  ];
  const template: MenuItemOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.open(false) },
        { label: 'Open 10x Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => a.open(true) },
        { label: 'Open Recent', submenu: recentMenu },
        { type: 'separator' },
        { label: 'Export CSV…', accelerator: 'CmdOrCtrl+E', click: () => a.exportCsv() },
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
        { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => a.reload() },
        { type: 'separator' },
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
        { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
        { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
        { type: 'separator' },
        { role: 'togglefullscreen', accelerator: a.platform === 'darwin' ? 'Ctrl+Cmd+F' : 'F11' },
        ...(a.packaged ? [] : [{ role: 'toggleDevTools', accelerator: 'Alt+CmdOrCtrl+I' }]),
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => a.info('Keyboard shortcuts', SHORTCUTS.join('\n')) },
        { label: 'About Isotherm', click: () => a.info(`Isotherm ${a.version}`, 'Heat-geodesic maps of single cells (Huguet et al., NeurIPS 2023).') },
      ],
    },
  ];
  return a.platform === 'darwin' ? [{ role: 'appMenu' }, ...template] : template;
}
