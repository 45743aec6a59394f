/**
 * Every WebGPU kernel against its CPU reference, on the software Vulkan adapter (SwiftShader from
 * Debian's chromium package) when no GPU is present. If no adapter can be created here (no Dawn
 * binary for this platform, no libvulkan.so.1, no ICD), every test SKIPS with the reason: a missing
 * GPU never fails CI. The fallback logic itself is tested without a GPU in gpu-backend.test.ts.
 *
 * Tolerances (float32 on the device, float64 references):
 *  - kNN: squared distances are sums of d squared float32 differences; relative error ≤ (d + 2)·2^-24
 *    ≈ 3e-6 for d = 50, so distances (square roots) agree to 2e-6 relative; we allow 1e-5. Neighbour
 *    indices must match the reference except where two candidates' distances tie within that tolerance.
 *  - CSR × dense: |Σ a_ij x_j − fl32(...)| ≤ (nnz_row + 2)·2^-24 · Σ |a_ij||x_j| (inputs rounded to
 *    float32, then a sequential float32 sum); checked entrywise with that bound.
 *  - tfjs matMul: inputs non-negative, so the error is ≤ k·2^-23 relative to each entry.
 */
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeBackend, activeGpu, initBackend, injectGpuFaultForTesting, matMul, onBackendFallback, resetBackendForTesting } from '../../src-core/compute/backend.js';
import { setTileCapForTesting, shaderOverrides } from '../../src-core/compute/gpu-buffers.js';
import { csrOperatorOnGpu, knnOnGpu } from '../../src-core/compute/kernels.js';
import { knnReferenceRows } from '../helpers/reference.js';
import { probeAdapter } from '../../src-core/compute/webgpu-loader.js';
import { distanceFidelity, euclideanPairDistance } from '../../src-core/quality/distance-fidelity.js';
import { knnExact } from '../../src-core/graph/knn.js';
import { uniformisedExp, uniformisedExpOnEngine } from '../../src-core/heat/squaring.js';
import { EmbeddingPipeline, type EmbedResult } from '../../src-core/pipeline/pipeline.js';
import type { ProgressEvent } from '../../src-core/pipeline/progress.js';
import { csrFromTriplets, csrMulBlock, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';
import { requiredSuite } from '../helpers/required-suite.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= '/tmp';

/**
 * Dawn is first asked for an adapter in a child process with a time limit (`probeAdapter`), so that a
 * Dawn or Vulkan driver that hangs or crashes while enumerating adapters skips this file instead of
 * hanging or killing CI; only then is it opened in this process. Each test also has a time limit.
 */
const PROBE_MS = 30_000;
let probed: string | null | undefined;

async function openGpu(): Promise<string | null> {
  if (probed === undefined) {
    const probe = await probeAdapter(PROBE_MS);
    probed = probe.adapter
      ? null
      : `Dawn found no WebGPU adapter (child-process probe, ${PROBE_MS / 1000} s limit: ${probe.stderr.split('\n').find((l) => l.trim()) ?? 'no output'}); needs Dawn's binary, libvulkan.so.1 (Debian: libvulkan1) and a Vulkan ICD (e.g. ${SWIFTSHADER} from Debian's chromium package)`;
  }
  if (probed) return probed;
  resetBackendForTesting();
  try {
    const info = await initBackend('webgpu');
    return info.name === 'webgpu' ? null : `webgpu resolved to ${info.name}`;
  } catch (e) {
    return `no WebGPU adapter in this environment (${(e as Error).message}); needs Dawn's binary, libvulkan.so.1 and a Vulkan ICD (e.g. ${SWIFTSHADER} from Debian's chromium package)`;
  }
}

const skipReason = requiredSuite('GPU kernels (WebGPU)', await openGpu() ?? false);
const opts = skipReason ? { skip: skipReason } : { timeout: 240_000 };
if (!skipReason) process.stderr.write(`# gpu-kernels: adapter ${activeBackend()?.adapter}\n`);

/**
 * `cpuFrom`: rows from here on came from the CPU fallback, which selects by ‖x‖² + ‖y‖² − 2x·y in
 * float32 (relative error ≈ 2^-24·(‖x‖² + ‖y‖²)/‖x − y‖², ~1e-4 on the roll) and then recomputes the
 * chosen distances exactly: distances match to 1e-5, but neighbours within 1e-3 may swap ranks.
 */
function assertKnn(got: { indices: Int32Array; distances: Float32Array }, points: Float32Array, n: number, d: number, k: number, cpuFrom = n): void {
  const ref = knnReferenceRows(points, n, d, k);
  for (let i = 0; i < n; i++) {
    const tol = i < cpuFrom ? 1e-5 : 1e-3;
    const seen = new Set<number>();
    for (let p = 0; p < k; p++) {
      const at = i * k + p;
      const j = got.indices[at]!;
      assert.ok(j >= 0 && j < n && j !== i && !seen.has(j), `row ${i}: bad or repeated neighbour ${j}`);
      seen.add(j);
      const rd = ref.distances[at]!;
      assert.ok(Math.abs(got.distances[at]! - rd) <= tol * rd + 1e-6, `row ${i} rank ${p}: ${got.distances[at]} vs ${rd}`);
      if (j !== ref.indices[at]) {
        // Only a tie may reorder: the true distance to j equals the reference distance at this rank.
        let s = 0;
        for (let c = 0; c < d; c++) s += (points[i * d + c]! - points[j * d + c]!) ** 2;
        assert.ok(Math.abs(Math.sqrt(s) - rd) <= tol * rd + 1e-6, `row ${i} rank ${p}: neighbour ${j} is not a tie of ${ref.indices[at]}`);
      }
    }
  }
}

test('WebGPU kNN kernel equals the float64 reference (50-D roll, several chunks and slices, self excluded)', opts, async () => {
  const n = 360;
  const d = 50;
  const k = 20;
  const roll = swissRoll(n, { seed: 5, dim: d }).points;
  const got = await knnOnGpu(roll, n, d, k, { chunkRows: 130, sliceRows: 100 });
  assert.ok(got);
  assert.equal(got.gpuRows, n);
  assertKnn(got, roll, n, d, k);
  assert.equal(activeBackend()?.name, 'webgpu');
});

test('WebGPU kNN kernel: d not a multiple of 16, small k, duplicate points, tiling forced by the binding cap', opts, async () => {
  const n = 200;
  const d = 7;
  const k = 5;
  const rng = createRng(9);
  const pts = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) pts[i * d + c] = i % 50 === 0 ? 1 : rng.normal();
  setTileCapForTesting(64 * 4 * d); // 64 rows per chunk
  try {
    const got = await knnOnGpu(pts, n, d, k);
    assert.ok(got);
    assertKnn(got, pts, n, d, k);
  } finally {
    setTileCapForTesting(null);
  }
});

