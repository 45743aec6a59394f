/**
 * The `webgpu` backend: Dawn (the `webgpu` npm package, prebuilt N-API binaries) under
 * `@tensorflow/tfjs-backend-webgpu`. One adapter and one device per process, shared by TensorFlow.js
 * (dense products) and Isotherm's own WGSL kernels (`wgsl-*.ts`).
 *
 * Dawn crashes if the object returned by `create()` is garbage-collected while its device lives, so
 * the context below keeps it referenced for as long as the device is in use.
 *
 * Environment: `ISOTHERM_DAWN_OPTIONS` (comma-separated Dawn toggles, e.g. `backend=opengles` to use
 * OpenGL ES through EGL where Vulkan finds no adapter). Vulkan's own `VK_ICD_FILENAMES` selects the
 * driver (the tests point it at SwiftShader).
 */
import { execFile } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import type { DawnModule, Gpu, GpuAdapterInfo, GpuContext, GpuDevice } from './webgpu-types.js';

export type { GpuContext } from './webgpu-types.js';

let context: GpuContext | null = null;

export function gpuContext(): GpuContext | null {
  return context;
}

/** Specifiers kept in variables so the compiler does not pull in their global WebGPU typings. */
const DAWN_MODULE = 'webgpu';
const TFJS_WEBGPU_MODULE = '@tensorflow/tfjs-backend-webgpu';

interface TfjsWebGpuModule {
  readonly WebGPUBackend: new (device: GpuDevice, adapterInfo?: GpuAdapterInfo) => tf.KernelBackend;
}

function graphicsApi(): string {
  if (process.env.ISOTHERM_DAWN_OPTIONS?.includes('backend=opengles')) return 'OpenGL ES';
  if (process.platform === 'darwin') return 'Metal';
  if (process.platform === 'win32') return 'Direct3D 12';
  return 'Vulkan';
}

export function describeAdapter(info: GpuAdapterInfo, fallbackFlag: boolean | undefined): { name: string; software: boolean } {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  const software = fallbackFlag === true || info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp/.test(text);
  if (software) {
    const which = text.includes('swiftshader') ? 'SwiftShader' : text.includes('llvmpipe') || text.includes('lavapipe') ? 'llvmpipe' : info.description || info.device || 'unknown';
    return { name: `${which} (software)`, software };
  }
  const label = info.device || info.description || `${info.vendor} ${info.architecture}`.trim() || 'unknown GPU';
  return { name: `${label} (${graphicsApi()})`, software };
}

function dawnOptions(): string[] {
  return (process.env.ISOTHERM_DAWN_OPTIONS ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

export interface ProbeResult {
  /** The adapter Dawn would use, or null when it found none. */
  readonly adapter: GpuAdapterInfo | null;
  /** What Dawn and the Vulkan loader printed while looking (diagnostics; never shown unasked). */
  readonly stderr: string;
}

/**
 * Asks Dawn for an adapter in a child process. Dawn and the Vulkan loader print warnings straight to
 * the process's stderr while they look (missing libvulkan, unusable ICDs such as lavapipe), which
 * would break the CLI's one-line error contract; a native crash there would take the process down.
 * `auto` therefore probes first and opens Dawn in-process only when a hardware adapter exists.
 */
export function probeAdapter(timeoutMs = 20000): Promise<ProbeResult> {
  // The packaged app's RunAsNode fuse is off (package.json build.electronFuses): its binary started with
  // ELECTRON_RUN_AS_NODE would be a second app window, not Node. In Electron `auto` therefore never picks
  // WebGPU; choosing `webgpu` explicitly opens Dawn in-process.
  if (typeof process.versions.electron === 'string') {
    return Promise.resolve({ adapter: null, stderr: 'no adapter probe inside Electron (its RunAsNode fuse is off): choose the webgpu backend explicitly' });
  }
  let url: string;
  try {
    url = import.meta.resolve(DAWN_MODULE);
  } catch (e) {
    return Promise.resolve({ adapter: null, stderr: `cannot resolve ${DAWN_MODULE}: ${(e as Error).message}` });
  }
  const code = `
    const { create } = await import(${JSON.stringify(url)});
    const gpu = create(${JSON.stringify(dawnOptions())});
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    const i = a ? a.info : null;
    const out = i ? { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
      isFallbackAdapter: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter) } : null;
    process.stdout.write('@@ADAPTER ' + JSON.stringify(out) + '\\n');
    process.exit(0);`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { timeout: timeoutMs, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const line = String(stdout).split('\n').find((l) => l.startsWith('@@ADAPTER '));
        if (!line) {
          resolve({ adapter: null, stderr: `${String(stderr)}${err ? `\n${err.message}` : ''}`.trim() });
          return;
        }
        resolve({ adapter: JSON.parse(line.slice(10)) as GpuAdapterInfo | null, stderr: String(stderr) });
      },
    );
  });
}

