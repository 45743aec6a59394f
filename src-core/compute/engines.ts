/**
 * What a host lends the numeric core: helper threads for large CPU products, threads sharing memory for
 * PCA's chunked loops and for the graph stages' kernels (kernel-pool.ts), and the WebGPU device. The core
 * imports no Node module for them — without them it runs single-threaded on wasm (or cpu) and has no
 * `webgpu` backend — and Node hosts install their implementations at start-up (node-engines.ts:
 * cpu-pool.ts, csr-pool.ts and kernel-pool-node.ts on worker threads, webgpu-loader.ts on Dawn). A
 * browser host could lend Web Workers and navigator.gpu the same way.
 */
import type { ChunkRunner } from './chunk-runner.js';
import type { KernelPool } from './kernel-pool.js';
import type { GpuContext } from './webgpu-types.js';

export interface CpuPool {
  /**
   * α·(A·B) split by rows over helper threads and `local` (this thread's product of its own rows), or
   * null when the product is small or no helper is available (the caller then computes it whole).
   */
  parallelMatMul(a: Float32Array, b: Float32Array, r: number, k: number, c: number, alpha: number, local: (a: Float32Array, rows: number) => Promise<Float32Array>): Promise<Float32Array | null>;
  /** Starts the helpers in the background. */
  warm(): void;
  /** Threads a large product uses (this one + helpers). */
  size(): number;
}

export interface WebGpuEngine {
  /** Opens the process's adapter and device; a software adapter only when `allowSoftware`. Throws with a readable reason. */
  open(allowSoftware: boolean): Promise<GpuContext>;
  close(): void;
  /** The open device, or null. */
  context(): GpuContext | null;
}

/**
 * Threads sharing memory (SharedArrayBuffer) for PCA's chunked loops (chunk-runner.ts, csr-tasks.ts).
 * Without it PCA runs them on this thread; results are bit-identical either way.
 */
export interface ChunkPool {
  /** A runner over `threads` threads, this one included (default: what the host allows), or the serial runner. */
  runner(threads?: number): ChunkRunner;
  /** Threads a runner uses by default. */
  threads(): number;
}

export interface HostEngines {
  readonly cpuPool?: CpuPool;
  readonly chunkPool?: ChunkPool;
  /** Threads for the kNN, graph and landmark kernels (kernel-pool.ts). */
  readonly kernelPool?: () => KernelPool;
  readonly webgpu?: WebGpuEngine;
}

let engines: HostEngines = {};

/** Called once by a host before the first computation (later calls add to or replace what was installed). */
export function installEngines(lent: HostEngines): void {
  engines = { ...engines, ...lent };
}

export function hostEngines(): HostEngines {
  return engines;
}
