/**
 * A helper thread of `cpu-pool.ts`: its own TensorFlow.js wasm engine, multiplying the row blocks of
 * A · B it is sent. WebAssembly runs single-threaded in Node, so these threads are how a CPU product
 * uses more than one core.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';

interface Job {
  readonly id: number;
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly rows: number;
  readonly k: number;
  readonly c: number;
  readonly alpha: number;
}

const port = parentPort;
if (!port) throw new Error('matmul-worker must run as a worker thread');

try {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  port.postMessage({ ready: true });
} catch (e) {
  port.postMessage({ ready: false, error: e instanceof Error ? e.message : String(e) });
}

port.on('message', (job: Job) => {
  try {
    const out = tf.tidy(() => {
      const p = tf.matMul(tf.tensor2d(job.a, [job.rows, job.k]), tf.tensor2d(job.b, [job.k, job.c]));
      return job.alpha === 1 ? p : tf.mul(p, tf.scalar(job.alpha));
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    port.postMessage({ id: job.id, data }, [data.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
