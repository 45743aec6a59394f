/**
 * The narrow slice of the WebGPU API that Isotherm uses, typed locally. The full `@webgpu/types`
 * declarations are global (they would leak DOM-flavoured globals into every module of the project),
 * so the `webgpu` (Dawn) and `@tensorflow/tfjs-backend-webgpu` modules are imported dynamically and
 * narrowed to these interfaces at the one place they enter (`webgpu-loader.ts`).
 */

/** GPUBufferUsage flags (WebGPU spec values). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode.READ */
export const MAP_READ = 0x0001;

export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** Dawn reports software adapters (SwiftShader) as fallback adapters. */
  readonly isFallbackAdapter?: boolean;
}

export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

export interface GpuFeatures {
  has(name: string): boolean;
}

export interface GpuAdapter {
  readonly info: GpuAdapterInfo;
  readonly limits: GpuLimits;
  readonly features: GpuFeatures;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; requiredFeatures?: string[] }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuError {
  readonly message: string;
}

export interface GpuDeviceLostInfo {
  readonly reason: string;
  readonly message: string;
}

export type GpuBindGroupLayout = object;
export type GpuBindGroup = object;
export type GpuShaderModule = object;

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuComputePass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(index: number, g: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export type GpuCommandBuffer = object;

export interface GpuCommandEncoder {
  beginComputePass(descriptor?: object): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  finish(): GpuCommandBuffer;
}

export interface GpuQueue {
  writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView, dataOffset?: number, size?: number): void;
  submit(buffers: GpuCommandBuffer[]): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly features: GpuFeatures;
  readonly queue: GpuQueue;
  readonly lost: Promise<GpuDeviceLostInfo>;
  onuncapturederror: ((event: { error: GpuError }) => void) | null;
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): GpuShaderModule;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: GpuShaderModule; entryPoint: string }; label?: string }): GpuComputePipeline;
  createBindGroup(descriptor: { layout: GpuBindGroupLayout; entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] }): GpuBindGroup;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuError | null>;
  destroy(): void;
}

/** The `webgpu` npm package (Dawn's Node binding). */
export interface DawnModule {
  create(options: string[]): Gpu;
  readonly globals: Record<string, unknown>;
}

/** The process's one WebGPU adapter and device (opened by a host's engine: webgpu-loader.ts on Node). */
export interface GpuContext {
  /** Held so Dawn's instance outlives the device (see above). */
  readonly gpu: Gpu;
  readonly adapter: GpuAdapter;
  readonly device: GpuDevice;
  /** e.g. "NVIDIA H100 80GB HBM3 (Vulkan)" or "SwiftShader (software)". */
  readonly adapterName: string;
  readonly software: boolean;
  /** Largest storage-buffer binding the device accepts (bytes); kernels tile below it. */
  readonly maxBinding: number;
  /** Set when the device is lost (driver reset, destroy, out of memory on some drivers). */
  lost: string | null;
  /** Last error no error scope caught (a backstop for the guard in backend.ts). */
  uncaptured: string | null;
}
