/**
 * The JSON sidecar written beside every map (OUT.csv → OUT.json): everything needed to reproduce it and
 * to know what it was made from — every parameter actually used, the chosen t, software versions,
 * the input's SHA-256, per-stage timings and the preprocessing record. The caller supplies the values;
 * this module owns the schema, the checksum and the atomic write.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreprocessStep } from '../preprocess/steps.js';
import { sha256File } from './checksum.js';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface SidecarInput {
  /** The data set file (or 10x directory's matrix file) the map was made from; its bytes are hashed. */
  readonly inputPath: string;
  /** Detected input format and shape, for the reader's benefit. */
  readonly dataset?: { readonly format: string; readonly nCells: number; readonly nFeatures: number; readonly notes?: readonly string[] };
  /** Files written for this run (CSV, h5ad, ...). */
  readonly outputs?: readonly string[];
  /** Every parameter actually used, after defaults ("auto" replaced by what it became where possible). */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** Values the pipeline chose itself, e.g. { t: 12, tMethod: 'vne-knee' }. */
  readonly chosen?: Readonly<Record<string, JsonValue>>;
  /** The TensorFlow.js backend that ran (tensorflow | webgpu | wasm | cpu). */
  readonly backend: string;
  /** Other versions worth recording (e.g. '@tensorflow/tfjs-core'). */
  readonly software?: Readonly<Record<string, string>>;
  /** Wall-clock milliseconds per stage, in pipeline order. */
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly preprocessing?: readonly PreprocessStep[];
  readonly notes?: readonly string[];
  /** Fixed timestamp (tests); default now. */
  readonly createdAt?: Date;
}

export interface Sidecar {
  readonly schema: 'isotherm-sidecar';
  readonly schemaVersion: 1;
  readonly createdAt: string;
  readonly input: {
    readonly path: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly format: string | null;
    readonly nCells: number | null;
    readonly nFeatures: number | null;
    readonly notes: readonly string[];
  };
  readonly outputs: readonly string[];
  readonly parameters: Readonly<Record<string, JsonValue>>;
  readonly chosen: Readonly<Record<string, JsonValue>>;
  readonly software: Readonly<Record<string, string>>;
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly totalMs: number;
  readonly preprocessing: readonly PreprocessStep[];
  readonly notes: readonly string[];
}

export async function buildSidecar(input: SidecarInput): Promise<Sidecar> {
  const checksum = await sha256File(input.inputPath);
  let totalMs = 0;
  for (const v of Object.values(input.timingsMs)) totalMs += v;
  return {
    schema: 'isotherm-sidecar',
    schemaVersion: 1,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    input: {
      path: resolve(input.inputPath),
      bytes: checksum.bytes,
      sha256: checksum.sha256,
      format: input.dataset?.format ?? null,
      nCells: input.dataset?.nCells ?? null,
      nFeatures: input.dataset?.nFeatures ?? null,
      notes: input.dataset?.notes ?? [],
    },
    outputs: (input.outputs ?? []).map((p) => resolve(p)),
    parameters: input.parameters,
    chosen: input.chosen ?? {},
    software: {
      isotherm: await isothermVersion(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      tfjsBackend: input.backend,
      ...input.software,
    },
    timingsMs: input.timingsMs,
    totalMs,
    preprocessing: input.preprocessing ?? [],
    notes: input.notes ?? [],
  };
}

/** Build the sidecar and write it atomically to `path`; the input file is always protected. */
export async function writeSidecar(path: string, input: SidecarInput, options: AtomicWriteOptions = {}): Promise<Sidecar> {
  const sidecar = await buildSidecar(input);
  // NaN and ±Infinity are not JSON: JSON.stringify turns them into null, which is what we want here.
  await writeFileAtomic(path, JSON.stringify(sidecar, null, 2) + '\n', {
    protectedPaths: [input.inputPath, ...(options.protectedPaths ?? [])],
    ...(options.replace ? { replace: options.replace } : {}),
  });
  return sidecar;
}

/** OUT.csv → OUT.json (the CLI contract: the sidecar sits beside the map). */
export function sidecarPathFor(outputPath: string): string {
  const p = parse(outputPath);
  const name = p.ext.toLowerCase() === '.json' ? `${p.name}.sidecar.json` : `${p.name}.json`;
  return join(p.dir, name);
}

let cachedVersion: string | null = null;

/** Version from Isotherm's package.json, found by walking up from this module (src or dist layout). */
export async function isothermVersion(): Promise<string> {
  if (cachedVersion !== null) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const text = await readFile(join(dir, 'package.json'), 'utf8').catch(() => null);
    if (text !== null) {
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (pkg.name === 'isotherm' && typeof pkg.version === 'string') return (cachedVersion = pkg.version);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return (cachedVersion = 'unknown');
}
