/**
 * Declared sizes are checked before allocating: hostile files (lying HDF5 shapes, allocation bombs,
 * an unclosed quote) are refused with an InputError naming the file, within 2 s and without a large
 * allocation (RSS measured in this process); the memory budget turns a foreseeable out-of-memory
 * into an InputError; HDF5 filter and attribute read failures are errors, not "nothing there".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { openDataset } from '../../src-core/io/open.js';
import { InputError } from '../../src-core/errors.js';
import { MemoryBudget, parseBudgetGB } from '../../src-core/io/budget.js';
import { machineMemoryBudget } from '../../src-core/io/machine-budget.js';
import { attrValue, checkFilters, type H5Dataset } from '../../src-core/io/h5.js';
import { fixtureData } from '../helpers/paths.js';
import * as hostile from '../helpers/hostile.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-bounds-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const at = (name: string): string => path.join(tmp, name);

async function refused(file: hostile.HostileFile): Promise<{ ms: number; rssMB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
  const t0 = performance.now();
  try {
    await assert.rejects(openDataset(file.path), (e: unknown) => {
      assert.ok(e instanceof InputError, `${file.name}: expected an InputError, got ${String(e)}`);
      assert.ok(e.message.startsWith(file.path + ': '), `${file.name}: the message names the file: ${e.message}`);
      assert.match(e.message, file.expect, file.name);
      return true;
    });
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms: performance.now() - t0, rssMB: (peak - rss0) / 2 ** 20 };
}

test('hostile files are refused within 2 s, naming the file, without large allocations', async () => {
  const files = [
    hostile.unclosedQuoteCsv(at('q.csv')),
    await hostile.lyingCscH5ad(at('csc.h5ad')),
    await hostile.lyingObsH5ad(at('obs.h5ad')),
    await hostile.unallocatedDenseH5ad(at('dense.h5ad')),
    hostile.gzipBomb(at('bomb.csv.gz')),
    hostile.lz4ClaimArrow(at('lz4.arrow')),
    hostile.mtxClaimingTrillion(at('t.mtx')),
    hostile.zstdClaimArrow(at('zstd.arrow')),
    await hostile.lyingObsmH5ad(at('obsm.h5ad')),
  ];
  for (const f of files) {
    const r = await refused(f);
    assert.ok(r.ms < 2000, `${f.name}: refused in ${r.ms.toFixed(0)} ms`);
    // sampled RSS growth; the old readers took 3.9 GB (CSC) or ~2 GB (gzip) here
    assert.ok(r.rssMB < 400, `${f.name}: RSS grew ${r.rssMB.toFixed(0)} MB`);
  }
});

test('the memory budget refuses a read it cannot hold, before reading it, with a clear message', async () => {
  const d = fixtureData('mouse10k');
  for (const p of [path.join(d, 'mouse10k_wide.arrow'), path.join(d, 'mouse10k_long.parquet'), d, fixtureData('hsmm/hsmm.h5ad')]) {
    await assert.rejects(openDataset(p, { memoryBudget: 1_000_000 }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, /more than the memory budget of 1\.00 MB .*--memory-budget/);
      return true;
    });
  }
  // and the same files read with the default budget
  assert.equal((await openDataset(path.join(d, 'mouse10k_wide.arrow'))).nCells, 10_000);
  const b = new MemoryBudget(1000, 'f');
  b.reserve(600, 'a');
  assert.throws(() => b.reserve(500, 'the matrix'), /the matrix needs 500 bytes on top of 600 bytes already read/);
  b.release(600);
  b.reserve(500, 'the matrix');
  assert.equal(parseBudgetGB('2.5'), 2.5e9);
  assert.throws(() => parseBudgetGB('-1'), InputError);
  // one setting for reading and computing: the hosts' ISOTHERM_MEMORY_BUDGET_GB is the read's default too
  assert.equal(machineMemoryBudget({ ISOTHERM_MEMORY_BUDGET_GB: '2.5' }), 2.5e9);
  assert.equal(machineMemoryBudget({ ISOTHERM_MEMORY_BUDGET_GB: 'lots' }), machineMemoryBudget({}));
});

test('a dense X larger than the budget is refused from its header (40 GB in unallocated chunks: no read)', async () => {
  await h5wasm.ready;
  const p = at('big-dense.h5ad');
  const f = new h5wasm.File(p, 'w');
  f.create_attribute('encoding-type', 'anndata');
  const x = f.create_dataset({ name: 'X', data: new Float32Array(1), shape: [1, 1], maxshape: [null, null], chunks: [64, 64], compression: 'gzip' });
  x.resize([3000, 3000]); // 36 MB declared, a few kB on disk: within gzip's reach, so only the budget stops it
  for (const [name, n] of [['obs', 3000], ['var', 3000]] as const) {
    const g = f.create_group(name);
    g.create_attribute('encoding-type', 'dataframe');
    g.create_attribute('_index', '_index');
    g.create_dataset({ name: '_index', data: Array.from({ length: n }, (_, i) => `${name}${i}`) });
  }
  f.close();
  await assert.rejects(openDataset(p, { memoryBudget: 10_000_000 }), /\/X \(3000 × 3000 dense\) needs 36\.0 MB, more than the memory budget of 10\.0 MB/);
  const ds = await openDataset(p); // fill values read as zeros within the default budget
  assert.equal(ds.X.data.length, 9_000_000);
});

/** A stand-in for an h5wasm dataset whose filter pipeline cannot be read but whose data "reads". */
function fakeDataset(filters: () => unknown): H5Dataset {
  return {
    path: '/X/data',
    get filters() { return filters(); },
    get value() { return Float32Array.from([1, 2, 3]); },
  } as unknown as H5Dataset;
}

