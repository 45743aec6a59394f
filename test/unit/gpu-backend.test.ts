/**
 * Backend selection and GPU-failure fallback. These tests need no GPU: GPU backends are simulated by
 * replacing a loader with one that starts tfjs's `cpu` backend under a GPU name, and failures are
 * injected with `injectGpuFaultForTesting` (the same code path a lost device or a failed shader takes
 * inside `onEngine`). The real WebGPU kernels are compared with the CPU in gpu-kernels.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import {
  activeBackend,
  initBackend,
  injectGpuFaultForTesting,
  matMul,
  onBackendFallback,
  resetBackendForTesting,
  residentMatrix,
  setLoaderForTesting,
  type BackendLoader,
} from '../../src-core/compute/backend.js';
import { explainImportFailure, setTensorflowImporterForTesting } from '../../src-core/compute/tensorflow-loader.js';
import { describeAdapter } from '../../src-core/compute/webgpu-loader.js';
import { knnReferenceRows } from '../helpers/reference.js';
import { knnExact } from '../../src-core/graph/knn.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import type { ProgressEvent } from '../../src-core/pipeline/progress.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { installNodeEngines } from '../../src-core/compute/node-engines.js';

// As a Node host does: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();

/** A stand-in GPU: tfjs's cpu backend, reported under the given adapter name. */
function fakeGpu(adapter: string): BackendLoader {
  return async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed');
    return { adapter };
  };
}

const failing = (message: string): BackendLoader => async () => {
  throw new Error(message);
};

function reset(): void {
  resetBackendForTesting();
  setTensorflowImporterForTesting(null);
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) setLoaderForTesting(name, null);
}

function reference(a: Float32Array, b: Float32Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let p = 0; p < k; p++) for (let j = 0; j < c; j++) out[i * c + j]! += a[i * k + p]! * b[p * c + j]!;
  return out;
}

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: rows * cols }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

/** Entries are non-negative: float32 error ≤ k·2^-23 relative (inputs exact in float32). */
function assertProduct(c: Float32Array, a: Float32Array, b: Float32Array, r: number, k: number, cols: number): void {
  const ref = reference(a, b, r, k, cols);
  const tol = k * 2 ** -23;
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(c[i]! - ref[i]!) <= tol * ref[i]! + 1e-30, `entry ${i}: ${c[i]} vs ${ref[i]}`);
}

test('tfjs-node-gpu absent: auto says so in the fallbacks and continues; naming it is an error', async () => {
  reset();
  setTensorflowImporterForTesting(async (s) => {
    const e = new Error(`Cannot find package '${s}' imported from backend.js`) as Error & { code: string };
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  });
  setLoaderForTesting('webgpu', failing('Dawn found no GPU adapter'));
  const info = await initBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.match(info.fallbacks[0]!, /^tensorflow: @tensorflow\/tfjs-node-gpu is not installed/);
  assert.match(info.fallbacks[1]!, /^webgpu: Dawn found no GPU adapter/);
  reset();
  setTensorflowImporterForTesting(async () => {
    throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');
  });
  await assert.rejects(initBackend('tensorflow'), /native library did not load: libtensorflow\.so\.2/);
});

test('the real tensorflow loader: a missing tfjs-node-gpu is reported, not thrown', async () => {
  reset();
  setLoaderForTesting('webgpu', failing('skipped in this test'));
  let installed = true;
  try {
    await import('@tensorflow/tfjs-node-gpu' as string);
  } catch (e) {
    installed = false;
    assert.match(explainImportFailure(e), /not installed|did not load|failed to load/);
  }
  const info = await initBackend('auto');
  if (!installed) {
    assert.notEqual(info.name, 'tensorflow');
    assert.match(info.fallbacks[0]!, /^tensorflow: @tensorflow\/tfjs-node-gpu /);
  }
  reset();
});

test('a GPU loader that fails falls through to wasm in auto and is an error when named', async () => {
  reset();
  setLoaderForTesting('tensorflow', failing('CUDA driver version is insufficient'));
  setLoaderForTesting('webgpu', failing('device request rejected'));
  const info = await initBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.deepEqual(info.fallbacks, ['tensorflow: CUDA driver version is insufficient', 'webgpu: device request rejected']);
  reset();
  setLoaderForTesting('webgpu', failing('device request rejected'));
  await assert.rejects(initBackend('webgpu'), /webgpu: device request rejected/);
  reset();
});

test('adapter names: software adapters are recognised, hardware ones named with their API', () => {
  const swift = describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true }, undefined);
  assert.deepEqual(swift, { name: 'SwiftShader (software)', software: true });
  const llvm = describeAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' }, undefined);
  assert.equal(llvm.software, true);
  const nv = describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: 'NVIDIA driver 550.54' }, false);
  assert.equal(nv.software, false);
  assert.match(nv.name, /^NVIDIA H100 80GB HBM3 \((Vulkan|Metal|Direct3D 12|OpenGL ES)\)$/);
});

