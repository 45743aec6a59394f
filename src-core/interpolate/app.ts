/**
 * The app's time panel over src-core (used by LocalIsothermApi): which metadata columns look like time
 * points, interpolated cells on the current map, and the evaluation result as a table.
 */
import type { Interpolation, TimeColumnInfo, TimeEvaluation, TimeEvaluationRow } from '../api.js';
import type { ObsColumn } from '../io/dataset.js';
import { createRng } from '../linalg/random.js';
import { gatherRows, squaredEuclideanCost } from './costs.js';
import { sampleInterpolant } from './displacement.js';
import { MAP_LABEL, MAP_NAMES, METHOD_LABEL, METHOD_NAMES, type EvaluationResult, type MethodName } from './evaluate.js';
import { placeByKnn } from './place.js';
import { isTimeLabel, isTimeName, timeCourse, type TimeCourse, type TimeLevel } from './time-points.js';
import { transport } from './transport.js';

/** Most distinct values a numeric column may have and still count as time points. */
export const MAX_NUMERIC_LEVELS = 12;
/** Most categories a time-named categorical column may have. */
export const MAX_CATEGORIES = 40;
/** Cells per side above which the app subsamples before OT (exact OT memory is n·m). */
export const MAX_OT_CELLS = 2000;

/**
 * Time-like columns among `obs` (restricted to the map rows `keep`): numeric with 2..12 distinct values,
 * categorical whose labels all name times ("24h", "day 3"), or categorical/numeric with a time-like name
 * (time, day, timepoint, age, stage, …). Time-named columns first, then labelled, then numeric.
 */
export function detectTimeColumns(obs: readonly ObsColumn[], keep: Int32Array): TimeColumnInfo[] {
  const found: { info: TimeColumnInfo; rank: number }[] = [];
  for (const col of obs) {
    const named = isTimeName(col.name);
    let reason: TimeColumnInfo['reason'] | null = null;
    if (col.kind === 'numeric') {
      const distinct = new Set<number>();
      for (const r of keep) {
        const v = col.values[r]!;
        if (!Number.isNaN(v)) distinct.add(v);
        if (distinct.size > (named ? 3 * MAX_NUMERIC_LEVELS : MAX_NUMERIC_LEVELS)) break;
      }
      if (distinct.size >= 2 && distinct.size <= (named ? 3 * MAX_NUMERIC_LEVELS : MAX_NUMERIC_LEVELS)) reason = named ? 'name' : 'numeric';
    } else {
      const used = new Set<number>();
      for (const r of keep) if (col.codes[r]! >= 0) used.add(col.codes[r]!);
      const labels = [...used].map((c) => col.categories[c]!);
      if (labels.length >= 2 && labels.length <= MAX_CATEGORIES) {
        if (labels.every(isTimeLabel)) reason = 'labels';
        else if (named) reason = 'name';
      }
    }
    if (!reason) continue;
    const course = timeCourse(col, keep);
    if (course.levels.length < 2) continue;
    found.push({
      info: { name: col.name, reason, timeSource: course.timeSource, levels: course.levels.map((l) => ({ label: l.label, time: l.time, n: l.cells.length })) },
      rank: (named ? 0 : 2) + (reason === 'labels' ? 0 : 1),
    });
  }
  return found.sort((a, b) => a.rank - b.rank).map((f) => f.info);
}

export function findTimeLevel(course: TimeCourse, label: string): TimeLevel | undefined {
  return course.levels.find((l) => l.label === label);
}

export interface InterpolateOnMapInput {
  /** n × dim: the pipeline's input (PCs) of every map row. */
  readonly pcs: Float32Array;
  readonly n: number;
  readonly dim: number;
  /** n × 2: the current map. */
  readonly coords: Float32Array;
  readonly from: TimeLevel;
  readonly to: TimeLevel;
  readonly alpha: number;
  readonly count: number;
  readonly seed: number;
  readonly space: 'pcs' | 'map';
  readonly placeK: number;
  readonly placeDecay: number;
}

/** Seeded subsample of at most `max` cells (all of them, in order, when there are fewer). */
function capCells(cells: Int32Array, max: number, seed: number): Int32Array {
  if (cells.length <= max) return cells;
  const rng = createRng(seed);
  const p = Int32Array.from(cells);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(p.length - i);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p.subarray(0, max).sort();
}

/**
 * Displacement interpolation between two time points, drawn on the current map. 'map': exact OT in the
 * 2-D map, (1 − α) y_a + α y_b. 'pcs': exact OT between the PC vectors, p_α = (1 − α) p_a + α p_b placed by
 * the kNN extension P (place.ts) and anchored to the pair's own positions,
 *   y = P(p_α) + (1 − α)(y_a − P(p_a)) + α (y_b − P(p_b)),
 * so that α = 0 and α = 1 draw exactly the cells of `from` and `to` and the path is continuous in α.
 */
export function interpolateOnMap(o: InterpolateOnMapInput): Omit<Interpolation, 'column' | 'from' | 'to'> {
  const A = capCells(o.from.cells, MAX_OT_CELLS, 17 * o.seed + 5);
  const B = capCells(o.to.cells, MAX_OT_CELLS, 17 * o.seed + 6);
  const yA = gatherRows(o.coords, 2, A);
  const yB = gatherRows(o.coords, 2, B);
  const out = new Float32Array(o.count * 2);
  let source: Int32Array;
  let target: Int32Array;
  if (o.space === 'map') {
    const { plan } = transport(squaredEuclideanCost(yA, A.length, yB, B.length, 2), A.length, B.length, { method: 'exact' });
    const s = sampleInterpolant(yA, yB, 2, plan, o.alpha, o.count, o.seed);
    out.set(s.points);
    source = s.source;
    target = s.target;
  } else {
    const pA = gatherRows(o.pcs, o.dim, A);
    const pB = gatherRows(o.pcs, o.dim, B);
    const { plan } = transport(squaredEuclideanCost(pA, A.length, pB, B.length, o.dim), A.length, B.length, { method: 'exact' });
    const s = sampleInterpolant(pA, pB, o.dim, plan, o.alpha, o.count, o.seed);
    const place = (x: Float64Array, count: number): Float64Array => placeByKnn(x, count, o.pcs, o.n, o.dim, o.coords, 2, { k: o.placeK, decay: o.placeDecay });
    const placed = place(s.points, o.count);
    const resA = place(pA, A.length);
    const resB = place(pB, B.length);
    for (let i = 0; i < resA.length; i++) resA[i] = yA[i]! - resA[i]!;
    for (let i = 0; i < resB.length; i++) resB[i] = yB[i]! - resB[i]!;
    for (let q = 0; q < o.count; q++) {
      const a = s.source[q]!;
      const b = s.target[q]!;
      for (let c = 0; c < 2; c++) {
        const anchored = placed[q * 2 + c]! + (1 - o.alpha) * resA[a * 2 + c]! + o.alpha * resB[b * 2 + c]!;
        out[q * 2 + c] = o.alpha === 0 ? yA[a * 2 + c]! : o.alpha === 1 ? yB[b * 2 + c]! : anchored;
      }
    }
    source = s.source;
    target = s.target;
  }
  const src = new Int32Array(o.count);
  const tgt = new Int32Array(o.count);
  for (let q = 0; q < o.count; q++) {
    src[q] = A[source[q]!]!;
    tgt[q] = B[target[q]!]!;
  }
  return { alpha: o.alpha, space: o.space, coords: out, source: src, target: tgt };
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
