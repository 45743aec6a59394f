import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile, symlink, link, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../../src-core/export/atomic-write.js';
import { InputError } from '../../src-core/errors.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'isotherm-atomic-'));
}

test('atomic write: chunks from a generator land in the destination, no temp file left', async () => {
  const dir = await tempDir();
  const dest = join(dir, 'out.csv');
  function* chunks(): Generator<string | Uint8Array> {
    yield 'a,b\n';
    yield new TextEncoder().encode('1,2\n');
  }
  const report = await writeFileAtomic(dest, chunks());
  assert.equal(report.bytes, 8);
  assert.equal(await readFile(dest, 'utf8'), 'a,b\n1,2\n');
  assert.deepEqual(await readdir(dir), ['out.csv']);
  await rm(dir, { recursive: true });
});

test('atomic write: a generator that throws midway leaves no temp file and the old destination intact', async () => {
  const dir = await tempDir();
  const dest = join(dir, 'out.csv');
  await writeFile(dest, 'previous\n');
  async function* failing(): AsyncGenerator<string> {
    yield 'cell_id,x,y\n';
    yield 'c1,1,2\n';
    throw new Error('disk on fire');
  }
  await assert.rejects(writeFileAtomic(dest, failing()), /disk on fire/);
  assert.equal(await readFile(dest, 'utf8'), 'previous\n');
  assert.deepEqual(await readdir(dir), ['out.csv']);
  // And with no previous destination: nothing at all is left behind.
  const fresh = join(dir, 'fresh.csv');
  await assert.rejects(writeFileAtomic(fresh, failing()), /disk on fire/);
  assert.deepEqual(await readdir(dir), ['out.csv']);
  await rm(dir, { recursive: true });
});

test('atomic write: a missing destination directory is an InputError and creates nothing', async () => {
  const dir = await tempDir();
  const dest = join(dir, 'no-such-dir', 'out.csv');
  await assert.rejects(writeFileAtomic(dest, 'x'), (e: unknown) => e instanceof InputError && /output directory .* does not exist/.test(e.message));
  assert.deepEqual(await readdir(dir), []);
  await rm(dir, { recursive: true });
});

test('atomic write: refuses to write onto the input file (same path, relative path, symlink, hard link)', async () => {
  const dir = await tempDir();
  const input = join(dir, 'data.csv');
  await writeFile(input, 'original');
  await symlink(input, join(dir, 'alias.csv'));
  await link(input, join(dir, 'hard.csv'));
  const refused = (e: unknown): boolean => e instanceof InputError && /refusing to write onto the input file/.test(e.message);
  await assert.rejects(writeFileAtomic(input, 'new', { protectedPaths: [input] }), refused);
  await assert.rejects(writeFileAtomic(relative(process.cwd(), input), 'new', { protectedPaths: [input] }), refused);
  await assert.rejects(writeFileAtomic(join(dir, 'alias.csv'), 'new', { protectedPaths: [input] }), refused);
  await assert.rejects(writeFileAtomic(join(dir, 'hard.csv'), 'new', { protectedPaths: [input] }), refused);
  assert.equal(await readFile(input, 'utf8'), 'original');
  assert.deepEqual((await readdir(dir)).sort(), ['alias.csv', 'data.csv', 'hard.csv']);
  await writeFileAtomic(join(dir, 'other.csv'), 'ok', { protectedPaths: [input] });
  assert.equal(await readFile(join(dir, 'other.csv'), 'utf8'), 'ok');
  await assert.rejects(writeFileAtomic(dir, 'x'), /is a directory/);
  await rm(dir, { recursive: true });
});
