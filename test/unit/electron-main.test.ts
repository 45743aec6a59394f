/**
 * The Electron main process (electron/app.ts) driven with fake Electron modules: window security flags,
 * CSP, blocked navigation and windows, denied permissions, IPC sender and argument checks, calls reaching
 * the compute worker with progress, recent files on disk, drag and drop, menus and dialogs, start-up.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { filesFromArgv, startIsotherm, type IsothermHost } from '../../electron/app.js';
import { APP_URL, CSP } from '../../electron/app-security.js';
import { ComputeWorker } from '../../host/compute-worker.js';
import type { IpcOutcome } from '../../electron/ipc-protocol.js';
import { RecentFiles, RECENT_FILE_NAME } from '../../electron/recent-files.js';
import type { MenuItemOptions, WebFrameMain } from '../../electron/electron-types.js';
import { FakeWebContents, FakeWorker, fakeElectron, ipcEvent, navEvent, type FakeElectron } from '../helpers/fake-electron.js';

let root: string;
let rendererDir: string;
let dataDir: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'isotherm-electron-'));
  rendererDir = join(root, 'renderer');
  dataDir = join(root, 'data');
  await mkdir(rendererDir);
  await mkdir(dataDir);
  await mkdir(join(dataDir, 'filtered_feature_bc_matrix'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Isotherm</title><script type="module" src="app.js"></script>');
  await writeFile(join(rendererDir, 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'not for the page');
});
after(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

interface Started {
  readonly f: FakeElectron;
  readonly host: IsothermHost;
  readonly worker: FakeWorker;
  readonly userData: string;
  readonly logs: string[];
}

async function start(argv: readonly string[] = ['electron', 'main.js', '--no-demo'], opts: { lock?: boolean } = {}): Promise<Started> {
  const userData = await mkdtemp(join(root, 'user-'));
  const f = fakeElectron(userData, opts);
  const worker = new FakeWorker();
  const logs: string[] = [];
  const host = startIsotherm(f.electron, {
    rendererDir,
    preloadPath: '/opt/isotherm/dist/electron/preload.cjs',
    argv,
    createWorker: () => worker,
    log: (l) => logs.push(l),
    platform: 'linux',
  });
  await host.ready;
  return { f, host, worker, userData, logs };
}

const call = async (s: Started, raw: unknown, sender = s.f.windows[0]!.webContents, frame: WebFrameMain | null = sender.mainFrame): Promise<IpcOutcome> => {
  const handler = s.f.ipcHandlers.get('isotherm:call');
  assert.ok(handler, 'isotherm:call is handled');
  return (await handler(ipcEvent(sender, frame), raw)) as IpcOutcome;
};

function findItem(menu: readonly MenuItemOptions[] | null, ...labels: string[]): MenuItemOptions {
  let items = menu ?? [];
  let found: MenuItemOptions | undefined;
  for (const label of labels) {
    found = items.find((i) => i.label === label || i.role === label);
    assert.ok(found, `menu item ${labels.join(' ▸ ')}`);
    items = found.submenu ?? [];
  }
  return found!;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Polls until `cond` holds (host actions run in the background: dialogs, the worker, atomic writes). */
async function waitFor(cond: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await settle();
  }
}
const storedRecent = async (dir: string): Promise<string[]> => (JSON.parse(await readFile(join(dir, RECENT_FILE_NAME), 'utf8')) as { files: string[] }).files;

