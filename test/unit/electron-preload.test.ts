/**
 * The Electron preload (electron/preload-bridge.ts and the bundled dist/electron/preload.cjs) with a fake
 * ipcRenderer and contextBridge: it exposes exactly the IsothermApi as window.isotherm, sends one
 * `isotherm:call` per method, routes progress events to the right callback, keeps error names across
 * contextBridge (with the renderer's withErrorNames), and turns a dropped file into `isotherm:drop`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import type { IsothermApi, ProgressEvent } from '../../src-core/api.js';
import { API_METHODS, createBridge, installDropHandler, installPreload, type DropEventLike, type DropTarget } from '../../electron/preload-bridge.js';
import { untagError, withErrorNames } from '../../src-core/api-errors.js';
import { CALL_CHANNEL, DROP_CHANNEL, PROGRESS_CHANNEL, type IpcCallRequest } from '../../electron/ipc-protocol.js';
import type { ElectronPreload } from '../../electron/electron-types.js';
import { FakeIpcRenderer } from '../helpers/fake-electron.js';
import { projectRoot } from '../helpers/paths.js';

class FakeTarget implements DropTarget {
  readonly listeners = new Map<string, (e: DropEventLike) => void>();
  addEventListener(type: 'dragover' | 'drop', listener: (e: DropEventLike) => void): void {
    this.listeners.set(type, listener);
  }
  fire(type: 'dragover' | 'drop', files: unknown[] | null): { prevented: boolean } {
    const e = { prevented: false, preventDefault(): void { e.prevented = true; }, dataTransfer: files === null ? null : { files } };
    this.listeners.get(type)!(e);
    return e;
  }
}

function exposed(ipc: FakeIpcRenderer): { key: string; api: Record<string, unknown> }[] {
  const out: { key: string; api: Record<string, unknown> }[] = [];
  const electron: ElectronPreload = {
    contextBridge: { exposeInMainWorld: (key, api) => out.push({ key, api: api as Record<string, unknown> }) },
    ipcRenderer: ipc,
    webUtils: { getPathForFile: (f) => (f as { fakePath: string }).fakePath },
  };
  installPreload(electron, new FakeTarget());
  return out;
}

describe('electron preload', () => {
  it('exposes window.isotherm with exactly the IsothermApi methods, all functions, nothing else', () => {
    const ipc = new FakeIpcRenderer();
    const out = exposed(ipc);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.key, 'isotherm');
    const api = out[0]!.api;
    assert.deepEqual(Object.keys(api).sort(), [...API_METHODS].sort());
    for (const [k, v] of Object.entries(api)) assert.equal(typeof v, 'function', k);
    // The renderer's WebSocket client has the same methods (the contract connectApi() relies on).
    for (const m of ['listFiles', 'open', 'openDemo', 'describe', 'run', 'cancel', 'subset', 'back', 'coords', 'colour', 'searchGenes', 'cellInfo', 'exportCsv', 'exportSvg', 'exportPng', 'exportIds']) {
      assert.ok(API_METHODS.includes(m as keyof IsothermApi), m);
    }
    // Only the progress channel is listened to; ipcRenderer itself is not exposed.
    assert.deepEqual([...ipc.listeners.keys()], [PROGRESS_CHANNEL]);
    assert.ok(!Object.values(api).includes(ipc));
  });

  it('each method sends one isotherm:call with its arguments (undefined → null) and resolves with the value', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = async (_c, req) => ({ ok: true, value: { echo: (req as IpcCallRequest).method } });
    const api = createBridge(ipc);
    assert.deepEqual(await api.open('/data/cells.h5ad'), { echo: 'open' });
    await api.listFiles();
    await api.exportCsv('/tmp/map.csv', new Int32Array([1, 2]));
    await api.searchGenes('CD3');
    const reqs = ipc.invoked.map((i) => { assert.equal(i.channel, CALL_CHANNEL); return i.args[0] as IpcCallRequest; });
    assert.deepEqual(reqs.map((r) => [r.method, r.args]), [
      ['open', ['/data/cells.h5ad']],
      ['listFiles', []],
      ['exportCsv', ['/tmp/map.csv', new Int32Array([1, 2])]],
      ['searchGenes', ['CD3']],
    ]);
    assert.deepEqual(reqs.map((r) => r.id), [1, 2, 3, 4]);
    await api.cellInfo(undefined as unknown as number);
    assert.deepEqual((ipc.invoked.at(-1)!.args[0] as IpcCallRequest).args, [null]);
  });

  it('progress events reach the callback of their own call only, until it settles', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = async (_c, req, emit) => {
      const id = (req as IpcCallRequest).id;
      emit(PROGRESS_CHANNEL, id, { stage: 'knn', fraction: 0.5 });
      emit(PROGRESS_CHANNEL, id + 100, { stage: 'heat', fraction: 0.1 });
      emit(PROGRESS_CHANNEL, 'junk', { stage: 'heat', fraction: 0.1 });
      emit(PROGRESS_CHANNEL, id, { stage: 'mds', fraction: 1 });
      return { ok: true, value: { runId: 1 } };
    };
    const api = createBridge(ipc);
    const seen: ProgressEvent[] = [];
    const summary = await api.run({ knn: 10 }, (e) => seen.push(e));
    assert.deepEqual(summary, { runId: 1 });
    assert.deepEqual(seen, [{ stage: 'knn', fraction: 0.5 }, { stage: 'mds', fraction: 1 }]);
    // The callback is not sent over IPC (functions do not clone) and is dropped after the call.
    const req = ipc.invoked[0]!.args[0] as IpcCallRequest;
    assert.deepEqual(req.args, [{ knn: 10 }]);
    ipc.emit(PROGRESS_CHANNEL, req.id, { stage: 'extend', fraction: 1 });
    assert.equal(seen.length, 2);
  });

  it('errors keep their name: tagged in the message across contextBridge, restored by withErrorNames', async () => {
    const ipc = new FakeIpcRenderer();
    ipc.answer = async () => ({ ok: false, error: { name: 'CancelledError', message: 'the run was cancelled' } });
    const bridged = createBridge(ipc);
    await assert.rejects(bridged.run({}), (e: Error) => e.message === '[CancelledError] the run was cancelled');
    // What contextBridge delivers to the page is a plain Error with that message; the renderer restores it.
    const page = withErrorNames(bridged);
    await assert.rejects(page.run({}), (e: Error) => e.name === 'CancelledError' && e.message === 'the run was cancelled');
    ipc.answer = async () => undefined;
    await assert.rejects(page.describe(), (e: Error) => e.name === 'Error' && /no answer/.test(e.message));
    // Untagged errors pass through untouched.
    const plain = new Error('Error invoking remote method');
    assert.equal(untagError(plain), plain);
    assert.equal(untagError('x'), 'x');
  });

  it('a dropped file is sent to the main process by its path; dragover is allowed', () => {
    const ipc = new FakeIpcRenderer();
    const target = new FakeTarget();
    installDropHandler(target, ipc, { getPathForFile: (f) => (f as { fakePath: string }).fakePath });
    assert.equal(target.fire('dragover', []).prevented, true);
    assert.equal(target.fire('drop', [{ fakePath: '/data/cells.h5ad' }, { fakePath: '/data/other.h5ad' }]).prevented, true);
    target.fire('drop', []);
    target.fire('drop', null);
    target.fire('drop', [{ fakePath: '' }]);
    assert.deepEqual(ipc.sentMessages, [{ channel: DROP_CHANNEL, args: ['/data/cells.h5ad'] }]);
    // Without webUtils (Electron < 29), File.path.
    const old = new FakeIpcRenderer();
    const t2 = new FakeTarget();
    installDropHandler(t2, old, undefined);
    t2.fire('drop', [{ path: '/data/x.csv' }]);
    assert.deepEqual(old.sentMessages, [{ channel: DROP_CHANNEL, args: ['/data/x.csv'] }]);
  });

  it('the bundled preload.cjs is CommonJS, requires only electron, and works in a bare sandbox-like context', () => {
    const file = join(projectRoot(), 'dist', 'electron', 'preload.cjs');
    assert.ok(existsSync(file), 'dist/electron/preload.cjs is built (npm run build:preload)');
    const code = readFileSync(file, 'utf8');
    const requires = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ['electron']);
    assert.doesNotMatch(code, /^\s*(import|export)\s/m);
    const ipc = new FakeIpcRenderer();
    const exposedKeys: string[] = [];
    const target = new FakeTarget();
    const electron: ElectronPreload = {
      contextBridge: { exposeInMainWorld: (key) => exposedKeys.push(key) },
      ipcRenderer: ipc,
    };
    const module = { exports: {} };
    runInNewContext(code, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return electron;
      },
      module,
      exports: module.exports,
      addEventListener: target.addEventListener.bind(target),
    });
    assert.deepEqual(exposedKeys, ['isotherm']);
    assert.deepEqual([...target.listeners.keys()].sort(), ['dragover', 'drop']);
  });
});
