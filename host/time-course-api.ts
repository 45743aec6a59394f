/**
 * The app's Time panel over a workspace: time-like columns, interpolated cells on the current map, and the
 * withhold-and-evaluate protocol in its own thread (one at a time; cancel() stops it).
 */
import type { InterpolateRequest, Interpolation, TimeColumnInfo, TimeEvaluation, TimeEvaluationProgress, TimeEvaluationRequest } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import { evaluationTable } from '../src-core/interpolate/evaluation-table.js';
import { interpolateOnMap } from '../src-core/interpolate/on-map.js';
import { detectTimeColumns } from '../src-core/interpolate/time-columns.js';
import { timePair, withTimes } from '../src-core/interpolate/time-points.js';
import { checkEnoughCells, resolveParams, type EmbedParams } from '../src-core/pipeline/params.js';
import type { EmbedResult } from '../src-core/pipeline/pipeline.js';
import type { Workspace } from '../src-core/workspace/workspace.js';
import { evaluateInThread, type EvaluationTask } from './evaluation-thread.js';

export function timeColumns(ws: Workspace): TimeColumnInfo[] {
  return detectTimeColumns(ws.obs, ws.keptCells);
}

/** Interpolated cells on `map` as the app draws them (exact OT, at most MAX_OT_CELLS per side, anchored). */
export function interpolateForApp(ws: Workspace, map: EmbedResult, request: InterpolateRequest): Interpolation {
  const course = ws.timeCourse(request.column, 'column');
  const { from, to } = timePair(course, request.from, request.to, { from: 'from', to: 'to' });
  const alpha = request.alpha;
  if (!(alpha >= 0 && alpha <= 1)) throw new InputError('alpha', `expected a fraction in [0, 1], got ${alpha}`);
  const count = request.n ?? Math.max(1, Math.round((1 - alpha) * from.cells.length + alpha * to.cells.length));
  if (!(Number.isInteger(count) && count >= 1 && count <= 100_000)) throw new InputError('n', `expected 1..100000 cells, got ${count}`);
  const X = ws.prep.matrix;
  const r = interpolateOnMap({
    pcs: X.data, n: X.nRows, dim: X.nCols, coords: map.coords, from, to, alpha, count,
    seed: request.seed ?? 0, space: request.space ?? 'pcs', placeK: map.params.knn, placeDecay: map.params.decay,
  });
  return { column: course.column, from: from.label, to: to.label, alpha: r.alpha, space: r.space, coords: Float32Array.from(r.coords), source: r.source, target: r.target };
}

export class TimeEvaluations {
  #running: EvaluationTask | null = null;

  /**
   * Withhold-and-evaluate on `request.column` with the parameters of the last map (`params`, or the
   * defaults); `stillCurrent` says whether the workspace is still the open one when the thread is done.
   */
  async evaluate(ws: Workspace, params: Partial<EmbedParams> | undefined, request: TimeEvaluationRequest, onProgress: ((p: TimeEvaluationProgress) => void) | undefined, stillCurrent: () => boolean): Promise<TimeEvaluation> {
    const course = withTimes(ws.timeCourse(request.column, 'column'), request.times, 'times');
    if (course.levels.length < 3) throw new InputError(request.column, `${course.levels.length} time points: withholding one needs at least 3`);
    const X = ws.prep.matrix;
    const k = resolveParams(params).knn;
    for (const level of course.levels.slice(1, -1)) checkEnoughCells(X.nRows - level.cells.length, k, request.column, `left after withholding ${level.label}`);
    const seeds = request.seeds ?? 1;
    if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 20)) throw new InputError('seeds', `expected 1..20, got ${seeds}`);
    this.cancel();
    const t0 = performance.now();
    const task = evaluateInThread(
      {
        pcs: X.data.slice(), n: X.nRows, dim: X.nCols, course,
        options: { seeds: Array.from({ length: seeds }, (_, i) => i), embed: { ...params }, skipPaper: request.paper === false, ...(params?.decay !== undefined ? { placeDecay: params.decay } : {}) },
      },
      onProgress,
    );
    this.#running = task;
    try {
      const result = await task.result;
      if (!stillCurrent()) throw new Error('the data set changed during the evaluation');
      return evaluationTable(result, performance.now() - t0);
    } finally {
      if (this.#running === task) this.#running = null;
    }
  }

  /** Stops the evaluation in flight, if any (its promise rejects with a CancelledError). */
  cancel(): void {
    this.#running?.cancel();
  }
}
