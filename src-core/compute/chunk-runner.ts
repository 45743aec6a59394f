/**
 * How PCA's chunked tasks (csr-tasks.ts) get run: one at a time on this thread (`serialRunner`), or
 * spread over helper threads (csr-pool.ts). A host can pass its own runner; results are the same either
 * way because every chunk writes its own part of the output.
 */
import { runCsrTask, type CsrTaskArgs, type CsrTaskName } from './csr-tasks.js';

export type SharedArray = Float64Array | Float32Array | Int32Array;

export interface ChunkRunner {
  /** Threads that compute chunks, this one included. */
  readonly threads: number;
  /** An array every thread can read and write: `a` itself when it already is (or with one thread), else a copy. */
  share<T extends SharedArray>(a: T): T;
  /** A zeroed Float64Array / Float32Array every thread can read and write. */
  allocate(length: number): Float64Array;
  allocate32(length: number): Float32Array;
  /**
   * Computes chunks 0..nChunks-1 of the task and returns when all are done. `afterChunk` is called on
   * this thread after each chunk it computed (with the number done so far, all threads); if it throws
   * (cancellation), no further chunks are started and the error propagates.
   */
  run<K extends CsrTaskName>(task: K, args: CsrTaskArgs<K>, nChunks: number, afterChunk?: (done: number) => void): void;
}

export const serialRunner: ChunkRunner = {
  threads: 1,
  share: (a) => a,
  allocate: (length) => new Float64Array(length),
  allocate32: (length) => new Float32Array(length),
  run(task, args, nChunks, afterChunk) {
    for (let c = 0; c < nChunks; c++) {
      runCsrTask(task, args, c);
      afterChunk?.(c + 1);
    }
  },
};
