/**
 * The realistic data of `npm run bench:scale`: the mouse10k PCs (9,999 × 50) tiled to n cells with
 * Gaussian jitter σ = 0.3 × (median nearest-neighbour distance) / √50, seed 0
 * (src-core/synthetic/tiled.ts). Writes a CSV (`cell_id,PC1..PC50`, what `isotherm embed` and the
 * quality scorer read) and the raw float32 rows (what the pynndescent peer reads).
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { formatFloat32 } from '../src-core/export/format.js';
import { knnExact } from '../src-core/graph/knn.js';
import { medianNearest, tiledJitterSigma, tileWithJitter } from '../src-core/synthetic/tiled.js';

export interface BaseData {
  readonly ids: readonly string[];
  readonly points: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly header: string;
}

export async function readBase(path: string): Promise<BaseData> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  const header = lines[0]!.trim();
  const d = header.split(',').length - 1;
  const n = lines.length - 1;
  const points = new Float32Array(n * d);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1]!.split(',');
    ids.push(f[0]!);
    for (let c = 0; c < d; c++) points[i * d + c] = Number(f[c + 1]);
  }
  return { ids, points, n, d, header };
}

export interface Tiled {
  readonly points: Float32Array;
  readonly n: number;
  readonly d: number;
  readonly sigma: number;
  readonly reps: number;
}

/** `cells` rounded to a whole number of copies of the base set. */
export async function tile(base: BaseData, cells: number, seed = 0): Promise<Tiled> {
  const nn = await knnExact(base.points, base.n, base.d, 1);
  const sigma = tiledJitterSigma(medianNearest(nn.distances, base.n, 1), base.d);
  const reps = Math.max(1, Math.round(cells / base.n));
  return { points: tileWithJitter(base.points, base.n, base.d, reps, sigma, seed), n: reps * base.n, d: base.d, sigma, reps };
}

/** Writes `cell_id,PC1..` rows (copy r of cell i is `ID_r`), float32 values in shortest round-trip form. */
export async function writeTiledCsv(path: string, base: BaseData, t: Tiled): Promise<void> {
  const out = createWriteStream(path);
  out.write(base.header + '\n');
  const lines: string[] = [];
  for (let r = 0; r < t.n; r++) {
    const i = r % base.n;
    let line = `${base.ids[i]}_${Math.floor(r / base.n)}`;
    for (let c = 0; c < t.d; c++) line += ',' + formatFloat32(t.points[r * t.d + c]!);
    lines.push(line);
    if (lines.length === 4096 || r === t.n - 1) {
      if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
      lines.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}
