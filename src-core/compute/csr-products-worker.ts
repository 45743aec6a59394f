/**
 * A helper thread of `csr-pool.ts`: takes chunks of the posted job until none are left. Coordination is
 * through the job's shared control array only (no reply messages), so this thread keeps working while
 * the main thread computes chunks too or sleeps in Atomics.wait.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { drainChunks, type PoolJob } from './csr-pool-protocol.js';

const port = parentPort;
if (!port) throw new Error('csr-products-worker must run as a worker thread');
port.on('message', (job: PoolJob) => {
  drainChunks(job);
});
const ready = (workerData as { ready?: Int32Array } | null)?.ready;
if (ready) {
  Atomics.add(ready, 0, 1);
  Atomics.notify(ready, 0);
}
