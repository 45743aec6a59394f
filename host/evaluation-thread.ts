/**
 * evaluateInterpolation in its own worker thread (Node): the evaluation builds several maps and takes
 * seconds to minutes, so a host runs it here to keep answering map calls meanwhile. Progress counts the
 * maps built (one per withheld time point and seed, plus one per seed for the paper protocol);
 * cancel() terminates the thread at once and the promise rejects with a CancelledError.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../src-core/errors.js';
import type { EvaluationResult } from '../src-core/interpolate/evaluate.js';
import type { EvaluateJob } from './evaluation-thread-main.js';

export interface EvaluationProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface EvaluationTask {
  readonly result: Promise<EvaluationResult>;
  cancel(): void;
}

export function evaluateInThread(job: EvaluateJob, onProgress?: (p: EvaluationProgress) => void): EvaluationTask {
  const seeds = job.options.seeds?.length ?? 5;
  const interior = Math.max(0, job.course.levels.length - 2);
  const targets = job.options.withhold?.length ?? interior;
  const total = seeds * targets + (job.options.skipPaper ? 0 : seeds);
  let done = 0;
  let settled = false;
  let cancel: () => void = () => undefined;
  const result = new Promise<EvaluationResult>((resolve, reject) => {
    const worker = new Worker(new URL('./evaluation-thread-main.js', import.meta.url), { workerData: job });
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    cancel = () => finish(() => reject(new CancelledError('the time-course evaluation')));
    worker.on('message', (m: { type: 'progress'; message: string } | { type: 'result'; result: EvaluationResult } | { type: 'error'; error: { name: string; message: string } }) => {
      if (settled) return;
      if (m.type === 'progress') {
        // Each line announces the next map; the one before it is finished.
        onProgress?.({ done: Math.min(done, total), total, message: m.message });
        done++;
      } else if (m.type === 'result') {
        onProgress?.({ done: total, total, message: 'done' });
        finish(() => resolve(m.result));
      } else {
        const e = new Error(m.error.message);
        e.name = m.error.name;
        finish(() => reject(e));
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the evaluation thread exited (code ${code})`))));
  });
  return { result, cancel: () => cancel() };
}
