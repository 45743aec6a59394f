/**
 * `isotherm embed INPUT -o OUT.csv [...]`: read → preprocess → pipeline → CSV + JSON sidecar.
 */
import { resolve } from 'node:path';
import { initBackend } from '../src-core/compute/backend.js';
import { InputError } from '../src-core/errors.js';
import { sidecarPathFor, writeEmbeddingCsv, writeSidecar, type JsonValue } from '../src-core/export/index.js';
import { openDataset } from '../src-core/io/open.js';
import { EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { preprocess, type PreprocessOptions } from '../src-core/preprocess/index.js';
import type { ProgressEvent } from '../src-core/pipeline/progress.js';
import type { EmbedArgs } from './args.js';

export async function runEmbed(args: EmbedArgs, log: (line: string) => void): Promise<void> {
  const input = resolve(args.input);
  const output = resolve(args.output);
  if (input === output) throw new InputError(args.output, 'the output would overwrite the input file');
  const backendInfo = await initBackend(args.params.backend ?? 'auto').catch((e: Error) => {
    throw new InputError('--backend', e.message);
  });
  const t0 = performance.now();
  const dataset = await openDataset(args.input, {
    obsColumns: args.obsColumns,
    useRaw: args.useRaw,
    ...(args.layer !== undefined ? { layer: args.layer } : {}),
    ...(args.genome !== undefined ? { genome: args.genome } : {}),
  });
  const readMs = performance.now() - t0;
  const pre: PreprocessOptions =
    args.pca === 'obsm' ? { usePca: 'obsm' } : args.pca === 'off' ? { pca: 'off' } : args.pca === 'auto' ? {} : { pca: args.pca };
  const t1 = performance.now();
  const prep = preprocess(dataset, pre);
  const prepMs = performance.now() - t1;
  const X = prep.matrix;
  const k = args.params.knn ?? 10;
  if (X.nRows <= k) {
    throw new InputError(args.input, `${X.nRows} cell${X.nRows === 1 ? '' : 's'} after preprocessing, fewer than knn + 1 = ${k + 1}: a map needs more cells (or a smaller --knn)`);
  }
  const pipeline = new EmbeddingPipeline(X.data, X.nRows, X.nCols);
  let lastStage = '';
  const result = await pipeline.run(args.params, {
    onProgress: (e: ProgressEvent) => {
      if (!args.quiet && e.stage !== lastStage) {
        lastStage = e.stage;
        log(`isotherm: ${e.stage}…`);
      }
    },
  });
  const table = { cellIds: dataset.cellIds, coordinates: result.coords, obs: dataset.obs, rowIndex: prep.keptCells };
  await writeEmbeddingCsv(output, table, { protectedPaths: [input] });
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
    pca: typeof args.pca === 'number' ? args.pca : args.pca,
    obs: [...args.obsColumns],
  };
  await writeSidecar(sidecarPathFor(output), {
    inputPath: input,
    dataset: { format: dataset.source.format, nCells: dataset.nCells, nFeatures: dataset.nFeatures, notes: dataset.source.notes },
    outputs: [output],
    parameters,
    chosen: {
      t: result.heat.t,
      tAuto: result.heat.tAuto,
      entropyCurve: result.heat.entropyCurve.map((q) => ({ t: q.t, entropy: q.entropy })),
      heatErrorBound: result.heat.errorBound,
      squarings: result.heat.squarings ?? null,
      saturatedPairs: result.saturatedPairs,
      stress: result.stress,
      backendAdapter: backendInfo.adapter,
    },
    backend: result.backend.name,
    timingsMs: { read: readMs, preprocess: prepMs, ...result.timingsMs } as Record<string, number>,
    preprocessing: prep.steps,
    notes: [...backendInfo.fallbacks],
  });
  if (!args.quiet) log(`isotherm: wrote ${output} (${prep.keptCells.length} cells, t = ${result.heat.t.toPrecision(3)}${result.heat.tAuto ? ' auto' : ''})`);
}
