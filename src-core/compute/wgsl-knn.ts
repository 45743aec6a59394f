/**
 * Exact k nearest neighbours on WebGPU: fused pairwise distances + top-k, tiled.
 *
 * The points (n × d, float32) are uploaded once, in row chunks that each fit one storage binding
 * (`tileBytes`). A query block is one chunk; for each candidate chunk and each candidate slice of
 * `knnSliceRows` rows the kernel runs one dispatch: every invocation owns one query row, keeps its k best
 * (squared distance, index) pairs sorted in private memory, and walks the slice in tiles of 64
 * candidates staged through workgroup memory (16 dimensions at a time, as vec4s). The running top-k
 * lives in a storage buffer between dispatches, so neither n nor d is bounded by a single dispatch or
 * binding; nothing n × n is ever materialised.
 *
 * Distances are Σ (q_c − x_c)² in float32 (differences first: no ‖x‖² + ‖y‖² − 2x·y cancellation).
 */
import type { GpuContext } from './webgpu-types.js';
import { computePipeline, emptyStorage, readBack, shaderOverrides, tileBytes, uniformSlots, UNIFORM_SLOT, uploadStorage } from './gpu-buffers.js';
import type { GpuBuffer, GpuDevice } from './webgpu-types.js';

export const KNN_WORKGROUP = 64;
const TILE = 64;
const DIM_CHUNK = 16;
/** Most candidates per dispatch; fewer for large query blocks (`knnSliceRows`: bounds each dispatch's time). */
export const SLICE = 8192;
/** Largest k the kernel is compiled for (private arrays). */
export const KNN_MAX_K = 128;

export function knnShader(k: number): string {
  const vecsPerCandidate = DIM_CHUNK / 4;
  return /* wgsl */ `
struct Params { qStart: u32, qCount: u32, cBase: u32, cOff: u32, cCount: u32, d: u32, first: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> queries: array<f32>;
@group(0) @binding(1) var<storage, read> cands: array<f32>;
@group(0) @binding(2) var<storage, read_write> bestD: array<f32>;
@group(0) @binding(3) var<storage, read_write> bestI: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

const K: u32 = ${k}u;
const TILE: u32 = ${TILE}u;
const DC: u32 = ${DIM_CHUNK}u;
const DV: u32 = ${vecsPerCandidate}u;
const BIG: f32 = 3.0e38;
// 64 candidates × 16 dimensions, as vec4s: every invocation reads the same element at the same time.
var<workgroup> tile: array<vec4<f32>, ${TILE * vecsPerCandidate}>;

@compute @workgroup_size(${KNN_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = gid.x;
  let live = q < p.qCount;
  var bd: array<f32, K>;
  var bi: array<u32, K>;
  for (var j = 0u; j < K; j++) {
    bd[j] = BIG;
    bi[j] = 0xffffffffu;
    if (live && p.first == 0u) {
      bd[j] = bestD[q * K + j];
      bi[j] = bestI[q * K + j];
    }
  }
  var worst = bd[K - 1u];
  let me = p.qStart + q;
  var acc: array<f32, TILE>;
  var qv: array<vec4<f32>, DV>;
  for (var c0 = 0u; c0 < p.cCount; c0 += TILE) {
    for (var t = 0u; t < TILE; t++) { acc[t] = 0.0; }
    for (var d0 = 0u; d0 < p.d; d0 += DC) {
      for (var e = lid.x; e < TILE * DC; e += ${KNN_WORKGROUP}u) {
        let ci = c0 + e / DC;
        let di = d0 + e % DC;
        var v = 0.0;
        if (ci < p.cCount && di < p.d) { v = cands[(p.cOff + ci) * p.d + di]; }
        tile[e / 4u][e % 4u] = v;
      }
      workgroupBarrier();
      if (live) {
        for (var dd = 0u; dd < DC; dd++) {
          var v = 0.0;
          if (d0 + dd < p.d) { v = queries[q * p.d + d0 + dd]; }
          qv[dd / 4u][dd % 4u] = v;
        }
        for (var t = 0u; t < TILE; t++) {
          var s = acc[t];
          for (var w = 0u; w < DV; w++) {
            let diff = qv[w] - tile[t * DV + w];
            s = s + dot(diff, diff);
          }
          acc[t] = s;
        }
      }
      workgroupBarrier();
    }
    if (live) {
      for (var t = 0u; t < TILE; t++) {
        if (c0 + t >= p.cCount) { break; }
        let g = p.cBase + p.cOff + c0 + t;
        let dist = acc[t];
        if (g == me || dist >= worst) { continue; }
        var j = K - 1u;
        loop {
          if (j == 0u) { break; }
          if (bd[j - 1u] <= dist) { break; }
          bd[j] = bd[j - 1u];
          bi[j] = bi[j - 1u];
          j = j - 1u;
        }
        bd[j] = dist;
        bi[j] = g;
        worst = bd[K - 1u];
      }
    }
  }
  if (live) {
    for (var j = 0u; j < K; j++) {
      bestD[q * K + j] = bd[j];
      bestI[q * K + j] = bi[j];
    }
  }
}
`;
}

