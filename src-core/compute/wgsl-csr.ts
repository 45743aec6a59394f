/**
 * Y = A · X on WebGPU for a CSR matrix A (rows × n) and a dense block X (n × b, row-major): the
 * sparse × dense product of the Chebyshev recurrence and of the uniformisation series.
 *
 * One invocation per (row, column) output entry; columns run along x (64 per workgroup, so one
 * workgroup reads each A entry once and 64 consecutive X values), rows along y with a grid-stride
 * loop (the y dimension of a dispatch is limited to 65,535 workgroups). When X or Y would exceed a
 * storage binding, the product runs in column blocks of X. Values are float32 on the device.
 */
import type { GpuContext } from './webgpu-types.js';
import type { GpuBuffer } from './webgpu-types.js';
import { computePipeline, emptyStorage, readBack, shaderOverrides, tileBytes, uniformSlots, uploadStorage } from './gpu-buffers.js';

const WG = 64;

export const CSR_SHADER = /* wgsl */ `
struct Params { rows: u32, cols: u32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> indptr: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = gid.x;
  if (c >= p.cols) { return; }
  for (var i = gid.y; i < p.rows; i += nwg.y) {
    var s = 0.0;
    for (var q = indptr[i]; q < indptr[i + 1u]; q++) {
      s = s + values[q] * x[indices[q] * p.cols + c];
    }
    y[i * p.cols + c] = s;
  }
}
`;

export interface CsrLike {
  /** Number of rows. */
  readonly n: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array | Float32Array;
}

/** Column-block width so that X (nIn × w) and Y (rows × w) each fit one binding. */
export function csrColumnBlock(rows: number, nIn: number, b: number, maxBinding: number): number {
  const cap = tileBytes(maxBinding);
  return Math.max(1, Math.min(b, Math.floor(cap / (4 * Math.max(rows, nIn, 1)))));
}

/** The matrix resident on the device; `multiply` may be called repeatedly (recurrences). */
export class GpuCsrMatrix {
  readonly #ctx: GpuContext;
  readonly #rows: number;
  readonly #nnz: number;
  readonly #indptr: GpuBuffer;
  readonly #indices: GpuBuffer;
  readonly #values: GpuBuffer;

  constructor(ctx: GpuContext, a: CsrLike) {
    const cap = tileBytes(ctx.maxBinding);
    const nnz = a.indptr[a.n]!;
    if (nnz * 4 > cap || (a.n + 1) * 4 > cap) throw new Error(`CSR matrix with ${nnz} entries exceeds one storage binding (${cap} bytes)`);
    this.#ctx = ctx;
    this.#rows = a.n;
    this.#nnz = nnz;
    const device = ctx.device;
    this.#indptr = uploadStorage(device, new Uint32Array(a.indptr.buffer, a.indptr.byteOffset, a.n + 1));
    this.#indices = uploadStorage(device, new Uint32Array(a.indices.buffer, a.indices.byteOffset, nnz));
    this.#values = uploadStorage(device, a.values instanceof Float32Array ? a.values.subarray(0, nnz) : Float32Array.from(a.values.subarray(0, nnz)));
  }

  get nnz(): number {
    return this.#nnz;
  }

  /** Y = A · X, X row-major nIn × b (nIn = the largest column index + 1, at most `nIn`). */
  async multiply(x: Float32Array, nIn: number, b: number): Promise<Float32Array> {
    const device = this.#ctx.device;
    const rows = this.#rows;
    const out = new Float32Array(rows * b);
    const w = csrColumnBlock(rows, nIn, b, this.#ctx.maxBinding);
    const pipeline = computePipeline(device, 'isotherm-csr-dense', shaderOverrides.get('csr') ?? CSR_SHADER);
    for (let c0 = 0; c0 < b; c0 += w) {
      const bw = Math.min(w, b - c0);
      let block = x;
      if (bw !== b) {
        block = new Float32Array(nIn * bw);
        for (let j = 0; j < nIn; j++) block.set(x.subarray(j * b + c0, j * b + c0 + bw), j * bw);
      }
      const xb = uploadStorage(device, block);
      const yb = emptyStorage(device, rows * bw * 4);
      const uni = uniformSlots(device, [Uint32Array.of(rows, bw, 0, 0)]);
      try {
        const bind = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: this.#indptr } },
            { binding: 1, resource: { buffer: this.#indices } },
            { binding: 2, resource: { buffer: this.#values } },
            { binding: 3, resource: { buffer: xb } },
            { binding: 4, resource: { buffer: yb } },
            { binding: 5, resource: { buffer: uni, offset: 0, size: 16 } },
          ],
        });
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(Math.ceil(bw / WG), Math.min(rows, 65535));
        pass.end();
        device.queue.submit([enc.finish()]);
        const y = new Float32Array(await readBack(device, yb, rows * bw * 4));
        if (bw === b) out.set(y);
        else for (let i = 0; i < rows; i++) out.set(y.subarray(i * bw, (i + 1) * bw), i * b + c0);
      } finally {
        xb.destroy();
        yb.destroy();
        uni.destroy();
      }
    }
    return out;
  }

  dispose(): void {
    this.#indptr.destroy();
    this.#indices.destroy();
    this.#values.destroy();
  }
}
