/**
 * Memory budget: the most bytes a reader may allocate for one data set. A size that is known before
 * the allocation (a declared shape, a header's entry count, a densification) is checked here, so an
 * out-of-memory that can be foreseen becomes an InputError naming the file instead of a crash.
 * Pure: the host decides the number (e.g. a fraction of the machine's memory, `machine-budget.ts`).
 */
import { InputError } from '../errors.js';

/** Budget used when a caller passes none and cannot ask the machine (4 GiB). */
export const FALLBACK_BUDGET_BYTES = 4 * 2 ** 30;

/** "1.5 GB", "320 MB", "12 kB" (decimal units, as file managers show them). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${units[u]}`;
}

/**
 * Running account of the large allocations of one read. `reserve` refuses, before anything is
 * allocated, a request that would take the total past the budget.
 */
export class MemoryBudget {
  #used = 0;
  constructor(readonly limitBytes: number, readonly file: string) {
    if (!(limitBytes > 0)) throw new Error(`memory budget must be positive, got ${limitBytes}`);
  }

  get usedBytes(): number {
    return this.#used;
  }

  /** Throws an InputError when `bytes` more would exceed the budget; otherwise counts them. */
  reserve(bytes: number, what: string): void {
    this.check(bytes, what);
    this.#used += bytes;
  }

  /** Like `reserve` without counting: for a transient allocation. */
  check(bytes: number, what: string): void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new InputError(this.file, `${what}: the declared size is not a valid number (${bytes})`);
    if (this.#used + bytes > this.limitBytes) {
      throw new InputError(
        this.file,
        `${what} needs ${formatBytes(bytes)}${this.#used > 0 ? ` on top of ${formatBytes(this.#used)} already read` : ''}, ` +
          `more than the memory budget of ${formatBytes(this.limitBytes)} (a corrupt size, or a data set too large for this machine; ` +
          `the budget is set with --memory-budget)`,
      );
    }
  }

  /** Returns counted bytes (a transient buffer that was freed). */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/** Parses a `--memory-budget` value in GB (decimal, e.g. "8" or "0.5"); undefined when absent. */
export function parseBudgetGB(raw: string, flag = '--memory-budget'): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError(flag, `expected a positive number of GB, got '${raw}'`);
  return Math.round(v * 1e9);
}
