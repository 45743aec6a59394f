/**
 * The embedding's parameters, each declared once in PARAMS: its default, the values it accepts, its
 * command-line flag and help, the first pipeline stage that reads it and its slider in the app.
 * Derived from PARAMS: DEFAULTS; the CLI parser and USAGE (cli/args.ts); the validation of calls from the
 * app (host/validate.ts); the app panel's defaults and slider ranges (renderer/src/params-state.ts); the
 * pipeline's cache keys (stage-keys.ts); the sidecar's parameter list (export/run-sidecar.ts).
 * Adding a parameter = a field of EmbedParams + its entry in PARAMS + the code of the stage that uses it
 * (test/unit/params-spec.test.ts fails to compile when the entry is missing).
 *
 * Presets:
 *   geodesic (default) — combinatorial Laplacian, knn 10, σ = 1, automatic t: Varadhan distances with the
 *                        Harnack volume correction; the setting that best preserves geodesics (paper §5).
 *   phate              — random-walk (normalised) Laplacian, PHATE's potential distance between log heat rows.
 *   sne                — heat-geodesic distances, but stress weighted by the heat kernel: local pairs dominate.
 * See docs/algorithm.md for the equations.
 */
import { BACKEND_NAMES, type BackendRequest } from '../compute/backend-names.js';
import { InputError } from '../errors.js';
import type { LaplacianKind } from '../graph/laplacian.js';
import { refineExaggeration, refineIterations, refineStepScale } from '../embed/refine.js';
import { DEFAULT_PCA_COMPONENTS } from '../preprocess/pca.js';
import { PCA_AUTO_MIN_FEATURES } from '../preprocess/run-preprocess.js';
import type { StageName } from './progress.js';

export type Preset = 'geodesic' | 'phate' | 'sne';
export const PRESETS: readonly Preset[] = ['geodesic', 'phate', 'sne'];
export type Dissimilarity = 'heat-geodesic' | 'potential';
export type HeatMethod = 'squaring' | 'chebyshev';

/** kNN search: 'auto' (exact when cheap or when a k-d tree prunes well, else approximate), or forced. */
export type KnnMethodChoice = 'auto' | 'exact' | 'approximate';
export const KNN_METHODS: readonly KnnMethodChoice[] = ['auto', 'exact', 'approximate'];

export interface EmbedParams {
  readonly preset: Preset;
  /** Neighbours for the bandwidth of the alpha-decay kernel (default 10). */
  readonly knn: number;
  /** How the neighbours are searched (default 'auto'; docs/algorithm.md §1b). */
  readonly knnMethod: KnnMethodChoice;
  /** Alpha-decay exponent (default 40). */
  readonly decay: number;
  readonly laplacian: LaplacianKind;
  /** Landmarks: 'auto' = min(n, 1000); a number; or 'off' (every cell is a landmark). */
  readonly landmarks: 'auto' | 'off' | number;
  /** Diffusion time, or 'auto' (knee of the entropy curve). */
  readonly t: 'auto' | number;
  /** Harnack / volume regularisation weight σ (default 1). */
  readonly sigma: number;
  readonly dissimilarity: Dissimilarity;
  /** Heat kernel by non-negative uniformisation + squaring (default) or by Chebyshev expansion. */
  readonly heatMethod: HeatMethod;
  /** Chebyshev order when heatMethod = 'chebyshev': 'auto' bounds the error by 1e-10. */
  readonly order: 'auto' | number;
  /** Stress weighting: 'none' (metric MDS, SMACOF) or 'heat' (SNE-like, SGD on weighted stress). */
  readonly stressWeights: 'none' | 'heat';
  readonly mdsIterations: number;
  /** Neighbourhood refinement of all cells after the landmark layout: 'auto' (100 iterations, fewer above 100k cells, none above 200k), 'off' or a count. */
  readonly refine: 'auto' | 'off' | number;
  /** ρ, the refinement's attraction weight: 1 = t-SNE's balance; larger keeps more of the landmark layout's arrangement; 'auto' by n. */
  readonly refineExaggeration: 'auto' | number;
  /** Bandwidth neighbour of the refinement's graph: 'auto' = 1.5·knn (15) up to 50k cells, knn from 100k; at most the 2·knn neighbours searched. */
  readonly refineKnn: 'auto' | number;
  /** Share of the refinement's attraction on mid-near pairs (second nearest of 6 random cells; default 0 = none). */
  readonly refineMidNear: number;
  readonly seed: number;
  readonly backend: BackendRequest;
}

