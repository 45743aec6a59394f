/**
 * Times inside time-point labels (issue 14, trap 4): numbers parsed from "E14.5", "P7", "day 3"; labels
 * with none placed from their neighbours with a note; ranks with a note when too few labels carry numbers;
 * user-given times checked (one per level, finite, strictly increasing) and carried into the time course.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { CategoricalColumn } from '../../src-core/io/dataset.js';
import { labelScale, labelTimes, mixedScales, numberInLabel, timesProblem } from '../../src-core/interpolate/time-labels.js';
import { detectTimeColumns } from '../../src-core/interpolate/time-columns.js';
import { timeCourse, withTimes } from '../../src-core/interpolate/time-points.js';

test('numberInLabel: numbers inside labels', () => {
  const cases: [string, number][] = [
    ['E14.5', 14.5], ['P7', 7], ['day 3', 3], ['24h', 24], ['D0', 0], ['t=2', 2], ['mouse_E16.5', 16.5], ['lung day 10', 10], ['sample 7 wt', 7],
  ];
  for (const [label, t] of cases) assert.equal(numberInLabel(label), t, label);
  for (const label of ['Adult', 'early', 'rep1_day3x4', '']) assert.ok(Number.isNaN(numberInLabel(label)), label);
});

test('labelTimes: every label names its time', () => {
  const r = labelTimes(['E14.5', 'E16.5', 'E18.5']);
  assert.deepEqual(r.times, [14.5, 16.5, 18.5]);
  assert.deepEqual(r.placed, [false, false, false]);
  assert.equal(r.source, 'numbers in category labels');
  assert.equal(r.note, '');
});

test('labelTimes: a label with no number is placed one mean step past the last, with a note naming it', () => {
  const r = labelTimes(['E14.5', 'E16.5', 'E18.5', 'Adult']);
  assert.deepEqual(r.times, [14.5, 16.5, 18.5, 20.5]);
  assert.deepEqual(r.placed, [false, false, false, true]);
  assert.equal(r.source, 'numbers in labels, others placed');
  assert.match(r.note, /no number in a label/);
  assert.match(r.note, /'Adult' at 20\.5/);
});

test('labelTimes: placed between numbered neighbours in proportion, and before the first', () => {
  assert.deepEqual(labelTimes(['day 0', 'mid', 'late', 'day 9']).times, [0, 3, 6, 9]);
  assert.deepEqual(labelTimes(['embryo', 'P0', 'P7', 'P14']).times, [-7, 0, 7, 14]);
  // Uneven spacing: the mean step between the numbered labels (0 → 30 over 2 steps: 15).
  assert.deepEqual(labelTimes(['0h', '6h', '30h', 'late']).times, [0, 6, 30, 45]);
});

test('labelTimes: ranks with a note when fewer than two labels have numbers, or the numbers do not increase', () => {
  const none = labelTimes(['early', 'mid', 'late']);
  assert.deepEqual(none.times, [0, 1, 2]);
  assert.equal(none.source, 'category rank');
  assert.match(none.note, /evenly spaced/);
  assert.deepEqual(labelTimes(['Adult', 'P7']).times, [0, 1]);
  const down = labelTimes(['day 9', 'day 3', 'day 1']);
  assert.deepEqual(down.times, [0, 1, 2]);
  assert.match(down.note, /do not increase/);
});

test('timesProblem: one finite time per level, strictly increasing', () => {
  const labels = ['E14.5', 'E16.5', 'Adult'];
  assert.equal(timesProblem(labels, [14.5, 16.5, 60]), null);
  assert.match(timesProblem(labels, [14.5, 16.5])!, /expected 3 times/);
  assert.match(timesProblem(labels, [14.5, NaN, 60])!, /'E16\.5' is not a number/);
  assert.match(timesProblem(labels, [14.5, 16.5, 16.5])!, /'Adult' \(16\.5\) is not after 'E16\.5' \(16\.5\)/);
});

test('timeCourse: an unordered column puts numbered labels in order and the others after them, with the note; withTimes replaces the times', () => {
  const stage: CategoricalColumn = { name: 'stage', kind: 'categorical', codes: Int32Array.of(0, 1, 2, 3, 0, 3), categories: ['Adult', 'E14.5', 'E16.5', 'E18.5'], ordered: false };
  const c = timeCourse(stage);
  assert.deepEqual(c.levels.map((l) => [l.label, l.time, [...l.cells]]), [['E14.5', 14.5, [1]], ['E16.5', 16.5, [2]], ['E18.5', 18.5, [3, 5]], ['Adult', 20.5, [0, 4]]]);
  assert.equal(c.timeSource, 'numbers in labels, others placed');
  assert.match(c.note ?? '', /'Adult' at 20\.5/);
  const given = withTimes(c, [14.5, 16.5, 18.5, 56], 'times');
  assert.deepEqual(given.levels.map((l) => l.time), [14.5, 16.5, 18.5, 56]);
  assert.equal(given.timeSource, 'given');
  assert.deepEqual([...given.levels[3]!.cells], [0, 4]);
  assert.throws(() => withTimes(c, [14.5, 18.5, 16.5, 56], 'times'), /^InputError: times: times must increase/);
  assert.equal(withTimes(c, undefined, 'times'), c);
  // The Time panel's column list carries the note and marks the placed level.
  const info = detectTimeColumns([stage], Int32Array.from({ length: 6 }, (_, i) => i))[0]!;
  assert.deepEqual(info.levels.map((l) => [l.label, l.time, l.placed ?? false]), [['E14.5', 14.5, false], ['E16.5', 16.5, false], ['E18.5', 18.5, false], ['Adult', 20.5, true]]);
  assert.match(info.note ?? '', /Adult/);
});

test('serve-validate: evaluateTime takes a list of finite times', async () => {
  const { validateCall } = await import('../../host/validate.js');
  assert.deepEqual(validateCall('evaluateTime', [{ column: 'stage', times: [14.5, 16.5, 60] }]), { method: 'evaluateTime', request: { column: 'stage', times: [14.5, 16.5, 60] } });
  assert.throws(() => validateCall('evaluateTime', [{ column: 'stage', times: [14.5, 'soon'] }]), /request\.times\[1\]: expected a number/);
  assert.throws(() => validateCall('evaluateTime', [{ column: 'stage', times: 3 }]), /request\.times: expected a list/);
});

test('labels on different scales (E14.5 and P7) are not ordered by their numbers: ranks in the given order, with a note', () => {
  assert.deepEqual(['E14.5', 'P7', 'day 3', '24h', '2d', 'mouse_E16.5', 'Adult', '12'].map(labelScale), ['e', 'p', 'day', 'h', 'd', 'e', '', '']);
  assert.equal(mixedScales(['E14.5', 'E18.5', 'Adult']), false);
  assert.equal(mixedScales(['E14.5', 'E18.5', 'P7', 'Adult']), true);
  const t = labelTimes(['E14.5', 'E18.5', 'P7', 'Adult']);
  assert.deepEqual(t.times, [0, 1, 2, 3]);
  assert.equal(t.source, 'category rank');
  assert.match(t.note, /different scales/);
});

test('timeCourse: an unordered column mixing E and P stages keeps its category order (P7 is not put before E14.5)', () => {
  const stage: CategoricalColumn = { name: 'stage', kind: 'categorical', codes: Int32Array.of(0, 1, 2, 3), categories: ['E14.5', 'E18.5', 'P7', 'Adult'], ordered: false };
  const c = timeCourse(stage);
  assert.deepEqual(c.levels.map((l) => [l.label, l.time]), [['E14.5', 0], ['E18.5', 1], ['P7', 2], ['Adult', 3]]);
  assert.match(c.note ?? '', /different scales/);
});
