/**
 * `isotherm embed INPUT -o OUT.csv [...]`: read → preprocess → pipeline → CSV + JSON sidecar (a Workspace).
 */
import { resolve } from 'node:path';
import { InputError } from '../src-core/errors.js';
import { assertWritableDestination, sidecarPathFor } from '../src-core/export/index.js';
import type { ProgressEvent } from '../src-core/pipeline/progress.js';
import { Workspace } from '../src-core/workspace/workspace.js';
import { REFINE_AUTO_MAX_CELLS } from '../src-core/embed/refine.js';
import { applyMemoryBudget, readOptions, startBackend, type EmbedArgs } from './args.js';

export async function runEmbed(args: EmbedArgs, log: (line: string) => void): Promise<void> {
  const output = resolve(args.output);
  if (resolve(args.input) === output) throw new InputError(args.output, 'the output would overwrite the input file');
  // Checked again when writing; checked here so that a refused output fails before the work.
  for (const p of [output, sidecarPathFor(output)]) await assertWritableDestination(p, [resolve(args.input)], args.force ? 'any' : 'isotherm');
  applyMemoryBudget(args);
  const backendInfo = await startBackend(args);
  const ws = await Workspace.open(args.input, readOptions(args), { pca: args.pca });
  let lastStage = '';
  const result = await ws.run(args.params, {
    onProgress: (e: ProgressEvent) => {
      // A GPU failure is always reported (even with --quiet): the run continues on the CPU.
      if (e.notice) log(`isotherm: ${e.notice}`);
      if (!args.quiet && e.stage !== lastStage) {
        lastStage = e.stage;
        log(`isotherm: ${e.stage}…`);
      }
    },
  });
  if (result.components.length > 1) {
    const sizes = result.components.map((c) => c.size);
    const shown = sizes.length > 8 ? `${sizes.slice(0, 8).join(', ')}, …` : sizes.join(', ');
    log(`isotherm: the neighbour graph has ${sizes.length} separate components (cells: ${shown}); each is mapped on its own and placed beside the others`);
  }
  if (result.warning) log(`isotherm: warning: ${result.warning}`);
  if (result.params.refine === 'auto' && result.refineIterations === 0)
    log(`isotherm: neighbourhood refinement skipped above ${REFINE_AUTO_MAX_CELLS.toLocaleString('en')} cells (it would dominate the run); --refine N runs N iterations`);
  await ws.exportCsv(output, result, null, { backendAdapter: backendInfo.adapter, notes: backendInfo.fallbacks }, { replace: args.force ? 'any' : 'isotherm' });
  if (!args.quiet) log(`isotherm: wrote ${output} (${ws.nRows} cells, t = ${result.heat.t.toPrecision(3)}${result.heat.tAuto ? ' auto' : ''})`);
}
