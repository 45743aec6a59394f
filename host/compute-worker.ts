/**
 * A host's handle on its compute worker (the HTTP server thread of `isotherm serve`, Electron's main
 * process): posts validated calls, routes results and progress back to the caller, and cancels runs
 * through a shared counter (see compute-thread.ts) so that "cancel" and "a newer run supersedes the old
 * one" take effect while the worker is busy computing; reads (open) likewise through a second slot.
 *
 * Faults: when the worker thread dies (out of memory, a native fault, an uncaught error), every pending
 * call fails with a WorkerRestarted error that says what happened, a new worker is started at once, and
 * the data set that was open is opened again in it (re-embedded selections and maps are lost: the page
 * asks describe() and runs again). Later calls go to the new worker.
 */
import { Worker } from 'node:worker_threads';
import type { OpenOptions, ProgressEvent } from '../src-core/api.js';
import { PendingCalls, type ServerMessage, type WireValue } from '../src-core/api-wire.js';
import type { ToWorker, WorkerInit } from './compute-thread.js';
import type { ApiCall } from './validate.js';
import { unpackedWorkerUrl } from './worker-url.js';

/** Name of the error pending calls fail with when the worker died (the renderer reloads on it). */
export const WORKER_RESTARTED = 'WorkerRestarted';

/** What reopens the data set in a fresh worker: the last open (with reprocess options) or the demo. */
type Reopen = { readonly method: 'open'; readonly path: string; readonly options: OpenOptions } | { readonly method: 'openDemo' };

const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export interface ComputeWorkerOptions {
  /** Told once per restart, with the reason (hosts log it). */
  readonly onRestart?: (reason: string) => void;
  /** V8 heap limit of the worker thread in MB: reaching it ends the worker (restarted), not the host. */
  readonly maxHeapMb?: number;
}

export class ComputeWorker {
  #worker: Worker;
  /** [0]: runs up to this number are cancelled; [1]: reads (open) up to this number are. */
  readonly #flag = new Int32Array(new SharedArrayBuffer(8));
  #calls = new PendingCalls();
  #runSeq = 0;
  #openSeq = 0;
  #closing = false;
  #lastError: Error | null = null;
  /** The data set open in the worker (set when its open succeeds). */
  #reopen: Reopen | null = null;
  /** A reopen after a restart is in flight: if the worker dies again, the data set is not opened a third time. */
  #reopening = false;
  #restarts = 0;
  /** Times of recent restarts: a worker that keeps dying (e.g. at start-up) is not restarted forever. */
  #recent: number[] = [];
  /** Set when restarts were given up: every call fails with it. */
  #broken: Error | null = null;
  readonly #startDir: string;
  readonly #granted: string[] = [];
  readonly #options: ComputeWorkerOptions;

  constructor(startDir: string, options: ComputeWorkerOptions = {}) {
    this.#startDir = startDir;
    this.#options = options;
    this.#worker = this.#spawn();
  }

  /** How many times the worker was restarted after a fault. */
  get restarts(): number {
    return this.#restarts;
  }

  #spawn(): Worker {
    const init: WorkerInit = { cancelFlag: this.#flag.buffer as SharedArrayBuffer, startDir: this.#startDir, granted: [...this.#granted] };
    const limits = this.#options.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.#options.maxHeapMb } } : {};
    const worker = new Worker(unpackedWorkerUrl(new URL('./compute-thread.js', import.meta.url)), { workerData: init, ...limits });
    const calls = this.#calls;
    // The worker answers with the same messages as the WebSocket of `isotherm serve`.
    worker.on('message', (m: ServerMessage) => calls.receive(m));
    worker.on('error', (e) => {
      this.#lastError = e;
    });
    worker.on('exit', (code) => this.#exited(worker, code));
    return worker;
  }

  #exited(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    const calls = this.#calls;
    if (this.#closing) {
      calls.failAll(new Error('the compute worker was stopped'));
      return;
    }
    if (this.#reopening) this.#reopen = null;
    const cause = this.#lastError ? `${this.#lastError.message}` : `it exited with code ${code}`;
    this.#lastError = null;
    const what = this.#reopen ? (this.#reopen.method === 'open' ? `${this.#reopen.path} is being opened again` : 'the demo data set is being opened again') : 'no data set was open';
    const reason = `the compute worker stopped (${cause}); Isotherm started a new one and ${what}: maps, re-embedded selections and runs in progress are lost`;
    const now = Date.now();
    this.#recent = [...this.#recent.filter((t) => now - t < RESTART_WINDOW_MS), now];
    this.#calls = new PendingCalls();
    if (this.#recent.length > MAX_RESTARTS) {
      this.#broken = new Error(`the compute worker stopped ${this.#recent.length} times within ${RESTART_WINDOW_MS / 1000} s (last: ${cause}); restart Isotherm`);
      calls.failAll(this.#broken);
      this.#options.onRestart?.(this.#broken.message);
      return;
    }
    this.#restarts += 1;
    this.#worker = this.#spawn();
    const e = new Error(reason);
    e.name = WORKER_RESTARTED;
    calls.failAll(e);
    this.#options.onRestart?.(reason);
    if (this.#reopen) {
      this.#reopening = true;
      const done = (): void => {
        this.#reopening = false;
      };
      this.call(this.#reopen).then(done, done);
    }
  }

  call(call: ApiCall, onProgress?: (e: ProgressEvent) => void): Promise<WireValue> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (call.method === 'cancel') {
      Atomics.store(this.#flag, 0, this.#runSeq);
      Atomics.store(this.#flag, 1, this.#openSeq);
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
    if (call.method === 'open') {
      // The open's own number (reusing the message's runSeq field): a newer open or cancel stops its read.
      runSeq = ++this.#openSeq;
      Atomics.store(this.#flag, 1, runSeq - 1);
    }
    const { id, answer } = this.#calls.open(onProgress);
    const msg: ToWorker = { id, call, runSeq };
    this.#worker.postMessage(msg);
    const reopen = this.#reopenAfter(call);
    if (reopen) answer.then((d) => {
      if (d !== null) this.#reopen = reopen;
    }, () => undefined);
    return answer;
  }

  /** What a restarted worker must open again once `call` succeeded (null: the call does not change it). */
  #reopenAfter(call: ApiCall): Reopen | null {
    if (call.method === 'open') return { method: 'open', path: call.path, options: call.options };
    if (call.method === 'openDemo') return this.#reopen ?? { method: 'openDemo' };
    if (call.method === 'reprocess' && this.#reopen?.method === 'open') return { ...this.#reopen, options: call.options };
    return null;
  }

  /** Adds a folder the user chose (native dialog, drop, recent list, command line) to the worker's file scope. */
  grant(folder: string): void {
    if (this.#granted.includes(folder)) return;
    this.#granted.push(folder);
    const msg: ToWorker = { grant: folder };
    this.#worker.postMessage(msg);
  }

  /** Ends the worker thread as a fault would (tests: the restart path). */
  async crashForTesting(): Promise<void> {
    await this.#worker.terminate();
  }

  async terminate(): Promise<void> {
    this.#closing = true;
    Atomics.store(this.#flag, 0, 2 ** 31 - 1);
    Atomics.store(this.#flag, 1, 2 ** 31 - 1);
    await this.#worker.terminate();
  }
}