function randomGraph(n: number, seed: number): Csr64 {
  const rng = createRng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(i);
    cols.push(i);
    vals.push(1 + rng.next());
    for (let e = 0; e < 6; e++) {
      const j = Math.floor(rng.next() * n);
      const v = -rng.next();
      rows.push(i, j);
      cols.push(j, i);
      vals.push(v, v);
    }
  }
  return csrFromTriplets(n, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
}

function assertCsr(y: Float64Array, a: Csr64, x: Float64Array, b: number): void {
  const ref = csrMulBlock(a, x, b);
  for (let i = 0; i < a.n; i++) {
    const len = a.indptr[i + 1]! - a.indptr[i]!;
    for (let c = 0; c < b; c++) {
      let mag = 0;
      for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) mag += Math.abs(a.values[p]! * x[a.indices[p]! * b + c]!);
      const bound = (len + 2) * 2 ** -24 * mag + 1e-30;
      assert.ok(Math.abs(y[i * b + c]! - ref[i * b + c]!) <= bound, `(${i}, ${c}): ${y[i * b + c]} vs ${ref[i * b + c]}`);
    }
  }
}

test('WebGPU CSR × dense kernel equals csrMulBlock (float64), whole and in column blocks', opts, async () => {
  const n = 300;
  const b = 37;
  const a = randomGraph(n, 3);
  const rng = createRng(4);
  const x = Float64Array.from({ length: n * b }, () => rng.normal());
  const op = await csrOperatorOnGpu(a);
  assert.ok(op);
  assert.ok(op.onGpu);
  assertCsr(await op.multiply(x, b), a, x, b);
  setTileCapForTesting(n * 4 * 10); // 10 columns per block
  try {
    assertCsr(await op.multiply(x, b), a, x, b);
  } finally {
    setTileCapForTesting(null);
    op.dispose();
  }
});

