/**
 * The Node implementations of the engines a host lends the core (engines.ts): helper threads for CPU
 * products (cpu-pool.ts), shared-memory threads for PCA's chunked loops (csr-pool.ts) and for the graph
 * stages' kernels (kernel-pool-node.ts), and Dawn's WebGPU (webgpu-loader.ts). Node hosts — the CLI, the
 * compute and evaluation threads of the app, benchmarks — call installNodeEngines() before computing.
 */
import { cpuPoolSize, parallelMatMul, warmCpuPool } from './cpu-pool.js';
import { csrPoolRunner, csrPoolThreads } from './csr-pool.js';
import { installEngines, type HostEngines } from './engines.js';
import { defaultNodeKernelPool } from './kernel-pool-node.js';
import { setMatrixArraysShared } from './matrix-arrays.js';
import { closeWebGpu, gpuContext, openWebGpu } from './webgpu-loader.js';

export const NODE_ENGINES: HostEngines = {
  cpuPool: { parallelMatMul, warm: warmCpuPool, size: cpuPoolSize },
  chunkPool: { runner: (threads) => csrPoolRunner(threads), threads: csrPoolThreads },
  kernelPool: defaultNodeKernelPool,
  webgpu: { open: openWebGpu, close: closeWebGpu, context: gpuContext },
};

export function installNodeEngines(): void {
  installEngines(NODE_ENGINES);
  // the reader and preprocessing allocate the matrix where PCA's threads can read it: no second copy
  setMatrixArraysShared(csrPoolThreads() > 1);
}
