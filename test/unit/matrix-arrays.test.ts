import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { csrPoolRunner, stopCsrPool } from '../../src-core/compute/csr-pool.js';
import type { ChunkRunner, SharedArray } from '../../src-core/compute/chunk-runner.js';
import { setMatrixArraysShared } from '../../src-core/compute/matrix-arrays.js';
import type { CsrMatrix } from '../../src-core/io/dataset.js';
import { openDataset } from '../../src-core/io/open.js';
import { normalizeLibrarySize } from '../../src-core/preprocess/normalize.js';
import { pca } from '../../src-core/preprocess/pca.js';
import { transformValues } from '../../src-core/preprocess/transform.js';
import { fixtureData } from '../helpers/paths.js';

after(async () => {
  setMatrixArraysShared(false);
  await stopCsrPool();
});

const FILES = [path.join(fixtureData(), 'hsmm/hsmm.h5ad'), path.join(fixtureData(), 'mouse10k/mouse10k_long.parquet')];

async function openCsr(file: string, shared: boolean): Promise<CsrMatrix> {
  setMatrixArraysShared(shared);
  const x = (await openDataset(file)).X;
  assert.equal(x.kind, 'csr', `${file} is read as CSR`);
  return x as CsrMatrix;
}

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const file of FILES) {
  test(`${path.basename(file)}: the reader thread fills shared buffers when asked, with the same values`, async () => {
    const plain = await openCsr(file, false);
    const shared = await openCsr(file, true);
    for (const k of ['indptr', 'indices', 'data'] as const) {
      assert.ok(plain[k].buffer instanceof ArrayBuffer, `${k}: plain buffer when sharing is off`);
      assert.ok(shared[k].buffer instanceof SharedArrayBuffer, `${k}: SharedArrayBuffer when sharing is on`);
      assert.ok(bytes(plain[k]).equals(bytes(shared[k])), `${k}: same bytes`);
    }
  });
}

/** csrPoolRunner(2) that records the length of every array it had to copy into shared memory. */
function copyCounting(copies: number[]): ChunkRunner {
  const inner = csrPoolRunner(2);
  return {
    ...inner,
    run: inner.run.bind(inner),
    share<T extends SharedArray>(a: T): T {
      if (!(a.buffer instanceof SharedArrayBuffer)) copies.push(a.length);
      return inner.share(a);
    },
  };
}

test('PCA on threads copies none of the matrix read into shared buffers (one copy, not two), same result', async () => {
  const file = FILES[1]!;
  const results = [];
  for (const shared of [false, true]) {
    const x = await openCsr(file, shared);
    const norm = normalizeLibrarySize(x).matrix;
    const t = transformValues(norm, 'sqrt', true).matrix as CsrMatrix;
    const copies: number[] = [];
    const r = pca(t, { nComponents: 10, runner: copyCounting(copies) });
    const big = copies.filter((n) => n >= t.nRows);
    if (shared) assert.deepEqual(big, [], 'no matrix array copied when the reader and preprocessing allocated shared memory');
    else assert.ok(big.length >= 2, `without sharing the indices and values are copied (copies: ${copies.join(', ')})`);
    results.push(r);
  }
  assert.ok(bytes(results[0]!.scores.data).equals(bytes(results[1]!.scores.data)), 'identical scores');
});

test('transform in place gives the values of the copying transform and reuses the array', async () => {
  const x = await openCsr(FILES[0]!, false);
  const norm = normalizeLibrarySize(x).matrix;
  const copy = transformValues(norm, 'sqrt').matrix;
  assert.notEqual(copy.data, norm.data);
  const inPlace = transformValues(norm, 'sqrt', true).matrix;
  assert.equal(inPlace.data, norm.data);
  assert.ok(bytes(copy.data).equals(bytes(inPlace.data)));
});
