/**
 * "Run this kernel over these tasks": the one interface the typed-array algorithms (approximate kNN,
 * the affinity graph, landmarks) use to spread work over threads. A kernel is a synchronous, pure
 * function exported by an ES module, named by the module's URL and the export's name, so that any
 * thread can import it. Tasks carry typed arrays; arrays from `alloc` are shared between threads (a
 * SharedArrayBuffer when the pool has helpers), everything else is copied to the thread that runs the
 * task. Results come back in task order.
 *
 * The algorithms stay free of threading: they cut their work into tasks whose results do not depend on
 * which thread ran them (disjoint outputs, or outputs merged in a fixed order), so a result is the same
 * for any thread count. The host lends the pool (engines.ts; Node hosts: worker threads of
 * `kernel-pool-node.ts` via installNodeEngines); without one the tasks run inline on this thread.
 */
import { hostEngines } from './engines.js';

export interface KernelRef {
  /** URL of the ES module exporting the kernel (e.g. `new URL('./x.js', import.meta.url).href`). */
  readonly module: string;
  readonly name: string;
}

export type SharedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint32Array;
type SharedCtor<A extends SharedArray> = { new (buffer: ArrayBufferLike): A; readonly BYTES_PER_ELEMENT: number };

export interface KernelPool {
  /** Threads that run tasks (this one included). */
  readonly threads: number;
  /** Runs the kernel on every task, spread over the threads; results in task order. */
  map<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]>;
  /**
   * Starts the kernel on every task on the helper threads only, so that this thread can do other work
   * until it awaits the results (in task order): sent at once where the helpers are running, else as soon
   * as they have started (a call starts them). Where there are none (or none could start) it is `map`: its
   * tasks then run on this thread whenever it next awaits anything. Callers must not touch what the tasks
   * write before the promise settles, and must handle its rejection.
   */
  mapOnHelpers<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]>;
  /** A zeroed array every thread of this pool reads and writes in place. */
  alloc<A extends SharedArray>(ctor: SharedCtor<A>, length: number): A;
}

type KernelFn = (task: unknown) => unknown;
const modules = new Map<string, Promise<Record<string, unknown>>>();

/** The kernel function itself, imported once per thread. */
export async function loadKernel(ref: KernelRef): Promise<KernelFn> {
  let mod = modules.get(ref.module);
  if (!mod) {
    mod = import(ref.module) as Promise<Record<string, unknown>>;
    modules.set(ref.module, mod);
  }
  const fn = (await mod)[ref.name];
  if (typeof fn !== 'function') throw new Error(`kernel ${ref.name} not exported by ${ref.module}`);
  return fn as KernelFn;
}

/** Runs every task on this thread, in order. */
export const inlineKernelPool: KernelPool = {
  threads: 1,
  async map<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]> {
    const fn = await loadKernel(kernel);
    return tasks.map((t) => fn(t) as R);
  },
  mapOnHelpers<T, R>(kernel: KernelRef, tasks: readonly T[]): Promise<R[]> {
    return inlineKernelPool.map<T, R>(kernel, tasks);
  },
  alloc<A extends SharedArray>(ctor: SharedCtor<A>, length: number): A {
    return new ctor(new ArrayBuffer(length * ctor.BYTES_PER_ELEMENT));
  },
};

/** `a` itself when every thread of the pool can already read it, else a shared copy. */
export function shareable<A extends SharedArray>(pool: KernelPool, a: A): A {
  if (pool.threads === 1 || (typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer)) return a;
  const c = pool.alloc(a.constructor as SharedCtor<A>, a.length);
  c.set(a as ArrayLike<number>);
  return c;
}

let chosen: KernelPool | null = null;

/** Installs the pool every later kernel run uses, overriding the host's (tests pick thread counts with it); null restores the host's. */
export function setKernelPool(pool: KernelPool | null): void {
  chosen = pool;
}

/** The pool in use: the one set by setKernelPool, else the host's (engines.ts; Node: worker threads), else inline. */
export function kernelPool(): Promise<KernelPool> {
  if (chosen) return Promise.resolve(chosen);
  const lent = hostEngines().kernelPool;
  return Promise.resolve(lent ? lent() : inlineKernelPool);
}
