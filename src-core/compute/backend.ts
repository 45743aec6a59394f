/**
 * Numeric-engine selection. TensorFlow.js carries the dense O(m^3) / O(m^2) work (heat-kernel squaring,
 * MDS products, Gram matrices, blocked kNN products); Isotherm's own WGSL kernels (`kernels.ts`) run the
 * products tfjs expresses poorly when the `webgpu` backend is active.
 *
 * `initBackend('auto')` tries, best first:
 *   tensorflow — @tensorflow/tfjs-node-gpu (CUDA), only if the user installed it (tensorflow-loader.ts)
 *   webgpu     — @tensorflow/tfjs-backend-webgpu on the device the host lends (engines.ts; Node: Dawn,
 *                webgpu-loader.ts); a software adapter
 *                (SwiftShader, llvmpipe) is skipped in `auto` and used only when named explicitly
 *   wasm       — the CPU default
 *   cpu        — last resort
 * A named backend that fails to start is an error for the caller (the CLI maps it to exit code 2).
 *
 * Robustness: every operation on a GPU backend runs through `onEngine`, which watches for exceptions,
 * WebGPU error scopes (validation, out-of-memory, internal) and device loss. On a failure the process
 * switches to wasm (else cpu) for good, records why in `BackendInfo.fallbacks`, tells the listeners
 * (`onBackendFallback`; stderr when there are none) and reruns only the failed operation. Results of
 * earlier operations are host arrays, and the pipeline's stage caches keep finished stages, so nothing
 * computed before the failure is lost. The `BackendInfo` object is updated in place, so a pipeline
 * result that captured it at the start of a run reports the backend the run finished on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CancelledError } from '../errors.js';
import { BACKEND_NAMES, type BackendName, type BackendRequest } from './backend-names.js';
import { hostEngines } from './engines.js';
import { loadTensorflow } from './tensorflow-loader.js';
import type { GpuContext } from './webgpu-types.js';

export { BACKEND_NAMES, type BackendName, type BackendRequest } from './backend-names.js';

export interface BackendInfo {
  readonly name: BackendName;
  /** Human-readable adapter, e.g. "WebAssembly SIMD (CPU)", "NVIDIA H100 80GB HBM3 (Vulkan)", "SwiftShader (software)". */
  readonly adapter: string;
  /** Why a better backend was not used, or why the run left the GPU, for the sidecar and the UI. */
  readonly fallbacks: readonly string[];
  /** True for a software rasteriser posing as a GPU (only ever chosen explicitly). */
  readonly software?: boolean;
}

interface MutableInfo {
  name: BackendName;
  adapter: string;
  fallbacks: string[];
  software: boolean;
}

/** Starts a backend and makes it tfjs's current one; throws with a readable reason. */
export type BackendLoader = (explicit: boolean) => Promise<{ adapter: string; software?: boolean }>;

async function loadWasm(): Promise<{ adapter: string }> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  const pool = hostEngines().cpuPool;
  pool?.warm(); // the helper threads start while the first stages (kNN, graph) run
  const threads = pool?.size() ?? 1;
  return { adapter: `WebAssembly SIMD (CPU${threads > 1 ? `, ${threads} threads` : ''})` };
}

async function loadCpu(): Promise<{ adapter: string }> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  return { adapter: 'JavaScript (CPU)' };
}

async function loadWebGpu(explicit: boolean): Promise<{ adapter: string; software: boolean }> {
  const gpu = hostEngines().webgpu;
  if (!gpu) throw new Error('this host lends no WebGPU device');
  const ctx = await gpu.open(explicit);
  if (!(await tf.setBackend('webgpu'))) {
    gpu.close();
    throw new Error(`tfjs could not start on ${ctx.adapterName}`);
  }
  return { adapter: ctx.adapterName, software: ctx.software };
}

async function loadTf(): Promise<{ adapter: string }> {
  await loadTensorflow();
  return { adapter: 'TensorFlow (CUDA)' };
}

const defaultLoaders: Record<BackendName, BackendLoader> = { tensorflow: loadTf, webgpu: loadWebGpu, wasm: loadWasm, cpu: loadCpu };
const loaders: Record<BackendName, BackendLoader> = { ...defaultLoaders };

let active: MutableInfo | null = null;
/** GPU backends that failed mid-run: not tried again in this process. */
const disabled = new Map<BackendName, string>();
/** Bumped on every fallback: resident tensors re-upload from their host copies. */
let generation = 0;

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/**
 * Initialise the engine. `auto` takes the first backend that starts; a named backend that fails to
 * start is an error for the caller to report.
 */
