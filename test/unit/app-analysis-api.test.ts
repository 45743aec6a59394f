/**
 * The app's analysis calls without a browser (the e2e tests skip when Chromium is absent): LocalIsothermApi
 * on pbmc68k_reduced — cluster() stores a `leiden` column on the map's graph, markers() of the CD14+
 * monocytes vs the lymphocytes lists LYZ and CST3 in its top ten (raw/X), setSelections() makes a
 * `selections` column that colour() and the CSV / Arrow exports carry; validation of the three calls.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { LocalIsothermApi } from '../../host/local-api.js';
import { validateCall } from '../../host/validate.js';
import { fixtureData } from '../helpers/paths.js';

test('LocalIsothermApi: clusters, marker genes and named selections on pbmc68k_reduced', async () => {
  const api = new LocalIsothermApi();
  const d = await api.open(fixtureData('pbmc68k_reduced', 'pbmc68k_reduced_anndata08.h5ad'));
  await assert.rejects(api.cluster({ resolution: 1 }), /no map yet/);
  await api.run({});
  const labels = await api.colour({ obs: 'bulk_labels' });
  assert.ok(labels.kind === 'categorical');
  const rowsOf = (pred: (l: string) => boolean): Int32Array => Int32Array.from([...labels.codes.keys()].filter((r) => pred(labels.categories[labels.codes[r]!]!)));
  const mono = rowsOf((l) => l === 'CD14+ Monocyte');
  const lymph = rowsOf((l) => /^CD4|^CD8|^CD19|^CD56/.test(l));
  assert.equal(mono.length, 129);

  const c = await api.cluster({ resolution: 1 });
  assert.equal(c.column, 'leiden');
  assert.ok(c.nClusters >= 5 && c.nClusters <= 20, `${c.nClusters}`);
  assert.ok(c.description.obs.some((o) => o.name === 'leiden' && o.categories?.length === c.nClusters));
  const cl = await api.colour({ obs: 'leiden' });
  assert.ok(cl.kind === 'categorical' && cl.codes.length === d.nMapped && cl.codes.every((k) => k >= 0 && k < c.nClusters));

  const m = await api.markers({ rows: mono, reference: lymph, limit: 10 });
  assert.equal(m.genes.length, 10);
  assert.deepEqual([m.nA, m.nB, m.reference], [129, lymph.length, 'selection']);
  assert.match(m.expression, /raw\/X/);
  for (const g of ['LYZ', 'CST3']) assert.ok(m.genes.some((x) => x.gene === g), m.genes.map((x) => x.gene).join(', '));
  const rest = await api.markers({ rows: mono });
  assert.deepEqual([rest.nA, rest.nB, rest.reference], [129, d.nMapped - 129, 'rest']);

  const after = await api.setSelections([{ name: 'mono', rows: mono }, { name: 'lymph', rows: lymph }]);
  assert.ok(after.obs.some((o) => o.name === 'selections'));
  const sel = await api.colour({ obs: 'selections' });
  assert.ok(sel.kind === 'categorical');
  const count = (name: string): number => sel.codes.filter((k) => sel.categories[k] === name).length;
  assert.deepEqual([count('mono'), count('lymph'), count('unassigned')], [129, lymph.length, d.nMapped - 129 - lymph.length]);

  const dir = mkdtempSync(join(tmpdir(), 'isotherm-analysis-api-'));
  try {
    const csv = await api.exportCsv(join(dir, 'map.csv'));
    const lines = readFileSync(csv.path, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const j = header.indexOf('selections');
    assert.ok(j > 0 && header.includes('leiden'), header.join(','));
    assert.equal(lines.slice(1).filter((l) => l.split(',')[j] === 'mono').length, 129);
    assert.match(readFileSync(csv.extra[0]!, 'utf8'), /named selections/);
    const arrow = await api.exportArrow(join(dir, 'map.arrow'));
    const t = tableFromIPC(readFileSync(arrow.path));
    const col = t.getChild('selections')!;
    assert.equal(Array.from({ length: t.numRows }, (_, i) => String(col.get(i))).filter((v) => v === 'mono').length, 129);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // No selections left: the column goes.
  const none = await api.setSelections([]);
  assert.ok(!none.obs.some((o) => o.name === 'selections'));
});

test('validation of cluster, markers and setSelections', () => {
  assert.deepEqual(validateCall('cluster', [{ resolution: 1.5 }]), { method: 'cluster', request: { resolution: 1.5 } });
  assert.throws(() => validateCall('cluster', [{ resolution: -1 }]), /resolution/);
  assert.throws(() => validateCall('cluster', [{ resolution: 1, gamma: 2 }]), /unknown field/);
  const rows = Int32Array.from([1, 2]);
  assert.deepEqual(validateCall('markers', [{ rows }]), { method: 'markers', request: { rows } });
  assert.throws(() => validateCall('markers', [{ rows: [1, 2] }]), /Int32Array/);
  assert.deepEqual(validateCall('setSelections', [[{ name: 'a', rows }]]), { method: 'setSelections', selections: [{ name: 'a', rows }] });
  assert.throws(() => validateCall('setSelections', [[{ name: '', rows }]]), /name/);
  assert.throws(() => validateCall('setSelections', [{ name: 'a', rows }]), /list/);
  assert.throws(() => validateCall('exportArrow', ['/tmp/x.csv']), /arrow/);
});
