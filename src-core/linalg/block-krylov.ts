/**
 * Leading eigenpairs of a symmetric positive semi-definite operator G (d × d, given only by its action
 * on blocks of vectors) by block Krylov iteration with full reorthogonalisation and Rayleigh–Ritz
 * (block Lanczos; Golub & Underwood 1977, and the randomized form of Musco & Musco 2015).
 *
 * The basis Q = [Q_0, Q_1, ...] spans {Ω, GΩ, G²Ω, ...} for a seeded Gaussian start Ω; each new block is
 * G Q_j orthogonalised against every earlier block twice (CGS2), so Q stays orthonormal to working
 * precision. We keep G Q as well, so the projected matrix T = Qᵀ G Q costs no extra products, and its
 * eigenpairs (θ, s) give Ritz pairs (θ, Q s) with residual ‖(G Q) s − θ Q s‖.
 *
 * Stopping: every `checkEvery` columns the Ritz pairs of T are computed and their residuals estimated from
 * (GQ)ᵀ(GQ) (kept alongside T); once every leading estimate is below `tolerance` · θ_1 the Ritz vectors
 * are formed and their true residuals checked, which ends the iteration; otherwise it goes on, up to `maxDim` columns (or d, where the
 * space is the whole of ℝ^d and the answer is exact). See docs/algorithm.md (PCA) for the convergence
 * figures that set the defaults.
 */
import { createRng } from './random.js';
import { eigenSymmetricTridiagonal } from './eigen-tridiagonal.js';
import type { SymEigen } from './eigen-sym.js';
import { blockDots, subtractCombinations } from './block-vectors.js';

/** G applied to `count` vectors of length d stored one after another in `v`; writes G v into `out` likewise. */
export type BlockOperator = (v: Float64Array, count: number, out: Float64Array) => void;

export interface TopEigenOptions {
  /** Columns per Krylov block. Default 16. */
  readonly block?: number;
  /** Largest basis size. Default min(d, 12k + 200). */
  readonly maxDim?: number;
  /** Converged when every leading residual ‖G u − θ u‖ ≤ tolerance · θ_1. Default 1e-6. */
  readonly tolerance?: number;
  /** Ritz pairs are checked every this many columns. Default 4 blocks. */
  readonly checkEvery?: number;
  readonly seed?: number;
  /** Fresh zeroed arrays the operator reads and writes (shared memory when G runs on threads). */
  readonly allocate?: (length: number) => Float64Array;
  /** The block vector products (default: block-vectors.ts on this thread); arrays come from `allocate`. */
  readonly vectorOps?: BlockVectorOps;
  /** Called after every block product with the basis size so far. */
  readonly onBlock?: (dim: number) => void;
}

export interface TopEigenResult {
  /** The k leading Ritz values, descending. */
  readonly values: Float64Array;
  /** The k Ritz vectors, vector c at [c*d, c*d + d). */
  readonly vectors: Float64Array;
  /** ‖G u_c − θ_c u_c‖ for each. */
  readonly residuals: Float64Array;
  /** Basis size used. */
  readonly dimension: number;
  readonly converged: boolean;
}

/** The two block products of the iteration, replaceable by versions split over threads. */
export interface BlockVectorOps {
  dots(a: Float64Array, aCount: number, b: Float64Array, bCount: number, d: number, out: Float64Array): void;
  subtract(w: Float64Array, wCount: number, q: Float64Array, qCount: number, coeff: Float64Array, d: number): void;
}

const serialVectorOps: BlockVectorOps = { dots: blockDots, subtract: subtractCombinations };

export const DEFAULT_KRYLOV_BLOCK = 16;
export const DEFAULT_KRYLOV_TOLERANCE = 1e-6;