test('a filter list that cannot be read is an InputError, not "no filters" (LZF data would read as garbage)', () => {
  assert.throws(() => checkFilters(fakeDataset(() => { throw new Error('H5Pget_filter failed'); }), 'x.h5ad'),
    (e: unknown) => e instanceof InputError && /x\.h5ad: could not read the filter pipeline of dataset \/X\/data/.test(e.message));
  assert.throws(() => checkFilters(fakeDataset(() => 'nonsense'), 'x.h5ad'), /unreadable filter pipeline/);
  assert.throws(() => checkFilters(fakeDataset(() => [{ id: 32000, name: 'lzf' }]), 'x.h5ad'), /uses HDF5 filter 32000 \(LZF\)/);
  assert.doesNotThrow(() => checkFilters(fakeDataset(() => [{ id: 1, name: 'deflate' }]), 'x.h5ad'));
});

test('an attribute read that fails is an InputError naming it, not an empty value', () => {
  const obj = { path: '/X', attrs: { get shape(): never { throw new Error('H5Aread failed'); } } } as unknown as H5Dataset;
  assert.throws(() => attrValue(obj, 'shape', 'x.h5ad'), (e: unknown) => e instanceof InputError && /x\.h5ad: could not read attribute 'shape' of \/X/.test(e.message));
  assert.equal(attrValue(obj, 'absent', 'x.h5ad'), undefined);
});

test('values beyond float32 (finite doubles like 1e300) are refused, not stored as Infinity', async () => {
  const mtx = at('big-value.mtx');
  fs.writeFileSync(mtx, '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 1e40\n');
  await assert.rejects(openDataset(mtx), /line 4: the value is not a finite 32-bit number/);
  const { tableFromArrays, tableToIPC } = await import('apache-arrow');
  const arrow = at('big-value.arrow');
  fs.writeFileSync(arrow, tableToIPC(tableFromArrays({ cell_id: ['a', 'b'], g: Float64Array.from([1, 1e300]) }), 'file'));
  await assert.rejects(openDataset(arrow), /feature column 'g' has a non-finite value \(1e\+300\) at row 2/);
  await h5wasm.ready;
  const h5 = at('big-value.h5ad');
  const f = new h5wasm.File(h5, 'w');
  f.create_attribute('encoding-type', 'anndata');
  f.create_dataset({ name: 'X', data: Float64Array.from([1, 2, 3, 1e300]), shape: [2, 2] });
  for (const [name, ids] of [['obs', ['c1', 'c2']], ['var', ['g1', 'g2']]] as const) {
    const g = f.create_group(name);
    g.create_attribute('encoding-type', 'dataframe');
    g.create_attribute('_index', '_index');
    g.create_dataset({ name: '_index', data: [...ids] });
  }
  f.close();
  await assert.rejects(openDataset(h5), /\/X holds a non-finite value \(Infinity\) at row 2, column 2/);
});
