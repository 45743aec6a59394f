/**
 * A host's handle on its compute worker (the HTTP server thread of `isotherm serve`, Electron's main
 * process): posts validated calls, routes results and progress back to the caller, and cancels runs
 * through a shared counter (see compute-thread.ts) so that "cancel" and "a newer run supersedes the old
 * one" take effect while the worker is busy computing.
 */
import { Worker } from 'node:worker_threads';
import type { ProgressEvent } from '../src-core/api.js';
import { PendingCalls, type ServerMessage, type WireValue } from '../src-core/api-wire.js';
import type { ToWorker, WorkerInit } from './compute-thread.js';
import type { ApiCall } from './validate.js';

export class ComputeWorker {
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #calls = new PendingCalls();
  #runSeq = 0;

  constructor(startDir: string) {
    const init: WorkerInit = { cancelFlag: this.#flag.buffer as SharedArrayBuffer, startDir };
    this.#worker = new Worker(new URL('./compute-thread.js', import.meta.url), { workerData: init });
    // The worker answers with the same messages as the WebSocket of `isotherm serve`.
    this.#worker.on('message', (m: ServerMessage) => this.#calls.receive(m));
    this.#worker.on('error', (e) => this.#calls.failAll(e));
    this.#worker.on('exit', (code) => this.#calls.failAll(new Error(`the compute worker exited (code ${code})`)));
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
    const { id, answer } = this.#calls.open(onProgress);
    const msg: ToWorker = { id, call, runSeq };
    this.#worker.postMessage(msg);
    return answer;
  }

  async terminate(): Promise<void> {
    Atomics.store(this.#flag, 0, 2 ** 31 - 1);
    await this.#worker.terminate();
  }
}
