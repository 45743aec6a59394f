/**
 * The realistic data of `npm run bench:scale`: the mouse10k PCs (9,999 × 50) tiled to n cells with
 * Gaussian jitter σ = 0.3 × (median nearest-neighbour distance) / √50, seed 0
 * (src-core/synthetic/tiled.ts). Writes a CSV (`cell_id,PC1..PC50`, what `isotherm embed` and the
 * quality scorer read) and the raw float32 rows (what the pynndescent peer reads).
 */
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { makeData, makeVector, Table, tableToIPC, Utf8, type Vector } from 'apache-arrow';
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
export async function tile(base: BaseData, cells: number, seed = 0, jitter = 0.3): Promise<Tiled> {
  const nn = await knnExact(base.points, base.n, base.d, 1);
  const sigma = tiledJitterSigma(medianNearest(nn.distances, base.n, 1), base.d, jitter);
  const reps = Math.max(1, Math.round(cells / base.n));
  return { points: tileWithJitter(base.points, base.n, base.d, reps, sigma, seed), n: reps * base.n, d: base.d, sigma, reps };
}

/** Cell id of row r: copy ⌊r/n0⌋ of base cell r mod n0. */
export function tiledId(base: BaseData, r: number): string {
  return `${base.ids[r % base.n]}_${Math.floor(r / base.n)}`;
}

/** The same table as `writeTiledCsv` as an Arrow IPC file (utf8 cell_id, float32 PC columns). */
export async function writeTiledArrow(path: string, base: BaseData, t: Tiled): Promise<void> {
  const enc = new TextEncoder();
  const offsets = new Int32Array(t.n + 1);
  const chunks: Uint8Array[] = [];
  let used = 0;
  for (let r = 0; r < t.n; r++) {
    const b = enc.encode(tiledId(base, r));
    chunks.push(b);
    used += b.length;
    offsets[r + 1] = used;
  }
  const bytes = new Uint8Array(used);
  let at = 0;
  for (const b of chunks) {
    bytes.set(b, at);
    at += b.length;
  }
  const columns: Record<string, Vector> = {
    cell_id: makeVector(makeData({ type: new Utf8(), length: t.n, nullCount: 0, valueOffsets: offsets, data: bytes })),
  };
  const names = base.header.split(',').slice(1);
  names.forEach((name, c) => {
    const col = new Float32Array(t.n);
    for (let r = 0; r < t.n; r++) col[r] = t.points[r * t.d + c]!;
    columns[name] = makeVector(col);
  });
  await writeFile(path, tableToIPC(new Table(columns), 'file'));
}

/** Writes `cell_id,PC1..` rows (all, or the given ones), float32 values in shortest round-trip form. */
export async function writeTiledCsv(path: string, base: BaseData, t: Tiled, rows?: readonly number[]): Promise<void> {
  const out = createWriteStream(path);
  out.write(base.header + '\n');
  const lines: string[] = [];
  const count = rows ? rows.length : t.n;
  for (let q = 0; q < count; q++) {
    const r = rows ? rows[q]! : q;
    let line = tiledId(base, r);
    for (let c = 0; c < t.d; c++) line += ',' + formatFloat32(t.points[r * t.d + c]!);
    lines.push(line);
    if (lines.length === 4096 || q === count - 1) {
      if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
      lines.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}
