/**
 * Every malformed input has a defined outcome: an InputError naming the file and the problem
 * (never a crash, a hang or an out-of-memory). Bad files are made at run time from valid bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import h5wasm from 'h5wasm/node';
import { Float32, Table, Utf8, tableFromArrays, tableToIPC, vectorFromArray } from 'apache-arrow';
import { openDataset } from '../../src-core/io/open.js';
import { InputError } from '../../src-core/errors.js';
import type { CsrMatrix } from '../../src-core/io/dataset.js';
import { fixtureData } from '../helpers/paths.js';

const D = fixtureData();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-io-bad-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function tmpPath(name: string): string {
  const dir = path.join(tmp, String(counter++));
  fs.mkdirSync(dir);
  return path.join(dir, name);
}

/** Asserts openDataset rejects with an InputError about `file` whose message matches `re`. */
async function rejectsWith(file: string, re: RegExp, options = {}): Promise<void> {
  await assert.rejects(openDataset(file, options), (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(e.message.startsWith(e.file) && e.file.length > 0, 'the message names the file');
    return true;
  });
}

function writeTruncated(src: string, name: string, fraction = 0.5): string {
  const bytes = fs.readFileSync(src);
  const p = tmpPath(name);
  fs.writeFileSync(p, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return p;
}

interface Folder { matrix: string | Uint8Array; barcodes: string[]; features: string[]; gz?: boolean }
function writeFolder(f: Folder): string {
  const dir = path.dirname(tmpPath('x'));
  const gz = f.gz ?? false;
  const put = (name: string, text: string): void => fs.writeFileSync(path.join(dir, gz ? `${name}.gz` : name), gz ? zlib.gzipSync(text) : text);
  if (typeof f.matrix === 'string') put('matrix.mtx', f.matrix);
  else fs.writeFileSync(path.join(dir, gz ? 'matrix.mtx.gz' : 'matrix.mtx'), f.matrix);
  put('barcodes.tsv', f.barcodes.join('\n') + '\n');
  put('features.tsv', f.features.map((g) => `${g}\t${g}\tGene Expression`).join('\n') + '\n');
  return dir;
}
const MTX = (rows: number, cols: number, entries: string[], nnz = entries.length): string =>
  `%%MatrixMarket matrix coordinate integer general\n%metadata_json: {}\n${rows} ${cols} ${nnz}\n${entries.join('\n')}\n`;

/** A minimal current-layout .h5ad written with h5wasm (superblock v0 / v1 object headers). */
async function writeMiniH5ad(file: string, x: 'dense-gzip' | 'csr-bad-indptr'): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w', { libver: ['earliest', 'v108'] });
  f.create_attribute('encoding-type', 'anndata');
  f.create_attribute('encoding-version', '0.1.0');
  if (x === 'dense-gzip') {
    f.create_dataset({ name: 'X', data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], chunks: [2, 3], compression: 'gzip' });
  } else {
    const g = f.create_group('X');
    g.create_attribute('encoding-type', 'csr_matrix');
    g.create_attribute('encoding-version', '0.1.0');
    g.create_attribute('shape', Int32Array.from([2, 3]));
    g.create_dataset({ name: 'data', data: Float32Array.from([1, 2]) });
    g.create_dataset({ name: 'indices', data: Int32Array.from([0, 2]) });
    g.create_dataset({ name: 'indptr', data: Int32Array.from([0, 2]) }); // needs 3 entries for 2 rows
  }
  for (const [name, ids] of [['obs', ['c1', 'c2']], ['var', ['g1', 'g2', 'g3']]] as const) {
    const g = f.create_group(name);
    g.create_attribute('encoding-type', 'dataframe');
    g.create_attribute('encoding-version', '0.2.0');
    g.create_attribute('_index', '_index');
    g.create_dataset({ name: '_index', data: [...ids] });
  }
  f.close();
}

test('truncated .h5ad → InputError "truncated"', async () => {
  await rejectsWith(writeTruncated(path.join(D, 'hsmm/hsmm.h5ad'), 'hsmm.h5ad'), /truncated HDF5 file/);
  await rejectsWith(writeTruncated(path.join(D, 'pbmc68k_reduced/pbmc68k_reduced.h5ad'), 'pbmc.h5ad', 0.9), /truncated HDF5 file/);
});

