/**
 * Worker thread body of evaluateInThread (evaluation-thread.ts): runs evaluateInterpolation on the data it
 * was started with and posts progress lines and the result. Cancelled by terminating the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorInfo } from '../src-core/api-errors.js';
import { evaluateInterpolation, type EvaluateOptions } from '../src-core/interpolate/evaluate.js';
import type { TimeCourse } from '../src-core/interpolate/time-points.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { installMemoryBudget } from './memory-budget.js';

// This thread computes: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();
// Transport problems too large for the memory budget are refused (src-core/working-memory.ts); a bad
// ISOTHERM_MEMORY_BUDGET_GB was already reported by the compute worker: fall back to the machine's.
try {
  installMemoryBudget();
} catch {
  installMemoryBudget({});
}

export interface EvaluateJob {
  readonly pcs: Float32Array;
  readonly n: number;
  readonly dim: number;
  readonly course: TimeCourse;
  readonly options: Omit<EvaluateOptions, 'onProgress'>;
}

const job = workerData as EvaluateJob;
const port = parentPort!;
evaluateInterpolation(job.pcs, job.n, job.dim, job.course, { ...job.options, onProgress: (message) => port.postMessage({ type: 'progress', message }) }).then(
  (result) => port.postMessage({ type: 'result', result }),
  (e: unknown) => port.postMessage({ type: 'error', error: errorInfo(e) }),
);
