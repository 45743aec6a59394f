/**
 * Time points of a time-course data set from a metadata column: an ordered categorical (its category
 * order), an unordered categorical whose labels all start with a number ("0h", "24 h", "day 3" is not),
 * or a numeric column (its distinct values). Each level gets a numeric time — the leading number of the
 * label, or its rank when the labels are not numeric — used for the interpolation fraction
 * α = (t_T − t_A) / (t_B − t_A).
 */
import type { ObsColumn } from '../io/dataset.js';

export interface TimeLevel {
  readonly label: string;
  readonly time: number;
  /** Cell (row) indices at this time point, ascending. */
  readonly cells: Int32Array;
}

export interface TimeCourse {
  readonly column: string;
  readonly levels: readonly TimeLevel[];
  /** How the times were obtained, for reports. */
  readonly timeSource: 'numeric column' | 'numbers in category labels' | 'category rank';
}

export function leadingNumber(label: string): number {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(label);
  return m ? Number(m[1]) : NaN;
}

/** Levels in time order; levels with no cells (after `keep`) are dropped. */
export function timeCourse(column: ObsColumn, keep?: ArrayLike<number>): TimeCourse {
  const rows = keep ?? Int32Array.from({ length: column.kind === 'numeric' ? column.values.length : column.codes.length }, (_, i) => i);
  if (column.kind === 'numeric') {
    const byValue = new Map<number, number[]>();
    for (let r = 0; r < rows.length; r++) {
      const v = column.values[rows[r]!]!;
      if (Number.isNaN(v)) continue;
      let list = byValue.get(v);
      if (!list) byValue.set(v, (list = []));
      list.push(r);
    }
    const values = [...byValue.keys()].sort((p, q) => p - q);
    return {
      column: column.name,
      levels: values.map((v) => ({ label: String(v), time: v, cells: Int32Array.from(byValue.get(v)!) })),
      timeSource: 'numeric column',
    };
  }
  const cellsByCode: number[][] = column.categories.map(() => []);
  for (let r = 0; r < rows.length; r++) {
    const c = column.codes[rows[r]!]!;
    if (c >= 0) cellsByCode[c]!.push(r);
  }
  const parsed = column.categories.map(leadingNumber);
  const numeric = parsed.every((v) => Number.isFinite(v));
  let order = column.categories.map((_, i) => i);
  if (!column.ordered && numeric) order = order.sort((p, q) => parsed[p]! - parsed[q]!);
  const levels: TimeLevel[] = [];
  order.forEach((code, rank) => {
    if (cellsByCode[code]!.length === 0) return;
    levels.push({ label: column.categories[code]!, time: numeric ? parsed[code]! : rank, cells: Int32Array.from(cellsByCode[code]!) });
  });
  if (numeric) for (let l = 1; l < levels.length; l++) if (!(levels[l]!.time > levels[l - 1]!.time)) return { column: column.name, levels: levels.map((lv, i) => ({ ...lv, time: i })), timeSource: 'category rank' };
  return { column: column.name, levels, timeSource: numeric ? 'numbers in category labels' : 'category rank' };
}
