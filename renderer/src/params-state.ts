/** The parameter panel's values and their translation to pipeline parameters. */
import { DEFAULTS, PRESET_VALUES, type EmbedParams, type HeatMethod, type Preset } from '../../src-core/pipeline/params.js';
import type { OpenOptions } from '../../src-core/api.js';

export interface UiParams {
  preset: Preset;
  knn: number;
  decay: number;
  tAuto: boolean;
  /** log2 of t (the slider is logarithmic). */
  logT: number;
  sigma: number;
  landmarksAuto: boolean;
  landmarks: number;
  /** Heat kernel by squaring (default) or Chebyshev expansion; the order applies to Chebyshev only. */
  heatMethod: HeatMethod;
  orderAuto: boolean;
  order: number;
  /** Preprocessing: PCA components ('auto' = 50 when > 100 features); a change re-preprocesses the data set. */
  pcaAuto: boolean;
  pca: number;
}

export const PRESET_LABELS: Record<Preset, string> = { geodesic: 'Geodesic', phate: 'PHATE-like', sne: 'SNE-like' };

export function initialParams(): UiParams {
  return { preset: 'geodesic', knn: DEFAULTS.knn, decay: DEFAULTS.decay, tAuto: true, logT: 3, sigma: DEFAULTS.sigma, landmarksAuto: true, landmarks: 500, heatMethod: DEFAULTS.heatMethod, orderAuto: true, order: 60, pcaAuto: true, pca: 50 };
}

/** The σ a preset starts from (PHATE-like uses none). */
export function presetSigma(p: Preset): number {
  return PRESET_VALUES[p].sigma ?? DEFAULTS.sigma;
}

export function tValue(logT: number): number {
  return Number((2 ** logT).toPrecision(4));
}

export function toEmbedParams(u: UiParams): Partial<EmbedParams> {
  return {
    preset: u.preset,
    knn: u.knn,
    decay: u.decay,
    t: u.tAuto ? 'auto' : tValue(u.logT),
    sigma: u.sigma,
    landmarks: u.landmarksAuto ? 'auto' : u.landmarks,
    heatMethod: u.heatMethod,
    ...(u.heatMethod === 'chebyshev' ? { order: u.orderAuto ? 'auto' : u.order } : {}),
  };
}

/** The preprocessing options of the panel (open / reprocess). */
export function toOpenOptions(u: UiParams): OpenOptions {
  return { pca: u.pcaAuto ? 'auto' : u.pca };
}
