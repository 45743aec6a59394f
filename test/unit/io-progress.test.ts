/**
 * Progress and cancellation through openDataset for the readers that run in a worker thread
 * (HDF5, Arrow, Parquet) and the in-process streaming ones (MatrixMarket folder): fractions rise
 * within 0..1 and end at 1; a cancel token makes the read reject with CancelledError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openDataset } from '../../src-core/io/open.js';
import { CancelSource } from '../../src-core/pipeline/progress.js';
import { CancelledError } from '../../src-core/errors.js';
import { fixtureData } from '../helpers/paths.js';

const files = [
  fixtureData('hsmm/hsmm.h5ad'),
  fixtureData('mouse10k/mouse10k_wide.arrow'),
  fixtureData('mouse10k/mouse10k_long.parquet'),
  fixtureData('mouse10k'),
];

test('progress rises to 1 for HDF5, Arrow, Parquet and a 10x folder', async () => {
  for (const f of files) {
    const seen: number[] = [];
    await openDataset(f, { onProgress: (x) => seen.push(x) });
    assert.ok(seen.length >= 1 && seen[seen.length - 1] === 1, `${path.basename(f)}: ${seen.join(', ')}`);
    assert.ok(seen.every((x, i) => x >= 0 && x <= 1 && (i === 0 || x >= seen[i - 1]!)), `${path.basename(f)}: fractions rise`);
  }
});

test('a cancelled read rejects with CancelledError (reader threads are stopped)', async () => {
  for (const f of files) {
    const cancel = new CancelSource();
    cancel.cancel();
    await assert.rejects(openDataset(f, { cancel }), (e: unknown) => e instanceof CancelledError, path.basename(f));
  }
  // and the next read of the same file works
  assert.equal((await openDataset(files[0]!)).nCells, 271);
});
