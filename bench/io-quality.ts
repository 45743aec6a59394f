/**
 * A quality figure for maps of the I/O benchmark's synthetic counts (bench/io-gen.ts), whose cells come
 * in 10 clusters by construction: on a seeded sample of the map's cells, the fraction of each sampled
 * cell's k nearest sampled neighbours (in the 2-D map) that belong to its own cluster. 0.1 is chance;
 * 1 means the map keeps the clusters apart. Brute force over the sample (20,000² distances, about a second).
 */
import fs from 'node:fs';
import { createRng, sampleIndices } from '../src-core/linalg/random.js';
import { clusterOf } from './io-gen.js';

export interface ClusterPurity {
  readonly purity: number;
  readonly sample: number;
  readonly k: number;
}

/** Reads MAP.csv (cell_id,x,y; ids `cell_NNNNNNN`) and scores a seeded sample of its rows. */
export function mapClusterPurity(mapCsv: string, sampleSize = 20_000, k = 10, seed = 0): ClusterPurity {
  const lines = fs.readFileSync(mapCsv, 'utf8').split('\n').filter((l) => l.length > 0);
  const n = lines.length - 1;
  const rows = sampleIndices(n, Math.min(sampleSize, n), createRng(seed));
  const m = rows.length;
  const xy = new Float64Array(2 * m);
  const label = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    const f = lines[rows[s]! + 1]!.split(',');
    const id = Number(/(\d+)$/.exec(f[0]!)?.[1]);
    if (!Number.isInteger(id)) throw new Error(`${mapCsv}: cell id ${f[0]} is not cell_NNNNNNN`);
    label[s] = clusterOf(id);
    xy[2 * s] = Number(f[1]);
    xy[2 * s + 1] = Number(f[2]);
  }
  const bestD = new Float64Array(k);
  const bestL = new Int32Array(k);
  let same = 0;
  for (let s = 0; s < m; s++) {
    bestD.fill(Infinity);
    const ax = xy[2 * s]!, ay = xy[2 * s + 1]!;
    for (let t = 0; t < m; t++) {
      if (t === s) continue;
      const dx = xy[2 * t]! - ax, dy = xy[2 * t + 1]! - ay;
      const d = dx * dx + dy * dy;
      if (d >= bestD[k - 1]!) continue;
      let p = k - 1;
      while (p > 0 && bestD[p - 1]! > d) { bestD[p] = bestD[p - 1]!; bestL[p] = bestL[p - 1]!; p--; }
      bestD[p] = d;
      bestL[p] = label[t]!;
    }
    for (let q = 0; q < k; q++) if (bestL[q] === label[s]) same++;
  }
  return { purity: same / (m * k), sample: m, k };
}
