/**
 * Seeded fuzz of every reader within a bounded budget (40 s of cases; `npm run fuzz` runs 12,000).
 * Each case mutates one seed file (truncation, bit flips, length-field edits, chunk swaps, text
 * edits) and opens it in a child process watched for time (5 s) and memory (1.5 GB): every case must
 * end in a valid data set (finite values, consistent structure; some mapped through the pipeline,
 * coordinates finite) or an InputError naming the file — no crash, hang, memory blow-up or NaN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, runFuzz } from '../../bench/fuzz/runner.js';

test('reader fuzz (bounded): no crash, hang, memory blow-up or invalid result', { timeout: 120_000 }, async () => {
  const report = await runFuzz({ seed: 20261129, cases: 100_000, timeBudgetMs: 40_000, embedEvery: 10, caseTimeoutMs: 5000, memLimitMB: 1536 });
  const table = formatReport(report);
  process.stderr.write(table + '\n');
  const failures = report.failures.map((f) => `${f.verdict} in ${f.format} (seed ${f.seed}): ${f.message.split('\n')[0]}`);
  assert.deepEqual(failures, [], table);
  const formats = Object.keys(report.counts);
  assert.equal(formats.length, 13, `every seed format got cases: ${formats.join(', ')}`);
  const total = (v: 'ok' | 'input-error'): number => Object.values(report.counts).reduce((s, c) => s + (c[v] ?? 0), 0);
  assert.ok(total('ok') > 0 && total('input-error') > 0, 'mutations produced both readable files and refusals');
  assert.ok(report.maxPeakMB < 1536, `largest per-case peak ${report.maxPeakMB.toFixed(0)} MB`);
});
