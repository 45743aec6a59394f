/**
 * Runs a binary-format reader in a worker thread (reader-worker.ts) under a watchdog: the reader
 * must report (progress, or an announcement of its next blocking decode) within `BASE_MS` of CPU time,
 * plus time in proportion to the bytes it announced. Silence is counted in this process's CPU time, not
 * in wall time, so that a loaded machine (a laptop running other work; measured: a valid 1 MB h5ad was
 * refused as corrupt at load average 10 when the limit was 3 s of wall time) slows the watchdog down as
 * much as the reader. The process's CPU time includes its other threads (the compute pool may be busy), so
 * the silence must also have lasted `BASE_MS` of wall time: never stricter than a wall-clock limit. A
 * reader that hangs without using the CPU is caught by a wall-clock limit `WALL_FACTOR` times longer. The thread's start (module loading) is not the file's doing and has its
 * own, longer, limit. A library that stops answering on a damaged file, aborts
 * or panics ends that thread only; the read is refused with an InputError naming the file, and the
 * process carries on. Cancellation terminates the thread. The data set's arrays are moved, not copied.
 * A thread whose read ended normally (a result, or an InputError) stays for `IDLE_MS` to serve the
 * next read without starting a new thread and wasm module (~0.3 s); it never keeps the process alive.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError, InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import type { ReadContext, ReadControl } from './read-control.js';
import type { FromReaderWorker, ReaderWorkerInput } from './reader-worker.js';

/** Silence allowed between two messages from the reader thread, in CPU milliseconds of this process. */
export const BASE_MS = 3000;
/** The same silence in wall time is allowed this many times over (a reader blocked without using the CPU). */
const WALL_FACTOR = 20;
/** Wall time allowed for the thread to start and load its modules. */
const START_MS = 60_000;
/** A watchdog tick later than this means this thread itself was stalled: the silence is counted again. */
const STALL_MS = 1000;
/** Slowest rate assumed for announced work: 5 MB/s (bytes per millisecond). */
const BYTES_PER_MS = 5000;
const WORKER_URL = new URL('./reader-worker.js', import.meta.url);
/** How long an idle reader thread is kept for the next read. */
const IDLE_MS = 2000;

interface Idle { readonly worker: Worker; readonly heapMB: number; readonly timer: NodeJS.Timeout }
let idle: Idle | null = null;

function takeWorker(heapMB: number): Worker {
  const w = idle;
  idle = null;
  if (w) {
    clearTimeout(w.timer);
    if (w.heapMB === heapMB) { w.worker.ref(); return w.worker; }
    void w.worker.terminate();
  }
  // the JS heap of the thread is capped too: a damaged flatbuffer schema was measured to make
  // apache-arrow build objects without end (typed arrays live outside this heap and the budget bounds them)
  const worker = new Worker(WORKER_URL, { stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: heapMB } });
  // libraries' own diagnostics (HDF5-DIAG, panics) are not for the user: drain and drop them
  worker.stdout.resume();
  worker.stderr.resume();
  return worker;
}

function keepWorker(worker: Worker, heapMB: number): void {
  worker.removeAllListeners('message');
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  if (idle) void idle.worker.terminate();
  worker.unref();
  worker.on('error', () => undefined);
  const timer = setTimeout(() => { if (idle?.worker === worker) idle = null; void worker.terminate(); }, IDLE_MS);
  timer.unref();
  idle = { worker, heapMB, timer };
}

/** CPU time of this process (all its threads), in milliseconds. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const FORMAT_NAMES: Record<ReaderWorkerInput['format'], string> = { hdf5: 'HDF5 library', arrow: 'Arrow decoder', parquet: 'Parquet decoder' };

/** The wasm heap a read may grow h5wasm's to: a quarter of the budget, 256 MiB to 2 GiB (h5wasm's own maximum). */
export function wasmHeapFor(budget: number): number {
  return Math.min(2 ** 31, Math.max(2 ** 28, Math.floor(budget / 4)));
}

export function readInThread(input: ReaderWorkerInput, ctx: ReadContext, control?: ReadControl): Promise<AnnotatedDataset> {
  const { path } = input;
  const library = FORMAT_NAMES[input.format];
  return new Promise<AnnotatedDataset>((resolve, reject) => {
    const transfer = input.bytes && input.bytes.buffer instanceof ArrayBuffer ? [input.bytes.buffer] : [];
    const heapMB = Math.min(4096, Math.max(512, Math.floor(input.budget / 4 / 2 ** 20)));
    const worker = takeWorker(heapMB);
    let started = false;
    let doing = 'opening the file';
    let allowance = BASE_MS;
    let wallSince = Date.now();
    let cpuSince = cpuMs();
    let lastTick = wallSince;
    let settled = false;
    const heard = (extraMs = 0): void => {
      wallSince = Date.now();
      cpuSince = cpuMs();
      allowance = BASE_MS + extraMs;
    };
    /** Ends the read; the thread is kept for the next read only when this one ended normally. */
    const finish = (fn: () => void, reusable = false): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      if (reusable) keepWorker(worker, heapMB); else void worker.terminate();
      fn();
    };
    const watch = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > STALL_MS) heard(allowance - BASE_MS); // this thread was busy: messages may be waiting
      lastTick = now;
      if (control?.cancel?.cancelled) finish(() => reject(new CancelledError('read')));
      else if (!started) {
        if (now - wallSince > START_MS) finish(() => reject(new InputError(path, `the ${library}'s thread did not start within ${START_MS / 1000} s (is the machine overloaded?)`)));
      } else if ((cpuMs() - cpuSince > allowance && now - wallSince > allowance) || now - wallSince > WALL_FACTOR * allowance) {
        finish(() => reject(new InputError(path, `the ${library} stopped answering while ${doing}: the file is corrupt`)));
      }
    }, 50);
    worker.on('message', (m: FromReaderWorker) => {
      if (m.type === 'started') {
        started = true;
        heard();
      } else if (m.type === 'announce') {
        doing = `reading ${m.what}`;
        heard(m.bytes / BYTES_PER_MS);
      } else if (m.type === 'progress') {
        heard();
        try {
          ctx.progress.report(m.fraction);
        } catch (e) {
          finish(() => reject(e));
        }
      } else if (m.type === 'done') {
        finish(() => resolve(m.dataset), true);
      } else {
        finish(() => reject(m.inputError ? new InputError(m.file, m.message) : new InputError(path, `could not read it (${m.message}): the file is corrupt`)), m.inputError);
      }
    });
    worker.on('error', (e: Error) => finish(() => reject(new InputError(path, `the ${library} failed (${e.name}: ${e.message.split('\n')[0]}): the file is corrupt`))));
    worker.on('exit', (code) => finish(() => reject(new InputError(path, `the reader stopped (exit code ${code}) without a result: the file is corrupt`))));
    worker.postMessage({ type: 'read', input }, transfer);
  });
}
