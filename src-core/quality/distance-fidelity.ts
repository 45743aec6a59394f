/**
 * How faithfully an embedding keeps known distances: Spearman and Pearson correlation between the
 * embedding's pairwise distances and the true ones, over all pairs or a seeded random sample of pairs.
 */
import { createRng } from '../linalg/random.js';
import { pearson, spearman } from './correlation.js';

export interface Fidelity {
  readonly spearman: number;
  readonly pearson: number;
  readonly pairs: number;
}

export type PairDistance = (i: number, j: number) => number;

export function euclideanPairDistance(coords: ArrayLike<number>, dim: number): PairDistance {
  return (i, j) => {
    let s = 0;
    for (let a = 0; a < dim; a++) {
      const d = coords[i * dim + a]! - coords[j * dim + a]!;
      s += d * d;
    }
    return Math.sqrt(s);
  };
}

/** All pairs when n(n-1)/2 ≤ maxPairs, otherwise `maxPairs` random pairs (seeded). */
export function distanceFidelity(n: number, embedded: PairDistance, truth: PairDistance, maxPairs = 2_000_000, seed = 1): Fidelity {
  const all = (n * (n - 1)) / 2;
  const count = Math.min(all, maxPairs);
  const e = new Float64Array(count);
  const t = new Float64Array(count);
  if (all <= maxPairs) {
    let p = 0;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        e[p] = embedded(i, j);
        t[p++] = truth(i, j);
      }
  } else {
    const rng = createRng(seed);
    for (let p = 0; p < count; p++) {
      const i = rng.int(n);
      let j = rng.int(n - 1);
      if (j >= i) j++;
      e[p] = embedded(i, j);
      t[p] = truth(i, j);
    }
  }
  return { spearman: spearman(e, t), pearson: pearson(e, t), pairs: count };
}
