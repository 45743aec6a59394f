/**
 * Parameters of an embedding, their documented defaults and the three presets.
 *   geodesic (default) — combinatorial Laplacian, knn 10, σ = 1, automatic t: Varadhan distances with the
 *                        Harnack volume correction; the setting that best preserves geodesics (paper §5).
 *   phate              — random-walk (normalised) Laplacian, PHATE's potential distance between log heat rows.
 *   sne                — heat-geodesic distances, but stress weighted by the heat kernel: local pairs dominate.
 * See docs/algorithm.md for the equations.
 */
import type { LaplacianKind } from '../graph/laplacian.js';
import type { BackendRequest } from '../compute/backend.js';

export type Preset = 'geodesic' | 'phate' | 'sne';
export const PRESETS: readonly Preset[] = ['geodesic', 'phate', 'sne'];
export type Dissimilarity = 'heat-geodesic' | 'potential';
export type HeatMethod = 'squaring' | 'chebyshev';

export interface EmbedParams {
  readonly preset: Preset;
  /** Neighbours for the bandwidth of the alpha-decay kernel (default 10). */
  readonly knn: number;
  /** Alpha-decay exponent (default 40). */
  readonly decay: number;
  readonly laplacian: LaplacianKind;
  /** Landmarks: 'auto' = min(n, 1000); a number; or 'off' (every cell is a landmark). */
  readonly landmarks: 'auto' | 'off' | number;
  /** Diffusion time, or 'auto' (knee of the entropy curve). */
  readonly t: 'auto' | number;
  /** Harnack / volume regularisation weight σ (default 1). */
  readonly sigma: number;
  readonly dissimilarity: Dissimilarity;
  /** Heat kernel by non-negative uniformisation + squaring (default) or by Chebyshev expansion. */
  readonly heatMethod: HeatMethod;
  /** Chebyshev order when heatMethod = 'chebyshev': 'auto' bounds the error by 1e-10. */
  readonly order: 'auto' | number;
  /** Stress weighting: 'none' (metric MDS, SMACOF) or 'heat' (SNE-like, SGD on weighted stress). */
  readonly stressWeights: 'none' | 'heat';
  readonly mdsIterations: number;
  readonly seed: number;
  readonly backend: BackendRequest;
}

export const DEFAULTS: EmbedParams = {
  preset: 'geodesic',
  knn: 10,
  decay: 40,
  laplacian: 'combinatorial',
  landmarks: 'auto',
  t: 'auto',
  sigma: 1,
  dissimilarity: 'heat-geodesic',
  heatMethod: 'squaring',
  order: 'auto',
  stressWeights: 'none',
  mdsIterations: 30,
  seed: 0,
  backend: 'auto',
};

export const PRESET_VALUES: Record<Preset, Partial<EmbedParams>> = {
  geodesic: { laplacian: 'combinatorial', sigma: 1, dissimilarity: 'heat-geodesic', stressWeights: 'none' },
  phate: { laplacian: 'normalized', sigma: 0, dissimilarity: 'potential', stressWeights: 'none' },
  sne: { laplacian: 'combinatorial', sigma: 1, dissimilarity: 'heat-geodesic', stressWeights: 'heat' },
};

/** Defaults, then the preset's values, then the caller's explicit overrides. */
export function resolveParams(overrides: Partial<EmbedParams> = {}): EmbedParams {
  const preset = overrides.preset ?? DEFAULTS.preset;
  return { ...DEFAULTS, ...PRESET_VALUES[preset], ...stripUndefined(overrides), preset };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const DEFAULT_LANDMARKS = 1000;

export function landmarkCount(n: number, landmarks: EmbedParams['landmarks']): number {
  if (landmarks === 'off') return n;
  if (landmarks === 'auto') return Math.min(n, DEFAULT_LANDMARKS);
  return Math.max(2, Math.min(n, Math.floor(landmarks)));
}
