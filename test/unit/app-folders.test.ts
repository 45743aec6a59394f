/**
 * Where the app starts browsing and exporting (issue 14, traps 3 and 7): the file browser starts in the
 * folder of the last file opened, else the user's home (not the working directory); exports default to
 * ~/Documents when it exists, else home.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { LocalIsothermApi } from '../../host/local-api.js';

/** 60 cells on a noisy circle in 3-D. */
function writeCircleCsv(path: string): void {
  const lines = ['cell_id,a,b,c'];
  for (let i = 0; i < 60; i++) lines.push(`c${i},${Math.cos(i / 9.5).toFixed(4)},${Math.sin(i / 9.5).toFixed(4)},${(((i * 37) % 11) / 50).toFixed(4)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

test('folders and the file browser start: home, then the last-opened folder; documents when it exists', async () => {
  const home = mkdtempSync(join(tmpdir(), 'isotherm-home-'));
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    const api = new LocalIsothermApi();
    assert.deepEqual(await api.folders(), { home, documents: home, lastOpened: null });
    assert.equal((await api.listFiles()).dir, home);
    mkdirSync(join(home, 'Documents'));
    const data = join(home, 'project', 'data');
    mkdirSync(data, { recursive: true });
    writeCircleCsv(join(data, 'roll.csv'));
    await api.open(join(data, 'roll.csv'));
    assert.deepEqual(await api.folders(), { home, documents: join(home, 'Documents'), lastOpened: data });
    const listing = await api.listFiles();
    assert.equal(listing.dir, data);
    assert.deepEqual(listing.entries.map((e) => e.name), ['roll.csv']);
  } finally {
    if (saved === undefined) delete process.env.HOME; else process.env.HOME = saved;
    rmSync(home, { recursive: true, force: true });
  }
});