test('corrupted gzip chunk inside an .h5ad → InputError (h5wasm alone returns zeros without an error)', async () => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(D, 'hsmm/hsmm.h5ad')));
  const at = Math.floor(bytes.length / 2); // inside X/data's compressed chunks
  bytes.fill(0, at, at + 4000);
  const p = tmpPath('corrupt.h5ad');
  fs.writeFileSync(p, bytes);
  await rejectsWith(p, /could not read dataset \/X\/data \(HDF5: .*Filter operation failed\): the file is corrupt/);
  // the library stays usable afterwards
  const ok = await openDataset(path.join(D, 'hsmm/hsmm.h5ad'));
  assert.equal(ok.nCells, 271);
});

test('truncated Arrow IPC file and stream → InputError "truncated"', async () => {
  await rejectsWith(writeTruncated(path.join(D, 'mouse10k/mouse10k_wide_first100_uncompressed.arrow'), 'a.arrow'), /truncated Arrow IPC file/);
  await rejectsWith(writeTruncated(path.join(D, 'mouse10k/mouse10k_wide.arrow'), 'z.arrow', 0.7), /truncated Arrow IPC file/);
  const stream = tableToIPC(tableFromArrays({ cell_id: ['a', 'b'], g: Float32Array.from([1, 2]) }), 'stream');
  const p = tmpPath('t.arrows');
  fs.writeFileSync(p, stream.subarray(0, stream.length - 8)); // cut exactly at a message boundary
  await rejectsWith(p, /truncated Arrow IPC stream/);
  const q = tmpPath('t2.arrows');
  fs.writeFileSync(q, stream.subarray(0, stream.length - 30));
  await rejectsWith(q, /truncated Arrow IPC stream/);
});

test('truncated or corrupt Parquet → InputError', async () => {
  await rejectsWith(writeTruncated(path.join(D, 'mouse10k/mouse10k_long.parquet'), 'long.parquet'), /truncated Parquet file/);
  const p = tmpPath('bad.parquet');
  const body = new Uint8Array(200).fill(7);
  fs.writeFileSync(p, Buffer.concat([Buffer.from('PAR1'), body, Buffer.from('PAR1')]));
  await rejectsWith(p, /could not decode the Parquet data/);
});

test('truncated matrix.mtx.gz in a 10x folder → InputError "truncated"', async () => {
  const dir = path.dirname(tmpPath('x'));
  for (const f of ['barcodes.tsv.gz', 'features.tsv.gz']) fs.copyFileSync(path.join(D, 'mouse10k', f), path.join(dir, f));
  const full = fs.readFileSync(path.join(D, 'mouse10k/matrix.mtx.gz'));
  fs.writeFileSync(path.join(dir, 'matrix.mtx.gz'), full.subarray(0, full.length >> 1));
  await rejectsWith(dir, /truncated/);
});

test('wrong magic bytes → InputError "unrecognised"', async () => {
  for (const [src, name] of [['hsmm/hsmm.h5ad', 'x.h5ad'], ['mouse10k/mouse10k_wide_first100_uncompressed.arrow', 'x.arrow'], ['mouse10k/mouse10k_long.parquet', 'x.parquet']] as const) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(D, src)));
    bytes[0] = 0x00;
    bytes[1] = 0x13;
    const p = tmpPath(name);
    fs.writeFileSync(p, bytes);
    await rejectsWith(p, /unrecognised binary format/);
  }
  const z = tmpPath('x.zip');
  fs.writeFileSync(z, Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
  await rejectsWith(z, /zip archive: decompress it first/);
});

test('LZF-compressed HDF5 dataset (filter 32000) → InputError naming dataset, filter and fix', async () => {
  const p = tmpPath('lzf.h5ad');
  await writeMiniH5ad(p, 'dense-gzip');
  // sanity: the gzip version reads fine
  const ok = await openDataset(p);
  assert.deepEqual(Array.from(ok.X.data), [1, 2, 3, 4, 5, 6]);
  // patch X's filter pipeline message (v1: id u16, name length u16, flags u16, n values u16, "deflate\0")
  const bytes = new Uint8Array(fs.readFileSync(p));
  const name = Buffer.from('deflate\0');
  const at = Buffer.from(bytes).indexOf(name);
  assert.ok(at > 8 && bytes[at - 8] === 1 && bytes[at - 7] === 0, 'found the deflate filter record');
  bytes[at - 8] = 32000 & 0xff;
  bytes[at - 7] = 32000 >> 8;
  bytes.set(Buffer.from('lzf\0\0\0\0\0'), at);
  fs.writeFileSync(p, bytes);
  await rejectsWith(p, /dataset \/X uses HDF5 filter 32000 \(LZF\).*compression='gzip'/);
});

