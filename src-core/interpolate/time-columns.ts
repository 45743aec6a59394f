/** Which metadata columns look like time points (the app's Time panel lists them, the likeliest first). */
import type { TimeColumnInfo } from '../api.js';
import type { ObsColumn } from '../io/dataset.js';
import { isTimeLabel, isTimeName, timeCourse } from './time-points.js';

/** Most distinct values a numeric column may have and still count as time points. */
export const MAX_NUMERIC_LEVELS = 12;
/** Most categories a time-named categorical column may have. */
export const MAX_CATEGORIES = 40;
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
      info: {
        name: col.name, reason, timeSource: course.timeSource,
        levels: course.levels.map((l, i) => ({ label: l.label, time: l.time, n: l.cells.length, ...(course.placed?.[i] ? { placed: true } : {}) })),
        ...(course.note ? { note: course.note } : {}),
      },
      rank: (named ? 0 : 2) + (reason === 'labels' ? 0 : 1),
    });
  }
  return found.sort((a, b) => a.rank - b.rank).map((f) => f.info);
}
