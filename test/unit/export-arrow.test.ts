import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import type { ObsColumn } from '../../src-core/io/dataset.js';
import { writeEmbeddingArrow, writeEmbeddingParquet } from '../../src-core/export/arrow-write.js';
import type { EmbeddingTable } from '../../src-core/export/embedding-table.js';

const obs: ObsColumn[] = [
  { name: 'time', kind: 'categorical', codes: Int32Array.from([0, 2, -1, 1]), categories: ['0h', '24h', '48h'], ordered: true },
  { name: 'pseudotime', kind: 'numeric', values: Float64Array.from([0.5, NaN, 2.75, 1e10]) },
];
const table: EmbeddingTable = {
  cellIds: ['a', 'b,2', 'çé✓😀', 'd'],
  coordinates: Float32Array.from([0.1, 0.2, -3, 4, 5.5, -6.25, 1e-8, 7]),
  obs,
};

function checkTable(t: Table): void {
  assert.equal(t.numRows, 4);
  assert.deepEqual(t.schema.fields.map((f) => f.name), ['cell_id', 'x', 'y', 'time', 'pseudotime']);
  assert.deepEqual(t.getChild('cell_id')!.toArray(), ['a', 'b,2', 'çé✓😀', 'd']);
  assert.deepEqual(Float32Array.from(t.getChild('x')!.toArray() as Float32Array), Float32Array.from([0.1, -3, 5.5, 1e-8]));
  assert.deepEqual(Float32Array.from(t.getChild('y')!.toArray() as Float32Array), Float32Array.from([0.2, 4, -6.25, 7]));
  assert.deepEqual([...t.getChild('time')!], ['0h', '48h', null, '24h']);
  const pt = Array.from(t.getChild('pseudotime')!.toArray() as Float64Array);
  assert.deepEqual(pt, [0.5, NaN, 2.75, 1e10]);
}

test('Arrow IPC file re-reads with apache-arrow to the same values', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-arrow-'));
  const out = join(dir, 'map.arrow');
  await writeEmbeddingArrow(out, table);
  const bytes = await readFile(out);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 6)), 'ARROW1');
  const t = tableFromIPC(bytes);
  checkTable(t);
  assert.equal(t.schema.fields[1]!.type.toString(), 'Float32');
  assert.equal(t.schema.fields[3]!.type.toString(), 'Dictionary<Int32, Utf8>');
  await rm(dir, { recursive: true });
});

test('Parquet re-reads with parquet-wasm to the same values (and a subset via rowIndex)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-parquet-'));
  const out = join(dir, 'map.parquet');
  await writeEmbeddingParquet(out, table);
  const bytes = await readFile(out);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'PAR1');
  checkTable(tableFromIPC(readParquet(new Uint8Array(bytes)).intoIPCStream()));

  const sub = join(dir, 'sub.parquet');
  await writeEmbeddingParquet(sub, { ...table, coordinates: Float32Array.from([1, 2]), rowIndex: Int32Array.from([1]) });
  const t = tableFromIPC(readParquet(new Uint8Array(await readFile(sub))).intoIPCStream());
  assert.equal(t.numRows, 1);
  assert.deepEqual(t.getChild('cell_id')!.toArray(), ['b,2']);
  assert.deepEqual([...t.getChild('time')!], ['48h']);
  await rm(dir, { recursive: true });
});
