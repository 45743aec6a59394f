import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObsColumn } from '../../src-core/io/dataset.js';
import { csvField, formatFloat32, uniqueNames } from '../../src-core/export/format.js';
import { embeddingCsvChunks, writeEmbeddingCsv } from '../../src-core/export/csv-write.js';
import type { EmbeddingTable } from '../../src-core/export/embedding-table.js';

test('CSV fields are quoted per RFC 4180 only when needed', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField(''), '');
});

test('float32 values print in their shortest round-trip form', () => {
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat32(Math.fround(-1234.5678)), '-1234.5677');
  assert.equal(formatFloat32(Math.fround(1e-7)), '1e-7');
  assert.equal(formatFloat32(0), '0');
  assert.equal(formatFloat32(NaN), '');
  for (const v of [Math.fround(Math.PI), Math.fround(16777217), Math.fround(3.4e38), Math.fround(1.17549435e-38)]) {
    assert.equal(Math.fround(Number(formatFloat32(v))), v);
  }
  assert.deepEqual(uniqueNames(['cell_id', 'x', 'y', 'x', 'x']), ['cell_id', 'x', 'y', 'x-1', 'x-2']);
});

const obs: ObsColumn[] = [
  { name: 'cell type', kind: 'categorical', codes: Int32Array.from([0, 1, -1]), categories: ['T, cytotoxic', 'B "naive"'], ordered: false },
  { name: 'n_genes', kind: 'numeric', values: Float64Array.from([1200, NaN, 0.25]) },
  { name: 'x', kind: 'numeric', values: Float64Array.from([1, 2, 3]) },
];
const table: EmbeddingTable = {
  cellIds: ['AAAC-1', 'odd,id', 'CCC"1'],
  coordinates: Float32Array.from([0.1, -2.5, 3, 4, 1e-7, 12345.678]),
  obs,
};

test('embedding CSV: header, labels, numbers, missing values and quoting', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-csv-'));
  const dest = join(dir, 'map.csv');
  const report = await writeEmbeddingCsv(dest, table);
  const text = await readFile(dest, 'utf8');
  assert.equal(
    text,
    'cell_id,x,y,cell type,n_genes,x-1\n' +
      'AAAC-1,0.1,-2.5,"T, cytotoxic",1200,1\n' +
      '"odd,id",3,4,"B ""naive""",,2\n' +
      '"CCC""1",1e-7,12345.678,,0.25,3\n',
  );
  assert.equal(report.rows, 3);
  assert.equal(report.bytes, Buffer.byteLength(text));
  assert.deepEqual(report.columns, ['cell_id', 'x', 'y', 'cell type', 'n_genes', 'x-1']);
  await rm(dir, { recursive: true });
});

test('embedding CSV: rowIndex exports a subset without copying metadata; output is chunked', () => {
  const subset: EmbeddingTable = { ...table, coordinates: Float32Array.from([5, 6, 7, 8]), rowIndex: Int32Array.from([2, 0]) };
  const chunks = [...embeddingCsvChunks(subset, 1)];
  assert.equal(chunks.length, 3); // header + one chunk per row
  assert.equal(chunks.join(''), 'cell_id,x,y,cell type,n_genes,x-1\n"CCC""1",5,6,,0.25,3\nAAAC-1,7,8,"T, cytotoxic",1200,1\n');
  const many: EmbeddingTable = { cellIds: Array.from({ length: 10000 }, (_, i) => `c${i}`), coordinates: new Float32Array(20000) };
  const parts = [...embeddingCsvChunks(many, 4096)];
  assert.equal(parts.length, 1 + 3);
  assert.equal(parts.join('').split('\n').length, 10002);
  assert.throws(() => [...embeddingCsvChunks({ ...table, coordinates: new Float32Array(4) })], /embedding has 2 rows but cellIds has 3/);
});