/** Rows per chunk: one chunk (d floats per row) fits a storage binding. */
export function knnChunkRows(n: number, d: number, maxBinding: number, k: number): number {
  const perRow = Math.max(d, 2 * k) * 4;
  // One invocation per query row: a dispatch has at most 65,535 workgroups along x.
  return Math.max(1, Math.min(n, 65535 * KNN_WORKGROUP, Math.floor(tileBytes(maxBinding) / perRow)));
}

/** Multiply-adds per dispatch; estimated (unmeasured) a few ms on an H100, tens of ms on a small integrated GPU: below OS watchdogs. */
const WORK_PER_DISPATCH = 2 ** 34;

/** Candidates per dispatch for a query block of `rows` rows in d dimensions (a multiple of 64). */
export function knnSliceRows(rows: number, d: number): number {
  const s = Math.floor(WORK_PER_DISPATCH / Math.max(1, rows * d) / TILE) * TILE;
  return Math.max(TILE * 4, Math.min(SLICE, s));
}

/** The points resident on the device, in chunks; reused by every query block of one kNN call. */
export class GpuKnnSession {
  readonly chunkRows: number;
  readonly #ctx: GpuContext;
  readonly #chunks: GpuBuffer[] = [];
  readonly #n: number;
  readonly #d: number;
  readonly #k: number;
  readonly #slice: number;

  constructor(ctx: GpuContext, points: Float32Array, n: number, d: number, k: number, chunkRows?: number, sliceRows?: number) {
    if (k > KNN_MAX_K) throw new Error(`GPU kNN supports k ≤ ${KNN_MAX_K}, got ${k}`);
    this.#ctx = ctx;
    this.#n = n;
    this.#d = d;
    this.#k = k;
    this.chunkRows = chunkRows ?? knnChunkRows(n, d, ctx.maxBinding, k);
    this.#slice = Math.max(1, sliceRows ?? knnSliceRows(this.chunkRows, d));
    for (let s = 0; s < n; s += this.chunkRows) {
      const e = Math.min(n, s + this.chunkRows);
      this.#chunks.push(uploadStorage(ctx.device, points.subarray(s * d, e * d)));
    }
  }

  get chunks(): number {
    return this.#chunks.length;
  }

  /**
   * k nearest neighbours (self excluded) of the rows of chunk `q`, written to `indices`/`distances`
   * (row-major n × k, Euclidean distances ascending) at the chunk's rows.
   */
  async queryChunk(q: number, indices: Int32Array, distances: Float32Array): Promise<void> {
    const device: GpuDevice = this.#ctx.device;
    const k = this.#k;
    const d = this.#d;
    const qStart = q * this.chunkRows;
    const qCount = Math.min(this.#n, qStart + this.chunkRows) - qStart;
    const code = shaderOverrides.get('knn') ?? knnShader(k);
    const pipeline = computePipeline(device, `isotherm-knn-k${k}`, code);
    const bestD = emptyStorage(device, qCount * k * 4);
    const bestI = emptyStorage(device, qCount * k * 4);
    const slots: Uint32Array[] = [];
    const plan: { chunk: number; off: number; count: number }[] = [];
    for (let c = 0; c < this.#chunks.length; c++) {
      const rows = Math.min(this.#n, (c + 1) * this.chunkRows) - c * this.chunkRows;
      for (let off = 0; off < rows; off += this.#slice) {
        const count = Math.min(this.#slice, rows - off);
        slots.push(Uint32Array.of(qStart, qCount, c * this.chunkRows, off, count, d, slots.length === 0 ? 1 : 0, 0));
        plan.push({ chunk: c, off, count });
      }
    }
    const uniforms = uniformSlots(device, slots);
    try {
      const layout = pipeline.getBindGroupLayout(0);
      const groups = Math.ceil(qCount / KNN_WORKGROUP);
      // Several dispatches per submission; each submission is waited for so the queue stays short.
      const perSubmit = 64;
      for (let s0 = 0; s0 < plan.length; s0 += perSubmit) {
        const enc = device.createCommandEncoder();
        for (let s = s0; s < Math.min(plan.length, s0 + perSubmit); s++) {
          const bind = device.createBindGroup({
            layout,
            entries: [
              { binding: 0, resource: { buffer: this.#chunks[q]! } },
              { binding: 1, resource: { buffer: this.#chunks[plan[s]!.chunk]! } },
              { binding: 2, resource: { buffer: bestD } },
              { binding: 3, resource: { buffer: bestI } },
              { binding: 4, resource: { buffer: uniforms, offset: s * UNIFORM_SLOT, size: 32 } },
            ],
          });
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(groups);
          pass.end();
        }
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
      }
      const dist = new Float32Array(await readBack(device, bestD, qCount * k * 4));
      const idx = new Uint32Array(await readBack(device, bestI, qCount * k * 4));
      for (let r = 0; r < qCount * k; r++) {
        const j = idx[r]!;
        if (j >= this.#n) throw new Error(`GPU kNN returned an invalid neighbour index ${j}`);
        indices[qStart * k + r] = j;
        distances[qStart * k + r] = Math.sqrt(dist[r]!);
      }
    } finally {
      bestD.destroy();
      bestI.destroy();
      uniforms.destroy();
    }
  }

  dispose(): void {
    for (const b of this.#chunks) b.destroy();
    this.#chunks.length = 0;
  }
}
