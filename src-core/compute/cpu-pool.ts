/**
 * Large dense products on the CPU, split by rows over helper threads (`matmul-worker.ts`) and this
 * thread. TensorFlow.js's WebAssembly backend is single-threaded in Node, so without this a 2-core
 * laptop computes the heat kernel's m³ squarings on one core. Each thread runs the same wasm kernel
 * on its rows, so the result equals the single-threaded product row for row.
 *
 * Threads: min(cores − 1, 3); `ISOTHERM_THREADS=1` disables the pool. If a helper fails to start or to
 * compute, or stops, the pool is switched off for the rest of the process and the product is done here.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Below this many multiply-adds a product is not worth splitting. */
const MIN_WORK = 2e7;
const START_TIMEOUT_MS = 20_000;

interface Helper {
  readonly worker: Worker;
  busy: number;
  /** The thread has stopped: a product sent to it would never come back. */
  dead: boolean;
}

let helpers: Helper[] | null | undefined; // undefined: not started; null: unavailable
let starting: Promise<Helper[] | null> | null = null;
let nextId = 1;

function helperCount(): number {
  const env = Number(process.env['ISOTHERM_THREADS'] ?? '');
  const cores = Number.isFinite(env) && env > 0 ? env : availableParallelism();
  return Math.max(0, Math.min(cores - 1, 3));
}

async function startHelpers(): Promise<Helper[] | null> {
  const count = helperCount();
  if (count === 0) return null;
  const url = new URL('./matmul-worker.js', import.meta.url);
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<Helper | null>((resolve) => {
        let worker: Worker;
        try {
          worker = new Worker(url);
        } catch {
          resolve(null);
          return;
        }
        const timer = setTimeout(() => {
          void worker.terminate();
          resolve(null);
        }, START_TIMEOUT_MS);
        worker.once('message', (m: { ready: boolean }) => {
          clearTimeout(timer);
          if (m.ready) {
            worker.unref(); // idle helpers must not keep the process alive
            const h: Helper = { worker, busy: 0, dead: false };
            worker.once('exit', () => (h.dead = true));
            resolve(h);
          } else {
            void worker.terminate();
            resolve(null);
          }
        });
        worker.once('error', () => {
          clearTimeout(timer);
          resolve(null);
        });
      }),
    ),
  );
  const ok = started.filter((h): h is Helper => h !== null);
  if (ok.length < started.length) {
    for (const h of ok) void h.worker.terminate();
    return null;
  }
  return ok;
}

async function pool(): Promise<Helper[] | null> {
  if (helpers !== undefined) return helpers;
  starting ??= startHelpers();
  helpers = await starting;
  return helpers;
}

function runOn(h: Helper, a: Float32Array, b: Float32Array, rows: number, k: number, c: number, alpha: number): Promise<Float32Array> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: { id: number; data?: Float32Array; error?: string }): void => {
      if (m.id !== id) return;
      done();
      if (m.data) resolve(m.data);
      else reject(new Error(m.error ?? 'helper thread failed'));
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    // A thread that stops without an error event (an abort, process.exit) must fail the product too.
    const onExit = (code: number): void => {
      done();
      reject(new Error(`a product helper thread stopped (exit code ${code})`));
    };
    const done = (): void => {
      h.worker.off('message', onMessage);
      h.worker.off('error', onError);
      h.worker.off('exit', onExit);
      if (--h.busy === 0) h.worker.unref();
    };
    if (h.dead) {
      reject(new Error('a product helper thread has stopped'));
      return;
    }
    if (h.busy++ === 0) h.worker.ref(); // keep the process alive while a result is owed
    h.worker.on('message', onMessage);
    h.worker.on('error', onError);
    h.worker.on('exit', onExit);
    h.worker.postMessage({ id, a, b, rows, k, c, alpha });
  });
}

/**
 * α·(A·B) split over the helper threads and `local` (this thread's product of its own rows), or null
 * when the product is small or no helpers are available (the caller then computes it whole).
 */
export async function parallelMatMul(
  a: Float32Array,
  b: Float32Array,
  r: number,
  k: number,
  c: number,
  alpha: number,
  local: (a: Float32Array, rows: number) => Promise<Float32Array>,
): Promise<Float32Array | null> {
  if (r * k * c < MIN_WORK || r < 8) return null;
  const hs = await pool();
  if (!hs || hs.length === 0) return null;
  const parts = hs.length + 1;
  const step = Math.ceil(r / parts);
  const jobs: Promise<Float32Array>[] = [];
  for (let p = 0; p < hs.length; p++) {
    const lo = p * step;
    const hi = Math.min(r, lo + step);
    if (hi <= lo) break;
    jobs.push(runOn(hs[p]!, a.slice(lo * k, hi * k), b, hi - lo, k, c, alpha));
  }
  const mine = jobs.length * step;
  try {
    const own = mine < r ? await local(a.subarray(mine * k), r - mine) : new Float32Array(0);
    const results = await Promise.all(jobs);
    const out = new Float32Array(r * c);
    let offset = 0;
    for (const part of results) {
      out.set(part, offset);
      offset += part.length;
    }
    out.set(own, offset);
    return out;
  } catch {
    // A helper failed: stop using the pool; the caller computes the product itself.
    await Promise.allSettled(jobs);
    for (const h of hs) void h.worker.terminate();
    helpers = null;
    return null;
  }
}

/** Starts the helper threads in the background (no-op when started or unavailable). */
export function warmCpuPool(): void {
  void pool();
}

/** Threads a large CPU product uses (this one + helpers), as configured; 1 without helpers. */
export function cpuPoolSize(): number {
  return helpers === null ? 1 : helperCount() + 1;
}

/** Stops the helper threads (tests; a host shutting down). */
export async function stopCpuPool(): Promise<void> {
  const hs = helpers;
  helpers = undefined;
  starting = null;
  if (hs) await Promise.all(hs.map((h) => h.worker.terminate()));
}

/** Tests: ends one helper thread as a crash would (the pool keeps it listed); false when none is running. */
export async function stopOneCpuHelperForTests(): Promise<boolean> {
  const h = helpers?.[0];
  if (!h) return false;
  await h.worker.terminate();
  return true;
}