describe('electron main: window', () => {
  it('creates one window with the secure webPreferences and loads the app:// page', async () => {
    const s = await start();
    assert.equal(s.f.windows.length, 1);
    const w = s.f.windows[0]!;
    const p = w.options.webPreferences;
    assert.equal(p.contextIsolation, true);
    assert.equal(p.sandbox, true);
    assert.equal(p.nodeIntegration, false);
    assert.equal(p.nodeIntegrationInWorker, false);
    assert.equal(p.nodeIntegrationInSubFrames, false);
    assert.equal(p.webSecurity, true);
    assert.equal(p.allowRunningInsecureContent, false);
    assert.equal(p.webviewTag, false);
    assert.equal(p.experimentalFeatures, false);
    assert.equal(p.navigateOnDragDrop, false);
    assert.equal(p.preload, '/opt/isotherm/dist/electron/preload.cjs');
    assert.deepEqual(w.loaded, [APP_URL]);
    assert.match(APP_URL, /^app:\/\/isotherm\//);
    w.emit('ready-to-show');
    assert.equal(w.shown, true);
    // The scheme is registered as standard + secure before 'ready'.
    assert.deepEqual(s.f.schemes.map((x) => [x.scheme, x.privileges.standard, x.privileges.secure]), [['app', true, true]]);
  });

  it('a second instance quits and leaves the file to the first one', async () => {
    const s = await start(['electron', 'main.js'], { lock: false });
    assert.equal(s.f.app.quitCalls, 1);
    assert.equal(s.f.windows.length, 0);
    assert.equal(s.f.ipcHandlers.size, 0);
  });
});

describe('electron main: content security', () => {
  it('sets a strict CSP on every response, replacing any other', async () => {
    const s = await start();
    assert.match(CSP, /default-src 'none'/);
    assert.match(CSP, /script-src 'self'(;|$)/);
    assert.match(CSP, /connect-src 'none'/);
    assert.match(CSP, /object-src 'none'/);
    assert.match(CSP, /frame-ancestors 'none'/);
    assert.doesNotMatch(CSP, /unsafe-eval|https?:|\*/);
    let out: Record<string, string[]> | null = null;
    s.f.headersListener!({ url: 'app://isotherm/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders));
    assert.ok(out);
    const headers = out as Record<string, string[]>;
    assert.deepEqual(headers['Content-Security-Policy'], [CSP]);
    assert.equal(headers['content-security-policy'], undefined);
    assert.deepEqual(headers['Content-Type'], ['text/html']);
  });

  it('serves only the renderer\'s files over app://, each with the CSP', async () => {
    const s = await start();
    const get = (url: string, method = 'GET'): Promise<Response> => Promise.resolve(s.f.protocolHandler!(new Request(url, { method })));
    const index = await get('app://isotherm/index.html');
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('content-security-policy'), CSP);
    assert.match(await index.text(), /<title>Isotherm/);
    assert.equal((await get('app://isotherm/')).status, 200);
    assert.equal((await get('app://isotherm/app.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
    for (const bad of ['app://isotherm/../secret.txt', 'app://isotherm/%2e%2e/secret.txt', 'app://isotherm/%2E%2E%2Fsecret.txt', 'app://isotherm/sub/app.js', 'app://isotherm/.hidden.js', 'app://other/index.html', 'app://isotherm/missing.js']) {
      const r = await get(bad);
      assert.equal(r.status, 404, bad);
      assert.equal(r.headers.get('content-security-policy'), CSP);
    }
    assert.equal((await get('app://isotherm/index.html', 'POST')).status, 404);
  });

  it('blocks navigation and redirects, denies new windows and <webview>', async () => {
    const s = await start();
    const wc = s.f.windows[0]!.webContents;
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://isotherm/index.html']) {
      const e = navEvent();
      wc.emit('will-navigate', e, url);
      assert.equal(e.prevented, true, url);
    }
    const r = navEvent();
    wc.emit('will-redirect', r, 'https://example.com/');
    assert.equal(r.prevented, true);
    assert.deepEqual(wc.openHandler!({ url: 'https://example.com/' }), { action: 'deny' });
    const v = navEvent();
    wc.emit('will-attach-webview', v);
    assert.equal(v.prevented, true);
    // Any other WebContents that appears is hardened too.
    const other = new FakeWebContents();
    s.f.app.emit('web-contents-created', navEvent(), other);
    const e2 = navEvent();
    other.emit('will-navigate', e2, 'https://example.com/');
    assert.equal(e2.prevented, true);
    assert.deepEqual(other.openHandler!({ url: 'https://x/' }), { action: 'deny' });
  });

  it('denies every permission request and check', async () => {
    const s = await start();
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
      let granted: boolean | null = null;
      s.f.permissionRequest!(s.f.windows[0]!.webContents, permission, (g) => (granted = g));
      assert.equal(granted, false, permission);
      assert.equal(s.f.permissionCheck!(s.f.windows[0]!.webContents, permission), false);
    }
  });
});

describe('electron main: IPC', () => {
  it('good calls reach the worker as validated calls; progress goes back to the sender', async () => {
    const s = await start();
    const listed = await call(s, { id: 1, method: 'listFiles', args: [dataDir] });
    assert.deepEqual(listed, { ok: true, value: { dir: dataDir, parent: null, entries: [] } });
    const run = await call(s, { id: 7, method: 'run', args: [{ knn: 10, t: 'auto', preset: 'phate' }] });
    assert.equal(run.ok, true);
    assert.deepEqual(s.worker.calls.at(-1), { method: 'run', params: { knn: 10, t: 'auto', preset: 'phate' } });
    const wc = s.f.windows[0]!.webContents;
    assert.deepEqual(wc.sent, [['isotherm:progress', 7, { stage: 'knn', fraction: 0.5 }], ['isotherm:progress', 7, { stage: 'knn', fraction: 1 }]]);
    const coords = await call(s, { id: 8, method: 'coords', args: [] });
    assert.ok(coords.ok && coords.value instanceof Float32Array);
    const cancel = await call(s, { id: 9, method: 'cancel', args: [] });
    assert.deepEqual(cancel, { ok: true, value: null });
  });

  it('refuses bad arguments with an InputError naming them, before the worker', async () => {
    const s = await start();
    const before = s.worker.calls.length;
    const cases: [unknown, RegExp][] = [
      [{ id: 1, method: 'open', args: ['data/cells.h5ad'] }, /absolute path/],
      [{ id: 1, method: 'open', args: ['/data/a\0b.h5ad'] }, /NUL/],
      [{ id: 1, method: 'run', args: [{ knn: Number.NaN }] }, /params\.knn.*number/],
      [{ id: 1, method: 'run', args: [{ knn: 1e9 }] }, /params\.knn.*between/],
      [{ id: 1, method: 'run', args: [{ sigma: Number.POSITIVE_INFINITY }] }, /params\.sigma/],
      [{ id: 1, method: 'run', args: [{ preset: 'umap' }] }, /params\.preset.*one of/],
      [{ id: 1, method: 'run', args: [{ heatMethod: 'magic' }] }, /params\.heatMethod/],
      [{ id: 1, method: 'run', args: [{ evil: 1 }] }, /unknown parameter/],
      [{ id: 1, method: 'cellInfo', args: [1.5] }, /integer/],
      [{ id: 1, method: 'exportCsv', args: ['/tmp/map.exe'] }, /must end in \.csv/],
      [{ id: 1, method: 'exportPng', args: ['/tmp/map.png', 'not bytes'] }, /Uint8Array/],
      [{ id: 1, method: 'subset', args: [[1, 2, 3]] }, /Int32Array/],
      [{ id: 1, method: 'eval', args: ['process.exit()'] }, /unknown method/],
      [{ id: 1, method: 'constructor', args: [] }, /unknown method/],
      [{ id: 1, method: 'open', args: 'oops' }, /must be an array/],
      [{ id: -1, method: 'describe', args: [] }, /call\.id/],
      [{ id: 1.5, method: 'describe', args: [] }, /call\.id/],
      [{ id: 1, method: 'describe', args: [], extra: true }, /call\.extra/],
      [null, /expected \{id, method, args\}/],
      ['describe', /expected \{id, method, args\}/],
    ];
    for (const [raw, pattern] of cases) {
      const r = await call(s, raw);
      assert.equal(r.ok, false, JSON.stringify(raw));
      if (!r.ok) {
        assert.equal(r.error.name, 'InputError', JSON.stringify(raw));
        assert.match(r.error.message, pattern, JSON.stringify(raw));
      }
    }
    assert.equal(s.worker.calls.length, before, 'nothing reached the worker');
  });

  it('refuses calls from another WebContents, a subframe or a foreign page', async () => {
    const s = await start();
    const ours = s.f.windows[0]!.webContents;
    const senders: [FakeWebContents, { url: string; parent: null | { url: string; parent: null } } | null][] = [
      [new FakeWebContents(), { url: 'app://isotherm/index.html', parent: null }],
      [ours, { url: 'app://isotherm/index.html', parent: { url: 'app://isotherm/index.html', parent: null } }],
      [ours, { url: 'https://evil.example/', parent: null }],
      [ours, { url: 'file:///home/tester/index.html', parent: null }],
      [ours, { url: 'app://other/index.html', parent: null }],
      [ours, { url: 'not a url', parent: null }],
      [ours, null],
    ];
    for (const [sender, frame] of senders) {
      const r = await call(s, { id: 1, method: 'describe', args: [] }, sender, frame);
      assert.deepEqual(r, { ok: false, error: { name: 'SecurityError', message: 'IPC from an untrusted frame' } }, JSON.stringify(frame));
    }
    assert.equal(s.worker.calls.length, 0);
    assert.ok(s.logs.some((l) => l.includes('refused an IPC call')));
  });

  it('works with the real compute worker shared with `isotherm serve`', async () => {
    const userData = await mkdtemp(join(root, 'user-'));
    const f = fakeElectron(userData);
    const worker = new ComputeWorker(dataDir);
    try {
      const host = startIsotherm(f.electron, { rendererDir, preloadPath: '/p.cjs', argv: ['electron', 'main.js', '--no-demo'], createWorker: () => worker, log: () => undefined });
      await host.ready;
      const handler = f.ipcHandlers.get('isotherm:call')!;
      const r = (await handler(ipcEvent(f.windows[0]!.webContents), { id: 1, method: 'listFiles', args: [dataDir] })) as IpcOutcome;
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual((r.value as { entries: { name: string }[] }).entries.map((e) => e.name), ['filtered_feature_bc_matrix']);
      const none = (await handler(ipcEvent(f.windows[0]!.webContents), { id: 2, method: 'describe', args: [] })) as IpcOutcome;
      assert.deepEqual(none, { ok: true, value: null });
      const bad = (await handler(ipcEvent(f.windows[0]!.webContents), { id: 3, method: 'open', args: [join(dataDir, 'missing.h5ad')] })) as IpcOutcome;
      assert.equal(bad.ok, false);
    } finally {
      await worker.terminate();
    }
  });

  it('worker errors come back with their name', async () => {
    const s = await start();
    s.worker.failOpen = 'cannot read this file';
    const r = await call(s, { id: 3, method: 'open', args: [join(dataDir, 'bad.h5ad')] });
    assert.deepEqual(r, { ok: false, error: { name: 'InputError', message: 'cannot read this file' } });
  });
});

describe('electron main: recent files', () => {
  it('an opened file is remembered in userData (atomically) and offered under File ▸ Open Recent', async () => {
    const s = await start();
    const a = join(dataDir, 'a.h5ad');
    const b = join(dataDir, 'b.parquet');
    assert.equal((await call(s, { id: 1, method: 'open', args: [a] })).ok, true);
    assert.equal((await call(s, { id: 2, method: 'open', args: [b] })).ok, true);
    assert.equal((await call(s, { id: 3, method: 'open', args: [a] })).ok, true);
    const stored = JSON.parse(await readFile(join(s.userData, RECENT_FILE_NAME), 'utf8')) as { files: string[] };
    assert.deepEqual(stored.files, [a, b]);
    assert.deepEqual(await readdir(s.userData), [RECENT_FILE_NAME], 'no temporary files left behind');
    assert.deepEqual(s.f.app.recentDocs, [a, b, a]);
    const recentItems = findItem(s.f.menu, 'File', 'Open Recent').submenu!;
    assert.deepEqual(recentItems.slice(0, 2).map((i) => i.label), [a, b]);
    // Clicking a recent entry opens it through the worker and reloads the view.
    const w = s.f.windows[0]!;
    const loads = w.loaded.length;
    recentItems[1]!.click!();
    await waitFor(() => s.f.app.recentDocs.length === 4, 'the reopened file to be remembered');
    assert.deepEqual(s.worker.calls.at(-1), { method: 'open', path: b, options: {} });
    assert.equal(w.loaded.length, loads + 1);
    assert.equal(w.title, 'b.parquet — Isotherm');
    // Clear Recent empties the list and the file.
    await waitFor(async () => (await storedRecent(s.userData))[0] === b, 'the list to be saved');
    findItem(s.f.menu, 'File', 'Open Recent', 'Clear Recent').click!();
    await waitFor(async () => (await storedRecent(s.userData)).length === 0, 'the cleared list to be saved');
    assert.equal(findItem(s.f.menu, 'File', 'Open Recent').submenu![0]!.label, 'No recent files');
  });

  it('a corrupt or hostile recent-files file reads as empty (or is filtered) and is replaced on the next write', async () => {
    const dir = await mkdtemp(join(root, 'recent-'));
    const file = join(dir, RECENT_FILE_NAME);
    await writeFile(file, '{"files": ["/a.h5ad", ');
    const r = new RecentFiles(dir);
    assert.deepEqual(await r.load(), []);
    await r.add('/data/x.h5ad');
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { version: 1, files: ['/data/x.h5ad'] });
    await writeFile(file, JSON.stringify({ files: ['relative.h5ad', 42, '/ok.h5ad', '/nul\0.h5ad', '/ok.h5ad'] }));
    assert.deepEqual(await new RecentFiles(dir).load(), ['/ok.h5ad']);
    await writeFile(file, '[]');
    assert.deepEqual(await new RecentFiles(dir).load(), []);
    const capped = new RecentFiles(dir, 3);
    for (const n of [1, 2, 3, 4, 5]) void capped.add(`/f${n}.csv`);
    await capped.add('/f6.csv');
    assert.deepEqual(await new RecentFiles(dir, 3).load(), ['/f6.csv', '/f5.csv', '/f4.csv']);
    // A missing userData folder is created.
    const fresh = new RecentFiles(join(dir, 'new', 'deeper'));
    await fresh.add('/y.h5ad');
    assert.deepEqual(await new RecentFiles(join(dir, 'new', 'deeper')).load(), ['/y.h5ad']);
  });
});

describe('electron main: drag and drop, menus, dialogs, start-up', () => {
  it('a file dropped on the window is opened (validated, from our window only)', async () => {
    const s = await start();
    const drop = s.f.ipcListeners.get('isotherm:drop')!;
    const w = s.f.windows[0]!;
    const file = join(dataDir, 'dropped.h5ad');
    drop(ipcEvent(w.webContents), file);
    await waitFor(() => s.host.recent.list().length === 1, 'the dropped file to open');
    assert.deepEqual(s.worker.calls.at(-1), { method: 'open', path: file, options: {} });
    assert.equal(w.loaded.at(-1), APP_URL);
    assert.deepEqual(s.host.recent.list(), [file]);
    // A 10x folder is fine too.
    const folder = join(dataDir, 'filtered_feature_bc_matrix');
    drop(ipcEvent(w.webContents), folder);
    await waitFor(() => s.host.recent.list().length === 2, 'the dropped folder to open');
    assert.deepEqual(s.worker.calls.at(-1), { method: 'open', path: folder, options: {} });
    const n = s.worker.calls.length;
    // Refused: relative, not a data file, NUL, not a string, from another WebContents.
    for (const bad of ['dropped.h5ad', join(dataDir, 'evil.exe'), '/x\0.h5ad', 42]) {
      drop(ipcEvent(w.webContents), bad);
      await settle();
    }
    drop(ipcEvent(new FakeWebContents()), join(dataDir, 'other.h5ad'));
    await waitFor(() => s.f.messages.length === 4, 'the error dialogs');
    await settle();
    assert.equal(s.worker.calls.length, n, 'nothing opened');
    assert.equal(s.f.messages.filter((m) => m.type === 'error').length, 4);
    assert.ok(s.f.messages.some((m) => /absolute path/.test(m.detail ?? '')));
    assert.ok(s.f.messages.some((m) => /not a data file/.test(m.detail ?? '')));
  });

  it('File ▸ Open… uses the open dialog; Export CSV… the save dialog; errors go to a dialog', async () => {
    const s = await start();
    const open = findItem(s.f.menu, 'File', 'Open…');
    assert.equal(open.accelerator, 'CmdOrCtrl+O');
    const file = join(dataDir, 'picked.h5ad');
    s.f.dialogs.open.push({ canceled: false, filePaths: [file] });
    open.click!();
    await waitFor(() => s.host.recent.list().length === 1, 'the picked file to open');
    assert.deepEqual(s.worker.calls.at(-1), { method: 'open', path: file, options: {} });
    // The folder of a file the user picked joins the worker's file scope.
    assert.deepEqual(s.worker.grants, [dataDir]);
    assert.deepEqual((s.f.openDialogs[0] as { properties: string[] }).properties, ['openFile']);
    assert.ok((s.f.openDialogs[0] as { filters: { extensions: string[] }[] }).filters[0]!.extensions.includes('h5ad'));
    // Cancelled dialog: nothing happens.
    const n = s.worker.calls.length;
    open.click!();
    await settle();
    assert.equal(s.worker.calls.length, n);
    // A failing open shows an error dialog naming the file.
    s.worker.failOpen = 'not an AnnData file';
    s.f.dialogs.open.push({ canceled: false, filePaths: [join(dataDir, 'broken.h5ad')] });
    open.click!();
    await waitFor(() => s.f.messages.length === 1, 'the error dialog');
    assert.deepEqual(s.f.messages.at(-1), { type: 'error', message: 'Could not open broken.h5ad', detail: 'not an AnnData file' });
    assert.ok(!s.host.recent.list().includes(join(dataDir, 'broken.h5ad')));

    const exp = findItem(s.f.menu, 'File', 'Export CSV…');
    assert.equal(exp.accelerator, 'CmdOrCtrl+E');
    s.f.dialogs.save.push({ canceled: false, filePath: '/tmp/out/map.csv' });
    exp.click!();
    await waitFor(() => s.f.messages.length === 2, 'the export report');
    assert.equal((s.f.saveDialogs[0] as { defaultPath: string }).defaultPath, '/home/tester/Documents/cells.isotherm.csv');
    assert.deepEqual(s.worker.calls.at(-1), { method: 'exportCsv', path: '/tmp/out/map.csv', rows: undefined });
    // The native dialog asked before replacing: the CSV is confirmed (not its sidecar), its folder granted.
    assert.deepEqual(s.worker.calls.at(-2), { method: 'confirmOverwrite', path: '/tmp/out/map.csv' });
    assert.ok(s.worker.grants.includes('/tmp/out'));
    assert.deepEqual((s.f.saveDialogs[0] as { properties?: string[] }).properties, ['showOverwriteConfirmation']);
    assert.equal(s.f.messages.at(-1)!.message, 'Wrote 10 cells to map.csv');
    // A bad extension typed into the save dialog is refused by the shared validator.
    s.f.dialogs.save.push({ canceled: false, filePath: '/tmp/out/map.exe' });
    exp.click!();
    await waitFor(() => s.f.messages.length === 3, 'the export error');
    assert.match(s.f.messages.at(-1)!.detail ?? '', /must end in \.csv/);
  });

  it('menus carry the keyboard accelerators', async () => {
    const s = await start();
    assert.deepEqual(s.f.menu!.map((m) => m.label), ['File', 'Edit', 'View', 'Help']);
    assert.equal(findItem(s.f.menu, 'File', 'Open 10x Folder…').accelerator, 'CmdOrCtrl+Shift+O');
    assert.equal(findItem(s.f.menu, 'File', 'quit').accelerator, 'CmdOrCtrl+Q');
    assert.equal(findItem(s.f.menu, 'View', 'Reload').accelerator, 'CmdOrCtrl+R');
    assert.equal(findItem(s.f.menu, 'View', 'togglefullscreen').accelerator, 'F11');
    assert.ok(findItem(s.f.menu, 'Edit', 'paste'));
    findItem(s.f.menu, 'Help', 'Keyboard Shortcuts').click!();
    await waitFor(() => s.f.messages.length === 1, 'the shortcuts dialog');
    assert.match(s.f.messages.at(-1)!.detail ?? '', /Ctrl\/⌘\+O/);
  });

  it('start-up opens the file named on the command line, else the demo data set (unless --no-demo)', async () => {
    const file = join(dataDir, 'cells.h5ad');
    const withFile = await start(['electron', 'main.js', file]);
    assert.deepEqual(withFile.worker.calls, [{ method: 'open', path: file, options: {} }]);
    assert.deepEqual(withFile.f.windows[0]!.loaded, [APP_URL], 'the page is loaded once');
    const demo = await start(['electron', 'main.js']);
    assert.deepEqual(demo.worker.calls, [{ method: 'openDemo' }]);
    const none = await start(['electron', 'main.js', '--no-demo']);
    assert.deepEqual(none.worker.calls, []);
    // Another launch with a file hands it to this instance.
    none.f.app.emit('second-instance', navEvent(), ['electron', 'main.js', file]);
    await waitFor(() => none.host.recent.list().length === 1, 'the second instance\'s file to open');
    assert.deepEqual(none.worker.calls, [{ method: 'open', path: file, options: {} }]);
    // macOS file association.
    const e = navEvent();
    none.f.app.emit('open-file', e, join(dataDir, 'assoc.feather'));
    await waitFor(() => none.host.recent.list().length === 2, 'the associated file to open');
    assert.equal(e.prevented, true);
    assert.deepEqual(none.worker.calls.at(-1), { method: 'open', path: join(dataDir, 'assoc.feather'), options: {} });
    none.f.app.emit('before-quit');
    assert.equal(none.worker.terminated, true);
  });

  it('filesFromArgv skips the executable, the script and switches', () => {
    assert.deepEqual(filesFromArgv(['/usr/bin/electron', '/app/main.js', '--no-sandbox', 'rel.h5ad', '/abs.csv'], false, '/home/u'), ['/home/u/rel.h5ad', '/abs.csv']);
    assert.deepEqual(filesFromArgv(['/opt/Isotherm/isotherm', '/abs.csv'], true), ['/abs.csv']);
    assert.deepEqual(filesFromArgv(['/opt/Isotherm/isotherm'], true), []);
  });
});
