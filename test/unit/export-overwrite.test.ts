/**
 * Exports and the file scope (issue 13 item 5): the sidecar is checked like the map; a file Isotherm did
 * not write is not replaced without confirmation (app: confirmOverwrite; CLI: --force) and nothing is
 * written when either file is refused; Isotherm's own files are replaced freely; reads, listings and
 * exports stay inside the host's file scope, with symlinks resolved.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { looksWrittenByIsotherm, markPng, SVG_MARK, writtenByIsotherm } from '../../src-core/export/index.js';
import { FileScope } from '../../host/file-scope.js';
import { LocalIsothermApi } from '../../host/local-api.js';
import { main } from '../../cli/isotherm.js';
import { writeRollCsv } from '../e2e/harness.js';

const PNG_1x1 = Uint8Array.from(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex'));

describe('Isotherm marks', () => {
  it('recognises its CSV, JSON, SVG and PNG and nothing else', async () => {
    const yes = ['cell_id,x,y,segment\na,1,2,s\n', 'cell_id\na\n', 'sample,x,y,alpha,from,to,source_cell,target_cell\n', '{\n  "schema": "isotherm-sidecar",\n', '{\n  "command": "interpolate",\n', `${SVG_MARK}\n<svg xmlns="http://www.w3.org/2000/svg"></svg>`];
    for (const t of yes) assert.ok(looksWrittenByIsotherm(new TextEncoder().encode(t)), t);
    const no = ['gene,cell1,cell2\n', 'cell_id,total_counts\n', '{"theme": "dark"}\n', '<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'x,y\n1,2\n', ''];
    for (const t of no) assert.ok(!looksWrittenByIsotherm(new TextEncoder().encode(t)), t);
    assert.ok(!looksWrittenByIsotherm(PNG_1x1));
    const marked = markPng(PNG_1x1);
    assert.ok(looksWrittenByIsotherm(marked));
    // The inserted chunk is valid PNG: its CRC is zlib's CRC-32 over type + data.
    const len = Buffer.from(marked).readUInt32BE(33);
    assert.equal(Buffer.from(marked.subarray(37, 41)).toString('latin1'), 'tEXt');
    assert.equal(Buffer.from(marked).readUInt32BE(41 + len), crc32(Buffer.from(marked.subarray(37, 41 + len))));
    assert.equal(marked.length, PNG_1x1.length + 12 + len);
    assert.equal(await writtenByIsotherm('/no/such/file.csv'), false);
  });
});

describe('app exports: confirmation, sidecar and file scope', { timeout: 120_000 }, () => {
  let dir: string;
  let outside: string;
  let api: LocalIsothermApi;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isotherm-scope-'));
    outside = mkdtempSync(join(tmpdir(), 'isotherm-outside-'));
    writeRollCsv(join(dir, 'roll.csv'), 300);
    writeRollCsv(join(outside, 'other.csv'), 300);
    symlinkSync(outside, join(dir, 'link-out'));
    symlinkSync(join(outside, 'other.csv'), join(dir, 'other-link.csv'));
    mkdirSync(join(dir, 'sub'));
    api = new LocalIsothermApi({ startDir: dir, scope: new FileScope([dir]) });
    await api.open(join(dir, 'roll.csv'));
    await api.run({});
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses to replace a sidecar Isotherm did not write, writes neither file, and replaces it once confirmed', async () => {
    const csv = join(dir, 'settings.csv');
    const json = join(dir, 'settings.json');
    writeFileSync(json, '{"theme": "dark"}\n');
    await assert.rejects(api.exportCsv(csv), (e: Error) => e.name === 'OverwriteRefused' && e.message.startsWith(`${json}: this file exists and was not written by Isotherm`));
    assert.equal(readFileSync(json, 'utf8'), '{"theme": "dark"}\n');
    assert.ok(!existsSync(csv), 'no lone CSV is left behind');
    await api.confirmOverwrite(json);
    const r = await api.exportCsv(csv);
    assert.deepEqual(r.extra, [json]);
    assert.match(readFileSync(json, 'utf8'), /"schema": "isotherm-sidecar"/);
    // Nothing is replaced silently (issue 14, trap 3): the confirmation was used up, and the earlier export
    // is refused until confirmed again; its sidecar (Isotherm's own) goes with the confirmed CSV.
    await assert.rejects(api.exportCsv(csv), (e: Error) => e.name === 'OverwriteRefused' && e.message.startsWith(`${csv}: this file exists (an earlier Isotherm export)`));
    await api.confirmOverwrite(csv);
    await api.exportCsv(csv);
    writeFileSync(json, '{"theme": "light"}\n');
    await api.confirmOverwrite(csv);
    await assert.rejects(api.exportCsv(csv), /settings\.json: this file exists and was not written by Isotherm/);
  });

  it('refuses to replace a foreign map CSV, SVG, PNG or id list, and its own earlier exports, until confirmed', async () => {
    const foreign = join(dir, 'mine.svg');
    writeFileSync(foreign, '<svg xmlns="http://www.w3.org/2000/svg"><!-- my figure --></svg>');
    await assert.rejects(api.exportSvg(foreign, '<svg xmlns="http://www.w3.org/2000/svg"></svg>'), { name: 'OverwriteRefused' });
    assert.match(readFileSync(foreign, 'utf8'), /my figure/);
    const svg = join(dir, 'map.svg');
    await api.exportSvg(svg, '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.ok(readFileSync(svg, 'utf8').startsWith(`<svg xmlns="http://www.w3.org/2000/svg">\n${SVG_MARK}</svg>`));
    await assert.rejects(api.exportSvg(svg, '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>'), /this file exists \(an earlier Isotherm export\)/);
    await api.confirmOverwrite(svg);
    await api.exportSvg(svg, '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>');
    const png = join(dir, 'map.png');
    writeFileSync(png, PNG_1x1);
    await assert.rejects(api.exportPng(png, PNG_1x1), { name: 'OverwriteRefused' });
    await api.confirmOverwrite(png);
    await api.exportPng(png, PNG_1x1);
    await assert.rejects(api.exportPng(png, PNG_1x1), { name: 'OverwriteRefused' });
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, 'my notes\n');
    await assert.rejects(api.exportIds(ids, Int32Array.of(0, 1)), { name: 'OverwriteRefused' });
    assert.equal(readFileSync(ids, 'utf8'), 'my notes\n');
  });

  it('keeps reads, listings and exports inside the scope, following symlinks', async () => {
    await assert.rejects(api.exportCsv(join(outside, 'x.csv')), /outside the folders Isotherm may use/);
    await assert.rejects(api.exportCsv(join(dir, 'link-out', 'x.csv')), (e: Error) => /outside the folders Isotherm may use \(it leads to /.test(e.message));
    assert.ok(!existsSync(join(outside, 'x.csv')));
    await assert.rejects(api.open(join(dir, 'other-link.csv')), /outside the folders Isotherm may use/);
    await assert.rejects(api.open(join(outside, 'other.csv')), /outside the folders Isotherm may use/);
    await assert.rejects(api.listFiles(outside), /outside the folders Isotherm may use/);
    const listing = await api.listFiles(dir);
    const names = listing.entries.map((e) => e.name);
    assert.ok(names.includes('roll.csv') && names.includes('sub'));
    assert.ok(!names.includes('link-out') && !names.includes('other-link.csv'), names.join(','));
    assert.equal(listing.parent, null, 'the scope root has no parent to browse to');
    assert.equal((await api.listFiles(join(dir, 'sub'))).parent, dir);
  });
});

describe('CLI: --force', { timeout: 120_000 }, () => {
  it('refuses to replace a file it did not write (exit 2, one line naming it), and replaces it with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isotherm-force-'));
    try {
      writeRollCsv(join(dir, 'roll.csv'), 300);
      const out = join(dir, 'out.csv');
      writeFileSync(out, 'gene,a,b\n');
      const err: string[] = [];
      assert.equal(await main(['embed', join(dir, 'roll.csv'), '-o', out, '-q'], () => undefined, (l) => err.push(l)), 2);
      assert.equal(err.length, 1);
      assert.match(err[0]!, new RegExp(`${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: this file exists and was not written by Isotherm.*--force`));
      assert.equal(readFileSync(out, 'utf8'), 'gene,a,b\n');
      assert.ok(!existsSync(join(dir, 'out.json')));
      assert.equal(await main(['embed', join(dir, 'roll.csv'), '-o', out, '-q', '--force'], () => undefined, () => undefined), 0);
      assert.match(readFileSync(out, 'utf8'), /^cell_id,x,y/);
      // Isotherm's own output is replaced without --force.
      assert.equal(await main(['embed', join(dir, 'roll.csv'), '-o', out, '-q'], () => undefined, (l) => err.push(l)), 0, err.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