export function topEigenpairs(apply: BlockOperator, d: number, k: number, options: TopEigenOptions = {}): TopEigenResult {
  if (!Number.isInteger(k) || k < 1 || k > d) throw new Error(`topEigenpairs: k must be in 1..${d}, got ${k}`);
  const block = Math.max(1, Math.min(options.block ?? DEFAULT_KRYLOV_BLOCK, d));
  const maxDim = Math.max(Math.min(options.maxDim ?? 12 * k + 200, d), Math.min(d, k + block));
  const tolerance = options.tolerance ?? DEFAULT_KRYLOV_TOLERANCE;
  const checkEvery = Math.max(block, options.checkEvery ?? 4 * block);
  const allocate = options.allocate ?? ((length: number) => new Float64Array(length));
  const rng = createRng(options.seed ?? 0);

  const q = allocate(maxDim * d); // basis vectors, one after another
  const gq = allocate(maxDim * d); // G times each
  const t = new Float64Array(maxDim * maxDim); // Qᵀ G Q, row-major with stride maxDim
  const gg = new Float64Array(maxDim * maxDim); // (G Q)ᵀ (G Q), for cheap residual estimates
  const w = allocate(block * d);
  const dots = allocate(maxDim * block);
  const ops = options.vectorOps ?? serialVectorOps;

  let m = 0; // basis size
  let width = Math.min(block, maxDim);
  for (let i = 0; i < width * d; i++) w[i] = rng.normal();
  let nextCheck = Math.max(k + block, checkEvery);
  let result: TopEigenResult;
  for (;;) {
    const added = appendOrthonormal(q, m, w, width, d, rng, ops, dots);
    const blockQ = q.subarray(m * d, (m + added) * d);
    apply(blockQ, added, gq.subarray(m * d, (m + added) * d));
    // New columns of T = QᵀGQ and of (GQ)ᵀ(GQ); both are symmetric up to rounding, so the block's
    // column is computed against every vector so far and mirrored.
    const newGq = gq.subarray(m * d, (m + added) * d);
    ops.dots(q, m + added, newGq, added, d, dots);
    mirrorInto(t, maxDim, dots, m, added);
    ops.dots(gq, m + added, newGq, added, d, dots);
    mirrorInto(gg, maxDim, dots, m, added);
    m += added;
    options.onBlock?.(m);
    const full = m >= maxDim;
    if (full || m >= nextCheck) {
      nextCheck = m + checkEvery;
      const eig = eigenSymmetricTridiagonal(projected(t, maxDim, m), m, k);
      const bound = tolerance * Math.max(eig.values[0]!, 1e-300);
      // ‖G Q s − θ Q s‖² = sᵀ (GQ)ᵀ(GQ) s − θ² for a unit Ritz vector s of T: no pass over the basis.
      // It resolves residuals down to ~1e-8·θ_1 (cancellation), so it only decides when to look closer.
      if (full || estimatedResidual(eig, gg, maxDim, m, k) <= bound) {
        result = ritz(eig, m, q, gq, d, k);
        const converged = Math.max(...result.residuals) <= bound || m >= d;
        if (full || converged) {
          result = { ...result, converged };
          break;
        }
      }
    }
    // The next block is G times the last one (width ≤ the last block's width, so no filling needed).
    width = Math.min(block, maxDim - m);
    w.set(gq.subarray((m - added) * d, (m - added + width) * d));
  }
  return result;
}

/** Writes the block of columns m..m+added (dots: (m + added) × added, row-major) and its mirror into t. */
function mirrorInto(t: Float64Array, stride: number, dots: Float64Array, m: number, added: number): void {
  for (let i = 0; i < m + added; i++) {
    for (let c = 0; c < added; c++) {
      const j = m + c;
      if (i > j) continue; // the lower part of the new diagonal block comes from its upper part
      const v = dots[i * added + c]!;
      t[i * stride + j] = v;
      t[j * stride + i] = v;
    }
  }
}

/** The leading m × m corner of t (stride `stride`), compacted. */
function projected(t: Float64Array, stride: number, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out.set(t.subarray(i * stride, i * stride + m), i * m);
  return out;
}

