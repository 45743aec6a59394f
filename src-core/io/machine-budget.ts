/**
 * The default memory budget of a read, from this machine's memory (Node adapter: hosts call it and
 * pass the number in; the readers themselves never look at the machine).
 */
import os from 'node:os';

/** Share of the machine's memory (or of the container's limit, when lower) one data set may take. */
export const MACHINE_BUDGET_FRACTION = 0.5;

/**
 * ISOTHERM_MEMORY_BUDGET_GB (the hosts' working-memory budget, host/memory-budget.ts) when it is a
 * positive number, so one setting bounds reading and computing; else a share of the machine's memory.
 */
export function machineMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const gb = Number(env['ISOTHERM_MEMORY_BUDGET_GB'] ?? '');
  if (env['ISOTHERM_MEMORY_BUDGET_GB']?.trim() && Number.isFinite(gb) && gb > 0) return Math.round(gb * 1e9);
  const total = os.totalmem();
  // A cgroup limit (containers, CI) is the real ceiling when it is below the machine's memory.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const ceiling = constrained > 0 && constrained < total ? constrained : total;
  return Math.floor(ceiling * MACHINE_BUDGET_FRACTION);
}
