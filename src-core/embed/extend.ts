/**
 * Out-of-sample extension: every cell is placed at the affinity-weighted mean of the landmarks its
 * graph neighbourhood belongs to, x_i = Σ_a π_ia y_a with π_ia ∝ [a = L(i)] + Σ_{j ∈ N(i)} W_ij [a = L(j)].
 * Cells inside one Voronoi cell but near its border lean towards the neighbouring landmark, so the
 * map is smooth instead of clumped at the landmarks. Cost O(nnz(W)·dims).
 */
import type { Csr64 } from '../linalg/csr.js';
import type { Landmarks } from '../graph/landmarks.js';

export function extendToCells(w: Csr64, landmarks: Landmarks, landmarkCoords: Float64Array, dims = 2): Float32Array {
  const n = w.n;
  const out = new Float32Array(n * dims);
  const acc = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    // Self weight: the largest neighbour weight, so a cell leans on its own landmark at least as much.
    let selfW = 0;
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) if (w.indices[p] !== i) selfW = Math.max(selfW, w.values[p]!);
    if (selfW === 0) selfW = 1;
    let total = selfW;
    const own = landmarks.assignment[i]!;
    for (let a = 0; a < dims; a++) acc[a] = selfW * landmarkCoords[own * dims + a]!;
    for (let p = w.indptr[i]!; p < w.indptr[i + 1]!; p++) {
      const j = w.indices[p]!;
      if (j === i) continue;
      const wij = w.values[p]!;
      const b = landmarks.assignment[j]!;
      for (let a = 0; a < dims; a++) acc[a]! += wij * landmarkCoords[b * dims + a]!;
      total += wij;
    }
    for (let a = 0; a < dims; a++) out[i * dims + a] = acc[a]! / total;
  }
  return out;
}
