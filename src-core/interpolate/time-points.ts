/**
 * Time points of a time-course data set from a metadata column: an ordered categorical (its category
 * order), an unordered categorical whose labels all name a number ("0h", "24 h", "day 3", "E12.5": timeOfLabel),
 * or a numeric column (its distinct values). Each level gets a numeric time — the leading number of the
 * label, or its rank when the labels are not numeric — used for the interpolation fraction
 * α = (t_T − t_A) / (t_B − t_A).
 */
import { InputError } from '../errors.js';
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

/**
 * The time a label names, or NaN: a leading number ("24h", "0.5 d", "12"), or a number after a time
 * word or a one-letter stage prefix ("day 3", "D3", "t=2", "E12.5", "week 2", "hour 6", "P7").
 */
export function timeOfLabel(label: string): number {
  const lead = leadingNumber(label);
  if (Number.isFinite(lead)) return lead;
  const m = /^\s*(?:days?|d|e|p|t|tp|time|timepoint|hours?|hrs?|h|weeks?|wk|w|months?|mo|min|minutes?|stage|age)\s*[=_:.-]?\s*([-+]?(?:\d+\.?\d*|\.\d+))/i.exec(label);
  return m ? Number(m[1]) : NaN;
}

/** Labels that name a time on their own: a number with a unit, or a time word / stage prefix and a number. */
export function isTimeLabel(label: string): boolean {
  return (
    /^\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*(?:h|hr|hrs|hours?|d|days?|min|mins|minutes?|s|sec|w|wk|weeks?|mo|months?|y|yr|years?|dpf|hpf|dpi|hpi|dpa)\s*$/i.test(label) ||
    (!Number.isFinite(leadingNumber(label)) && Number.isFinite(timeOfLabel(label)))
  );
}

/** Column names that usually hold time points. */
export function isTimeName(name: string): boolean {
  return /(^|[^a-z])(time|times|timepoint|time_point|day|days|hour|hours|hr|week|weeks|age|stage|tp|dpf|hpf|dpi|hpi)([^a-z]|$)/i.test(name) || /^(time|day|hour|week|age|stage)/i.test(name) || /(time|day|hours|age)$/i.test(name);
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
  const parsed = column.categories.map(timeOfLabel);
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

/** The level named `label` (or whose time is the number `label`); `name` is what a message names (a flag, a field). */
export function findTimeLevel(course: TimeCourse, label: string, name: string): TimeLevel {
  const exact = course.levels.find((l) => l.label === label);
  if (exact) return exact;
  const v = Number(label);
  const byValue = label.trim() !== '' && Number.isFinite(v) ? course.levels.find((l) => l.time === v) : undefined;
  if (byValue) return byValue;
  throw new InputError(name, `no time point '${label}' in column '${course.column}' (have: ${course.levels.map((l) => l.label).join(', ')})`);
}

/** Two different levels to interpolate between; `names` are what messages name. */
export function timePair(course: TimeCourse, from: string, to: string, names: { readonly from: string; readonly to: string }): { from: TimeLevel; to: TimeLevel } {
  const a = findTimeLevel(course, from, names.from);
  const b = findTimeLevel(course, to, names.to);
  if (a === b) throw new InputError(names.to, `the same time point as ${names.from} ('${from}')`);
  return { from: a, to: b };
}
