/**
 * The `tensorflow` backend: `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA, Linux x64).
 *
 * It is an optionalDependency: its install script downloads libtensorflow (~400 MB) and fails offline
 * or where no GPU build exists (macOS, Windows), in which case npm skips it and `npm ci` still
 * succeeds. So it is loaded only if present (docs/gpu.md: on Linux x64 with CUDA 11.8/cuDNN 8 and
 * network access, `npm install` installs it). The import is guarded: absent, half-installed (no
 * libtensorflow) or without CUDA libraries, it reports
 * why and the next backend is tried.
 */
import * as tf from '@tensorflow/tfjs-core';

const MODULE = '@tensorflow/tfjs-node-gpu';

/** Replaceable for tests: how the module is imported. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;
let importer: ModuleImporter = (s) => import(s);

export function setTensorflowImporterForTesting(fn: ModuleImporter | null): void {
  importer = fn ?? ((s) => import(s));
}

/** Short, user-facing reason for a failed import. */
export function explainImportFailure(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = (err.message ?? String(e)).split('\n')[0]!;
  if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(msg)) {
    return `${MODULE} is not installed (optional; see docs/gpu.md)`;
  }
  if (/libtensorflow|\.so|lib(cud|cublas|cudnn)/i.test(msg)) return `${MODULE} is installed but its native library did not load: ${msg}`;
  return `${MODULE} failed to load: ${msg}`;
}

/**
 * Imports tfjs-node-gpu (which registers the `tensorflow` backend with tfjs-core) and selects it.
 * Throws with a readable reason when it is absent or broken.
 */
export async function loadTensorflow(): Promise<void> {
  try {
    await importer(MODULE);
  } catch (e) {
    throw new Error(explainImportFailure(e));
  }
  if (!tf.findBackendFactory('tensorflow')) throw new Error(`${MODULE} loaded but registered no 'tensorflow' backend (a second copy of @tensorflow/tfjs-core?)`);
  const ok = await tf.setBackend('tensorflow');
  if (!ok) throw new Error(`${MODULE}: the 'tensorflow' backend failed to initialise`);
}