test('a GPU failure mid-run reruns the product on wasm, records and announces it, and stays on wasm', async () => {
  reset();
  setLoaderForTesting('tensorflow', fakeGpu('Fake CUDA GPU'));
  const info = await initBackend('auto');
  assert.equal(info.name, 'tensorflow');
  const heard: string[] = [];
  const off = onBackendFallback((note) => heard.push(note));
  const r = 13;
  const k = 17;
  const c = 11;
  const a = randomMatrix(r, k, 1);
  const b = randomMatrix(k, c, 2);
  assertProduct(await matMul(a, b, r, k, c), a, b, r, k, c);
  const resident = await residentMatrix(a, r, k);
  assertProduct(await resident.multiply(b, c), a, b, r, k, c);
  injectGpuFaultForTesting('CUDA_ERROR_OUT_OF_MEMORY: out of memory');
  // The resident matrix's tensor lived on the failed backend: it is re-uploaded from its host copy.
  assertProduct(await resident.multiply(b, c), a, b, r, k, c);
  resident.dispose();
  off();
  assert.equal(info.name, 'wasm', 'the same BackendInfo object now reports wasm');
  assert.equal(activeBackend(), info);
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(heard.length, 1);
  assert.match(heard[0]!, /tensorflow \(Fake CUDA GPU\) failed during a resident 13×17 · 17×11 product: CUDA_ERROR_OUT_OF_MEMORY/);
  assert.deepEqual(info.fallbacks, heard);
  // Later products run on wasm; auto does not pick the failed backend again in this process.
  assertProduct(await matMul(b, a.subarray(0, c * k), k, c, k), b, a.subarray(0, c * k), k, c, k);
  const again = await initBackend('auto');
  assert.equal(again.name, 'wasm');
  reset();
});

test('pipeline: a GPU failure during the heat stage keeps the finished stages and completes on wasm', async () => {
  reset();
  setLoaderForTesting('tensorflow', fakeGpu('Fake CUDA GPU'));
  await initBackend('auto');
  const roll = swissRoll(300, { seed: 2, noise: 0.3 });
  const pipeline = new EmbeddingPipeline(roll.points, roll.n, roll.dim);
  const off = onBackendFallback(() => undefined);
  let injected = false;
  const result = await pipeline.run(
    { t: 8, mdsIterations: 5 },
    {
      onProgress: (e) => {
        if (e.stage === 'heat' && !injected) {
          injected = true;
          injectGpuFaultForTesting('device lost (unknown): simulated');
        }
      },
    },
  );
  off();
  assert.ok(injected);
  assert.equal(result.backend.name, 'wasm');
  assert.equal(result.backend.fallbacks.length, 1);
  assert.match(result.backend.fallbacks[0]!, /tensorflow \(Fake CUDA GPU\) failed during a 300×300 · 300×300 product: device lost/);
  assert.equal(result.backendRun, 'tensorflow→wasm (fallback in heat: device lost (unknown): simulated)');
  assert.equal(result.coords.length, 600);
  assert.ok(result.coords.every(Number.isFinite));
  // Same parameters again: everything comes from the stage caches, nothing is recomputed.
  const again = await pipeline.run({ t: 8, mdsIterations: 5 });
  assert.deepEqual(again.stagesRun, []);
  assert.deepEqual(again.coords, result.coords);
  reset();
});

test('kNN kernel tiling stays within WebGPU limits (binding size, workgroups per dispatch, work per dispatch)', async () => {
  const { knnChunkRows, knnSliceRows, KNN_WORKGROUP } = await import('../../src-core/compute/wgsl-knn.js');
  const { csrColumnBlock } = await import('../../src-core/compute/wgsl-csr.js');
  const MiB = 2 ** 20;
  // 1M cells × 50 dims on a device allowing 2 GiB bindings: chunks still capped at 128 MiB.
  const rows = knnChunkRows(1_000_000, 50, 2048 * MiB, 20);
  assert.ok(rows * 50 * 4 <= 128 * MiB && rows > 600_000, `chunk rows ${rows}`);
  assert.ok(Math.ceil(rows / KNN_WORKGROUP) <= 65535);
  const slice = knnSliceRows(rows, 50);
  assert.equal(slice % 64, 0);
  assert.ok(slice >= 256 && slice <= 8192 && rows * slice * 50 <= 2 ** 34 * 1.01, `slice ${slice}`);
  // Tiny rows (d = 1, k = 1) would exceed 65,535 workgroups without the cap.
  assert.ok(Math.ceil(knnChunkRows(50_000_000, 1, 2048 * MiB, 1) / KNN_WORKGROUP) <= 65535);
  // The default 128 MiB binding limit.
  assert.ok(knnChunkRows(1_000_000, 50, 128 * MiB, 20) * 200 <= 128 * MiB);
  // CSR × dense: X and Y blocks fit a binding.
  const w = csrColumnBlock(100_000, 100_000, 2000, 128 * MiB);
  assert.ok(w >= 1 && w * 100_000 * 4 <= 128 * MiB);
  assert.equal(csrColumnBlock(2000, 2000, 2000, 128 * MiB), 2000);
});

