/**
 * The streaming CSV/TSV tokenizer and reader: the same records whatever the chunking, quotes and
 * CRLF across chunk boundaries, an unclosed quote named by the line where it opened, linear time on
 * the input that used to take quadratic time, progress and cancellation through openDataset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { DelimitedTokenizer } from '../../src-core/io/csv-tokenizer.js';
import { readDelimited, readDelimitedStream } from '../../src-core/io/csv.js';
import { openDataset } from '../../src-core/io/open.js';
import { CancelSource } from '../../src-core/pipeline/progress.js';
import { CancelledError, InputError } from '../../src-core/errors.js';
import { unclosedQuoteCsv } from '../helpers/hostile.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-csv-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function tokenize(text: string, chunkSizes: readonly number[], delim = ','): [string[], number][] {
  const out: [string[], number][] = [];
  const tok = new DelimitedTokenizer(delim, 'x.csv', (f, line) => out.push([f, line]));
  let at = 0;
  for (let k = 0; at < text.length; k++) {
    const n = chunkSizes[k % chunkSizes.length]!;
    tok.push(text.slice(at, at + n));
    at += n;
  }
  tok.finish();
  return out;
}

const TRICKY = [
  'id,a,b',
  'r1,"x, y",2',
  '"r""2","multi',
  'line ""quoted""',
  'end",3',
  '',
  '   ',
  'r3,,"",',
  'r4,"a""b""",5\r',
  'r5,plain,"quote at end"',
].join('\n') + '\r\n';

test('tokenizer: the same records and line numbers for every chunking (1 char to whole)', () => {
  const whole = tokenize(TRICKY, [TRICKY.length]);
  assert.deepEqual(whole, [
    [['id', 'a', 'b'], 1],
    [['r1', 'x, y', '2'], 2],
    [['r"2', 'multi\nline "quoted"\nend', '3'], 3],
    [['r3', '', '', ''], 8],
    [['r4', 'a"b"', '5'], 9],
    [['r5', 'plain', 'quote at end'], 10],
  ]);
  for (const sizes of [[1], [2], [3, 1, 7], [5, 11], [64]]) assert.deepEqual(tokenize(TRICKY, sizes), whole, `chunks ${sizes.join(',')}`);
});

test('tokenizer: an unclosed quote is an InputError naming the line where it opened, for any chunking', () => {
  const text = 'id,a\nr1,1\nr2,"open\nr3,3\nr4,4\n';
  for (const sizes of [[text.length], [1], [4, 9]]) {
    assert.throws(() => tokenize(text, sizes), (e: unknown) => e instanceof InputError && /line 3: a quoted field opened on this line is never closed/.test(e.message));
  }
});

test('tokenizer: blank lines and whitespace-only lines are skipped; TSV blank tab lines too', () => {
  assert.deepEqual(tokenize('a\tb\n\t\t\n\n1\t2\n', [3], '\t').map((r) => r[0]), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(tokenize('a,b\n,,\n', [100]).map((r) => r[0]), [['a', 'b'], ['', '', '']]);
});

test('reader: the 600 KB unclosed-quote file is refused quickly (it took > 60 s before), naming line 2', () => {
  const p = unclosedQuoteCsv(path.join(tmp, 'q.csv')).path;
  const t0 = performance.now();
  assert.throws(() => readDelimited(new Uint8Array(fs.readFileSync(p)), p), (e: unknown) => e instanceof InputError && e.message.startsWith(p) && /line 2:/.test(e.message));
  assert.ok(performance.now() - t0 < 2000, `refused in ${(performance.now() - t0).toFixed(0)} ms`);
});

test('reader: time grows linearly with an open quote (8× the text, well under 8× · 4 the time)', () => {
  const make = (n: number): Uint8Array => Buffer.from('id,a\nr1,"' + 'x,1\n'.repeat(n));
  const time = (b: Uint8Array): number => {
    const t0 = performance.now();
    assert.throws(() => readDelimited(b, 'q.csv'), InputError);
    return performance.now() - t0;
  };
  time(make(20_000)); // warm-up
  const small = Math.max(1, time(make(25_000)));
  const big = time(make(200_000));
  assert.ok(big < small * 32 + 200, `25k lines ${small.toFixed(0)} ms, 200k lines ${big.toFixed(0)} ms`);
});

test('reader: streamed chunks give the same data set as one buffer (CSV, TSV, UTF-16, gzip)', async () => {
  const rows = ['cell_id,g1,g2,group'];
  for (let i = 0; i < 500; i++) rows.push(`c${i},${i * 0.5},${-i},"grp, ${i % 3}"`);
  const text = rows.join('\r\n') + '\r\n';
  const whole = readDelimited(Buffer.from(text), 'x.csv');
  async function* chunks(b: Uint8Array, n: number): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n);
  }
  for (const n of [1, 7, 4096]) {
    const ds = await readDelimitedStream(chunks(Buffer.from(text), n), 'x.csv');
    assert.deepEqual(Array.from(ds.X.data), Array.from(whole.X.data));
    assert.deepEqual(ds.cellIds, whole.cellIds);
    assert.deepEqual(ds.obs, whole.obs);
  }
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const ds16 = await readDelimitedStream(chunks(utf16, 3), 'x.csv');
  assert.deepEqual(Array.from(ds16.X.data), Array.from(whole.X.data));
  const gz = path.join(tmp, 'x.csv.gz');
  fs.writeFileSync(gz, zlib.gzipSync(text));
  const dsGz = await openDataset(gz);
  assert.deepEqual(Array.from(dsGz.X.data), Array.from(whole.X.data));
  assert.deepEqual(dsGz.obs.find((c) => c.name === 'group'), whole.obs.find((c) => c.name === 'group'));
});

test('reader: numbers are parsed as before (signs, exponents, spaces), text and non-finite values refused', () => {
  const ds = readDelimited(Buffer.from('id,a,b\nr1, +1.5e2 ,-.5\nr2,3.,0\n'), 'n.csv');
  assert.deepEqual(Array.from(ds.X.data), [150, -0.5, 3, 0]);
  assert.throws(() => readDelimited(Buffer.from('id,a\nr1,1\nr2,2\nr3,0x10\n'), 'h.csv'), /non-numeric value '0x10'/);
  assert.throws(() => readDelimited(Buffer.from('id,a\nr1,1\nr2,2\nr3,NaN\n'), 'h.csv'), /NaN is not a finite number/);
  assert.throws(() => readDelimited(Buffer.from('id,a\nr1,1\nr1,2\n'), 'd.csv'), /duplicate cell id 'r1' \(rows 1 and 2\)/);
});

test('openDataset reports progress for a CSV and can be cancelled', async () => {
  const rows = ['cell_id,g1,g2'];
  for (let i = 0; i < 300_000; i++) rows.push(`c${i},${i % 17},${i % 5}`);
  const p = path.join(tmp, 'big.csv');
  fs.writeFileSync(p, rows.join('\n') + '\n');
  const seen: number[] = [];
  const ds = await openDataset(p, { onProgress: (f) => seen.push(f) });
  assert.equal(ds.nCells, 300_000);
  assert.ok(seen.length >= 2 && seen[seen.length - 1] === 1, `progress ${seen.join(', ')}`);
  assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!)), 'fractions rise within 0..1');
  const cancel = new CancelSource();
  await assert.rejects(openDataset(p, { cancel, onProgress: () => cancel.cancel() }), (e: unknown) => e instanceof CancelledError);
});
