/**
 * The memory budget of computations whose size is known before they allocate: the m × m kernels and
 * distances of the heat pipeline (m landmarks; m = n with landmarks off) and the n × m cost matrices of
 * optimal transport. Exceeding it is refused up front with an InputError that says what to change,
 * instead of an out-of-memory crash minutes later. The host sets the budget (host/memory-budget.ts:
 * ISOTHERM_MEMORY_BUDGET_GB or the CLI's --memory-budget, default half the machine's memory); unset,
 * nothing is refused. The readers check declared file sizes against the same setting (io/machine-budget.ts).
 */
import { InputError } from './errors.js';

let budgetBytes = Infinity;

/** Sets the budget in bytes (Infinity: no limit). */
export function setWorkingMemoryBudget(bytes: number): void {
  if (!(bytes > 0)) throw new Error(`memory budget must be positive, got ${bytes}`);
  budgetBytes = bytes;
}

export function workingMemoryBudget(): number {
  return budgetBytes;
}

/** "1.5 GB", "320 MB" (decimal units, as file managers show them). */
export function formatMemory(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${units[u]}`;
}

/** Throws InputError(subject, …) when `bytes` (an estimate of what `what` will hold at once) exceed the budget. */
export function checkWorkingMemory(subject: string, what: string, bytes: number, advice: string): void {
  if (bytes <= budgetBytes) return;
  throw new InputError(subject, `${what} would need about ${formatMemory(bytes)}, more than the memory budget of ${formatMemory(budgetBytes)} (--memory-budget or ISOTHERM_MEMORY_BUDGET_GB); ${advice}`);
}

/**
 * Bytes per m² entry the heat pipeline holds at its peak, an upper estimate from the arrays it keeps:
 * the automatic-t scan keeps its dyadic Float32 kernels (typically 15–25 of the at most 41) — 20 × 4 —
 * plus about four Float64 m × m arrays (operator power, log-kernel, distances, MDS) — 4 × 8.
 */
export const HEAT_BYTES_PER_M2 = 20 * 4 + 4 * 8;

/** Bytes per (source, target) pair of optimal transport: Float64 cost, kernel or plan, and a work copy. */
export const OT_BYTES_PER_PAIR = 3 * 8;
