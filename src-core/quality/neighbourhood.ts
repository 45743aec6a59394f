/**
 * Neighbourhood-level quality of a 2-D map: k-NN classification accuracy of a label (k-fold) and
 * trustworthiness (Venna & Kaski): how many of a point's map neighbours are true neighbours.
 */
import { knnKdTree as knnExact } from '../graph/kdtree.js';
import { createRng } from '../linalg/random.js';

/** Accuracy of a k-NN majority vote predicting `labels` from the embedding, with `folds`-fold CV. */
export function knnAccuracy(emb: Float32Array, dim: number, labels: Int32Array, k = 10, folds = 5, seed = 0): number {
  const n = labels.length;
  // Folds from a seeded shuffle, so that no ordering of the rows can line up with the labels.
  const foldOf = new Int32Array(n);
  const rng = createRng(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  for (let r = 0; r < n; r++) foldOf[perm[r]!] = r % folds;
  // Neighbours among all points; for a held-out fold, keep only neighbours outside the fold.
  const kk = Math.min(n - 1, Math.ceil((k * folds) / (folds - 1)) + 10);
  const nn = knnExact(emb, n, dim, kk);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const fold = foldOf[i]!;
    const votes = new Map<number, number>();
    let used = 0;
    for (let p = 0; p < kk && used < k; p++) {
      const j = nn.indices[i * kk + p]!;
      if (foldOf[j] === fold) continue;
      votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
      used++;
    }
    let best = -1;
    let bestCount = -1;
    for (const [lab, c] of votes) if (c > bestCount || (c === bestCount && lab < best)) [best, bestCount] = [lab, c];
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/** Trustworthiness T(k) ∈ [0, 1] of an embedding of `high` (n × dimHigh) as `low` (n × dimLow). */
export function trustworthiness(high: Float32Array, dimHigh: number, low: Float32Array, dimLow: number, k = 10): number {
  const n = high.length / dimHigh;
  const lowNn = knnExact(low, n, dimLow, k);
  let penalty = 0;
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  const rankOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < dimHigh; a++) {
        const d = high[i * dimHigh + a]! - high[j * dimHigh + a]!;
        s += d * d;
      }
      dist[j] = j === i ? -1 : s;
      order[j] = j;
    }
    order.sort((a, b) => dist[a]! - dist[b]!);
    for (let r = 0; r < n; r++) rankOf[order[r]!] = r; // rank 0 is i itself
    for (let p = 0; p < k; p++) {
      const r = rankOf[lowNn.indices[i * k + p]!]!;
      if (r > k) penalty += r - k;
    }
  }
  return trustFromPenalty(penalty, n, k);
}

/** T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ over map neighbours outside the true k of (true rank − k). */
export function trustFromPenalty(penalty: number, n: number, k: number): number {
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}
