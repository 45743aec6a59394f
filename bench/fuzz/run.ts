/**
 * `npm run fuzz`: the seeded reader fuzz at length (default 12,000 cases).
 *   node dist/bench/fuzz/run.js [--cases N] [--seed S] [--minutes M] [--formats a,b] [--embed-every K]
 * Prints a table per format and exits 1 when any case crashed, hung, ran out of memory or returned
 * an invalid data set.
 */
import { formatReport, runFuzz } from './runner.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const report = await runFuzz({
  seed: Number(arg('--seed', '1')),
  cases: Number(arg('--cases', '12000')),
  timeBudgetMs: Number(arg('--minutes', '60')) * 60_000,
  embedEvery: Number(arg('--embed-every', '25')),
  ...(process.argv.includes('--formats') ? { formats: arg('--formats', '').split(',') } : {}),
  log: (line) => process.stderr.write(line + '\n'),
});
console.log(formatReport(report));
for (const f of report.failures.slice(0, 20)) console.log(`\n${f.verdict} (case ${f.id}, ${f.format}, seed ${f.seed}, ${f.ms.toFixed(0)} ms):\n${f.message}`);
process.exitCode = report.failures.length ? 1 : 0;
