/**
 * What a host can hand a reader besides the path: progress reporting (fraction of the input done)
 * and cooperative cancellation. Readers call `step` between blocks of work; it reports progress at
 * most every ~100 ms, throws CancelledError when the token fired, and yields to the event loop now
 * and then so that a cancel message can arrive while a long read runs in a worker.
 */
import { CancelledError } from '../errors.js';
import type { CancelToken } from '../pipeline/progress.js';
import { FALLBACK_BUDGET_BYTES, MemoryBudget } from './budget.js';

export interface ReadControl {
  /** 0..1: the share of the input read so far (bytes for text formats, blocks/batches otherwise). */
  readonly onProgress?: (fraction: number) => void;
  readonly cancel?: CancelToken;
}

const REPORT_MS = 100;

export class ReadProgress {
  #lastReport = -Infinity;
  /** Fractions only rise: a reader that reports parts (an h5ad's X, then its obsm) never goes back. */
  #highest = 0;
  #lastYield = performance.now();
  constructor(private readonly control: ReadControl | undefined) {}

  /** Throws CancelledError('read') when the host cancelled. */
  throwIfCancelled(): void {
    if (this.control?.cancel?.cancelled) throw new CancelledError('read');
  }

  /** Reports `fraction` (throttled) and checks for cancellation. */
  report(fraction: number): void {
    this.throwIfCancelled();
    const now = performance.now();
    if (!(fraction >= 0)) return;
    const f = Math.min(1, Math.max(this.#highest, fraction));
    if (this.control?.onProgress && (now - this.#lastReport >= REPORT_MS || (f >= 1 && this.#highest < 1))) {
      this.#lastReport = now;
      this.control.onProgress(f);
    }
    this.#highest = f;
  }

  /** `report`, then lets other tasks run when this read has held the thread for a while. */
  async step(fraction: number): Promise<void> {
    this.report(fraction);
    await this.tick();
  }

  /** Checks for cancellation and lets other tasks run now and then, without reporting progress. */
  async tick(): Promise<void> {
    this.throwIfCancelled();
    const now = performance.now();
    if (now - this.#lastYield >= REPORT_MS) {
      this.#lastYield = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.throwIfCancelled();
    }
  }
}

/** What every reader gets besides the path: the memory budget of this read and its progress/cancel hooks. */
export interface ReadContext {
  readonly budget: MemoryBudget;
  readonly progress: ReadProgress;
}

/** A context for callers that pass nothing (tests, tools): the fallback budget, no progress. */
export function defaultReadContext(path: string, budgetBytes = FALLBACK_BUDGET_BYTES, control?: ReadControl): ReadContext {
  return { budget: new MemoryBudget(budgetBytes, path), progress: new ReadProgress(control) };
}