test('heat: the uniformisation series on the WebGPU CSR kernel equals the float64 series (relative, entrywise)', opts, async () => {
  const n = 150;
  const a = randomGraph(n, 12);
  const terms = 6;
  const notes: string[] = [];
  const off = onBackendFallback((m) => notes.push(m));
  const got = await uniformisedExpOnEngine(a, 0.05, terms);
  off();
  assert.deepEqual(notes, [], 'no fallback: the products ran on the GPU');
  assert.equal(activeBackend()?.name, 'webgpu');
  const ref = uniformisedExp(a, 0.05, terms);
  let maxRow = 0;
  for (let i = 0; i < n; i++) maxRow = Math.max(maxRow, a.indptr[i + 1]! - a.indptr[i]!);
  // Every term is non-negative: j float32 products (inputs rounded, then sums of ≤ maxRow terms) give a
  // relative error ≤ j·(maxRow + 3)·2⁻²⁴ per entry; the weighted sum keeps the largest of them.
  const tol = terms * (maxRow + 3) * 2 ** -24;
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(got[i]! - ref[i]!) <= tol * ref[i]! + 1e-37, `entry ${i}: ${got[i]} vs ${ref[i]}`);
});

test('tfjs matMul on the WebGPU backend equals the float64 product', opts, async () => {
  const r = 70;
  const k = 90;
  const c = 50;
  const rng = createRng(6);
  const a = Float32Array.from({ length: r * k }, () => rng.next());
  const b = Float32Array.from({ length: k * c }, () => rng.next());
  const got = await matMul(a, b, r, k, c);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * c + j]!;
      assert.ok(Math.abs(got[i * c + j]! - s) <= k * 2 ** -23 * s, `(${i}, ${j})`);
    }
  }
  assert.equal(activeBackend()?.name, 'webgpu');
});

test('shader failure: the CSR product falls back to the CPU and the result is exact (float64)', opts, async () => {
  const a = randomGraph(120, 7);
  const rng = createRng(8);
  const x = Float64Array.from({ length: 120 * 5 }, () => rng.normal());
  const notes: string[] = [];
  const off = onBackendFallback((m) => notes.push(m));
  shaderOverrides.set('csr', 'this is not WGSL');
  try {
    const op = await csrOperatorOnGpu(a);
    assert.ok(op);
    const y = await op.multiply(x, 5);
    assert.deepEqual(y, csrMulBlock(a, x, 5));
    assert.equal(op.onGpu, false);
    op.dispose();
  } finally {
    shaderOverrides.delete('csr');
    off();
  }
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /webgpu \(SwiftShader \(software\)|webgpu \(.*\) failed during sparse 120×120/);
  assert.equal(activeBackend()?.name, 'wasm');
  assert.equal(activeGpu(), null);
});

test('device lost mid-kNN: finished chunks are kept, the rest runs on wasm, the result is still exact', opts, async () => {
  const reopened = await openGpu();
  assert.equal(reopened, null, reopened ?? '');
  const n = 300;
  const d = 50;
  const k = 10;
  const roll = swissRoll(n, { seed: 11, dim: d }).points;
  const notes: string[] = [];
  const off = onBackendFallback((m) => notes.push(m));
  let destroyed = false;
  const got = await knnOnGpu(roll, n, d, k, {
    chunkRows: 100,
    onProgress: () => {
      if (!destroyed) {
        destroyed = true;
        activeGpu()?.device.destroy();
      }
    },
  });
  off();
  assert.ok(got);
  assert.equal(got.gpuRows, 100, 'the first chunk ran on the GPU and was kept');
  assertKnn(got, roll, n, d, k, 100);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /failed during kNN rows 100–199/);
  assert.equal(activeBackend()?.name, 'wasm');
  resetBackendForTesting();
});

// ---- the pipeline on webgpu (software adapter) against wasm --------------------------------------

const rollN = 300;
const roll = swissRoll(rollN, { seed: 0, dim: 50, noise: 0.5 });
/** knn = 5 at n = 300: a map that fits the truth (Spearman ≈ 0.97 on wasm), so the comparison means something. */
const params = { knn: 5, mdsIterations: 10 };

function truthCorrelation(r: EmbedResult): { spearman: number; pearson: number } {
  return distanceFidelity(rollN, euclideanPairDistance(r.coords, 2), euclideanPairDistance(roll.unrolled, 2));
}

let wasmRun: EmbedResult | null = null;
async function onWasm(): Promise<EmbedResult> {
  if (!wasmRun) {
    resetBackendForTesting();
    await initBackend('wasm');
    wasmRun = await new EmbeddingPipeline(roll.points, rollN, 50).run(params);
  }
  return wasmRun;
}