/** The values a parameter accepts: one of a list, or a number in a range (and optionally some words, e.g. 'auto'). */
export type Domain =
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly integer: boolean; readonly words: readonly string[] };

/** A slider of the app's parameter panel, in the slider's units (log2 t for `t`). */
export interface Slider {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Where the slider stands while the parameter is on a word such as 'auto'. */
  readonly initial?: number;
}

/** A parameter's part of the cache keys: for its own stage, for several stages, or null when it does not apply to this run. */
export type KeyPart = string | null | Partial<Readonly<Record<StageName, string>>>;

export interface ParamSpec<V> {
  readonly default: V;
  readonly domain: Domain;
  /** One line for USAGE. */
  readonly help: string;
  /** The command-line flag and its value's placeholder in USAGE; absent: not a flag (the presets set it). */
  readonly cli?: { readonly flag: string; readonly value: string };
  /** Calls from the app may set it (default true; the backend is the host's choice). */
  readonly app?: boolean;
  /** The first stage that reads it: it and every later stage rerun when it changes. null: no stage reads it. */
  readonly stage: StageName | null;
  /** Its part of the cache keys when that is not `name=value` in `stage`'s key (derived values; parameters that only sometimes apply). */
  readonly key?: (p: EmbedParams, n: number) => KeyPart;
  readonly slider?: Slider;
}

export type ParamSpecs = { readonly [K in keyof EmbedParams]: ParamSpec<EmbedParams[K]> };

const choice = (values: readonly string[]): Domain => ({ kind: 'choice', values });
const real = (min: number, max: number, words: readonly string[] = []): Domain => ({ kind: 'number', min, max, integer: false, words });
const integer = (min: number, max: number, words: readonly string[] = []): Domain => ({ kind: 'number', min, max, integer: true, words });

export const DEFAULT_LANDMARKS = 1000;

