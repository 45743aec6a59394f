/** An evaluation result (evaluate.ts) as the app's table: per withheld time point and map, means and sds. */
import type { TimeEvaluation, TimeEvaluationRow } from '../api.js';
import { MAP_LABEL, MAP_NAMES, METHOD_LABEL, METHOD_NAMES, type EvaluationResult, type MethodName } from './evaluate.js';

const BASELINES: ReadonlySet<MethodName> = new Set(['nearer', 'other', 'linear-pca', 'linear-pca-all', 'mix']);

/** EvaluationResult → the app's table (means and sds only). */
export function evaluationTable(r: EvaluationResult, elapsedMs: number): TimeEvaluation {
  return {
    column: r.column,
    seeds: [...r.seeds],
    elapsedMs,
    withheld: r.withheld.map((w) => ({
      label: w.label,
      previous: w.previous,
      next: w.next,
      alpha: w.alpha,
      nWithheld: w.nWithheld,
      maps: MAP_NAMES.filter((m) => w.maps[m]).map((m) => {
        const ms = w.maps[m]!;
        const rows: TimeEvaluationRow[] = [];
        for (const method of METHOD_NAMES) {
          const s = ms.methods[method];
          if (!s) continue;
          rows.push({
            method,
            label: METHOD_LABEL[method](w),
            baseline: BASELINES.has(method),
            w1: { mean: s.w1.mean, sd: s.w1.sd },
            w2: { mean: s.w2.mean, sd: s.w2.sd },
            mmd: { mean: s.mmd.mean, sd: s.mmd.sd },
          });
        }
        return { map: m, label: MAP_LABEL[m], mmdBandwidth: ms.mmdBandwidth.mean, rows };
      }),
    })),
  };
}
