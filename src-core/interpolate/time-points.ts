/**
 * Time points of a time-course data set from a metadata column: an ordered categorical (its category
 * order), an unordered categorical (labels that name a number — "0h", "day 3", "E12.5" — by that number, the
 * others after them), or a numeric column (its distinct values). Each level gets a numeric time — the number
 * in its label, placed from its neighbours when it has none, or its rank (time-labels.ts) — used for the
 * interpolation fraction α = (t_T − t_A) / (t_B − t_A); the user may give other times (withTimes).
 */
import { InputError } from '../errors.js';
import type { ObsColumn } from '../io/dataset.js';
import { labelTimes, leadingNumber, mixedScales, numberInLabel, timeOfLabel, timesProblem } from './time-labels.js';

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
  readonly timeSource: 'numeric column' | 'numbers in category labels' | 'numbers in labels, others placed' | 'category rank' | 'given';
  /** What the user should know about the times (labels without a number, even spacing); '' when nothing. */
  readonly note?: string;
  /** Per level: its label names no time, the time was placed (or is a rank); absent when every label named one. */
  readonly placed?: readonly boolean[];
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
  // Unordered categories: numbered labels by their number, the others after them in category order.
  const parsed = column.categories.map(numberInLabel);
  let order = column.categories.map((_, i) => i);
  // numbers on different scales (E14.5, P7) are not comparable: keep the category order then
  if (!column.ordered && parsed.filter((v) => Number.isFinite(v)).length >= 2 && !mixedScales(column.categories)) {
    const key = (c: number): number => (Number.isFinite(parsed[c]) ? parsed[c]! : Infinity);
    order = order.sort((p, q) => key(p) - key(q) || p - q);
  }
  order = order.filter((code) => cellsByCode[code]!.length > 0);
  const times = labelTimes(order.map((code) => column.categories[code]!));
  const levels: TimeLevel[] = order.map((code, i) => ({ label: column.categories[code]!, time: times.times[i]!, cells: Int32Array.from(cellsByCode[code]!) }));
  return { column: column.name, levels, timeSource: times.source, ...(times.note ? { note: times.note, placed: times.placed } : {}) };
}

/** `course` with the user's times (one per level, in order; strictly increasing), or an InputError naming `name`. */
export function withTimes(course: TimeCourse, times: readonly number[] | undefined, name: string): TimeCourse {
  if (times === undefined) return course;
  const problem = timesProblem(course.levels.map((l) => l.label), times);
  if (problem !== null) throw new InputError(name, problem);
  return { column: course.column, levels: course.levels.map((l, i) => ({ ...l, time: times[i]! })), timeSource: 'given' };
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
