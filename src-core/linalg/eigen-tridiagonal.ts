/**
 * All eigenvalues (and optionally eigenvectors) of a dense symmetric matrix by Householder reduction to
 * tridiagonal form followed by implicit symmetric QR steps with Wilkinson shifts (Golub & Van Loan,
 * Matrix Computations, §8.3). O(n³) with a small constant — about (4/3)n³ for the reduction and, with
 * vectors, ~6n³ for accumulating the rotations — so unlike cyclic Jacobi (eigen-sym.ts) it stays quick at
 * n of several hundred, the size of the Rayleigh–Ritz problems of block Krylov PCA (docs/algorithm.md).
 */
import type { SymEigen } from './eigen-sym.js';

/**
 * Eigen-decomposition of the symmetric n × n row-major `matrix` (only read, never modified).
 * Eigenvalues come in descending order; eigenvectors are returned for the `vectorCount` largest
 * (default all): vector c is vectors[c*n .. c*n+n). The rotations of the QR iteration are recorded and
 * replayed onto those vectors only, so a few leading vectors cost O(n²) each rather than O(n³) in all.
 */
export function eigenSymmetricTridiagonal(matrix: Float64Array, n: number, vectorCount = n): SymEigen {
  if (matrix.length !== n * n) throw new Error(`eigenSymmetricTridiagonal: expected ${n * n} entries, got ${matrix.length}`);
  const count = Math.max(0, Math.min(n, Math.floor(vectorCount)));
  const a = Float64Array.from(matrix);
  const diag = new Float64Array(n);
  const off = new Float64Array(Math.max(n - 1, 0));
  // Reflector k (for k < n - 2) acts on coordinates k+1..n-1; stored in row k of `refl`, scale in beta[k].
  const refl = new Float64Array(n * n);
  const beta = new Float64Array(n);
  const pv = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const x0 = a[(k + 1) * n + k]!;
    let tail2 = 0;
    for (let i = k + 2; i < n; i++) tail2 += a[i * n + k]! * a[i * n + k]!;
    if (tail2 === 0) {
      // Already tridiagonal in this column: no reflector.
      diag[k] = a[k * n + k]!;
      off[k] = x0;
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + tail2);
    const alpha = x0 >= 0 ? -norm : norm; // opposite sign of x0: v0 = x0 - alpha never cancels
    const v = refl.subarray(k * n, k * n + n);
    v[k + 1] = x0 - alpha;
    for (let i = k + 2; i < n; i++) v[i] = a[i * n + k]!;
    const b = 2 / (tail2 + v[k + 1]! * v[k + 1]!);
    beta[k] = b;
    diag[k] = a[k * n + k]!;
    off[k] = alpha;
    // p = b A22 v;  w = p - (b pᵀv / 2) v;  A22 -= v wᵀ + w vᵀ  (A22 = rows/cols k+1..n-1)
    let pTv = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = k + 1; j < n; j++) s += a[row + j]! * v[j]!;
      pv[i] = b * s;
      pTv += pv[i]! * v[i]!;
    }
    const half = (b * pTv) / 2;
    for (let i = k + 1; i < n; i++) pv[i] = pv[i]! - half * v[i]!;
    for (let i = k + 1; i < n; i++) {
      const vi = v[i]!;
      const wi = pv[i]!;
      const row = i * n;
      for (let j = k + 1; j < n; j++) a[row + j]! -= vi * pv[j]! + wi * v[j]!;
    }
  }
  if (n >= 2) {
    diag[n - 2] = a[(n - 2) * n + n - 2]!;
    off[n - 2] = a[(n - 1) * n + n - 2]!;
  }
  if (n >= 1) diag[n - 1] = a[(n - 1) * n + n - 1]!;

  const rotations = count > 0 ? new RotationLog() : null;
  tridiagonalQr(diag, off, n, rotations);

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => diag[y]! - diag[x]! || x - y);
  const values = Float64Array.from(order, (i) => diag[i]!);
  const vectors = new Float64Array(count * n);
  for (let c = 0; c < count; c++) {
    const x = vectors.subarray(c * n, c * n + n);
    // T's eigenvector for diag[order[c]] is Z e_j with Z = J_1ᵀ J_2ᵀ ... J_Nᵀ: replay the rotations backwards.
    x[order[c]!] = 1;
    rotations!.applyTransposedInReverse(x);
    // Back to the original basis: x = H_0 H_1 ... H_{n-3} y.
    for (let k = n - 3; k >= 0; k--) {
      const b = beta[k]!;
      if (b === 0) continue;
      const v = refl.subarray(k * n, k * n + n);
      let dot = 0;
      for (let i = k + 1; i < n; i++) dot += v[i]! * x[i]!;
      const f = b * dot;
      if (f !== 0) for (let i = k + 1; i < n; i++) x[i]! -= f * v[i]!;
    }
  }
  return { values, vectors };
}