function estimatedResidual(eig: SymEigen, gg: Float64Array, stride: number, m: number, k: number): number {
  let worst = 0;
  for (let c = 0; c < k; c++) {
    const sv = eig.vectors.subarray(c * m, c * m + m);
    let quad = 0;
    for (let i = 0; i < m; i++) {
      const si = sv[i]!;
      if (si === 0) continue;
      let row = 0;
      for (let j = 0; j < m; j++) row += gg[i * stride + j]! * sv[j]!;
      quad += si * row;
    }
    const theta = eig.values[c]!;
    worst = Math.max(worst, Math.sqrt(Math.max(quad - theta * theta, 0)));
  }
  return worst;
}

function ritz(eig: SymEigen, m: number, q: Float64Array, gq: Float64Array, d: number, k: number): TopEigenResult {
  const values = eig.values.slice(0, k);
  const vectors = new Float64Array(k * d);
  const residuals = new Float64Array(k);
  const r = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const u = vectors.subarray(c * d, c * d + d);
    r.fill(0);
    for (let j = 0; j < m; j++) {
      const s = eig.vectors[c * m + j]!;
      if (s === 0) continue;
      const qj = j * d;
      for (let i = 0; i < d; i++) {
        u[i]! += s * q[qj + i]!;
        r[i]! += s * gq[qj + i]!;
      }
    }
    const theta = values[c]!;
    let rr = 0;
    for (let i = 0; i < d; i++) {
      const x = r[i]! - theta * u[i]!;
      rr += x * x;
    }
    residuals[c] = Math.sqrt(rr);
  }
  return { values, vectors, residuals, dimension: m, converged: false };
}

/**
 * Orthonormalises the `width` vectors in w against q's first m vectors (two rounds of block classical
 * Gram–Schmidt) and each other (two rounds of modified Gram–Schmidt), and appends them to q after
 * position m. A vector that (nearly) lies in the span already is replaced by a fresh Gaussian one, so
 * the basis always grows by `width` vectors. w is overwritten.
 */
function appendOrthonormal(
  q: Float64Array,
  m: number,
  w: Float64Array,
  width: number,
  d: number,
  rng: ReturnType<typeof createRng>,
  ops: BlockVectorOps,
  coeff: Float64Array,
): number {
  const before = new Float64Array(width);
  for (let c = 0; c < width; c++) before[c] = Math.sqrt(dot(w, c * d, w, c * d, d));
  if (m > 0) {
    for (let round = 0; round < 2; round++) {
      ops.dots(q, m, w, width, d, coeff);
      ops.subtract(w, width, q, m, coeff, d);
    }
  }
  for (let c = 0; c < width; c++) {
    const v = w.subarray(c * d, c * d + d);
    for (let round = 0; round < 2; round++) {
      for (let j = m; j < m + c; j++) {
        const f = dot(q, j * d, v, 0, d);
        for (let i = 0; i < d; i++) v[i]! -= f * q[j * d + i]!;
      }
    }
    let norm = Math.sqrt(dot(v, 0, v, 0, d));
    // Keep it when a meaningful part survived; else the Krylov space is (numerically) invariant here.
    let tries = 0;
    while (!(norm > 1e-8 * before[c]! && norm > 0)) {
      if (++tries > 5) throw new Error('topEigenpairs: could not extend the Krylov basis');
      for (let i = 0; i < d; i++) v[i] = rng.normal();
      const fresh = Math.sqrt(dot(v, 0, v, 0, d));
      for (let round = 0; round < 2; round++) {
        for (let j = 0; j < m + c; j++) {
          const f = dot(q, j * d, v, 0, d);
          for (let i = 0; i < d; i++) v[i]! -= f * q[j * d + i]!;
        }
      }
      norm = Math.sqrt(dot(v, 0, v, 0, d));
      before[c] = fresh;
    }
    const inv = 1 / norm;
    const dst = (m + c) * d;
    for (let i = 0; i < d; i++) q[dst + i] = v[i]! * inv;
  }
  return width;
}

/** a[ao..ao+n) · b[bo..bo+n), with four running sums (independent add chains; a fixed order). */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
    s2 += a[ao + i + 2]! * b[bo + i + 2]!;
    s3 += a[ao + i + 3]! * b[bo + i + 3]!;
  }
  for (; i < n; i++) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1 + (s2 + s3);
}
