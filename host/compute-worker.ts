/**
 * A host's handle on its compute worker (the HTTP server thread of `isotherm serve`, Electron's main
 * process): posts validated calls, routes results and progress back to the caller, and cancels runs
 * through a shared counter (see compute-thread.ts) so that "cancel" and "a newer run supersedes the old
 * one" take effect while the worker is busy computing.
 */
import { Worker } from 'node:worker_threads';
import type { ProgressEvent } from '../src-core/api.js';
import type { WireValue } from '../src-core/api-wire.js';
import type { ToWorker, WorkerInit } from './compute-thread.js';
import type { ApiCall } from './validate.js';

type FromWorker =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: WireValue }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: { name: string; message: string } }
  | { readonly type: 'progress'; readonly id: number; readonly event: ProgressEvent };

interface Pending {
  resolve(v: WireValue): void;
  reject(e: Error): void;
  onProgress: ((e: ProgressEvent) => void) | undefined;
}

export class ComputeWorker {
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #runSeq = 0;

  constructor(startDir: string) {
    const init: WorkerInit = { cancelFlag: this.#flag.buffer as SharedArrayBuffer, startDir };
    this.#worker = new Worker(new URL('./compute-thread.js', import.meta.url), { workerData: init });
    this.#worker.on('message', (m: FromWorker) => this.#receive(m));
    this.#worker.on('error', (e) => this.#failAll(e));
    this.#worker.on('exit', (code) => this.#failAll(new Error(`the compute worker exited (code ${code})`)));
  }

  call(call: ApiCall, onProgress?: (e: ProgressEvent) => void): Promise<WireValue> {
    if (call.method === 'cancel') {
      Atomics.store(this.#flag, 0, this.#runSeq);
      return Promise.resolve(null);
    }
    let runSeq = 0;
    if (call.method === 'run' || call.method === 'runCompare') {
      runSeq = ++this.#runSeq;
      // A newer run supersedes every older one.
      Atomics.store(this.#flag, 0, runSeq - 1);
    } else if (call.method === 'open' || call.method === 'reprocess' || call.method === 'subset' || call.method === 'back') {
      Atomics.store(this.#flag, 0, this.#runSeq);
    }
    const id = this.#nextId++;
    return new Promise<WireValue>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      const msg: ToWorker = { id, call, runSeq };
      this.#worker.postMessage(msg);
    });
  }

  async terminate(): Promise<void> {
    Atomics.store(this.#flag, 0, 2 ** 31 - 1);
    await this.#worker.terminate();
  }

  #receive(m: FromWorker): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.event);
      return;
    }
    this.#pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else {
      const e = new Error(m.error.message);
      e.name = m.error.name;
      p.reject(e);
    }
  }

  #failAll(e: Error): void {
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}
