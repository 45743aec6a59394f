/**
 * `isotherm embed INPUT -o OUT.csv [...]`: read → preprocess → pipeline → CSV + JSON sidecar.
 */
import { resolve } from 'node:path';
import { initBackend } from '../src-core/compute/backend.js';
import { InputError } from '../src-core/errors.js';
import { sidecarPathFor, writeEmbeddingCsv, writeSidecar } from '../src-core/export/index.js';
import { runSidecarInput } from '../src-core/export/run-sidecar.js';
import { openDataset } from '../src-core/io/open.js';
import { checkEnoughCells, resolveParams } from '../src-core/pipeline/params.js';
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
  checkEnoughCells(X.nRows, resolveParams(args.params).knn, args.input, 'after preprocessing');
  const pipeline = new EmbeddingPipeline(X.data, X.nRows, X.nCols);
  let lastStage = '';
  const result = await pipeline.run(args.params, {
    onProgress: (e: ProgressEvent) => {
      // A GPU failure is always reported (even with --quiet): the run continues on the CPU.
      if (e.notice) log(`isotherm: ${e.notice}`);
      if (!args.quiet && e.stage !== lastStage) {
        lastStage = e.stage;
        log(`isotherm: ${e.stage}…`);
      }
    },
  });
  const table = { cellIds: dataset.cellIds, coordinates: result.coords, obs: dataset.obs, rowIndex: prep.keptCells };
  await writeEmbeddingCsv(output, table, { protectedPaths: [input] });
  await writeSidecar(
    sidecarPathFor(output),
    runSidecarInput({
      inputPath: input,
      dataset,
      prep,
      result,
      outputs: [output],
      readMs,
      preprocessMs: prepMs,
      pca: args.pca,
      obs: args.obsColumns,
      backendAdapter: backendInfo.adapter,
      notes: backendInfo.fallbacks,
    }),
  );
  if (!args.quiet) log(`isotherm: wrote ${output} (${prep.keptCells.length} cells, t = ${result.heat.t.toPrecision(3)}${result.heat.tAuto ? ' auto' : ''})`);
}
