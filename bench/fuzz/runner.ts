/**
 * Seeded fuzzing of every reader. The parent builds the seed fixtures, then runs cases in a child
 * process (worker.ts), one at a time: a case whose process spends more than `caseTimeoutMs` of CPU time
 * without answering (or `HANG_WALL_MS` of wall time: a reader blocked without using the CPU) is a hang —
 * CPU time, as the readers' own watchdog (io/thread-read.ts) counts it, so a loaded machine does not turn
 * slow cases into hangs — one
 * whose process grows past `memLimitMB` (RSS polled here, VmHWM reported by the child) is a memory
 * failure, a child that dies without answering is a crash; in all three the child is killed and a
 * fresh one started. Same seed, same cases.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures, type Fixture } from './fixtures.js';
import { caseSeed } from './mutate.js';
import type { CaseMessage, InitMessage, Outcome, ResultMessage } from './worker.js';

export interface FuzzOptions {
  readonly seed: number;
  /** Most cases to run. */
  readonly cases: number;
  /** Stop starting new cases after this long (ms). */
  readonly timeBudgetMs: number;
  /** CPU time (ms) a case may use without answering. */
  readonly caseTimeoutMs?: number;
  readonly memLimitMB?: number;
  /** Memory budget handed to openDataset (bytes). */
  readonly readBudget?: number;
  /** Map every n-th readable small result through the pipeline to check its coordinates (0: never). */
  readonly embedEvery?: number;
  readonly formats?: readonly string[];
  readonly log?: (line: string) => void;
}

export type Verdict = Outcome | 'hang' | 'memory';

export interface CaseRecord {
  readonly id: number;
  readonly format: string;
  readonly seed: number;
  readonly verdict: Verdict;
  readonly message: string;
  readonly ms: number;
  readonly peakMB: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly seconds: number;
  /** format → verdict → count */
  readonly counts: Record<string, Partial<Record<Verdict, number>>>;
  readonly failures: CaseRecord[];
  readonly maxCaseMs: number;
  readonly maxPeakMB: number;
  /** The case with the largest peak RSS (format, seed), to look at. */
  readonly maxPeakCase: string;
  readonly restarts: number;
  readonly embedded: number;
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Wall time after which a case is a hang whatever its CPU time: above the readers' watchdog's wall limit (60 s). */
const HANG_WALL_MS = 75_000;

/** CPU time (user + system, ms) of a process, from /proc (0 where unreadable). */
function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100; // Linux's USER_HZ

function rssMB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

class Child {
  readonly proc: ChildProcess;
  private pending: ((m: ResultMessage | { type: 'exit'; code: number | null; signal: string | null }) => void) | null = null;
  stderrTail = '';

