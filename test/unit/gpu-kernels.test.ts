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
import { activeBackend, activeGpu, initBackend, matMul, onBackendFallback, resetBackendForTesting } from '../../src-core/compute/backend.js';
import { setTileCapForTesting, shaderOverrides } from '../../src-core/compute/gpu-buffers.js';
import { csrOperatorOnGpu, knnOnGpu, knnReferenceRows } from '../../src-core/compute/kernels.js';
import { csrFromTriplets, csrMulBlock, type Csr64 } from '../../src-core/linalg/csr.js';
import { createRng } from '../../src-core/linalg/random.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
process.env.XDG_RUNTIME_DIR ??= '/tmp';

async function openGpu(): Promise<string | null> {
  resetBackendForTesting();
  try {
    const info = await initBackend('webgpu');
    return info.name === 'webgpu' ? null : `webgpu resolved to ${info.name}`;
  } catch (e) {
    return `no WebGPU adapter in this environment (${(e as Error).message}); needs Dawn's binary, libvulkan.so.1 and a Vulkan ICD (e.g. ${SWIFTSHADER} from Debian's chromium package)`;
  }
}

const skipReason = await openGpu();
const opts = skipReason ? { skip: skipReason } : {};
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
