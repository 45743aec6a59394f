/**
 * PCA's chunked tasks (csr-tasks.ts) over helper threads that share the data through SharedArrayBuffer.
 * Synchronous for the caller: this thread posts the job to every helper, takes chunks itself, then
 * sleeps in Atomics.wait until the chunks the helpers took are done. Chunks are claimed dynamically,
 * so a helper that is slow to start (or never starts) only means this thread does more of them.
 *
 * Threads: min(cores − 1, 3) helpers; `ISOTHERM_THREADS=1` disables the pool. A helper that throws
 * marks its chunk failed and this thread recomputes it; a helper that stops answering altogether (no
 * chunk finished for STALL_MS) gets its chunks recomputed here too, and the pool is switched off.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { serialRunner, type ChunkRunner, type SharedArray } from './chunk-runner.js';
import type { CsrTaskArgs, CsrTaskName } from './csr-tasks.js';
import { ACTIVE, DONE, drainChunks, FINISHED, newControl, STATE0, stopClaims, type PoolJob } from './csr-pool-protocol.js';
import { runCsrTask } from './csr-tasks.js';

const STALL_MS = 120_000;

let helpers: Worker[] | null | undefined; // undefined: not started; null: unavailable or switched off
/** Count of helpers that have loaded and listen for jobs (each adds 1 on start). */
let ready = new Int32Array(new SharedArrayBuffer(4));

/** Threads (this one + helpers) a pool would use: ISOTHERM_THREADS, else the cores, at most 4. */
export function csrPoolThreads(): number {
  const env = Number(process.env['ISOTHERM_THREADS'] ?? '');
  const cores = Number.isFinite(env) && env > 0 ? Math.floor(env) : availableParallelism();
  return Math.max(1, Math.min(cores, 4));
}

function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' where blocking is allowed
    return true;
  } catch {
    return false; // e.g. a browser main thread
  }
}

function startHelpers(count: number): Worker[] | null {
  if (count === 0 || !canBlock()) return null;
  const url = new URL('./csr-products-worker.js', import.meta.url);
  const started: Worker[] = [];
  ready = new Int32Array(new SharedArrayBuffer(4));
  try {
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { workerData: { ready } });
      w.unref(); // idle helpers must not keep the process alive
      w.on('error', () => switchOff());
      w.on('exit', () => switchOff());
      started.push(w);
    }
  } catch {
    for (const w of started) void w.terminate();
    return null;
  }
  return started;
}

function switchOff(): void {
  const hs = helpers;
  helpers = null;
  if (hs) for (const w of hs) void w.terminate();
}

/**
 * A runner over `threads` threads (this one included; default csrPoolThreads()). With one thread, or
 * where helpers cannot start, it is the serial runner.
 */
export function csrPoolRunner(threads = csrPoolThreads()): ChunkRunner {
  if (threads <= 1) return serialRunner;
  if (helpers === undefined) helpers = startHelpers(threads - 1);
  if (!helpers) return serialRunner;
  const pool = helpers.slice(0, threads - 1);
  return {
    threads: pool.length + 1,
    share<T extends SharedArray>(a: T): T {
      if (a.buffer instanceof SharedArrayBuffer) return a;
      const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
      const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
      copy.set(a as never);
      return copy;
    },
    allocate: (length) => new Float64Array(new SharedArrayBuffer(8 * length)),
    allocate32: (length) => new Float32Array(new SharedArrayBuffer(4 * length)),
    run<K extends CsrTaskName>(task: K, args: CsrTaskArgs<K>, nChunks: number, afterChunk?: (done: number) => void): void {
      if (nChunks <= 0) return;
      const job: PoolJob<K> = { task, args, nChunks, control: newControl(nChunks) };
      const live = helpers === null ? [] : pool;
      for (const w of live) w.postMessage(job);
      // afterChunk sees every finished count this thread observes, also while it waits for helpers (which
      // may take every chunk), and at least the final one: progress and cancellation never go unseen.
      let reported = -1;
      const report = afterChunk && ((finished: number): void => {
        if (finished === reported) return;
        reported = finished;
        afterChunk(finished);
      });
      try {
        drainChunks(job, report, true);
        waitForChunks(job, report);
      } catch (e) {
        // Stopped early: let helpers finish the chunks they hold, so that nothing writes into the
        // caller's arrays once run() has returned (a chunk half written while the caller reuses them).
        stopClaims(job.control, job.nChunks);
        waitForRunning(job);
        throw e;
      }
    },
  };
}

/** Waits until every chunk is done; recomputes here those that failed or whose thread went silent. */
function waitForChunks(job: PoolJob, report?: (finished: number) => void): void {
  const { control, nChunks } = job;
  let lastFinished = Atomics.load(control, FINISHED);
  let lastProgress = Date.now();
  for (;;) {
    let pending = 0;
    for (let c = 0; c < nChunks; c++) {
      const s = Atomics.load(control, STATE0 + c);
      if (s === DONE) continue;
      if (s === 0 || s === 1) pending++;
      else {
        // FAILED on a helper: compute it here, where an error reaches the caller.
        runCsrTask(job.task, job.args, c);
        Atomics.store(control, STATE0 + c, DONE);
      }
    }
    if (pending === 0) {
      report?.(Atomics.load(control, FINISHED));
      return;
    }
    const finished = Atomics.load(control, FINISHED);
    if (finished !== lastFinished) {
      lastFinished = finished;
      lastProgress = Date.now();
      report?.(finished);
    } else if (Date.now() - lastProgress > STALL_MS) {
      for (let c = 0; c < nChunks; c++) {
        if (Atomics.load(control, STATE0 + c) !== DONE) {
          runCsrTask(job.task, job.args, c);
          Atomics.store(control, STATE0 + c, DONE);
        }
      }
      switchOff();
      return;
    }
    Atomics.wait(control, FINISHED, finished, 1000);
  }
}

/** Waits (at most STALL_MS) until no helper is inside a step of a stopped job. */
function waitForRunning(job: PoolJob): void {
  const { control } = job;
  const deadline = Date.now() + STALL_MS;
  for (;;) {
    if (Atomics.load(control, ACTIVE) === 0) return;
    if (Date.now() > deadline) {
      switchOff();
      return;
    }
    Atomics.wait(control, FINISHED, Atomics.load(control, FINISHED), 100);
  }
}

/**
 * Blocks until every started helper listens for jobs, at most `timeoutMs`; true when they all do.
 * Never needed for correctness (chunks are claimed dynamically); tests use it to be sure helpers work.
 */
export function waitForCsrPool(timeoutMs: number): boolean {
  const hs = helpers;
  if (!hs) return false;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = Atomics.load(ready, 0);
    if (n >= hs.length) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(ready, 0, n, left);
  }
}

/** Stops the helper threads (tests; a host shutting down). A later runner starts fresh ones. */
export async function stopCsrPool(): Promise<void> {
  const hs = helpers;
  helpers = undefined;
  if (hs) await Promise.all(hs.map((w) => { w.removeAllListeners('exit'); return w.terminate(); }));
}