test('pipeline on webgpu vs wasm (50-D roll): the kNN stage runs the WGSL kernel and agrees; the maps fit the truth equally', opts, async () => {
  const cpu = await onWasm();
  const cpuKnn = await knnExact(roll.points, rollN, 50, 20);
  assert.equal(cpuKnn.method, 'blocked');
  assert.equal(await openGpu(), null);
  const gpuKnn = await knnExact(roll.points, rollN, 50, 20);
  assert.equal(gpuKnn.method, 'webgpu');
  // Both are exact kNN in float32. The GPU sums squared differences (relative error ≤ (d + 2)·2⁻²⁴);
  // wasm selects by ‖x‖² + ‖y‖² − 2x·y, whose cancellation costs up to ~1e-4 relative on this roll:
  // the distances agree to 1e-3 relative, and a neighbour may differ only where the two true distances
  // are that close (a near-tie), never otherwise.
  let differing = 0;
  for (let at = 0; at < rollN * 20; at++) {
    const g = gpuKnn.distances[at]!;
    const c = cpuKnn.distances[at]!;
    assert.ok(Math.abs(g - c) <= 1e-3 * c, `entry ${at}: ${g} vs ${c}`);
    if (gpuKnn.indices[at] !== cpuKnn.indices[at]) differing++;
  }
  assert.ok(differing <= rollN * 20 * 0.01, `${differing} neighbour slots differ`);
  const gpu = await new EmbeddingPipeline(roll.points, rollN, 50).run(params);
  assert.equal(gpu.backendRun, 'webgpu');
  assert.equal(gpu.backend.fallbacks.length, 0);
  assert.ok(Math.abs(gpu.heat.t - cpu.heat.t) <= 1e-4 * cpu.heat.t, `t ${gpu.heat.t} vs ${cpu.heat.t}`);
  const a = truthCorrelation(gpu);
  const b = truthCorrelation(cpu);
  process.stderr.write(`# webgpu: Spearman ${a.spearman.toFixed(4)} Pearson ${a.pearson.toFixed(4)}; wasm: ${b.spearman.toFixed(4)} ${b.pearson.toFixed(4)}; timings webgpu ${JSON.stringify(gpu.timingsMs)}\n`);
  // float32 on both engines; only rounding differs (same t, same landmarks): the fit to the truth may differ in the 3rd decimal at most.
  assert.ok(b.spearman >= 0.9, `wasm map Spearman ${b.spearman}`);
  assert.ok(Math.abs(a.spearman - b.spearman) <= 0.01 && Math.abs(a.pearson - b.pearson) <= 0.01);
});

test('pipeline on webgpu with a GPU fault injected in the kNN stage: the stage reruns on wasm and the result is exactly the CPU result', opts, async () => {
  const cpu = await onWasm();
  assert.equal(await openGpu(), null);
  const events: ProgressEvent[] = [];
  const pipeline = new EmbeddingPipeline(roll.points, rollN, 50);
  injectGpuFaultForTesting('device lost (destroyed): injected');
  const result = await pipeline.run(params, { onProgress: (e) => events.push(e) });
  assert.deepEqual(result.coords, cpu.coords);
  assert.equal(result.backendRun, 'webgpu→wasm (fallback in knn: device lost (destroyed): injected)');
  const notices = events.filter((e) => e.notice);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.stage, 'knn');
  assert.match(notices[0]!.notice!, /^webgpu \(.+\) failed during kNN rows 0–299: device lost \(destroyed\): injected/);
  assert.equal(activeBackend()?.name, 'wasm');
  assert.deepEqual((await pipeline.run(params)).stagesRun, [], 'finished stages are cached');
});

test('pipeline on webgpu with the device destroyed as the heat stage starts: heat continues on wasm, earlier stages kept', opts, async () => {
  const cpu = await onWasm();
  assert.equal(await openGpu(), null);
  const events: ProgressEvent[] = [];
  const pipeline = new EmbeddingPipeline(roll.points, rollN, 50);
  let destroyed = false;
  const result = await pipeline.run(params, {
    onProgress: (e) => {
      events.push(e);
      if (e.stage === 'heat' && !destroyed) {
        destroyed = true;
        activeGpu()?.device.destroy();
      }
    },
  });
  assert.ok(destroyed);
  assert.match(result.backendRun, /^webgpu→wasm \(fallback in heat: /);
  assert.deepEqual(result.stagesRun, ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine']);
  const notices = events.filter((e) => e.notice);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.stage, 'heat');
  const a = truthCorrelation(result);
  const b = truthCorrelation(cpu);
  assert.ok(Math.abs(a.spearman - b.spearman) <= 0.01 && Math.abs(a.pearson - b.pearson) <= 0.01, `${a.spearman} vs ${b.spearman}`);
  resetBackendForTesting();
});