export async function initBackend(request: BackendRequest = 'auto'): Promise<BackendInfo> {
  if (active && (request === 'auto' || request === active.name)) return active;
  const order: BackendName[] = request === 'auto' ? [...BACKEND_NAMES] : [request];
  const fallbacks: string[] = [];
  for (const name of order) {
    const why = disabled.get(name);
    if (why) {
      fallbacks.push(`${name}: disabled after an earlier failure (${why})`);
      continue;
    }
    try {
      const started = await loaders[name](request !== 'auto');
      await tf.ready();
      tf.enableProdMode();
      active = { name, adapter: started.adapter, fallbacks, software: started.software === true };
      return active;
    } catch (e) {
      fallbacks.push(`${name}: ${firstLine(e)}`);
    }
  }
  throw new Error(`no numeric backend could be started (${fallbacks.join('; ')})`);
}

export function activeBackend(): BackendInfo | null {
  return active;
}

function isGpu(name: BackendName): boolean {
  return name === 'webgpu' || name === 'tensorflow';
}

/** The WebGPU device for Isotherm's own kernels, when `webgpu` is the active backend and healthy. */
export function activeGpu(): GpuContext | null {
  if (!active || active.name !== 'webgpu') return null;
  const ctx = gpuContext();
  return ctx && !ctx.lost ? ctx : null;
}

function gpuContext(): GpuContext | null {
  return hostEngines().webgpu?.context() ?? null;
}

function closeWebGpu(): void {
  hostEngines().webgpu?.close();
}

// ---- failures and fallback ------------------------------------------------------------------------

/** What a fallback listener is told besides the note: the backends, the operation and the first line of the cause. */
export interface FallbackDetail {
  readonly from: BackendName;
  readonly to: BackendName;
  readonly op: string;
  readonly reason: string;
}

export type FallbackListener = (note: string, detail: FallbackDetail) => void;
const listeners = new Set<FallbackListener>();

/** Be told when a GPU failure moves the computation to the CPU (e.g. to show it in the UI). */
export function onBackendFallback(fn: FallbackListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A failure of the GPU itself (not of the computation's inputs). */
export class GpuFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuFailure';
  }
}

let injectedFault: string | null = null;

/** Tests: the next GPU operation fails with this message (as a lost device or a bad shader would). */
export function injectGpuFaultForTesting(message: string | null): void {
  injectedFault = message;
}

/** Moves the engine to wasm (else cpu) for the rest of the process after a GPU failure in `op`. */
async function fallBackToCpu(op: string, cause: unknown): Promise<void> {
  if (!active) return;
  const from = active.name;
  const fromAdapter = active.adapter;
  const reason = firstLine(cause);
  disabled.set(from, `${reason} during ${op}`);
  const errors: string[] = [];
  for (const name of ['wasm', 'cpu'] as const) {
    try {
      const started = await loaders[name](true);
      await tf.ready();
      generation++;
      active.name = name;
      active.adapter = started.adapter;
      active.software = false;
      const note = `${from} (${fromAdapter}) failed during ${op}: ${reason}; the operation was rerun on ${name}, and the rest of the run stays there`;
      active.fallbacks.push(note);
      if (from === 'webgpu') closeWebGpu();
      if (listeners.size === 0) console.error(`isotherm: ${note}`);
      const detail: FallbackDetail = { from, to: name, op, reason };
      for (const fn of [...listeners]) fn(note, detail);
      return;
    } catch (e) {
      errors.push(`${name}: ${firstLine(e)}`);
    }
  }
  throw new Error(`${from} failed during ${op} (${reason}) and no CPU backend could be started (${errors.join('; ')})`);
}

async function popScopes(ctx: GpuContext, count: number): Promise<string | null> {
  let found: string | null = null;
  for (let i = 0; i < count; i++) {
    try {
      const err = await ctx.device.popErrorScope();
      if (err && !found) found = err.message.split('\n')[0] ?? 'GPU error';
    } catch (e) {
      found ??= firstLine(e);
    }
  }
  return found;
}

