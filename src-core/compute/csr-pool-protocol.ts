/**
 * The shared-memory protocol between the threads of `csr-pool.ts`. A job's control array holds
 * [next chunk to claim, chunks finished, threads active, state of chunk 0, state of chunk 1, ...]. Any thread claims
 * chunk c by an atomic increment of `next`, marks it running, computes it and marks it done (or failed),
 * then wakes whoever waits on `finished`. Nothing else is shared, so a late or stale thread can only
 * ever recompute a chunk of its own job, which writes the same values again.
 */
import { runCsrTask, type CsrTaskArgs, type CsrTaskName } from './csr-tasks.js';

export const NEXT = 0;
export const FINISHED = 1;
/** Threads inside a claim-and-compute step: lets a stopped job wait until nobody writes for it any more. */
export const ACTIVE = 2;
export const STATE0 = 3;
export const RUNNING = 1;
export const DONE = 2;
export const FAILED = 3;

export interface PoolJob<K extends CsrTaskName = CsrTaskName> {
  readonly task: K;
  readonly args: CsrTaskArgs<K>;
  readonly nChunks: number;
  readonly control: Int32Array;
}

export function newControl(nChunks: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (STATE0 + nChunks)));
}

/**
 * Claims and computes chunks until none are left. `afterChunk` (main thread only) may throw to stop:
 * then no thread starts another chunk. Errors of the task itself mark the chunk FAILED and are thrown
 * on the main thread (which recomputes failed chunks itself) but swallowed on helpers.
 */
export function drainChunks(job: PoolJob, afterChunk?: (finished: number) => void, rethrow = false): void {
  const { control } = job;
  for (;;) {
    Atomics.add(control, ACTIVE, 1);
    try {
      if (!claimAndRun(job, afterChunk, rethrow)) return;
    } finally {
      Atomics.sub(control, ACTIVE, 1);
      Atomics.notify(control, FINISHED);
    }
  }
}

/** One step of drainChunks: false when no chunk was left to claim. */
function claimAndRun(job: PoolJob, afterChunk: ((finished: number) => void) | undefined, rethrow: boolean): boolean {
  const { control, nChunks } = job;
  const c = Atomics.add(control, NEXT, 1);
  if (c >= nChunks) return false;
  Atomics.store(control, STATE0 + c, RUNNING);
  let state = DONE;
  try {
    runCsrTask(job.task, job.args, c);
  } catch (e) {
    state = FAILED;
    if (rethrow) {
      Atomics.store(control, STATE0 + c, FAILED);
      stopClaims(control, nChunks);
      throw e;
    }
  }
  Atomics.store(control, STATE0 + c, state);
  const finished = Atomics.add(control, FINISHED, 1) + 1;
  Atomics.notify(control, FINISHED);
  if (afterChunk) {
    try {
      afterChunk(finished);
    } catch (e) {
      stopClaims(control, nChunks);
      throw e;
    }
  }
  return true;
}

/** No thread claims another chunk of this job. */
export function stopClaims(control: Int32Array, nChunks: number): void {
  Atomics.store(control, NEXT, nChunks + (1 << 30));
}