  constructor() {
    this.proc = fork(WORKER, [], { execArgv: ['--max-old-space-size=2048'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.proc.stderr!.setEncoding('utf8').on('data', (s: string) => { this.stderrTail = (this.stderrTail + s).slice(-4000); });
    this.proc.on('message', (m: ResultMessage | { type: 'ready' }) => { if (this.pending) { const p = this.pending; this.pending = null; p(m as ResultMessage); } });
    this.proc.on('exit', (code, signal) => { if (this.pending) { const p = this.pending; this.pending = null; p({ type: 'exit', code, signal }); } });
  }

  request(m: InitMessage | CaseMessage): Promise<ResultMessage | { type: 'ready' } | { type: 'exit'; code: number | null; signal: string | null }> {
    return new Promise((resolve) => {
      this.pending = resolve as never;
      this.proc.send(m);
    });
  }

  kill(): void {
    this.proc.kill('SIGKILL');
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? (() => undefined);
  const caseTimeout = o.caseTimeoutMs ?? 5000;
  const memLimit = o.memLimitMB ?? 1536;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-fuzz-'));
  const t0 = performance.now();
  try {
    let fixtures: Fixture[] = await buildFixtures(path.join(dir, 'seeds'));
    if (o.formats) fixtures = fixtures.filter((f) => o.formats!.includes(f.format));
    const init: InitMessage = { type: 'init', fixtures, dir, budget: o.readBudget ?? 1e9, embedEvery: o.embedEvery ?? 0 };
    const counts: FuzzReport['counts'] = {};
    const failures: CaseRecord[] = [];
    let maxCaseMs = 0, maxPeakMB = 0, restarts = 0, embedded = 0, done = 0;
    let maxPeakCase = '';
    let child: Child | null = null;
    const start = async (): Promise<Child> => {
      const c = new Child();
      const r = await c.request(init);
      if (r.type !== 'ready') throw new Error(`fuzz worker did not start: ${JSON.stringify(r)} ${c.stderrTail}`);
      return c;
    };
    for (let id = 0; id < o.cases && performance.now() - t0 < o.timeBudgetMs; id++) {
      child ??= await start();
      const fi = id % fixtures.length;
      const fx = fixtures[fi]!;
      const seed = caseSeed(o.seed, id);
      const c: Child = child;
      let overMemory = 0;
      const cpuStart = cpuMsOf(c.proc.pid!);
      const caseStart = performance.now();
      let hung: (v: 'timeout') => void = () => undefined;
      const timer = new Promise<'timeout'>((resolve) => { hung = resolve; });
      const watch = setInterval(() => {
        const r = rssMB(c.proc.pid!);
        if (r > memLimit) { overMemory = r; c.kill(); }
        if (cpuMsOf(c.proc.pid!) - cpuStart > caseTimeout || performance.now() - caseStart > HANG_WALL_MS) hung('timeout');
      }, 50);
      const r = await Promise.race([c.request({ type: 'case', id, fixture: fi, seed }), timer]);
      clearInterval(watch);
      const ms = performance.now() - caseStart;
      let rec: CaseRecord;
      if (r === 'timeout') {
        c.kill();
        child = null;
        rec = { id, format: fx.format, seed, verdict: 'hang', message: `no answer after ${caseTimeout} ms of CPU time (${(ms / 1000).toFixed(1)} s)`, ms, peakMB: 0 };
      } else if (r.type === 'exit') {
        child = null;
        rec = overMemory
          ? { id, format: fx.format, seed, verdict: 'memory', message: `RSS ${overMemory.toFixed(0)} MB > ${memLimit} MB`, ms, peakMB: overMemory }
          : { id, format: fx.format, seed, verdict: 'crash', message: `worker exited (code ${r.code}, signal ${r.signal}): ${c.stderrTail.slice(-500)}`, ms, peakMB: 0 };
      } else if (r.type === 'result') {
        const verdict: Verdict = r.peakMB > memLimit ? 'memory' : r.outcome;
        rec = { id, format: fx.format, seed, verdict, message: r.message, ms: r.ms, peakMB: r.peakMB };
        if (r.embedded) embedded++;
        // a child that has grown (retained heap, caches) is replaced so that one case cannot tax the next
        if (rssMB(c.proc.pid!) > memLimit / 2) { c.kill(); child = null; restarts++; }
      } else {
        throw new Error('unexpected message from the fuzz worker');
      }
      done++;
      const byFormat = (counts[rec.format] ??= {});
      byFormat[rec.verdict] = (byFormat[rec.verdict] ?? 0) + 1;
      maxCaseMs = Math.max(maxCaseMs, rec.ms);
      if (rec.peakMB > maxPeakMB) { maxPeakMB = rec.peakMB; maxPeakCase = `${rec.format} seed ${rec.seed} (${rec.verdict}: ${rec.message.split('\n')[0]!.slice(0, 120)})`; }
      if (rec.verdict !== 'ok' && rec.verdict !== 'input-error') {
        failures.push(rec);
        log(`FAIL case ${id} (${rec.format}, seed ${seed}): ${rec.verdict}: ${rec.message.split('\n')[0]}`);
      }
      if (done % 1000 === 0) log(`${done} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    child?.kill();
    return { seed: o.seed, cases: done, seconds: (performance.now() - t0) / 1000, counts, failures, maxCaseMs, maxPeakMB, maxPeakCase, restarts, embedded };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The report as a markdown table (one row per format). */
export function formatReport(r: FuzzReport): string {
  const verdicts: Verdict[] = ['ok', 'input-error', 'crash', 'hang', 'memory', 'invalid'];
  const lines = [`| format | cases | ${verdicts.join(' | ')} |`, `|---|---:|${verdicts.map(() => '---:').join('|')}|`];
  for (const [fmt, c] of Object.entries(r.counts)) {
    const total = verdicts.reduce((s, v) => s + (c[v] ?? 0), 0);
    lines.push(`| ${fmt} | ${total} | ${verdicts.map((v) => c[v] ?? 0).join(' | ')} |`);
  }
  lines.push('', `${r.cases} cases in ${r.seconds.toFixed(0)} s (seed ${r.seed}); slowest case ${r.maxCaseMs.toFixed(0)} ms; largest per-case peak RSS ${r.maxPeakMB.toFixed(0)} MB (${r.maxPeakCase}); ` +
    `${r.restarts} child restarts for size; ${r.embedded} readable results mapped through the pipeline (coordinates checked finite).`);
  return lines.join('\n');
}
