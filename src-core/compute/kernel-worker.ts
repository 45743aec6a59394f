/**
 * A helper thread of `kernel-pool-node.ts`: imports the kernel named in each message and runs it on the
 * task. Shared arrays arrive as views of the same memory; result arrays that are not shared are
 * transferred back, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { loadKernel } from './kernel-pool.js';

interface Job {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly task: unknown;
}

const port = parentPort;
if (!port) throw new Error('kernel-worker must run as a worker thread');

/** Plain (non-shared) buffers of the typed arrays at the top level of a result, to transfer. */
function transferables(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  };
  if (result && typeof result === 'object') {
    if (ArrayBuffer.isView(result)) visit(result);
    else for (const v of Object.values(result)) visit(v);
  }
  return [...out];
}

port.on('message', (job: Job) => {
  loadKernel({ module: job.module, name: job.name })
    .then((fn) => {
      const result = fn(job.task);
      port.postMessage({ id: job.id, result }, transferables(result));
    })
    .catch((e: unknown) => port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) }));
});
port.postMessage({ ready: true });
