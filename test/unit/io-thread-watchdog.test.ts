/**
 * The reader thread's watchdog (io/thread-read.ts) must not call a valid file corrupt because this
 * process was busy: a valid h5ad read while the main thread is blocked for longer than the watchdog's
 * silence limit (as the app's main thread or a loaded laptop may be) still reads.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../../src-core/io/open.js';
import { BASE_MS } from '../../src-core/io/thread-read.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'data');

test('a valid h5ad still reads when the main thread stalls longer than the watchdog limit', async () => {
  const file = path.join(fixtures, 'hsmm', 'hsmm.h5ad');
  const reading = openDataset(file);
  const until = Date.now() + BASE_MS + 1500;
  while (Date.now() < until); // the main thread is busy: the reader's messages wait in its queue
  const ds = await reading;
  assert.equal(ds.nCells, 271);
});
