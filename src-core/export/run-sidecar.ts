/**
 * The sidecar of one embedding run, shared by `isotherm embed` and the app's CSV export so that both
 * record the same schema: every parameter as used ("auto" replaced by what it became), what the
 * pipeline chose (t, entropy curve, error bound), the backend and per-stage timings.
 */
import type { Dataset } from '../io/dataset.js';
import type { EmbedResult } from '../pipeline/pipeline.js';
import type { PreprocessOutput } from '../preprocess/index.js';
import type { JsonValue, SidecarInput } from './sidecar.js';

export interface RunSidecarSource {
  readonly inputPath: string;
  readonly dataset: Dataset;
  readonly prep: PreprocessOutput;
  readonly result: EmbedResult;
  readonly outputs: readonly string[];
  readonly readMs: number;
  readonly preprocessMs: number;
  /** PCA setting as requested ('auto', 'off', 'obsm' or a number of components). */
  readonly pca: JsonValue;
  /** Metadata columns exported next to the coordinates. */
  readonly obs?: readonly string[];
  /** Adapter of the compute backend (e.g. "SwiftShader (software)"), when known. */
  readonly backendAdapter?: string;
  readonly notes?: readonly string[];
}

export function runSidecarInput(s: RunSidecarSource): SidecarInput {
  const { result } = s;
  const p = result.params;
  const parameters: Record<string, JsonValue> = {
    preset: p.preset,
    knn: p.knn,
    decay: p.decay,
    laplacian: p.laplacian,
    landmarks: result.landmarks,
    t: result.heat.t,
    sigma: p.sigma,
    dissimilarity: p.dissimilarity,
    heatMethod: p.heatMethod,
    order: result.heat.chebyshevOrder ?? (p.order === 'auto' ? 'auto' : p.order),
    stressWeights: p.stressWeights,
    mdsIterations: p.mdsIterations,
    seed: p.seed,
    pca: s.pca,
    obs: [...(s.obs ?? [])],
  };
  const chosen: Record<string, JsonValue> = {
    t: result.heat.t,
    tAuto: result.heat.tAuto,
    entropyCurve: result.heat.entropyCurve.map((q) => ({ t: q.t, entropy: q.entropy })),
    heatErrorBound: result.heat.errorBound,
    squarings: result.heat.squarings ?? null,
    saturatedPairs: result.saturatedPairs,
    stress: result.stress,
  };
  if (s.backendAdapter !== undefined) chosen['backendAdapter'] = s.backendAdapter;
  return {
    inputPath: s.inputPath,
    dataset: { format: s.dataset.source.format, nCells: s.dataset.nCells, nFeatures: s.dataset.nFeatures, notes: s.dataset.source.notes },
    outputs: s.outputs,
    parameters,
    chosen,
    backend: result.backendRun,
    timingsMs: { read: s.readMs, preprocess: s.preprocessMs, ...result.timingsMs } as Record<string, number>,
    preprocessing: s.prep.steps,
    notes: [...(s.notes ?? [])],
  };
}
