/** The parameter panel's values and their translation to pipeline parameters; defaults and ranges come from the spec. */
import { PARAMS, PCA_PARAM, PRESET_VALUES, type EmbedParams, type HeatMethod, type Preset, type Slider } from '../../src-core/pipeline/params.js';
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

function slider(s: Slider | undefined, name: string): Slider {
  if (!s) throw new Error(`the parameter spec has no slider for ${name}`);
  return s;
}

/** The panel's sliders (t: in log2 t). */
export const SLIDERS = {
  knn: slider(PARAMS.knn.slider, 'knn'),
  decay: slider(PARAMS.decay.slider, 'decay'),
  logT: slider(PARAMS.t.slider, 't'),
  sigma: slider(PARAMS.sigma.slider, 'sigma'),
  landmarks: slider(PARAMS.landmarks.slider, 'landmarks'),
  order: slider(PARAMS.order.slider, 'order'),
  pca: slider(PCA_PARAM.slider, 'pca'),
} as const;

/** A parameter's default when it is a number, else where its slider starts. */
function start(value: unknown, s: Slider): number {
  return typeof value === 'number' ? value : (s.initial ?? s.min);
}

export function initialParams(): UiParams {
  return {
    preset: PARAMS.preset.default,
    knn: PARAMS.knn.default,
    decay: PARAMS.decay.default,
    tAuto: PARAMS.t.default === 'auto',
    logT: typeof PARAMS.t.default === 'number' ? logTOf(PARAMS.t.default) : start(null, SLIDERS.logT),
    sigma: PARAMS.sigma.default,
    landmarksAuto: PARAMS.landmarks.default === 'auto',
    landmarks: start(PARAMS.landmarks.default, SLIDERS.landmarks),
    heatMethod: PARAMS.heatMethod.default,
    orderAuto: PARAMS.order.default === 'auto',
    order: start(PARAMS.order.default, SLIDERS.order),
    pcaAuto: PCA_PARAM.default === 'auto',
    pca: start(PCA_PARAM.default, SLIDERS.pca),
  };
}

/** The σ a preset starts from (PHATE-like uses none). */
export function presetSigma(p: Preset): number {
  return PRESET_VALUES[p].sigma ?? PARAMS.sigma.default;
}

/** t at a position of the log2 slider (4 significant digits). */
export function tValue(logT: number): number {
  return Number((2 ** logT).toPrecision(4));
}

/** The log2 slider's position nearest to t (the inverse of tValue, on the slider's steps). */
export function logTOf(t: number): number {
  const perUnit = Math.round(1 / SLIDERS.logT.step);
  return Math.round(Math.log2(t) * perUnit) / perUnit;
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
    // The order is sent for Chebyshev only: the sidecar of a squaring run then records 'auto', not a slider position.
    ...(u.heatMethod === 'chebyshev' ? { order: u.orderAuto ? 'auto' : u.order } : {}),
  };
}

/** The preprocessing options of the panel (open / reprocess). */
export function toOpenOptions(u: UiParams): OpenOptions {
  return { pca: u.pcaAuto ? 'auto' : u.pca };
}