test('CSR indptr of the wrong length → InputError', async () => {
  const p = tmpPath('badptr.h5ad');
  await writeMiniH5ad(p, 'csr-bad-indptr');
  await rejectsWith(p, /\/X\/indptr has 2 entries but the shape needs 3/);
});

test('MTX: out-of-range index → InputError with the line number', async () => {
  const dir = writeFolder({ matrix: MTX(3, 2, ['1 1 4', '5 1 1']), barcodes: ['A', 'B'], features: ['g1', 'g2', 'g3'] });
  await rejectsWith(dir, /line 5: entry \(5, 1\) is outside the 3 × 2 matrix/);
  const zero = writeFolder({ matrix: MTX(3, 2, ['0 1 4']), barcodes: ['A', 'B'], features: ['g1', 'g2', 'g3'] });
  await rejectsWith(zero, /line 4: entry \(0, 1\) is outside/);
});

test('MTX: header promising more entries than present → InputError', async () => {
  const dir = writeFolder({ matrix: MTX(3, 2, ['1 1 4', '2 2 1'], 5), barcodes: ['A', 'B'], features: ['g1', 'g2', 'g3'], gz: true });
  await rejectsWith(dir, /promises 5 entries but the file has only 2/);
  const more = writeFolder({ matrix: MTX(3, 2, ['1 1 4', '2 2 1', '3 2 1'], 2), barcodes: ['A', 'B'], features: ['g1', 'g2', 'g3'] });
  await rejectsWith(more, /line 6: more entries than the 2 the header declares/);
});