/** Runs `run` on the GPU, turning error scopes, device loss and uncaptured errors into a GpuFailure. */
async function checkedOnGpu<T>(name: BackendName, run: () => Promise<T>): Promise<T> {
  const fault = injectedFault;
  injectedFault = null;
  if (name !== 'webgpu') {
    if (fault) throw new GpuFailure(fault);
    return run();
  }
  const ctx = gpuContext();
  if (!ctx) throw new GpuFailure('the WebGPU device is gone');
  if (ctx.lost) throw new GpuFailure(ctx.lost);
  const scopes = ['validation', 'out-of-memory', 'internal'] as const;
  for (const s of scopes) ctx.device.pushErrorScope(s);
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    if (fault) throw new GpuFailure(fault);
    result = await run();
  } catch (e) {
    thrown = e;
  }
  const scoped = await popScopes(ctx, scopes.length);
  if (thrown) throw thrown;
  if (scoped) throw new GpuFailure(scoped);
  if (ctx.lost) throw new GpuFailure(ctx.lost);
  if (ctx.uncaptured) {
    const msg = ctx.uncaptured;
    ctx.uncaptured = null;
    throw new GpuFailure(msg);
  }
  return result as T;
}

/**
 * Runs one engine operation. On a GPU backend a failure switches the process to the CPU and reruns
 * `run` there (it must compute from host data only, reading `activeBackend()` / `activeGpu()` afresh).
 * Cancellation is passed through untouched.
 */
export async function onEngine<T>(op: string, run: () => Promise<T>): Promise<T> {
  const info = active ?? (await initBackend('auto'));
  if (!isGpu(info.name)) return run();
  try {
    return await checkedOnGpu(info.name, run);
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    await fallBackToCpu(op, e);
    return run();
  }
}

// ---- dense products on the active backend ---------------------------------------------------------

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * α·(A·B) for row-major float32 A (r×k) and B (k×c) on the active backend; α is applied on the engine.
 * On wasm, large products are split by rows over the host's helper threads (engines.ts; Node: `cpu-pool.ts`).
 */
export async function matMul(a: Float32Array, b: Float32Array, r: number, k: number, c: number, alpha = 1): Promise<Float32Array> {
  const product = async (rowsA: Float32Array, rows: number): Promise<Float32Array> => {
    const tc = tf.tidy(() => {
      const p = tf.matMul(tf.tensor2d(rowsA, [rows, k]), tf.tensor2d(b, [k, c]));
      return alpha === 1 ? p : tf.mul(p, tf.scalar(alpha));
    });
    return readAndDispose(tc);
  };
  return onEngine(`a ${r}×${k} · ${k}×${c} product`, async () => {
    const pool = hostEngines().cpuPool;
    if (active?.name === 'wasm' && pool) {
      const split = await pool.parallelMatMul(a, b, r, k, c, alpha, product);
      if (split) return split;
    }
    return product(a, r);
  });
}

/** A matrix kept on the engine for repeated products A · B (iterative solvers): uploaded once. */
export interface ResidentMatrix {
  multiply(b: Float32Array, cols: number): Promise<Float32Array>;
  dispose(): void;
}

export async function residentMatrix(a: Float32Array, rows: number, inner: number): Promise<ResidentMatrix> {
  if (!active) await initBackend('auto');
  // The host copy stays referenced: after a fallback the matrix is uploaded again to the new backend.
  let resident: tf.Tensor2D | null = null;
  let residentGen = -1;
  const release = (): void => {
    try {
      resident?.dispose();
    } catch {
      // its backend may be gone
    }
    resident = null;
  };
  return {
    multiply(b: Float32Array, cols: number): Promise<Float32Array> {
      return onEngine(`a resident ${rows}×${inner} · ${inner}×${cols} product`, async () => {
        if (!resident || residentGen !== generation) {
          release();
          resident = tf.tensor2d(a, [rows, inner]);
          residentGen = generation;
        }
        const ta = resident;
        const tc = tf.tidy(() => tf.matMul(ta, tf.tensor2d(b, [inner, cols])));
        return readAndDispose(tc);
      });
    },
    dispose: release,
  };
}

// ---- tests ----------------------------------------------------------------------------------------

/** Tests: replace a backend's loader (null restores the real one). */
export function setLoaderForTesting(name: BackendName, loader: BackendLoader | null): void {
  loaders[name] = loader ?? defaultLoaders[name];
}

/** Tests: forget the active backend, disabled backends and injected faults (the GPU device is closed). */
export function resetBackendForTesting(): void {
  active = null;
  disabled.clear();
  injectedFault = null;
  closeWebGpu();
}
