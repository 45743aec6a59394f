/**
 * An evaluation result (evaluate.ts) as tables: plain text / Markdown for `isotherm evaluate`, and the app's
 * table (means and sds per withheld time point and map), with one label per method and map.
 */
import type { TimeEvaluation, TimeEvaluationRow } from '../api.js';
import { MAP_NAMES, METHOD_NAMES, type EvaluationResult, type MapName, type MethodName, type Stat, type WithheldResult } from './evaluate.js';

export const METHOD_LABEL: Record<MethodName, (w: WithheldResult) => string> = {
  ot: () => 'OT interpolation μ_α (whole plan)',
  'ot-sampled': () => 'OT interpolation, N_T sampled pairs',
  'ot-pcs': () => 'OT in PC space μ_α (whole plan), placed',
  'ot-pcs-sampled': () => 'OT in PC space, N_T sampled pairs, placed',
  'ot-pcs-anchored': () => 'OT in PC space μ_α, placed and anchored (app)',
  'ot-hg': () => 'heat-geodesic-cost OT μ_α, displaced in the map',
  'ot-hg-pcs': () => 'heat-geodesic-cost OT μ_α, PCs displaced, placed',
  nearer: (w) => `(a) nearer time (${w.nearer === 'previous' ? w.previous : w.next})`,
  other: (w) => `other neighbour (${w.nearer === 'previous' ? w.next : w.previous})`,
  'linear-pca': () => '(b) linear PCA, N_T random pairs',
  'linear-pca-all': () => '(b) linear PCA, all pairs',
  mix: (w) => `(b') mix ${w.previous}+${w.next}`,
};
export const MAP_LABEL: Record<MapName, string> = {
  'isotherm-strict': 'isotherm (strict)',
  'pca-strict': 'PCA-2 (strict) = (c)',
  'isotherm-paper': 'isotherm (paper)',
};

function fmt(s: Stat): string {
  return `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;
}

/** A plain-text table (also valid Markdown) of an evaluation result. */
export function formatEvaluationTable(r: EvaluationResult): string {
  const lines: string[] = [];
  for (const w of r.withheld) {
    lines.push(`withheld ${w.label}: α = ${w.alpha.toFixed(3)} between ${w.previous} (${w.nPrevious} cells) and ${w.next} (${w.nNext} cells); ${w.nWithheld} cells; mean ± sd over ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'}`);
    lines.push('');
    lines.push('| map | method | W1 | W2 | MMD |');
    lines.push('|---|---|---|---|---|');
    for (const name of MAP_NAMES) {
      const m = w.maps[name];
      if (!m) continue;
      for (const method of METHOD_NAMES) {
        const s = m.methods[method];
        if (!s) continue;
        lines.push(`| ${method === 'ot' ? MAP_LABEL[name] : ''} | ${METHOD_LABEL[method](w)} | ${fmt(s.w1)} | ${fmt(s.w2)} | ${fmt(s.mmd)} |`);
      }
      lines.push(`| | MMD bandwidth h | ${m.mmdBandwidth.mean.toFixed(3)} | | |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

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
