/**
 * Times of time-point labels (issue 14, trap 4): the number a label names ("24h" → 24, "E14.5" → 14.5,
 * "P7" → 7, "day 3" → 3), and for labels that name none ("Adult") a time placed from their neighbours,
 * with a note that says so, so that interpolation fractions are not taken from even spacing when most
 * labels carry their time. Pure; the app's Time panel shows the times and lets the user edit them.
 */

export function leadingNumber(label: string): number {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(label);
  return m ? Number(m[1]) : NaN;
}

const TIME_WORD = '(?:days?|d|e|p|t|tp|time|timepoint|hours?|hrs?|h|weeks?|wk|w|months?|mo|min|minutes?|stage|age)';
const NUMBER = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+))';

/**
 * The time a label names, or NaN: a leading number ("24h", "0.5 d", "12"), or a number after a time
 * word or a one-letter stage prefix ("day 3", "D3", "t=2", "E12.5", "week 2", "hour 6", "P7").
 */
export function timeOfLabel(label: string): number {
  const lead = leadingNumber(label);
  if (Number.isFinite(lead)) return lead;
  const m = new RegExp(`^\\s*${TIME_WORD}\\s*[=_:.-]?\\s*${NUMBER}`, 'i').exec(label);
  return m ? Number(m[1]) : NaN;
}

/**
 * The number inside a label, or NaN: timeOfLabel, else a time word and number after a separator
 * ("mouse_E14.5", "lung day 3"), else the label's only number ("sample 7 wt"; none when it has several).
 */
export function numberInLabel(label: string): number {
  const own = timeOfLabel(label);
  if (Number.isFinite(own)) return own;
  const inside = new RegExp(`(?:^|[^a-z0-9])${TIME_WORD}\\s*[=_:.-]?\\s*${NUMBER}(?![0-9a-z])`, 'i').exec(label);
  if (inside) return Number(inside[1]);
  const all = label.match(/\d+(?:\.\d+)?/g);
  return all && all.length === 1 ? Number(all[0]) : NaN;
}

/**
 * The scale a label's number is on: the word just before it ("E14.5" → "e", "P7" → "p", "day 3" → "day"),
 * else the unit just after a leading number ("24h" → "h", "2d" → "d"), else "". Numbers on different scales
 * (embryonic E14.5 and postnatal P7) cannot be ordered by value.
 */
export function labelScale(label: string): string {
  const value = numberInLabel(label);
  if (!Number.isFinite(value)) return '';
  const m = /([a-z]*)[\s=_:.-]*[-+]?(?:\d+\.?\d*|\.\d+)\s*([a-z]*)/i.exec(label.replace(/^[^a-z0-9]+/i, ''));
  if (!m) return '';
  return (m[1] || m[2] || '').toLowerCase();
}

/** True when the numbered labels among `labels` use more than one scale (labelScale). */
export function mixedScales(labels: readonly string[]): boolean {
  const scales = new Set(labels.filter((l) => Number.isFinite(numberInLabel(l))).map(labelScale));
  return scales.size > 1;
}

export interface LabelTimes {
  /** One time per label, in the order given. */
  readonly times: readonly number[];
  /** Labels that name no number: their times were placed from their neighbours (or all are ranks). */
  readonly placed: readonly boolean[];
  readonly source: 'numbers in category labels' | 'numbers in labels, others placed' | 'category rank';
  /** What the user should know about the times ('' when every label named its time). */
  readonly note: string;
}

const fmt = (t: number): string => String(Number(t.toPrecision(6)));

/**
 * Times of `labels` (in time order): the numbers inside them; a label without one is placed between its
 * nearest numbered neighbours in proportion to its position, or beyond the first or last numbered label by
 * the mean step between numbered labels. Ranks 0, 1, 2, … when fewer than two labels have numbers or the
 * numbers do not increase in this order.
 */
export function labelTimes(labels: readonly string[]): LabelTimes {
  const parsed = labels.map(numberInLabel);
  const known: number[] = [];
  parsed.forEach((v, i) => { if (Number.isFinite(v)) known.push(i); });
  const ranks = (note: string): LabelTimes => ({ times: labels.map((_, i) => i), placed: labels.map(() => true), source: 'category rank', note });
  if (labels.length < 2) return { times: labels.map(() => 0), placed: labels.map(() => false), source: 'category rank', note: '' };
  if (known.length < 2) return ranks('the labels name no times: the time points are taken as evenly spaced (0, 1, 2, …); edit the times if they are not');
  if (mixedScales(labels)) return ranks(`the labels' numbers are on different scales (${[...new Set(known.map((i) => labels[i]!))].slice(0, 3).join(', ')}…): the time points are taken as evenly spaced in this order; edit the times`);
  for (let j = 1; j < known.length; j++) {
    if (!(parsed[known[j]!]! > parsed[known[j - 1]!]!)) return ranks(`the numbers in the labels do not increase in the time points' order: they are taken as evenly spaced (0, 1, 2, …); edit the times if they are not`);
  }
  const first = known[0]!, last = known[known.length - 1]!;
  const step = (parsed[last]! - parsed[first]!) / (last - first);
  const times = parsed.slice();
  const placed = parsed.map((v) => !Number.isFinite(v));
  let prev = -1;
  for (let i = 0; i < labels.length; i++) {
    if (!placed[i]) {
      prev = i;
      continue;
    }
    const next = known.find((k) => k > i);
    if (prev >= 0 && next !== undefined) times[i] = parsed[prev]! + ((parsed[next]! - parsed[prev]!) * (i - prev)) / (next - prev);
    else if (prev >= 0) times[i] = parsed[prev]! + step * (i - prev);
    else times[i] = parsed[next!]! - step * (next! - i);
  }
  const missing = labels.flatMap((l, i) => (placed[i] ? [`'${l}' at ${fmt(times[i]!)}`] : []));
  if (missing.length === 0) return { times, placed, source: 'numbers in category labels', note: '' };
  return {
    times,
    placed,
    source: 'numbers in labels, others placed',
    note: `no number in ${missing.length === 1 ? 'a label' : `${missing.length} labels`}, placed from the neighbouring time points: ${missing.join(', ')}; edit the time if it is not right`,
  };
}

/** What is wrong with user-given times for `labels` (in order), or null: finite numbers, one per label, strictly increasing. */
export function timesProblem(labels: readonly string[], times: readonly number[]): string | null {
  if (times.length !== labels.length) return `expected ${labels.length} times (one per time point), got ${times.length}`;
  for (let i = 0; i < times.length; i++) if (!Number.isFinite(times[i])) return `the time of '${labels[i]}' is not a number`;
  for (let i = 1; i < times.length; i++) {
    if (!(times[i]! > times[i - 1]!)) return `times must increase in the time points' order: '${labels[i]}' (${fmt(times[i]!)}) is not after '${labels[i - 1]}' (${fmt(times[i - 1]!)})`;
  }
  return null;
}
