/**
 * The heat stage of one graph component: its operator (the landmark graph's Laplacian with the mass
 * correction), the automatic t, and the kernel at the chosen t by cached dyadic powers (squaring) or by a
 * Chebyshev expansion. See docs/algorithm.md §3–4.
 */
import { limitEntropy, kneeOfEntropy, scanFinished, spectralTimeBound, type EntropyPoint } from '../heat/auto-time.js';
import { chebyshevHeatBlock, chebyshevPlan } from '../heat/chebyshev.js';
import { HeatPowers } from '../heat/powers.js';
import { smallestEigenvalues } from '../heat/spectrum.js';
import { meanRowEntropy } from '../heat/squaring.js';
import type { Landmarks } from '../graph/landmarks.js';
import { laplacian } from '../graph/laplacian.js';
import type { Csr64 } from '../linalg/csr.js';
import type { EmbedParams } from './params.js';

export interface HeatInfo {
  readonly method: 'squaring' | 'chebyshev';
  readonly t: number;
  readonly tAuto: boolean;
  readonly entropyCurve: readonly EntropyPoint[];
  /** Entropy of the kernel's limit (its stationary row distribution): where the curve saturates. */
  readonly limitEntropy: number;
  /** Smallest non-trivial eigenvalues λ₂, λ₃ of the operator (0 when the component has < 3 landmarks). */
  readonly lambda2: number;
  readonly lambda3: number;
  /** Upper bound of the scan: the kernel is within 0.1 % of its limit beyond it. */
  readonly tMax: number;
  /**
   * From about this t on, one eigenvector dominates every dissimilarity and the map tends to a line
   * (e^{−(λ₃−λ₂)t} < 1/20); Infinity when λ₃ = λ₂.
   */
  readonly collapseT: number;
  /** Squaring: number of squarings and series terms. Chebyshev: the order. */
  readonly squarings?: number;
  readonly seriesTerms?: number;
  readonly chebyshevOrder?: number;
  /** Bound on the absolute (Chebyshev) or relative (series) truncation error. */
  readonly errorBound: number;
  readonly lambdaMaxBound: number;
}

export interface HeatOut {
  readonly kernel: Float32Array | Float64Array;
  readonly info: HeatInfo;
  /** Kernel values at or below it are not resolved (clamped before the log). */
  readonly floor: number;
}

/** The operator the heat kernel is built from, with the mass normalisation of coarse landmarks. */
export interface HeatOperator {
  readonly matrix: Csr64;
  /** k = S·H̃·S with S = M^{-1/2} (all ones without landmarks or for the normalised Laplacian). */
  readonly scale: Float64Array;
  /** Null vector u of the operator: its kernel tends to S·u·uᵀ·S/‖u‖². */
  readonly nullVector: Float64Array;
  readonly lambdaMaxBound: number;
}

/** The operator and its dyadic kernels, kept between runs so that a new t costs a few products. */
export interface HeatState {
  readonly op: HeatOperator;
  readonly powers: HeatPowers;
  readonly lambda2: number;
  readonly lambda3: number;
}

const COLLAPSE_FACTOR = Math.log(20);
const MAX_SQUARINGS = 40;

export function heatState(lm: Landmarks, kind: EmbedParams['laplacian']): HeatState {
  const op = heatOperator(lm, kind);
  const lambdas = lm.m >= 3 ? smallestEigenvalues(op.matrix, op.nullVector, 2, op.lambdaMaxBound) : new Float64Array(0);
  return { op, powers: new HeatPowers(op.matrix, 1 / (4 * op.lambdaMaxBound)), lambda2: lambdas[0] ?? 0, lambda3: lambdas[1] ?? lambdas[0] ?? 0 };
}

