/**
 * The working-memory budget the hosts (CLI, `serve`, Electron's compute worker) give the core
 * (src-core/working-memory.ts): ISOTHERM_MEMORY_BUDGET_GB when set, else half of this machine's memory
 * (or of the container's limit, when lower).
 */
import { InputError } from '../src-core/errors.js';
import { machineMemoryBudget } from '../src-core/io/machine-budget.js';
import { setWorkingMemoryBudget } from '../src-core/working-memory.js';

export const MEMORY_BUDGET_ENV = 'ISOTHERM_MEMORY_BUDGET_GB';

export function defaultMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MEMORY_BUDGET_ENV];
  if (raw !== undefined && raw.trim() !== '' && !(Number(raw) > 0 && Number.isFinite(Number(raw)))) {
    throw new InputError(MEMORY_BUDGET_ENV, `expected a positive number of GB, got '${raw}'`);
  }
  // the readers' default is the same function: one setting bounds reading and computing
  return machineMemoryBudget(env);
}

/** Sets the core's budget from the environment / machine; returns it in bytes. */
export function installMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const bytes = defaultMemoryBudget(env);
  setWorkingMemoryBudget(bytes);
  return bytes;
}
