/**
 * Classical (Torgerson) MDS: the top eigenvectors of B = −½ J D² J, scaled by √λ. Used as the
 * deterministic initialisation of stress minimisation. Eigenvectors by block power (subspace)
 * iteration with Rayleigh–Ritz: float32 products on the tensor engine, then float64 polishing.
 */
import { residentMatrix } from '../compute/backend.js';
import { eigenSymmetric } from '../linalg/eigen-sym.js';
import { createRng } from '../linalg/random.js';

export function doubleCentredSquares(dist: Float64Array, m: number): Float64Array {
  const b = new Float64Array(m * m);
  const rowMean = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const d2 = dist[i * m + j]! * dist[i * m + j]!;
      b[i * m + j] = d2;
      s += d2;
    }
    rowMean[i] = s / m;
    total += s;
  }
  total /= m * m;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) b[i * m + j] = -0.5 * (b[i * m + j]! - rowMean[i]! - rowMean[j]! + total);
  return b;
}

/** Top-`dims` eigenpairs of a dense symmetric matrix by subspace iteration. Vectors row-major m × dims. */
export async function topEigen(a: Float64Array, m: number, dims: number, seed = 0, iterations = 300): Promise<{ values: Float64Array; vectors: Float64Array }> {
  const block = Math.min(m, dims + 8);
  const rng = createRng(seed);
  let v = new Float64Array(m * block);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  // No shift: the block converges to the eigenvalues largest in magnitude, and the Ritz values are then
  // sorted algebraically. B of a near-Euclidean dissimilarity has its positive part dominant, so the top
  // `dims` algebraic eigenvalues are among the `block` largest in magnitude.
  const shift = 0;
  // The O(m²) products run on the tensor engine (float32 is ample for an initialisation).
  const a32 = Float32Array.from(a);
  for (let i = 0; i < m; i++) a32[i * m + i]! += shift;
  const resident = await residentMatrix(a32, m, m);
  let y: Float64Array = new Float64Array(m * block);
  let prev = new Float64Array(block);
  let polishing = false;
  let polished = 0;
  let values = new Float64Array(dims);
  let vectors = new Float64Array(m * dims);
  for (let it = 0; it < iterations; it++) {
    orthonormalise(v, m, block);
    y = polishing ? multiply64(a, shift, v, m, block) : Float64Array.from(await resident.multiply(Float32Array.from(v), block));
    // Rayleigh–Ritz: small matrix VᵀY.
    const small = new Float64Array(block * block);
    for (let p = 0; p < block; p++)
      for (let q = 0; q < block; q++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += v[i * block + p]! * y[i * block + q]!;
        small[p * block + q] = s;
      }
    for (let p = 0; p < block; p++) for (let q = 0; q < p; q++) small[p * block + q] = small[q * block + p] = 0.5 * (small[p * block + q]! + small[q * block + p]!);
    const eig = eigenSymmetric(small, block);
    const rotated = new Float64Array(m * block);
    for (let i = 0; i < m; i++)
      for (let k = 0; k < block; k++) {
        let s = 0;
        for (let p = 0; p < block; p++) s += y[i * block + p]! * eig.vectors[k * block + p]!;
        rotated[i * block + k] = s;
      }
    values = Float64Array.from(eig.values.subarray(0, dims), (x) => x - shift);
    let converged = true;
    for (let k = 0; k < dims; k++) if (Math.abs(eig.values[k]! - prev[k]!) > 1e-7 * Math.abs(eig.values[k]!)) converged = false;
    prev = Float64Array.from(eig.values);
    v = rotated;
    // Converge on the fast float32 engine, then polish with a few exact float64 products.
    if (polishing && ++polished >= 3) break;
    if (converged && it > 3) polishing = true;
  }
  resident.dispose();
  orthonormalise(v, m, block);
  vectors = new Float64Array(m * dims);
  for (let i = 0; i < m; i++) for (let k = 0; k < dims; k++) vectors[i * dims + k] = v[i * block + k]!;
  return { values, vectors };
}

/** (A + shift·I)·V in float64, V row-major m × block. */
function multiply64(a: Float64Array, shift: number, v: Float64Array, m: number, block: number): Float64Array {
  const y = new Float64Array(m * block);
  for (let i = 0; i < m; i++) {
    const yi = i * block;
    for (let j = 0; j < m; j++) {
      const aij = a[i * m + j]! + (i === j ? shift : 0);
      const vj = j * block;
      for (let c = 0; c < block; c++) y[yi + c]! += aij * v[vj + c]!;
    }
  }
  return y;
}

function orthonormalise(v: Float64Array, m: number, block: number): void {
  for (let c = 0; c < block; c++) {
    for (let pass = 0; pass < 2; pass++)
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += v[i * block + c]! * v[i * block + p]!;
        for (let i = 0; i < m; i++) v[i * block + c]! -= dot * v[i * block + p]!;
      }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i * block + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) v[i * block + c]! /= norm;
  }
}

/** Classical MDS coordinates, row-major m × dims. Signs fixed so each axis's largest |entry| is positive. */
export async function classicalMds(dist: Float64Array, m: number, dims = 2, seed = 0): Promise<Float64Array> {
  const b = doubleCentredSquares(dist, m);
  const { values, vectors } = await topEigen(b, m, dims, seed);
  const out = new Float64Array(m * dims);
  for (let k = 0; k < dims; k++) {
    const s = Math.sqrt(Math.max(0, values[k]!));
    let big = 0;
    for (let i = 0; i < m; i++) if (Math.abs(vectors[i * dims + k]!) > Math.abs(big)) big = vectors[i * dims + k]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) out[i * dims + k] = sign * s * vectors[i * dims + k]!;
  }
  return out;
}