export async function heatKernel(state: HeatState, m: number, p: EmbedParams, check: () => void, onScan?: (t: number, fraction: number) => void): Promise<HeatOut> {
  const { op, powers } = state;
  const limitRow = new Float64Array(m);
  for (let j = 0; j < m; j++) limitRow[j] = op.scale[j]! * op.nullVector[j]!;
  const hInf = m > 1 ? limitEntropy(limitRow) : 0;
  const tMax = spectralTimeBound(state.lambda2);
  const gap = state.lambda3 - state.lambda2;
  const collapseT = gap > 1e-12 * Math.max(1, state.lambda3) ? COLLAPSE_FACTOR / gap : Infinity;
  const curve: EntropyPoint[] = [];
  const unitMass = op.scale.every((v) => v === 1);
  const scaled = (k: Float32Array): Float32Array => {
    if (unitMass) return k;
    const out = new Float32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = k[i * m + j]! * op.scale[i]! * op.scale[j]!;
    return out;
  };
  let t: number;
  let chosen: Float32Array | null = null;
  let squarings = 0;
  if (p.t === 'auto') {
    // Scan t = δ·2^s until the entropy reaches its limit's (or t passes the spectral bound); keep the
    // kernels, pick the knee. Entropy is scale-invariant: read off the scaled kernels directly.
    for (let s = 0; s <= MAX_SQUARINGS; s++) {
      const g = await powers.scaledPower(s, check);
      const tS = powers.delta0 * 2 ** s;
      curve.push({ t: tS, entropy: meanRowEntropy(g, m, 256, unitMass ? undefined : op.scale) });
      onScan?.(tS, hInf > 0 ? Math.min(0.95, curve[curve.length - 1]!.entropy / hInf) : 0.95);
      if (scanFinished(curve, hInf, tMax)) break;
    }
    const knee = kneeOfEntropy(curve, hInf);
    t = knee.t;
    chosen = scaled(await powers.power(knee.index, check));
    squarings = knee.index;
  } else {
    t = p.t;
    if (p.heatMethod === 'squaring') {
      const at = await powers.at(t, check);
      chosen = scaled(at.kernel);
      squarings = Math.max(0, Math.floor(Math.log2(Math.max(1, t / powers.delta0))));
      curve.push({ t, entropy: meanRowEntropy(chosen, m) });
    }
  }
  const base = { t, tAuto: p.t === 'auto', entropyCurve: curve, limitEntropy: hInf, lambda2: state.lambda2, lambda3: state.lambda3, tMax, collapseT, lambdaMaxBound: op.lambdaMaxBound };
  if (p.heatMethod === 'chebyshev') {
    const cheb = chebyshevPlan(t, op.lambdaMaxBound, p.order);
    const eye = new Float64Array(m * m);
    for (let i = 0; i < m; i++) eye[i * m + i] = 1;
    const h = chebyshevHeatBlock(op.matrix, cheb, eye, m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) h[i * m + j] = h[i * m + j]! * op.scale[i]! * op.scale[j]!;
    let maxScale = 0;
    for (let i = 0; i < m; i++) maxScale = Math.max(maxScale, op.scale[i]!);
    return {
      kernel: h,
      // Entries below the truncation bound are not resolved: floor them there, not at 1e-16.
      floor: Math.max(cheb.errorBound * maxScale * maxScale, 1e-300),
      info: { ...base, method: 'chebyshev', chebyshevOrder: cheb.order, errorBound: cheb.errorBound },
    };
  }
  return {
    kernel: chosen!,
    floor: 1e-44,
    info: { ...base, method: 'squaring', squarings, seriesTerms: powers.seriesTerms, errorBound: powers.seriesTail },
  };
}

/**
 * Laplacian of the landmark graph. For the combinatorial Laplacian of a coarse graph each landmark
 * stands for M_a cells, so heat flows by M^{-1} L_c: we use the symmetric form L̃ = M^{-1/2} L_c M^{-1/2}
 * and map back with k = M^{-1/2} exp(−tL̃) M^{-1/2} (masses relative to their mean). Null vectors:
 * L̃·M^{1/2}1 = 0 (combinatorial), (I − D^{-1/2}WD^{-1/2})·D^{1/2}1 = 0 (normalised).
 */
export function heatOperator(lm: Landmarks, kind: EmbedParams['laplacian']): HeatOperator {
  const lap = laplacian(lm.weights, kind);
  const m = lm.m;
  const scale = new Float64Array(m).fill(1);
  const nullVector = new Float64Array(m);
  if (kind === 'combinatorial') {
    let mean = 0;
    for (let a = 0; a < m; a++) mean += lm.mass[a]!;
    mean /= m;
    for (let a = 0; a < m; a++) {
      scale[a] = 1 / Math.sqrt(lm.mass[a]! / mean);
      nullVector[a] = 1 / scale[a]!;
    }
  } else {
    for (let a = 0; a < m; a++) nullVector[a] = Math.sqrt(Math.max(0, lap.degrees[a]!));
  }
  const mat = lap.matrix;
  const values = new Float64Array(mat.values.length);
  let bound = 0;
  for (let i = 0; i < m; i++) {
    let row = 0;
    for (let q = mat.indptr[i]!; q < mat.indptr[i + 1]!; q++) {
      values[q] = mat.values[q]! * scale[i]! * scale[mat.indices[q]!]!;
      row += Math.abs(values[q]!);
    }
    bound = Math.max(bound, row);
  }
  return { matrix: { ...mat, values }, scale, nullVector, lambdaMaxBound: Math.max(kind === 'normalized' ? Math.min(2, bound) : bound, 1e-12) };
}
