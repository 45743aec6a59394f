/**
 * GPU benchmark: the full pipeline on the Swiss roll rotated into 50-D, on every available backend, with
 * the wasm CPU run in the same invocation as the baseline. Each (size, backend) case runs in its own
 * child process, so its peak host RSS is its own and a backend's process-wide state (a GPU device, a
 * fallback) cannot leak into the next case. Prints a markdown table: per-stage seconds
 * (`result.timingsMs`), total, peak RSS, peak GPU memory (nvidia-smi, where present), backend and
 * adapter as the run reported them, any fallback, and each GPU row's speed-up over the wasm row of the
 * same size for the knn and heat stages and the whole pipeline.
 *
 * What runs where on each backend (docs/gpu.md): on `webgpu` the knn stage is Isotherm's fused
 * distance + top-k WGSL kernel, the heat stage's uniformisation products the WGSL CSR kernel and its
 * squarings tfjs matMul on WebGPU; on `tensorflow` the knn stage is tf matMul + tf.topk and the
 * squarings tf matMul on CUDA; on `wasm` everything is CPU (k-d tree or blocked kNN).
 *
 *   npm run bench:gpu -- [--sizes 100000,1000000] [--backends wasm,webgpu,tensorflow] [--k 20]
 *                        [--landmarks auto|M] [--timeout 900] [--out FILE.md]
 * A software adapter (SwiftShader) runs only because `webgpu` is named here; the table labels it.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STAGES } from '../src-core/pipeline/progress.js';

interface CaseOut {
  ok: boolean;
  error?: string;
  backend?: string;
  /** `EmbedResult.backendRun`: the backend, or "webgpu→wasm (fallback in …)". */
  backendRun?: string;
  adapter?: string;
  fallbacks?: string[];
  landmarks?: number;
  t?: number;
  genMs?: number;
  stages?: Record<string, number>;
  totalMs?: number;
  peakRssMb?: number;
}

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

