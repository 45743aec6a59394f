/**
 * The sidecar of one embedding run, shared by `isotherm embed` and the app's CSV export so that both
 * record the same schema: every parameter as used ("auto" replaced by what it became), what the
 * pipeline chose (t, entropy curve, error bound), the backend and per-stage timings.
 */
import type { Dataset } from '../io/dataset.js';
import { PARAM_NAMES, type EmbedParams } from '../pipeline/params.js';
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

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function runSidecarInput(s: RunSidecarSource): SidecarInput {
  const { result } = s;
  const p = result.params;
  // Every parameter of the spec (the backend is recorded as `backend`: what actually ran), with what
  // the pipeline resolved where it chose: the landmark count, t, the Chebyshev order, the refinement's ρ and
  // graph bandwidth (when it ran).
  const resolved: Partial<Record<keyof EmbedParams, JsonValue>> = {
    landmarks: result.landmarks,
    t: result.heat.t,
    order: result.heat.chebyshevOrder ?? p.order,
    refine: result.refineIterations === 0 ? 'off' : result.refineIterations,
    ...(result.refineIterations > 0 ? { refineExaggeration: result.refineExaggeration, refineKnn: result.refineKnn } : {}),
  };
  const parameters: Record<string, JsonValue> = {};
  for (const name of PARAM_NAMES) if (name !== 'backend') parameters[name] = resolved[name] ?? p[name];
  parameters['pca'] = s.pca;
  parameters['obs'] = [...(s.obs ?? [])];
  const chosen: Record<string, JsonValue> = {
    // How the neighbours were searched and, for approximate search, its recall on a sample of cells.
    knn: { ...result.knn },
    t: result.heat.t,
    tAuto: result.heat.tAuto,
    entropyCurve: result.heat.entropyCurve.map((q) => ({ t: q.t, entropy: q.entropy })),
    heatErrorBound: result.heat.errorBound,
    squarings: result.heat.squarings ?? null,
    // What the automatic t was measured against: the kernel's limit entropy, the spectral gap and its bound.
    limitEntropy: result.heat.limitEntropy,
    lambda2: result.heat.lambda2,
    lambda3: result.heat.lambda3,
    tMax: finiteOrNull(result.heat.tMax),
    collapseT: finiteOrNull(result.heat.collapseT),
    saturatedPairs: result.saturatedPairs,
    stress: result.stress,
    components: { count: result.components.length, sizes: result.components.map((c) => c.size), t: result.components.map((c) => c.t), landmarks: result.components.map((c) => c.landmarks) },
    // s₂/s₁ of the centred map (1 isotropic, 0 a line), of the final map and of the landmark layout.
    collapse: result.collapse,
    layoutCollapse: result.layoutCollapse,
    warning: result.warning,
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
