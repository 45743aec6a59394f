/**
 * Argument parsing for `isotherm embed` (the stable command-line contract in docs/architecture.md).
 * Every problem is an InputError naming the argument, so the CLI exits with code 2 and one line.
 */
import { BACKEND_NAMES, type BackendRequest } from '../src-core/compute/backend.js';
import { InputError } from '../src-core/errors.js';
import { PRESETS, type EmbedParams, type Preset } from '../src-core/pipeline/params.js';

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
  readonly quiet: boolean;
}

const VALUE_FLAGS = new Set(['-o', '--output', '--preset', '--knn', '--decay', '--t', '--sigma', '--order', '--landmarks', '--pca', '--obs', '--backend', '--seed', '--heat-method', '--mds-iterations', '--layer', '--genome']);
const BOOL_FLAGS = new Set(['--quiet', '-q', '--raw']);

function number(flag: string, raw: string, opts: { integer?: boolean; min?: number; max?: number }): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new InputError(flag, `expected a number, got '${raw}'`);
  if (opts.integer && !Number.isInteger(v)) throw new InputError(flag, `expected an integer, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new InputError(flag, `must be ≥ ${opts.min}, got ${raw}`);
  if (opts.max !== undefined && v > opts.max) throw new InputError(flag, `must be ≤ ${opts.max}, got ${raw}`);
  return v;
}

function oneOf<T extends string>(flag: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) throw new InputError(flag, `expected one of ${allowed.join(', ')}, got '${raw}'`);
  return raw as T;
}

export function parseEmbedArgs(argv: readonly string[]): EmbedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') && a.length > 1) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (BOOL_FLAGS.has(name)) flags.add(name);
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
  const params: { -readonly [K in keyof EmbedParams]?: EmbedParams[K] } = {};
  const get = (f: string): string | undefined => values.get(f);
  if (get('--preset') !== undefined) params.preset = oneOf<Preset>('--preset', get('--preset')!, PRESETS);
  if (get('--knn') !== undefined) params.knn = number('--knn', get('--knn')!, { integer: true, min: 2, max: 200 });
  if (get('--decay') !== undefined) params.decay = number('--decay', get('--decay')!, { min: 1, max: 200 });
  if (get('--t') !== undefined) params.t = get('--t') === 'auto' ? 'auto' : number('--t', get('--t')!, { min: 1e-6, max: 1e6 });
  if (get('--sigma') !== undefined) params.sigma = number('--sigma', get('--sigma')!, { min: 0, max: 100 });
  if (get('--order') !== undefined) params.order = get('--order') === 'auto' ? 'auto' : number('--order', get('--order')!, { integer: true, min: 1, max: 5000 });
  if (get('--heat-method') !== undefined) params.heatMethod = oneOf('--heat-method', get('--heat-method')!, ['squaring', 'chebyshev'] as const);
  if (get('--mds-iterations') !== undefined) params.mdsIterations = number('--mds-iterations', get('--mds-iterations')!, { integer: true, min: 0, max: 10000 });
  if (get('--seed') !== undefined) params.seed = number('--seed', get('--seed')!, { integer: true, min: 0, max: 2 ** 31 - 1 });
  if (get('--backend') !== undefined) params.backend = oneOf<BackendRequest>('--backend', get('--backend')!, ['auto', ...BACKEND_NAMES]);
  const lm = get('--landmarks');
  if (lm !== undefined) params.landmarks = lm === 'auto' || lm === 'off' ? lm : number('--landmarks', lm, { integer: true, min: 10, max: 20000 });
  const pcaRaw = get('--pca');
  const pca = pcaRaw === undefined || pcaRaw === 'auto' ? 'auto' : pcaRaw === 'off' || pcaRaw === 'obsm' ? pcaRaw : number('--pca', pcaRaw, { integer: true, min: 2, max: 500 });
  const obsRaw = get('--obs');
  const obsColumns = obsRaw === undefined ? [] : obsRaw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const layer = get('--layer');
  const genome = get('--genome');
  return {
    input: positional[0]!,
    output,
    params,
    pca,
    obsColumns,
    ...(layer !== undefined ? { layer } : {}),
    ...(genome !== undefined ? { genome } : {}),
    useRaw: flags.has('--raw'),
    quiet: flags.has('--quiet') || flags.has('-q'),
  };
}
