/** The plain-data descriptions the IsothermApi hands out: of a workspace's data set, and of a run. */
import type { DatasetDescription, ObsColumnInfo, RunSummary } from '../api.js';
import { activeBackend } from '../compute/backend.js';
import type { EmbedResult } from '../pipeline/pipeline.js';
import type { Workspace } from './workspace.js';

/** The data set as the app shows it; `depth` > 0 for a re-embedded selection, `notes` then say which. */
export function describeWorkspace(ws: Workspace, extra: { readonly depth: number; readonly demo: boolean; readonly notes?: readonly string[] }): DatasetDescription {
  const d = ws.dataset;
  return {
    path: ws.inputPath,
    format: d.source.format,
    nCells: d.nCells,
    nFeatures: d.nFeatures,
    nMapped: ws.nRows,
    nDims: ws.prep.matrix.nCols,
    obs: obsInfo(ws),
    featureNames: [...d.featureNames],
    obsmKeys: Object.keys(d.obsm),
    notes: [...(extra.notes ?? d.source.notes)],
    depth: extra.depth,
    ...(ws.options.pca !== 'obsm' ? { pca: ws.options.pca ?? 'auto' } : {}),
    ...(extra.demo ? { demo: true } : {}),
  };
}

/** The metadata columns as the app lists them: the file's, then those added in the app (clusters, named selections). */
export function obsInfo(ws: Workspace): ObsColumnInfo[] {
  return ws.obs.map((c) => (c.kind === 'categorical' ? { name: c.name, kind: c.kind, categories: [...c.categories] } : { name: c.name, kind: c.kind }));
}

export function runSummary(result: EmbedResult, runId: number): RunSummary {
  const curve = result.heat.entropyCurve.map((p) => ({ t: p.t, entropy: p.entropy }));
  let kneeIndex = -1;
  for (let i = 0; i < curve.length; i++) if (Math.abs(curve[i]!.t - result.heat.t) <= 1e-9 * Math.max(1, result.heat.t)) kneeIndex = i;
  return {
    runId,
    params: result.params,
    t: result.heat.t,
    tAuto: result.heat.tAuto,
    entropyCurve: curve,
    kneeIndex,
    stagesRun: [...result.stagesRun],
    timingsMs: { ...result.timingsMs },
    landmarks: result.landmarks,
    stress: result.stress,
    // What ran, with the adapter (e.g. "webgpu · NVIDIA H100 (Vulkan)", or "webgpu→wasm (fallback in knn: …)").
    backend: `${result.backendRun} · ${activeBackend()?.adapter ?? result.backend.adapter}`,
    nPoints: result.coords.length / 2,
    ...(result.heat.chebyshevOrder !== undefined ? { chebyshevOrder: result.heat.chebyshevOrder } : {}),
    heatErrorBound: result.heat.errorBound,
    componentSizes: result.components.map((c) => c.size),
    collapse: result.collapse,
    layoutCollapse: result.layoutCollapse,
    collapseT: Number.isFinite(result.heat.collapseT) ? result.heat.collapseT : null,
    warning: result.warning,
    refineIterations: result.refineIterations,
    refineExaggeration: result.refineExaggeration,
    refineKnn: result.refineKnn,
  };
}