/** Makes `navigator.gpu` visible to tfjs-backend-webgpu (it checks for it in its constructor). */
function exposeNavigatorGpu(gpu: Gpu): void {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (g.navigator.gpu === undefined) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/**
 * Opens the adapter and device and registers them as tfjs's `webgpu` backend. Throws with a readable
 * reason when Dawn, an adapter or a device is unavailable, or when only a software adapter exists and
 * `allowSoftware` is false (a software rasteriser is never chosen automatically over wasm).
 */
export async function openWebGpu(allowSoftware: boolean): Promise<GpuContext> {
  if (context && !context.lost) {
    if (context.software && !allowSoftware) throw new Error(`only a software adapter (${context.adapterName}); not used automatically, --backend webgpu forces it`);
    return context;
  }
  if (!allowSoftware) {
    const probe = await probeAdapter();
    if (!probe.adapter) {
      const hint = /libvulkan/.test(probe.stderr) ? ' (libvulkan.so.1 missing)' : '';
      throw new Error(`Dawn found no GPU adapter${hint}`);
    }
    const seen = describeAdapter(probe.adapter, probe.adapter.isFallbackAdapter);
    if (seen.software) throw new Error(`only a software adapter (${seen.name}); not used automatically, --backend webgpu forces it`);
  }
  const dawn = (await import(DAWN_MODULE)) as DawnModule;
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const gpu = dawn.create(dawnOptions());
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no GPU adapter (no Vulkan/Metal/D3D12 driver, or libvulkan.so.1 missing)');
  const { name, software } = describeAdapter(adapter.info, adapter.isFallbackAdapter);
  if (software && !allowSoftware) throw new Error(`only a software adapter (${name}); not used automatically, --backend webgpu forces it`);
  const lim = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
    },
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
  });
  const ctx: GpuContext = {
    gpu,
    adapter,
    device,
    adapterName: name,
    software,
    maxBinding: device.limits.maxStorageBufferBindingSize,
    lost: null,
    uncaptured: null,
  };
  void device.lost.then((info) => {
    ctx.lost = `device lost (${info.reason}${info.message ? `: ${info.message.split('\n')[0]}` : ''})`;
  });
  device.onuncapturederror = (event) => {
    ctx.uncaptured = event.error.message.split('\n')[0] ?? 'GPU error';
  };
  exposeNavigatorGpu(gpu);
  const mod = (await import(TFJS_WEBGPU_MODULE)) as TfjsWebGpuModule;
  // The package registers its own factory when navigator.gpu exists at import time; ours shares the device.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new mod.WebGPUBackend(device, adapter.info), 3);
  context = ctx;
  return ctx;
}

/** Forgets the context (after a failure the process does not use the GPU again). Destroys the device. */
export function closeWebGpu(): void {
  if (!context) return;
  const ctx = context;
  context = null;
  try {
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  } catch {
    // a lost device can fail to dispose its buffers; nothing to keep
  }
  try {
    ctx.device.destroy();
  } catch {
    // already gone
  }
}