export const PARAMS: ParamSpecs = {
  preset: {
    default: 'geodesic', domain: choice(PRESETS), cli: { flag: '--preset', value: PRESETS.join('|') }, stage: null,
    help: 'sets laplacian, σ, dissimilarity and stress weights (see docs/algorithm.md)',
  },
  knn: {
    default: 10, domain: integer(2, 200), cli: { flag: '--knn', value: 'K' }, stage: 'knn',
    help: 'neighbours: bandwidth of the alpha-decay kernel (the search keeps 2·K)',
    // The knn stage measures approximate search's recall at the bandwidth neighbour too, hence `at`.
    key: (p, n) => ({ knn: `k=${knnSearchSize(n, p.knn)}|at=${p.knn}`, graph: `bw=${p.knn}` }),
    slider: { min: 3, max: 60, step: 1 },
  },
  knnMethod: {
    default: 'auto', domain: choice(KNN_METHODS), cli: { flag: '--knn-method', value: KNN_METHODS.join('|') }, stage: 'knn',
    help: 'neighbour search: auto = exact k-d tree where it prunes well, else approximate (NN-descent)',
  },
  decay: {
    default: 40, domain: real(1, 200), cli: { flag: '--decay', value: 'A' }, stage: 'graph',
    help: 'alpha-decay exponent', slider: { min: 2, max: 100, step: 1 },
  },
  laplacian: { default: 'combinatorial', domain: choice(['combinatorial', 'normalized']), stage: 'heat', help: 'graph Laplacian (set by the preset)' },
  landmarks: {
    default: 'auto', domain: integer(10, 20000, ['auto', 'off']), cli: { flag: '--landmarks', value: 'auto|off|M' }, stage: 'landmarks',
    help: `auto = min(n, ${DEFAULT_LANDMARKS}); off = every cell is a landmark`,
    key: (p, n) => `m=${landmarkCount(n, p.landmarks)}`,
    slider: { min: 50, max: 5000, step: 50, initial: 500 },
  },
  t: {
    default: 'auto', domain: real(1e-6, 1e6, ['auto']), cli: { flag: '--t', value: 'auto|T' }, stage: 'heat',
    help: 'diffusion time; auto = the knee of the entropy curve',
    slider: { min: -3, max: 9, step: 0.05, initial: 3 },
  },
  sigma: {
    default: 1, domain: real(0, 100), cli: { flag: '--sigma', value: 'S' }, stage: 'dissimilarity',
    help: 'volume (Harnack) regularisation σ; the PHATE-like potential ignores it',
    key: (p) => (p.dissimilarity === 'potential' ? null : `sigma=${p.sigma}`),
    slider: { min: 0, max: 5, step: 0.1 },
  },
  dissimilarity: { default: 'heat-geodesic', domain: choice(['heat-geodesic', 'potential']), stage: 'dissimilarity', help: 'Varadhan heat-geodesic or PHATE potential (set by the preset)' },
  heatMethod: {
    default: 'squaring', domain: choice(['squaring', 'chebyshev']), cli: { flag: '--heat-method', value: 'squaring|chebyshev' }, stage: 'heat',
    help: 'heat kernel by uniformisation + squaring, or by Chebyshev expansion',
  },
  order: {
    default: 'auto', domain: integer(1, 5000, ['auto']), cli: { flag: '--order', value: 'auto|K' }, stage: 'heat',
    help: 'Chebyshev order (auto: error below 1e-10); squaring ignores it',
    key: (p) => (p.heatMethod === 'chebyshev' ? `order=${p.order}` : null),
    slider: { min: 5, max: 500, step: 5, initial: 60 },
  },
  stressWeights: { default: 'none', domain: choice(['none', 'heat']), stage: 'mds', help: 'metric MDS, or stress weighted by the heat kernel (set by the preset)' },
  mdsIterations: { default: 30, domain: integer(0, 10000), cli: { flag: '--mds-iterations', value: 'N' }, stage: 'mds', help: 'SMACOF (or SGD) iterations after classical MDS' },
  refine: {
    default: 'auto', domain: integer(1, 5000, ['auto', 'off']), cli: { flag: '--refine', value: 'auto|off|N' }, stage: 'refine',
    help: 'neighbourhood refinement iterations (auto: 100, fewer above 100k cells, none above 200k; off: the extended landmark layout)',
    key: (p, n) => `refine=${p.refine === 'off' ? 0 : p.refine === 'auto' ? `${refineIterations(n)}×${refineStepScale(n)}` : p.refine}`,
  },
  refineExaggeration: {
    default: 'auto', domain: real(1, 50, ['auto']), cli: { flag: '--refine-exaggeration', value: 'auto|R' }, stage: 'refine',
    help: 'refinement attraction ρ: 1 = t-SNE, larger keeps more of the landmark layout; auto = 1 up to 1,000 cells, 1.3 from 3,000',
    key: (p, n) => (p.refine === 'off' ? null : `rho=${refineRho(n, p)}`),
    slider: { min: 1, max: 8, step: 0.1, initial: 1.3 },
  },
  refineKnn: {
    default: 'auto', domain: integer(2, 200, ['auto']), cli: { flag: '--refine-knn', value: 'auto|K' }, stage: 'refine',
    help: 'bandwidth neighbour of the refinement\'s graph: auto = 1.5·knn up to 50k cells, knn from 100k; at most the 2·knn neighbours searched (docs/algorithm.md §6b)',
    key: (p, n) => (p.refine === 'off' ? null : `rk=${refineBandwidth(n, p)}`),
  },
  refineMidNear: {
    default: 0, domain: real(0, 0.9), cli: { flag: '--refine-mid-near', value: 'S' }, stage: 'refine',
    help: 'share of the refinement\'s attraction on mid-near pairs (per cell 10 × the 2nd nearest of 6 random cells of its component): more global arrangement on real cells (0.15: DEMaP +0.01 to +0.03), less local trust, worse under heavy count noise and on curled manifolds; 0 = none (docs/algorithm.md §6b)',
    key: (p) => (p.refine === 'off' ? null : `mn=${p.refineMidNear}`),
  },
  seed: { default: 0, domain: integer(0, 2 ** 31 - 1), cli: { flag: '--seed', value: 'N' }, stage: 'mds', help: 'seed of the MDS' },
  backend: {
    default: 'auto', domain: choice(['auto', ...BACKEND_NAMES]), cli: { flag: '--backend', value: ['auto', ...BACKEND_NAMES].join('|') }, stage: null, app: false,
    help: 'numeric engine (docs/gpu.md)',
  },
};

