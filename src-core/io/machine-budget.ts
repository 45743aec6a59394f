/**
 * The default memory budget of a read, from this machine's memory (Node adapter: hosts call it and
 * pass the number in; the readers themselves never look at the machine).
 */
import os from 'node:os';

/** Share of the machine's memory (or of the container's limit, when lower) one data set may take. */
export const MACHINE_BUDGET_FRACTION = 0.5;

export function machineMemoryBudget(): number {
  const total = os.totalmem();
  // A cgroup limit (containers, CI) is the real ceiling when it is below the machine's memory.
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const ceiling = constrained > 0 && constrained < total ? constrained : total;
  return Math.floor(ceiling * MACHINE_BUDGET_FRACTION);
}
