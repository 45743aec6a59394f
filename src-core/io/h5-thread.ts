/**
 * Reads an HDF5 file in a worker thread (h5-worker.ts) under a watchdog: the library must answer
 * (a progress report, or the announcement of its next read) within `BASE_MS`, plus time in
 * proportion to the bytes of an announced read. A library that stops answering on a damaged file,
 * or that aborts, ends that thread only; the read is refused with an InputError naming the file.
 * Cancellation terminates the thread.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError, InputError } from '../errors.js';
import type { AnnotatedDataset } from './features.js';
import type { Hdf5Options } from './h5-file.js';
import type { FromH5Worker, H5WorkerInput } from './h5-worker.js';
import type { ReadContext, ReadControl } from './read-control.js';

/** Silence allowed between two messages from the reader thread (its start included). */
export const BASE_MS = 3000;
/** Slowest rate assumed for an announced read (bytes per millisecond: 20 MB/s). */
const BYTES_PER_MS = 20_000;
const WORKER_URL = new URL('./h5-worker.js', import.meta.url);

export function readHdf5InThread(path: string, options: Hdf5Options, budgetBytes: number, ctx: ReadContext, control?: ReadControl): Promise<AnnotatedDataset> {
  const input: H5WorkerInput = {
    path,
    options: { ...(options.layer !== undefined ? { layer: options.layer } : {}), ...(options.useRaw !== undefined ? { useRaw: options.useRaw } : {}), ...(options.genome !== undefined ? { genome: options.genome } : {}) },
    budget: budgetBytes,
  };
  return new Promise<AnnotatedDataset>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: input, stdout: true, stderr: true });
    // the library's own diagnostics (HDF5-DIAG) are not for the user: drain and drop them
    worker.stdout.resume();
    worker.stderr.resume();
    let deadline = Date.now() + BASE_MS;
    let doing = 'opening the file';
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      fn();
    };
    const watch = setInterval(() => {
      if (control?.cancel?.cancelled) finish(() => reject(new CancelledError('read')));
      else if (Date.now() > deadline) {
        finish(() => reject(new InputError(path, `the HDF5 library stopped answering while ${doing}: the file is corrupt (damaged HDF5 metadata)`)));
      }
    }, 50);
    worker.on('message', (m: FromH5Worker) => {
      deadline = Date.now() + BASE_MS;
      if (m.type === 'expect') {
        doing = `reading ${m.what}`;
        deadline += m.bytes / BYTES_PER_MS;
      } else if (m.type === 'progress') {
        try {
          ctx.progress.report(m.fraction);
        } catch (e) {
          finish(() => reject(e));
        }
      } else if (m.type === 'done') {
        finish(() => resolve(m.dataset));
      } else {
        finish(() => reject(m.inputError ? new InputError(m.file, m.message) : new InputError(path, `could not read the HDF5 content (${m.message}): the file is corrupt`)));
      }
    });
    worker.on('error', (e: Error) => finish(() => reject(new InputError(path, `the HDF5 library failed (${e.name}: ${e.message.split('\n')[0]}): the file is corrupt`))));
    worker.on('exit', (code) => finish(() => reject(new InputError(path, `the HDF5 reader stopped (exit code ${code}) without a result: the file is corrupt`))));
  });
}
