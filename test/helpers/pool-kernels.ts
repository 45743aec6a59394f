/** Kernels for the kernel-pool tests (imported by URL on every thread). */
import { isMainThread, threadId } from 'node:worker_threads';

/** Writes i² into out[i] for i in [lo, hi) and says which thread did it. */
export function squaresKernel(t: { out: Float64Array; lo: number; hi: number }): { thread: number; sum: number } {
  let sum = 0;
  for (let i = t.lo; i < t.hi; i++) {
    t.out[i] = i * i;
    sum += i * i;
  }
  return { thread: threadId, sum };
}

/** Returns a fresh (non-shared) array: it must arrive intact, in task order. */
export function rangeKernel(t: { from: number; length: number }): Int32Array {
  return Int32Array.from({ length: t.length }, (_, i) => t.from + i);
}

export function failingKernel(t: { message: string }): never {
  throw new Error(t.message);
}

/** Ends the thread it runs on (a helper dying mid-task, as from an out-of-memory abort); on the main thread it throws instead. */
export function exitingKernel(t: { code: number }): never {
  if (isMainThread) throw new Error('exitingKernel must run on a helper thread');
  process.exit(t.code);
}
