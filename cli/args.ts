/**
 * Argument parsing for `isotherm embed` (the stable command-line contract in docs/architecture.md).
 * Every problem is an InputError naming the argument, so the CLI exits with code 2 and one line.
 */
import { initBackend, type BackendInfo } from '../src-core/compute/backend.js';
import { InputError } from '../src-core/errors.js';
import { parseBudgetGB } from '../src-core/io/budget.js';
import type { ReadOptions } from '../src-core/io/open.js';
import { PCA_PARAM, type EmbedParams } from '../src-core/pipeline/params.js';
import { setWorkingMemoryBudget } from '../src-core/working-memory.js';
import { PARAM_FLAGS, parseCliParams, parseValue } from '../src-core/pipeline/param-values.js';

export interface EmbedArgs {
  readonly input: string;
  readonly output: string;
  readonly params: Partial<EmbedParams>;
  readonly pca: 'auto' | 'off' | 'obsm' | number;
  readonly obsColumns: readonly string[];
  /** .h5ad: read layers/NAME, or raw/X; 10x: which genome. */
  readonly layer?: string;
  readonly useRaw: boolean;
  readonly genome?: string;
  /** Most bytes reading INPUT may allocate (`--memory-budget GB`); undefined: the machine's default. */
  readonly memoryBudget?: number;
  readonly quiet: boolean;
  /** `--force`: replace an existing output file that Isotherm did not write. */
  readonly force: boolean;
}

/** Flags with a value that every map-making command takes: the embedding parameters, then reading and preprocessing. */
export const MAP_VALUE_FLAGS: ReadonlySet<string> = new Set([...PARAM_FLAGS, '--pca', '--obs', '--layer', '--genome', '--memory-budget']);
/** Flags without a value that every map-making command takes. */
export const MAP_BOOL_FLAGS: ReadonlySet<string> = new Set(['--quiet', '-q', '--raw', '--force']);

const VALUE_FLAGS = new Set(['-o', '--output', ...MAP_VALUE_FLAGS]);

export function parseEmbedArgs(argv: readonly string[]): EmbedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') && a.length > 1) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (MAP_BOOL_FLAGS.has(name)) flags.add(name);
      else if (VALUE_FLAGS.has(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new InputError(name, 'needs a value');
        values.set(name === '--output' ? '-o' : name, v);
      } else throw new InputError(name, 'unknown option (see `isotherm help`)');
    } else positional.push(a);
  }
  if (positional.length === 0) throw new InputError('embed', 'missing INPUT file (usage: isotherm embed INPUT -o OUT.csv)');
  if (positional.length > 1) throw new InputError('embed', `expected one INPUT, got ${positional.length}: ${positional.join(' ')}`);
  const output = values.get('-o');
  if (!output) throw new InputError('-o', 'missing output file (usage: isotherm embed INPUT -o OUT.csv)');
  const params = parseCliParams(values);
  const pcaRaw = values.get('--pca');
  const pca = pcaRaw === undefined ? PCA_PARAM.default : pcaRaw === 'obsm' ? pcaRaw : (parseValue(PCA_PARAM.domain, pcaRaw, '--pca', 'text') as 'auto' | 'off' | number);
  const obsRaw = values.get('--obs');
  const obsColumns = obsRaw === undefined ? [] : obsRaw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const layer = values.get('--layer');
  const genome = values.get('--genome');
  const budgetRaw = values.get('--memory-budget');
  const memoryBudget = budgetRaw === undefined ? undefined : parseBudgetGB(budgetRaw);
  return {
    input: positional[0]!,
    output,
    params,
    pca,
    obsColumns,
    ...(layer !== undefined ? { layer } : {}),
    ...(genome !== undefined ? { genome } : {}),
    ...(memoryBudget !== undefined ? { memoryBudget } : {}),
    useRaw: flags.has('--raw'),
    quiet: flags.has('--quiet') || flags.has('-q'),
    force: flags.has('--force'),
  };
}

/** The reader's options of the map-making commands (`--obs`, `--layer`, `--raw`, `--genome`, `--memory-budget`). */
export function readOptions(args: EmbedArgs, extraObs: readonly string[] = []): ReadOptions {
  return {
    obsColumns: [...args.obsColumns, ...extraObs],
    useRaw: args.useRaw,
    ...(args.layer !== undefined ? { layer: args.layer } : {}),
    ...(args.genome !== undefined ? { genome: args.genome } : {}),
    ...(args.memoryBudget !== undefined ? { memoryBudget: args.memoryBudget } : {}),
  };
}

/** Starts the numeric engine `--backend` names; one that cannot start is an argument error (exit code 2). */
/**
 * `--memory-budget GB` is the one memory setting of the run: it bounds the read (readOptions) and the
 * computation's planned arrays (src-core/working-memory.ts), replacing ISOTHERM_MEMORY_BUDGET_GB's value.
 */
export function applyMemoryBudget(args: EmbedArgs): void {
  if (args.memoryBudget !== undefined) setWorkingMemoryBudget(args.memoryBudget);
}

export async function startBackend(args: EmbedArgs): Promise<BackendInfo> {
  return initBackend(args.params.backend ?? 'auto').catch((e: Error) => {
    throw new InputError('--backend', e.message);
  });
}
