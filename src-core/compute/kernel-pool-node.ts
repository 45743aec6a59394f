/**
 * The Node kernel pool: helper worker threads (`kernel-worker.ts`) plus this thread. Each helper keeps
 * up to two tasks queued so it never waits for this thread, which runs tasks itself between
 * dispatches. Helpers: min(cores − 1, 3), `ISOTHERM_THREADS=N` for N threads in all (1: no helpers).
 * Helpers that fail to start leave the pool running inline; a helper that stops later (an uncaught error,
 * an abort) fails the tasks it holds with an error saying so and leaves the pool, which goes on with the
 * others or inline (results never depend on the thread count).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadKernel, type KernelPool, type KernelRef, type SharedArray } from './kernel-pool.js';

const DEPTH = 2;
const START_TIMEOUT_MS = 20_000;

interface Pending {
  readonly resolve: (r: unknown) => void;
  readonly reject: (e: Error) => void;
}

interface Helper {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** The thread has stopped (an uncaught error, an abort, process.exit): it takes no more tasks. */
  dead: boolean;
}

let nextId = 1;

function startHelper(): Promise<Helper | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./kernel-worker.js', import.meta.url));
    } catch {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(null);
    }, START_TIMEOUT_MS);
    const helper: Helper = { worker, pending: new Map(), dead: false };
    // A helper that stops fails the tasks it holds (else their runs would wait for ever) and leaves the pool.
    const fail = (e: Error): void => {
      helper.dead = true;
      for (const p of helper.pending.values()) p.reject(e);
      helper.pending.clear();
    };
    worker.once('message', () => {
      clearTimeout(timer);
      worker.unref(); // idle helpers must not keep the process alive
      worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = helper.pending.get(m.id);
        if (!p) return;
        helper.pending.delete(m.id);
        if (helper.pending.size === 0) worker.unref();
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      resolve(helper);
    });
    worker.on('error', (e: Error) => {
      clearTimeout(timer);
      fail(new Error(`a helper thread failed: ${e.message}`));
      resolve(null);
    });
    worker.on('exit', (code: number) => {
      clearTimeout(timer);
      fail(new Error(`a helper thread stopped (exit code ${code})`));
      resolve(null);
    });
  });
}

function send(h: Helper, kernel: KernelRef, task: unknown): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (h.dead) {
      reject(new Error('a helper thread has stopped'));
      return;
    }
    if (h.pending.size === 0) h.worker.ref(); // keep the process alive while a result is owed
    h.pending.set(id, { resolve, reject });
    h.worker.postMessage({ id, module: kernel.module, name: kernel.name, task });
  });
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

class NodeKernelPool implements KernelPool {
  readonly #wanted: number;
  #helpers: Helper[] | null = null;
  #starting: Promise<Helper[]> | null = null;

  constructor(helpers: number) {
    this.#wanted = Math.max(0, Math.floor(helpers));
  }

  get threads(): number {
    return 1 + (this.#helpers ? this.#live().length : this.#wanted);
  }

  /** The helpers still running (stopped ones are dropped: results never depend on the thread count). */
  #live(): Helper[] {
    if (this.#helpers?.some((h) => h.dead)) this.#helpers = this.#helpers.filter((h) => !h.dead);
    return this.#helpers ?? [];
  }

  async #pool(): Promise<Helper[]> {
    if (this.#helpers) return this.#live();
    this.#starting ??= Promise.all(Array.from({ length: this.#wanted }, startHelper)).then((hs) => {
      const ok = hs.filter((h): h is Helper => h !== null);
      return ok;
    });
    this.#helpers = await this.#starting;
    return this.#live();
  }

  alloc<A extends SharedArray>(ctor: { new (buffer: ArrayBufferLike): A; readonly BYTES_PER_ELEMENT: number }, length: number): A {
    const bytes = length * ctor.BYTES_PER_ELEMENT;
    return new ctor(this.#wanted > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  async map<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]> {
    const fn = await loadKernel(kernel);
    const hs = tasks.length > 1 ? await this.#pool() : [];
    const results = new Array<R>(tasks.length);
    const inFlight = new Array<number>(hs.length).fill(0);
    let next = 0;
    let done = 0;
    let failure: Error | null = null;
    let wake: () => void = () => {};
    const dispatch = (h: number, i: number): void => {
      inFlight[h]!++;
      send(hs[h]!, kernel, tasks[i]).then(
        (r) => {
          results[i] = r as R;
          inFlight[h]!--;
          done++;
          wake();
        },
        (e: Error) => {
          failure ??= e;
          wake();
        },
      );
    };
    while (done < tasks.length) {
      if (failure) throw failure;
      for (let h = 0; h < hs.length; h++) while (inFlight[h]! < DEPTH && next < tasks.length) dispatch(h, next++);
      if (next < tasks.length) {
        const i = next++;
        results[i] = fn(tasks[i]) as R;
        done++;
        if (hs.length > 0) await yieldToEvents(); // let finished helpers report before the next task
        continue;
      }
      if (done < tasks.length) await new Promise<void>((r) => (wake = r));
    }
    if (failure) throw failure;
    return results;
  }

  mapOnHelpers<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]> {
    // Round robin: each helper runs its tasks in order, behind any it already holds. Sent now when the
    // helpers are running; else once they have started (a first call starts them), so that a task sent
    // before any `map` — a pipeline's early affinities — still runs beside this thread, not on it.
    const sendAll = (hs: Helper[]): Promise<R[]> => (hs.length === 0 ? this.map<T, R>(kernel, tasks) : (Promise.all(tasks.map((t, i) => send(hs[i % hs.length]!, kernel, t))) as Promise<R[]>));
    return this.#helpers ? sendAll(this.#live()) : this.#pool().then(sendAll);
  }

  async stop(): Promise<void> {
    const hs = this.#helpers ?? (this.#starting ? await this.#starting : []);
    this.#helpers = null;
    this.#starting = null;
    await Promise.all(hs.map((h) => h.worker.terminate()));
  }
}

/** A pool with `helpers` worker threads besides this one (0: inline, but arrays are still shareable). */
export function createNodeKernelPool(helpers: number): KernelPool & { stop(): Promise<void> } {
  return new NodeKernelPool(helpers);
}

/** Helper threads by the same rule as the product pool: min(cores − 1, 3), or ISOTHERM_THREADS − 1. */
export function defaultHelperCount(): number {
  const env = Number(process.env['ISOTHERM_THREADS'] ?? '');
  const cores = Number.isFinite(env) && env > 0 ? env : availableParallelism();
  return Math.max(0, Math.min(cores - 1, 3));
}

let shared: (KernelPool & { stop(): Promise<void> }) | null = null;

export function defaultNodeKernelPool(): KernelPool {
  shared ??= createNodeKernelPool(defaultHelperCount());
  return shared;
}

/** Stops the default pool's helpers (tests; a host shutting down). */
export async function stopDefaultKernelPool(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await s.stop();
}