async function child(n: number, backend: string, k: number, landmarks: string): Promise<void> {
  const out: CaseOut = { ok: false };
  try {
    const { initBackend } = await import('../src-core/compute/backend.js');
    (await import('../src-core/compute/node-engines.js')).installNodeEngines();
    const { EmbeddingPipeline } = await import('../src-core/pipeline/pipeline.js');
    const { swissRoll } = await import('../src-core/synthetic/swiss-roll.js');
    const info = await initBackend(backend as 'wasm');
    const t0 = performance.now();
    const data = swissRoll(n, { dim: 50, seed: 0, noise: 0.5 });
    out.genMs = performance.now() - t0;
    out.adapter = info.adapter;
    const pipeline = new EmbeddingPipeline(data.points, n, 50);
    const t2 = performance.now();
    const result = await pipeline.run({ knn: k / 2, landmarks: landmarks === 'auto' ? 'auto' : Number(landmarks) });
    out.totalMs = performance.now() - t2;
    Object.assign(out, {
      ok: true,
      backend: result.backend.name,
      backendRun: result.backendRun,
      adapter: out.adapter,
      fallbacks: [...result.backend.fallbacks],
      landmarks: result.landmarks,
      t: result.heat.t,
      stages: result.timingsMs,
    });
  } catch (e) {
    out.error = (e as Error).message.split('\n')[0];
  }
  out.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\n@@RESULT ${JSON.stringify(out)}\n`);
  process.exit(0);
}

/** Highest GPU memory in use (MiB) seen by nvidia-smi while `work` runs; null without nvidia-smi. */
async function withGpuMemory<T>(work: Promise<T>): Promise<[T, number | null]> {
  let peak: number | null = null;
  let done = false;
  const sample = async (): Promise<void> => {
    while (!done) {
      try {
        const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits'], { timeout: 5000 });
        const v = Math.max(...stdout.trim().split('\n').map(Number));
        if (Number.isFinite(v)) peak = Math.max(peak ?? 0, v);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const sampler = sample();
  try {
    return [await work, peak];
  } finally {
    done = true;
    await sampler;
  }
}

function runCase(n: number, backend: string, k: number, landmarks: string, timeoutS: number): Promise<CaseOut> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--max-old-space-size=65536', script, '--child', String(n), backend, String(k), landmarks], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutS * 1000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) resolve(JSON.parse(line.slice(9)) as CaseOut);
      else resolve({ ok: false, error: signal === 'SIGKILL' ? `timed out after ${timeoutS} s` : `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-2).join(' / ')}` });
    });
  });
}

async function main(): Promise<void> {
  const sizes = opt('--sizes', '100000,1000000').split(',').map(Number);
  const backends = opt('--backends', 'wasm,webgpu,tensorflow').split(',').filter((b) => b !== 'wasm');
  backends.unshift('wasm');
  const k = Number(opt('--k', '20'));
  const timeoutS = Number(opt('--timeout', '900'));
  const landmarks = opt('--landmarks', 'auto');
  const outFile = opt('--out', '');
  if (outFile) writeFileSync(outFile, '');
  const print = (line: string): void => {
    console.log(line);
    if (outFile) appendFileSync(outFile, `${line}\n`);
  };
  let gpuName = 'none found';
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader'], { timeout: 5000 });
    gpuName = stdout.trim();
  } catch {
    // no NVIDIA driver here
  }
  print(`# Isotherm GPU benchmark\n`);
  print(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; nvidia-smi: ${gpuName}; Node ${process.version}`);
  print(`data: Swiss roll (noise 0.5, seed 0) rotated into 50-D; pipeline defaults (geodesic preset, auto t, landmarks ${landmarks}), knn = ${k / 2} (search k = ${k})`);
  print(`VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '(unset)'}; per-case timeout ${timeoutS} s\n`);
  print(`| n | backend (as run) | adapter | ${STAGES.join(' | ')} | pipeline total s | knn × wasm | heat × wasm | total × wasm | peak RSS MB | peak GPU MiB | notes |`);
  print(`|${'---|'.repeat(STAGES.length + 10)}`);
  const s = (ms: number | undefined | null): string => (ms === undefined || ms === null ? '–' : (ms / 1000).toFixed(2));
  const speedup = (base: number | undefined, x: number | undefined): string => (base && x ? `${(base / x).toFixed(1)}` : '–');
  for (const n of sizes) {
    let baseline: CaseOut | null = null;
    for (const backend of backends) {
      const [r, gpuMem] = await withGpuMemory(runCase(n, backend, k, landmarks, timeoutS));
      if (backend === 'wasm' && r.ok) baseline = r;
      if (!r.ok) {
        print(`| ${n} | ${backend} | – | ${STAGES.map(() => '–').join(' | ')} | – | – | – | – | ${r.peakRssMb?.toFixed(0) ?? '–'} | ${gpuMem ?? '–'} | unavailable or failed: ${(r.error ?? '?').replace(/\|/g, '/')} |`);
        continue;
      }
      const notes = [`m = ${r.landmarks}, t = ${r.t?.toPrecision(3)}, data ${s(r.genMs)} s`, ...(r.fallbacks ?? [])].join('; ').replace(/\|/g, '/');
      const label = r.backendRun ?? r.backend ?? backend;
      const b = backend === 'wasm' ? null : baseline;
      print(
        `| ${n} | ${label} | ${r.adapter} | ${STAGES.map((st) => s(r.stages?.[st])).join(' | ')} | ${s(r.totalMs)} | ${b ? speedup(b.stages?.knn, r.stages?.knn) : '–'} | ${b ? speedup(b.stages?.heat, r.stages?.heat) : '–'} | ${b ? speedup(b.totalMs, r.totalMs) : '–'} | ${r.peakRssMb?.toFixed(0)} | ${gpuMem ?? '–'} | ${notes} |`,
      );
    }
  }
}

if (args[0] === '--child') await child(Number(args[1]), args[2]!, Number(args[3]), args[4] ?? 'auto');
else await main();