/** The plane rotations of the QR iteration, in the order they were applied (coordinate k, cosine, sine). */
class RotationLog {
  private k = new Int32Array(1024);
  private cs = new Float64Array(2048);
  private size = 0;

  push(k: number, c: number, s: number): void {
    if (this.size === this.k.length) {
      const k2 = new Int32Array(this.k.length * 2);
      k2.set(this.k);
      this.k = k2;
      const cs2 = new Float64Array(this.cs.length * 2);
      cs2.set(this.cs);
      this.cs = cs2;
    }
    this.k[this.size] = k;
    this.cs[2 * this.size] = c;
    this.cs[2 * this.size + 1] = s;
    this.size++;
  }

  /** x ← J_1ᵀ J_2ᵀ ... J_Nᵀ x, where J = [c s; -s c] on coordinates (k, k+1). */
  applyTransposedInReverse(x: Float64Array): void {
    const { k, cs } = this;
    for (let r = this.size - 1; r >= 0; r--) {
      const p = k[r]!;
      const c = cs[2 * r]!;
      const s = cs[2 * r + 1]!;
      const xp = x[p]!;
      const xq = x[p + 1]!;
      if (xp === 0 && xq === 0) continue;
      x[p] = c * xp - s * xq;
      x[p + 1] = s * xp + c * xq;
    }
  }
}

/**
 * Implicit symmetric QR with Wilkinson shifts on the tridiagonal (d, e), e[i] coupling i and i+1.
 * On return d holds the eigenvalues (unsorted). Every rotation J applied as T ← J T Jᵀ is logged.
 */
function tridiagonalQr(d: Float64Array, e: Float64Array, n: number, log: RotationLog | null): void {
  const eps = 2 ** -52;
  const negligible = (i: number): boolean => Math.abs(e[i]!) <= eps * (Math.abs(d[i]!) + Math.abs(d[i + 1]!));
  let steps = 0;
  const maxSteps = 50 * Math.max(n, 1);
  let hi = n - 1;
  while (hi > 0) {
    if (negligible(hi - 1)) {
      e[hi - 1] = 0;
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && !negligible(lo - 1)) lo--;
    if (lo > 0) e[lo - 1] = 0;
    if (++steps > maxSteps) throw new Error('eigenSymmetricTridiagonal: QR iteration did not converge');
    // Wilkinson shift: the eigenvalue of the trailing 2 × 2 block closer to its last diagonal entry.
    const delta = (d[hi - 1]! - d[hi]!) / 2;
    const bb = e[hi - 1]!;
    const denom = delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, bb);
    const mu = d[hi]! - (denom === 0 ? 0 : (bb * bb) / denom);
    let x = d[lo]! - mu;
    let y = e[lo]!;
    for (let k = lo; k < hi; k++) {
      // Rotation J = [c s; -s c] on coordinates (k, k+1) zeroes y against x; T ← J T Jᵀ.
      const r = Math.hypot(x, y);
      const c = r === 0 ? 1 : x / r;
      const s = r === 0 ? 0 : y / r;
      if (k > lo) e[k - 1] = r;
      const ak = d[k]!;
      const ak1 = d[k + 1]!;
      const bk = e[k]!;
      d[k] = c * c * ak + 2 * c * s * bk + s * s * ak1;
      d[k + 1] = s * s * ak - 2 * c * s * bk + c * c * ak1;
      e[k] = c * s * (ak1 - ak) + (c * c - s * s) * bk;
      if (k + 1 < hi) {
        const next = e[k + 1]!;
        y = s * next; // the bulge at (k, k+2), chased down by the next rotation
        e[k + 1] = c * next;
        x = e[k]!;
      }
      log?.push(k, c, s);
    }
  }
}
