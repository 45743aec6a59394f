/** Small helpers for Isotherm's own WebGPU kernels: uploads, read-backs, pipeline cache, tiling. */
import { BufferUsage, MAP_READ, type GpuBuffer, type GpuComputePipeline, type GpuDevice } from './webgpu-types.js';

/** Upper bound for one buffer of ours, below the device's binding limit (and WebGPU's 128 MiB default). */
export const TILE_BYTES_CAP = 128 * 1024 * 1024;

let tileCap = TILE_BYTES_CAP;

export function tileBytes(maxBinding: number): number {
  return Math.min(maxBinding, tileCap);
}

/** Tests: a smaller tile cap forces the tiled paths on small inputs (null restores the default). */
export function setTileCapForTesting(bytes: number | null): void {
  tileCap = bytes ?? TILE_BYTES_CAP;
}

/** A storage buffer holding `data` (size rounded up to 4 bytes; at least 4). */
export function uploadStorage(device: GpuDevice, data: ArrayBufferView, extraUsage = 0): GpuBuffer {
  const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
  const buf = device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC | extraUsage });
  if (data.byteLength > 0) device.queue.writeBuffer(buf, 0, data, 0, data.byteLength / bytesPerElement(data));
  return buf;
}

function bytesPerElement(data: ArrayBufferView): number {
  return (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
}

export function emptyStorage(device: GpuDevice, bytes: number): GpuBuffer {
  return device.createBuffer({ size: Math.max(4, Math.ceil(bytes / 4) * 4), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC });
}

/** Copies `bytes` from a storage buffer to the host (waits for the queue). */
export async function readBack(device: GpuDevice, src: GpuBuffer, bytes: number): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, size);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_READ, 0, size);
    const copy = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    return copy;
  } finally {
    staging.destroy();
  }
}

/** Uniform buffer with one 256-byte slot per dispatch (WebGPU's minimum uniform offset alignment). */
export const UNIFORM_SLOT = 256;

export function uniformSlots(device: GpuDevice, slots: Uint32Array[]): GpuBuffer {
  const buf = device.createBuffer({ size: Math.max(1, slots.length) * UNIFORM_SLOT, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  slots.forEach((s, i) => device.queue.writeBuffer(buf, i * UNIFORM_SLOT, s));
  return buf;
}

const pipelines = new WeakMap<GpuDevice, Map<string, GpuComputePipeline>>();

/** Compiles (once per device and source) a compute pipeline with entry point `main`. */
export function computePipeline(device: GpuDevice, label: string, code: string): GpuComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) {
    cache = new Map();
    pipelines.set(device, cache);
  }
  const key = `${label}\n${code}`;
  let p = cache.get(key);
  if (!p) {
    const module = device.createShaderModule({ code, label });
    p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
    cache.set(key, p);
  }
  return p;
}

/** Tests: a WGSL source to use instead of the real one (to exercise the shader-failure path). */
export const shaderOverrides = new Map<string, string>();