/** Parameter names in PARAMS order (the order of USAGE and of the sidecar). */
export const PARAM_NAMES = Object.keys(PARAMS) as readonly (keyof EmbedParams)[];

export const DEFAULTS: EmbedParams = Object.fromEntries(PARAM_NAMES.map((k) => [k, PARAMS[k].default])) as unknown as EmbedParams;

/** Preprocessing, not an embedding parameter: PCA components. A change re-preprocesses the data set. */
export const PCA_PARAM: ParamSpec<'auto' | 'off' | number> = {
  default: 'auto', domain: integer(2, 500, ['auto', 'off']), cli: { flag: '--pca', value: 'auto|off|obsm|N' }, stage: null,
  help: `PCA components: auto = ${DEFAULT_PCA_COMPONENTS} above ${PCA_AUTO_MIN_FEATURES} features, else off; obsm = the file's obsm/X_pca`,
  slider: { min: 2, max: 100, step: 1, initial: DEFAULT_PCA_COMPONENTS },
};

export const PRESET_VALUES: Record<Preset, Partial<EmbedParams>> = {
  geodesic: { laplacian: 'combinatorial', sigma: 1, dissimilarity: 'heat-geodesic', stressWeights: 'none' },
  phate: { laplacian: 'normalized', sigma: 0, dissimilarity: 'potential', stressWeights: 'none' },
  sne: { laplacian: 'combinatorial', sigma: 1, dissimilarity: 'heat-geodesic', stressWeights: 'heat' },
};

/** Defaults, then the preset's values, then the caller's explicit overrides. */
export function resolveParams(overrides: Partial<EmbedParams> = {}): EmbedParams {
  const preset = overrides.preset ?? DEFAULTS.preset;
  return { ...DEFAULTS, ...PRESET_VALUES[preset], ...stripUndefined(overrides), preset };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function landmarkCount(n: number, landmarks: EmbedParams['landmarks']): number {
  if (landmarks === 'off') return n;
  if (landmarks === 'auto') return Math.min(n, DEFAULT_LANDMARKS);
  return Math.max(2, Math.min(n, Math.floor(landmarks)));
}

/** The refinement's ρ: the number asked for, or the automatic one for n cells. */
export function refineRho(n: number, p: Pick<EmbedParams, 'refineExaggeration'>): number {
  return p.refineExaggeration === 'auto' ? refineExaggeration(n) : p.refineExaggeration;
}

/**
 * The refinement graph's bandwidth neighbour: refineKnn, capped by the neighbours the knn stage found.
 * auto = 1.5·knn up to 50k cells, knn itself from 100k (log-linear between), like the automatic
 * schedule's fewer iterations and partners there: on realistic 100k data the wider graph cost +5 s of a
 * 25 s run (more two-step pairs) — docs/algorithm.md §6b.
 */
export function refineBandwidth(n: number, p: Pick<EmbedParams, 'knn' | 'refineKnn'>): number {
  const k = p.refineKnn === 'auto' ? Math.round(refineKnnFactor(n) * p.knn) : p.refineKnn;
  return Math.min(k, knnSearchSize(n, p.knn));
}

function refineKnnFactor(n: number): number {
  const [lo, hi] = [50_000, 100_000];
  if (n <= lo) return 1.5;
  if (n >= hi) return 1;
  return 1.5 - (0.5 * Math.log(n / lo)) / Math.log(hi / lo);
}

/** Neighbours the knn stage searches: 2·knn (the graph stage prunes unsupported edges), at most n − 1. */
export function knnSearchSize(n: number, knn: number): number {
  return Math.min(n - 1, 2 * knn);
}

/**
 * A map needs more cells than knn. `file` is what the message names first; `which` qualifies the cells
 * (e.g. "after preprocessing", "left after withholding 24h").
 */
export function checkEnoughCells(n: number, knn: number, file: string, which = ''): void {
  if (n > knn) return;
  const cells = `${n} cell${n === 1 ? '' : 's'}${which ? ` ${which}` : ''} ${n === 1 ? 'is' : 'are'}`;
  throw new InputError(file, `${cells} too few for knn = ${knn}: a map needs at least ${knn + 1} (or a smaller knn)`);
}