test('auto probes Dawn in a child process: no adapter, a software one or a GPU, never an exception or stderr noise here', async () => {
  const { probeAdapter } = await import('../../src-core/compute/webgpu-loader.js');
  const probe = await probeAdapter();
  assert.equal(typeof probe.stderr, 'string');
  if (probe.adapter) {
    const seen = describeAdapter(probe.adapter, probe.adapter.isFallbackAdapter);
    assert.ok(seen.name.length > 0);
  }
});

test('tensorflow backend: the kNN stage runs on tf ops (blocked products + tf.topk) and equals the float64 reference', async () => {
  reset();
  setLoaderForTesting('tensorflow', fakeGpu('Fake CUDA GPU'));
  await initBackend('tensorflow');
  const n = 500;
  const d = 50;
  const k = 20;
  const roll = swissRoll(n, { seed: 4, dim: d, noise: 0.5 });
  const got = await knnExact(roll.points, n, d, k);
  assert.equal(got.method, 'tensorflow');
  const ref = knnReferenceRows(roll.points, n, d, k);
  // The host recomputes the chosen candidates' distances in float64 (then rounds to float32): they
  // match the reference to float32 rounding, and the neighbours are the reference's except at exact ties.
  for (let at = 0; at < n * k; at++) {
    const rd = ref.distances[at]!;
    assert.ok(Math.abs(got.distances[at]! - rd) <= 2 ** -23 * rd + 1e-12, `entry ${at}: ${got.distances[at]} vs ${rd}`);
    if (got.indices[at] !== ref.indices[at]) assert.ok(Math.abs(got.distances[at]! - rd) <= 2 ** -23 * rd, `entry ${at}: a different neighbour that is not a tie`);
  }
  reset();
});

test('pipeline: a GPU failure in the kNN stage reruns the stage on wasm; the result equals the CPU result, the user is told', async () => {
  const roll = swissRoll(400, { seed: 6, dim: 50, noise: 0.3 });
  const params = { mdsIterations: 10 };
  // The CPU result.
  reset();
  await initBackend('wasm');
  const cpu = await new EmbeddingPipeline(roll.points, roll.n, roll.dim).run(params);
  assert.equal(cpu.backendRun, 'wasm');
  // The same on a (simulated) GPU that fails in the first kNN block.
  reset();
  setLoaderForTesting('tensorflow', fakeGpu('Fake CUDA GPU'));
  const info = await initBackend('tensorflow');
  const events: ProgressEvent[] = [];
  const pipeline = new EmbeddingPipeline(roll.points, roll.n, roll.dim);
  injectGpuFaultForTesting('device lost (unknown): simulated');
  const result = await pipeline.run(params, { onProgress: (e) => events.push(e) });
  assert.equal(info.name, 'wasm');
  assert.deepEqual(result.coords, cpu.coords, 'exactly the CPU result');
  assert.equal(result.heat.t, cpu.heat.t);
  assert.equal(result.backendRun, 'tensorflow→wasm (fallback in knn: device lost (unknown): simulated)');
  const notices = events.filter((e) => e.notice !== undefined);
  assert.equal(notices.length, 1, 'one notice');
  assert.equal(notices[0]!.stage, 'knn');
  assert.match(notices[0]!.notice!, /^tensorflow \(Fake CUDA GPU\) failed during kNN rows 0–\d+: device lost \(unknown\): simulated; the operation was rerun on wasm/);
  assert.match(notices[0]!.message!, /the GPU failed during knn; continuing on wasm/);
  assert.deepEqual(result.backend.fallbacks, [notices[0]!.notice]);
  assert.deepEqual(result.stagesRun, ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine']);
  // Nothing is lost: the same parameters again come from the stage caches; a new seed reruns only mds + extend.
  const again = await pipeline.run(params);
  assert.deepEqual(again.stagesRun, []);
  assert.equal(again.backendRun, 'wasm');
  const reseeded = await pipeline.run({ ...params, seed: 1 });
  assert.deepEqual(reseeded.stagesRun, ['mds', 'extend', 'refine']);
  reset();
});
