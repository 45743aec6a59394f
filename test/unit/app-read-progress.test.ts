/**
 * Reading a file in the app reports progress and can be cancelled (issue 13, item 1): through
 * LocalIsothermApi (what both hosts run) and through the compute worker thread of `isotherm serve` and
 * Electron, where cancel() reaches the read through the shared counter while the worker is busy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReadProgressEvent } from '../../src-core/api.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';
import { ComputeWorker } from '../../host/compute-worker.js';
import { LocalIsothermApi } from '../../host/local-api.js';

installNodeEngines();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-read-progress-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 2,000-cell × 1,500-gene count CSV (~9 MB: nine 1 MiB read chunks, so progress is seen, and a cancel lands, mid-read). */
function countCsv(file: string): string {
  const genes = Array.from({ length: 1500 }, (_, j) => `g${j}`);
  const lines = [['cell', ...genes].join(',')];
  let s = 7;
  for (let i = 0; i < 2000; i++) {
    const row: number[] = [];
    for (let j = 0; j < genes.length; j++) {
      s = (s * 1103515245 + 12345) >>> 0;
      row.push((s >>> 16) % 7 === 0 ? (s >>> 8) % 9 : 0);
    }
    lines.push(`c${i},${row.join(',')}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const csv = countCsv(path.join(tmp, 'counts.csv'));

test('open() reports the read rising to 1, then the data set', async () => {
  const api = new LocalIsothermApi({ startDir: tmp });
  const seen: number[] = [];
  const d = await api.open(csv, {}, (p: ReadProgressEvent) => seen.push(p.read));
  assert.equal(d.nCells, 2000);
  assert.ok(seen.length >= 2, `progress events: ${seen.join(', ')}`);
  assert.ok(seen.some((x) => x > 0 && x < 1), `a fraction inside (0, 1) is seen: ${seen.join(', ')}`);
  assert.equal(seen[seen.length - 1], 1);
  assert.ok(seen.every((x, i) => i === 0 || x >= seen[i - 1]!), 'fractions rise');
});

test('cancel() during open() stops the read with CancelledError; nothing is opened', async () => {
  const api = new LocalIsothermApi({ startDir: tmp });
  let cancelledAt = -1;
  const opening = api.open(csv, {}, (p) => {
    if (cancelledAt < 0 && p.read < 1) {
      cancelledAt = p.read;
      void api.cancel();
    }
  });
  await assert.rejects(opening, (e: unknown) => e instanceof Error && e.name === 'CancelledError');
  assert.ok(cancelledAt >= 0 && cancelledAt < 1, `cancelled at ${cancelledAt}`);
  assert.equal(await api.describe(), null);
  // the next open reads the whole file
  assert.equal((await api.open(csv)).nCells, 2000);
});

test('through the compute worker: progress events arrive and cancel stops the read', async () => {
  const worker = new ComputeWorker(tmp);
  try {
    const seen: number[] = [];
    const opening = worker.call({ method: 'open', path: csv, options: {} }, (e) => {
      const read = (e as unknown as ReadProgressEvent).read;
      seen.push(read);
      if (seen.length === 1) void worker.call({ method: 'cancel' });
    });
    await assert.rejects(opening, (e: unknown) => e instanceof Error && e.name === 'CancelledError', `events: ${seen.join(', ')}`);
    assert.ok(seen.length >= 1 && seen[0]! < 1, `events: ${seen.join(', ')}`);
    // the worker still answers, and a new open is not cancelled by the old cancel
    const events: number[] = [];
    const d = (await worker.call({ method: 'open', path: csv, options: {} }, (e) => events.push((e as unknown as ReadProgressEvent).read))) as { nCells: number };
    assert.equal(d.nCells, 2000);
    assert.equal(events[events.length - 1], 1);
  } finally {
    await worker.terminate();
  }
});
