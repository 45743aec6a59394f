/**
 * One Isotherm map of a quality set and its scores (shared by `bench/quality.ts` and `bench/quality-case.ts`).
 */
import fs from 'node:fs';
import { knnAccuracy } from '../src-core/quality/neighbourhood.js';
import { scoreMap } from '../src-core/quality/map-score.js';
import type { QualityReference } from '../src-core/quality/reference.js';
import type { DenseMatrix } from '../src-core/io/dataset.js';
import type { EmbedParams } from '../src-core/pipeline/params.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import type { QualitySet } from './quality-sets.js';

export interface MapRun {
  readonly coords: Float32Array;
  readonly seconds: number;
  readonly t: number | null;
}

export interface ScoredMap {
  readonly demap: number | null;
  readonly trust: number | null;
  readonly acc: number | null;
  /** Why the map was not scored (non-finite or collapsed), else null. */
  readonly invalid: string | null;
}

export async function runIsotherm(set: QualitySet, params: Partial<EmbedParams>): Promise<MapRun> {
  const x = set.input;
  const t0 = performance.now();
  const result = await new EmbeddingPipeline(x.data, x.nRows, x.nCols).run(params);
  return { coords: result.coords, seconds: (performance.now() - t0) / 1000, t: result.heat.t };
}

export function scoreCoords(ref: QualityReference, set: QualitySet, coords: Float32Array): ScoredMap {
  const q = scoreMap(ref, coords);
  if (!q.valid) return { demap: null, trust: null, acc: null, invalid: q.reason };
  const acc = set.labels ? knnAccuracy(coords, 2, set.labels.codes, 10) : null;
  return { demap: q.demap, trust: q.trust, acc, invalid: null };
}

/** cell_id,x,y with 7 significant digits; non-finite coordinates are written empty (as the CLI would not). */
export function writeMapCsv(file: string, ids: readonly string[], coords: ArrayLike<number>): void {
  const lines = ['cell_id,x,y'];
  const f = (v: number): string => (Number.isFinite(v) ? v.toPrecision(7) : '');
  for (let i = 0; i < ids.length; i++) lines.push(`${ids[i]},${f(coords[2 * i]!)},${f(coords[2 * i + 1]!)}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** cell_id,PREFIX1..PREFIXd (what peers.py and map_quality.py read). */
export function writeMatrixCsv(file: string, ids: readonly string[], m: DenseMatrix, prefix: string, digits = 7): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'cell_id,' + Array.from({ length: m.nCols }, (_, j) => `${prefix}${j + 1}`).join(',') + '\n');
    const rows: string[] = [];
    for (let i = 0; i < m.nRows; i++) {
      const vals = new Array<string>(m.nCols);
      for (let j = 0; j < m.nCols; j++) {
        const v = m.data[i * m.nCols + j]!;
        vals[j] = v === 0 ? '0' : v.toPrecision(digits);
      }
      rows.push(`${ids[i]},${vals.join(',')}`);
      if (rows.length === 500) {
        fs.writeSync(fd, rows.join('\n') + '\n');
        rows.length = 0;
      }
    }
    if (rows.length) fs.writeSync(fd, rows.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads cell_id,x,y back, in the order of `ids` (NaN for cells the file lacks). */
export function readMapCsv(file: string, ids: readonly string[]): Float32Array {
  const pos = new Map(ids.map((id, i) => [id, i] as const));
  const out = new Float32Array(ids.length * 2).fill(NaN);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0]!.split(',');
  const [ic, ix, iy] = ['cell_id', 'x', 'y'].map((h) => header.indexOf(h));
  for (let l = 1; l < lines.length; l++) {
    if (!lines[l]) continue;
    const parts = lines[l]!.split(',');
    const i = pos.get(parts[ic!]!);
    if (i === undefined) continue;
    out[2 * i] = parts[ix!] ? Number(parts[ix!]) : NaN;
    out[2 * i + 1] = parts[iy!] ? Number(parts[iy!]) : NaN;
  }
  return out;
}
