import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256File } from '../../src-core/export/checksum.js';
import { sidecarPathFor, writeSidecar, type Sidecar } from '../../src-core/export/sidecar.js';
import { createRng } from '../../src-core/linalg/random.js';

test('sidecar: checksum equals SHA-256 of the whole input, and every field is recorded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'isotherm-sidecar-'));
  const input = join(dir, 'data.h5ad');
  // 2.5 MB of pseudo-random bytes: more than one read chunk, so the streaming path is exercised.
  const rng = createRng(5);
  const bytes = Uint8Array.from({ length: 2_500_000 }, () => rng.int(256));
  await writeFile(input, bytes);
  const expected = createHash('sha256').update(bytes).digest('hex');
  assert.deepEqual(await sha256File(input), { sha256: expected, bytes: bytes.length });

  const out = join(dir, 'map.json');
  const written = await writeSidecar(out, {
    inputPath: input,
    dataset: { format: 'h5ad', nCells: 271, nFeatures: 2000, notes: ['X is CSR'] },
    outputs: [join(dir, 'map.csv')],
    parameters: { knn: 15, t: 'auto', sigma: 1, landmarks: 2000, seed: 0, pca: 50 },
    chosen: { t: 12 },
    backend: 'wasm',
    software: { '@tensorflow/tfjs-core': '4.22.0' },
    timingsMs: { preprocess: 120.5, knn: 80, heat: 300 },
    preprocessing: [{ step: 'pca', applied: true, params: { nComponents: 50 }, result: { cumulativeVarianceRatio: 0.61 } }],
    createdAt: new Date('2026-01-02T03:04:05Z'),
  });
  const read = JSON.parse(await readFile(out, 'utf8')) as Sidecar;
  assert.deepEqual(read, JSON.parse(JSON.stringify(written)));
  assert.equal(read.schema, 'isotherm-sidecar');
  assert.equal(read.input.sha256, expected);
  assert.equal(read.input.bytes, 2_500_000);
  assert.equal(read.input.nCells, 271);
  assert.equal(read.chosen['t'], 12);
  assert.equal(read.parameters['knn'], 15);
  assert.equal(read.software['tfjsBackend'], 'wasm');
  assert.equal(read.software['node'], process.version);
  assert.equal(read.software['isotherm'], '0.1.0');
  assert.equal(read.software['@tensorflow/tfjs-core'], '4.22.0');
  assert.equal(read.totalMs, 500.5);
  assert.equal(read.createdAt, '2026-01-02T03:04:05.000Z');
  assert.equal(read.preprocessing[0]!.step, 'pca');

  await assert.rejects(writeSidecar(input, { inputPath: input, parameters: {}, backend: 'cpu', timingsMs: {} }), /refusing to write onto the input file/);
  assert.equal(createHash('sha256').update(await readFile(input)).digest('hex'), expected);
  await rm(dir, { recursive: true });
});

test('sidecar path sits beside the map', () => {
  assert.equal(sidecarPathFor('/a/b/map.csv'), '/a/b/map.json');
  assert.equal(sidecarPathFor('out/map.h5ad'), 'out/map.json');
  assert.equal(sidecarPathFor('map.json'), 'map.sidecar.json');
});
