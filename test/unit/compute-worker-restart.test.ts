/**
 * Worker faults (issue 13 item 4): the compute worker thread is killed while a run is in flight; the
 * pending call fails with a WorkerRestarted error that names the cause and the data set, a new worker is
 * started, the data set is opened again in it, and the next calls (describe, run) are answered.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatasetDescription, RunSummary } from '../../src-core/api.js';
import { ComputeWorker, WORKER_RESTARTED } from '../../host/compute-worker.js';
import { fixtureData } from '../helpers/paths.js';
import { unpackedWorkerUrl } from '../../host/worker-url.js';

const hsmm = fixtureData('hsmm', 'hsmm.h5ad');

describe('compute worker faults', { timeout: 180_000 }, () => {
  it('a killed worker fails the pending call clearly, restarts, reopens the data set and answers the next calls', async () => {
    const restarts: string[] = [];
    const worker = new ComputeWorker(fixtureData('hsmm'), { onRestart: (r) => restarts.push(r) });
    try {
      const opened = (await worker.call({ method: 'open', path: hsmm, options: {} })) as unknown as DatasetDescription;
      let progressed!: () => void;
      const firstProgress = new Promise<void>((ok) => (progressed = ok));
      const run = worker.call({ method: 'run', params: {} }, () => progressed());
      await firstProgress;
      await worker.crashForTesting();
      await assert.rejects(run, (e: Error) => {
        assert.equal(e.name, WORKER_RESTARTED);
        assert.match(e.message, /the compute worker stopped \(it exited with code 1\)/);
        assert.ok(e.message.includes(`${hsmm} is being opened again`), e.message);
        return true;
      });
      assert.equal(worker.restarts, 1);
      assert.equal(restarts.length, 1);
      // describe() waits for the reopen in the new worker.
      const again = (await worker.call({ method: 'describe' })) as unknown as DatasetDescription | null;
      assert.ok(again, 'the data set is open again');
      assert.equal(again.nMapped, opened.nMapped);
      assert.equal(again.path, opened.path);
      const summary = (await worker.call({ method: 'run', params: {} })) as unknown as RunSummary;
      assert.equal(summary.runId, 1, "the first run of the reopened data set");
      const coords = (await worker.call({ method: 'coords' })) as Float32Array;
      assert.equal(coords.length, 2 * opened.nMapped);
      assert.ok(coords.every(Number.isFinite));
    } finally {
      await worker.terminate();
    }
  });

  it('a worker that keeps dying is given up after a few restarts, and calls then fail at once', async () => {
    const worker = new ComputeWorker(fixtureData('hsmm'));
    try {
      for (let i = 0; i < 4; i++) {
        const pending = worker.call({ method: 'describe' });
        await worker.crashForTesting();
        await assert.rejects(pending);
      }
      await assert.rejects(worker.call({ method: 'describe' }), /stopped 4 times within 60 s/);
    } finally {
      await worker.terminate();
    }
  });

  it('maps a worker script inside app.asar to its unpacked copy', () => {
    assert.equal(unpackedWorkerUrl(new URL('file:///opt/Isotherm/resources/app.asar/dist/host/compute-thread.js')).href, 'file:///opt/Isotherm/resources/app.asar.unpacked/dist/host/compute-thread.js');
    assert.equal(unpackedWorkerUrl(new URL('file:///repo/dist/host/compute-thread.js')).href, 'file:///repo/dist/host/compute-thread.js');
  });
});
