/**
 * Numeric-engine selection. TensorFlow.js carries the dense O(m^3) / O(m^2) work (heat-kernel squaring,
 * MDS products); sparse and graph kernels are typed-array code. Backends are tried best first; the GPU
 * backends (`tensorflow` = tfjs-node-gpu, `webgpu`) plug in here (separate issue) and are reported as
 * unavailable until then, so `auto` resolves to wasm, then cpu.
 */
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  readonly name: BackendName;
  /** Human-readable adapter, e.g. "WebAssembly SIMD (CPU)". */
  readonly adapter: string;
  /** Why a better backend was not used, for the sidecar and the UI. */
  readonly fallbacks: readonly string[];
}

let active: BackendInfo | null = null;

async function tryWasm(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  return tf.setBackend('wasm');
}

async function tryCpu(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-cpu');
  return tf.setBackend('cpu');
}

const loaders: Record<BackendName, () => Promise<boolean>> = {
  // GPU backends are wired in by the GPU issue; until then they report unavailable.
  tensorflow: async () => false,
  webgpu: async () => false,
  wasm: tryWasm,
  cpu: tryCpu,
};

const adapters: Record<BackendName, string> = {
  tensorflow: 'TensorFlow (CUDA)',
  webgpu: 'WebGPU',
  wasm: 'WebAssembly SIMD (CPU)',
  cpu: 'JavaScript (CPU)',
};

/**
 * Initialise the engine once. `auto` takes the first backend that loads; a named backend that fails
 * to load is an error for the caller to report (the CLI maps it to exit code 2).
 */
export async function initBackend(request: BackendRequest = 'auto'): Promise<BackendInfo> {
  if (active && (request === 'auto' || request === active.name)) return active;
  const order: BackendName[] = request === 'auto' ? [...BACKEND_NAMES] : [request];
  const fallbacks: string[] = [];
  for (const name of order) {
    let ok = false;
    try {
      ok = await loaders[name]();
      if (ok) await tf.ready();
    } catch (e) {
      fallbacks.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (ok) {
      tf.enableProdMode();
      active = { name, adapter: adapters[name], fallbacks };
      return active;
    }
    fallbacks.push(`${name}: not available in this build`);
  }
  throw new Error(`no numeric backend could be started (${fallbacks.join('; ')})`);
}

export function activeBackend(): BackendInfo | null {
  return active;
}

/** C = A · B for row-major float32 matrices (A: r×k, B: k×c) on the active backend. */
export async function matMul(a: Float32Array, b: Float32Array, r: number, k: number, c: number): Promise<Float32Array> {
  if (!active) await initBackend('auto');
  const ta = tf.tensor2d(a, [r, k]);
  const tb = tf.tensor2d(b, [k, c]);
  const tc = tf.matMul(ta, tb);
  const out = (await tc.data()) as Float32Array;
  ta.dispose();
  tb.dispose();
  tc.dispose();
  return out;
}

/** A matrix kept on the engine for repeated products A · B (iterative solvers): uploaded once. */
export interface ResidentMatrix {
  multiply(b: Float32Array, cols: number): Promise<Float32Array>;
  dispose(): void;
}

export async function residentMatrix(a: Float32Array, rows: number, inner: number): Promise<ResidentMatrix> {
  if (!active) await initBackend('auto');
  const ta = tf.tensor2d(a, [rows, inner]);
  return {
    async multiply(b: Float32Array, cols: number): Promise<Float32Array> {
      const tb = tf.tensor2d(b, [inner, cols]);
      const tc = tf.matMul(ta, tb);
      const out = (await tc.data()) as Float32Array;
      tb.dispose();
      tc.dispose();
      return out;
    },
    dispose: () => ta.dispose(),
  };
}