test('fake .gz (no gzip magic) and corrupt gzip stream → InputError', async () => {
  const dir = path.dirname(tmpPath('x'));
  fs.writeFileSync(path.join(dir, 'matrix.mtx.gz'), MTX(1, 1, ['1 1 1']));
  fs.writeFileSync(path.join(dir, 'barcodes.tsv.gz'), zlib.gzipSync('A\n'));
  fs.writeFileSync(path.join(dir, 'features.tsv.gz'), zlib.gzipSync('g1\tg1\tGene Expression\n'));
  await rejectsWith(dir, /matrix\.mtx\.gz: named \.gz but is not gzip data/);
  fs.writeFileSync(path.join(dir, 'matrix.mtx.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5]));
  await rejectsWith(dir, /corrupt gzip data|truncated/);
  const features = path.join(dir, 'features.tsv.gz');
  fs.writeFileSync(path.join(dir, 'matrix.mtx.gz'), zlib.gzipSync(MTX(1, 1, ['1 1 1'])));
  fs.writeFileSync(features, 'g1\tg1\tGene Expression\n');
  await rejectsWith(dir, /features\.tsv\.gz: named \.gz but is not gzip data/);
});

test('MTX header claiming 10^9 × 10^9 with three entries → fast InputError, no huge allocation', async () => {
  const rss0 = process.memoryUsage().rss;
  const t0 = Date.now();
  const bare = tmpPath('huge.mtx');
  fs.writeFileSync(bare, MTX(1e9, 1e9, ['1 1 1', '2 2 2', '1000000000 1000000000 3']));
  await rejectsWith(bare, /claims 1000000000 × 1000000000/);
  const dir = writeFolder({ matrix: MTX(1e9, 1e9, ['1 1 1', '2 2 2', '3 3 3']), barcodes: ['A', 'B', 'C'], features: ['g1', 'g2', 'g3'], gz: true });
  await rejectsWith(dir, /claims 1000000000 × 1000000000|header says/);
  // below the hard cap but implausible for a bare file: 5e7 × 5e7 with 3 entries
  const mid = tmpPath('mid.mtx');
  fs.writeFileSync(mid, MTX(5e7, 5e7, ['1 1 1', '2 2 2', '3 3 3']));
  await rejectsWith(mid, /implausible/);
  assert.ok(Date.now() - t0 < 5000, 'answers quickly');
  assert.ok(process.memoryUsage().rss - rss0 < 200 * 2 ** 20, 'no large allocation');
});

test('UTF-16 CSV (LE and BE with BOM) is decoded and read', async () => {
  const text = 'cell_id,g1,g2\r\na,1,2\r\nb,3,4\r\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const be = Buffer.from(le);
  be.swap16(); // now FE FF + big-endian code units
  for (const [bytes, name] of [[le, 'le.csv'], [be, 'be.csv']] as const) {
    const p = tmpPath(name);
    fs.writeFileSync(p, bytes);
    const ds = await openDataset(p);
    assert.deepEqual(ds.cellIds, ['a', 'b']);
    assert.deepEqual(ds.featureNames, ['g1', 'g2']);
    assert.deepEqual(Array.from(ds.X.data), [1, 2, 3, 4]);
  }
});

test('all-zero cells are kept as empty rows; a single cell reads fine', async () => {
  const dir = writeFolder({ matrix: MTX(2, 3, ['1 1 5', '2 3 1']), barcodes: ['A', 'EMPTY', 'C'], features: ['g1', 'g2'] });
  const ds = await openDataset(dir);
  assert.equal(ds.nCells, 3);
  assert.deepEqual(ds.cellIds, ['A', 'EMPTY', 'C']);
  assert.deepEqual(Array.from((ds.X as CsrMatrix).indptr), [0, 1, 1, 2]);
  const one = writeFolder({ matrix: MTX(2, 1, ['2 1 7']), barcodes: ['ONLY'], features: ['g1', 'g2'], gz: true });
  const single = await openDataset(one);
  assert.equal(single.nCells, 1);
  assert.deepEqual(single.cellIds, ['ONLY']);
  assert.deepEqual(Array.from(single.X.data), [7]);
  assert.deepEqual(Array.from((single.X as CsrMatrix).indices), [1]);
});

test('duplicate cell ids → InputError (10x barcodes, Arrow wide table)', async () => {
  const dir = writeFolder({ matrix: MTX(1, 3, ['1 1 1']), barcodes: ['A', 'B', 'A'], features: ['g1'] });
  await rejectsWith(dir, /duplicate cell id 'A' \(rows 1 and 3\)/);
  const p = tmpPath('dup.arrow');
  fs.writeFileSync(p, tableToIPC(tableFromArrays({ cell_id: ['x', 'y', 'x'], g: Float32Array.from([1, 2, 3]) }), 'file'));
  await rejectsWith(p, /duplicate cell id 'x'/);
});

test('missing path, empty file, directory without a matrix, HDF5 that is not AnnData', async () => {
  await rejectsWith(path.join(tmp, 'does-not-exist.h5ad'), /no such file/);
  const empty = tmpPath('empty.csv');
  fs.writeFileSync(empty, '');
  await rejectsWith(empty, /empty/);
  const dir = path.dirname(tmpPath('x'));
  await rejectsWith(dir, /without matrix\.mtx/);
  const h5 = tmpPath('plain.h5');
  await h5wasm.ready;
  const f = new h5wasm.File(h5, 'w');
  f.create_dataset({ name: 'values', data: Float32Array.from([1, 2]) });
  f.close();
  await rejectsWith(h5, /not an AnnData/);
});

test('null or NaN in an Arrow feature column → InputError naming column and row', async () => {
  const withNull = new Table({ cell_id: vectorFromArray(['a', 'b', 'c'], new Utf8()), g1: vectorFromArray([1, null, 2], new Float32()) });
  const p = tmpPath('null.arrow');
  fs.writeFileSync(p, tableToIPC(withNull, 'file'));
  await rejectsWith(p, /feature column 'g1' has a missing value at row 2/);
  const q = tmpPath('nan.arrow');
  fs.writeFileSync(q, tableToIPC(tableFromArrays({ cell_id: ['a', 'b'], g1: Float32Array.from([1, NaN]) }), 'file'));
  await rejectsWith(q, /feature column 'g1' has a non-finite value \(NaN\) at row 2/);
});
