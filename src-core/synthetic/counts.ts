/**
 * A principled scRNA-seq count simulator with known noiseless truth (Splatter-like in principle; see
 * docs/simulator.md for the model and its parameters). Generative model, per cell i and gene g:
 *   1. latent trajectory: a tree of B segments (count-tree.ts); cell i sits at (branch b_i, position s_i);
 *   2. expression programme (gene-program.ts): base means m_g ~ Gamma(shape, rate); DE genes change their log
 *      expression by Δ (log-normal magnitude, random sign) linearly along a branch, optionally with a transient
 *      bump; a child branch starts from its parent's end state. Library shares p_ig = m_g·e^{ℓ_g(b_i,u_i)} / Σ.
 *   3. library size L_i ~ LogNormal(ln median, spread²);
 *   4. expected count μ_ig = L_i·p_ig; observed count ~ Gamma-Poisson: λ ~ Gamma(1/BCV², μ·BCV²), y ~ Poisson(λ),
 *      so E y = μ and Var y = μ + BCV²·μ² (negative binomial);
 *   5. optional dropout: y is set to 0 with probability 1 / (1 + e^{shape·(ln μ − midpoint)}) (a logistic in
 *      log mean: low-mean entries are lost more often).
 * Truth: the noiseless expression log1p(median library · p_ig) (computed on demand from the compact programme,
 * so memory stays O(nnz + n + B·G)), and the tree geodesic (arc length) between cells.
 * Every draw comes from seeded generators: the same options give the same data, bit for bit.
 */
import { denseMatrix, type CsrMatrix, type Dataset, type DenseMatrix } from '../io/dataset.js';
import { createRng } from '../linalg/random.js';
import { makeTree, placeCells, treeGeodesic, type BranchLengths, type CellDensity, type Topology, type TrajectoryTree } from './count-tree.js';
import { gammaPoisson, logNormal } from './distributions.js';
import { expressionShares, makeGeneProgram, type GeneProgram, type GeneProgramOptions } from './gene-program.js';

export interface DropoutOptions {
  /** ln μ at which half the entries are dropped. */
  readonly midpoint: number;
  /** Steepness (> 0) of the logistic in ln μ. */
  readonly shape: number;
}

/** The gene programme's options (gene-program.ts: nGenes, base means, DE genes, fold changes) and the cells'. */
export interface CountSimOptions extends GeneProgramOptions {
  readonly nCells: number;
  readonly branches: number;
  readonly topology: Topology;
  readonly branchLengths: BranchLengths;
  readonly density: CellDensity;
  /** Median library size (total expected counts per cell). */
  readonly librarySize: number;
  /** Standard deviation of ln(library size). */
  readonly librarySpread: number;
  /** Biological coefficient of variation of the gamma-Poisson noise. */
  readonly bcv: number;
  readonly dropout: DropoutOptions | null;
  readonly seed: number;
}

export const COUNT_SIM_DEFAULTS: CountSimOptions = {
  nCells: 3000,
  nGenes: 2000,
  branches: 5,
  topology: 'binary',
  branchLengths: 'random',
  density: 'uniform',
  meanShape: 0.6,
  meanRate: 0.3,
  deFraction: 0.1,
  lfcLocation: -0.6,
  lfcScale: 0.5,
  bumpFraction: 0.2,
  librarySize: 1500,
  librarySpread: 0.4,
  bcv: 0.4,
  dropout: null,
  seed: 0,
};

export type NoiseLevel = 'low' | 'mid' | 'high' | 'very-high';
export const NOISE_LEVELS: readonly NoiseLevel[] = ['low', 'mid', 'high', 'very-high'];

/** The named noise levels (issue 11): library size, BCV and DE fraction; everything else at the defaults. */
export const NOISE_LEVEL_OPTIONS: Record<NoiseLevel, Partial<CountSimOptions>> = {
  low: { librarySize: 4000, bcv: 0.2, deFraction: 0.2 },
  mid: { librarySize: 1500, bcv: 0.4, deFraction: 0.1 },
  high: { librarySize: 1000, bcv: 0.5, deFraction: 0.05 },
  'very-high': { librarySize: 700, bcv: 0.6, deFraction: 0.05, dropout: { midpoint: -1.5, shape: 1 } },
};

export interface CountTruth {
  readonly tree: TrajectoryTree;
  readonly program: GeneProgram;
  readonly branch: Int32Array;
  readonly position: Float64Array;
  /** The library size at which the noiseless expression is stated (the median). */
  readonly librarySize: number;
  /** Each cell's drawn library size L_i. */
  readonly libraries: Float64Array;
}

export interface CountSimulation {
  readonly dataset: Dataset;
  readonly truth: CountTruth;
  readonly options: CountSimOptions;
}

/** Defaults, then the level's values, then explicit overrides. */
export function countSimOptions(level: NoiseLevel | null, overrides: Partial<CountSimOptions> = {}): CountSimOptions {
  return { ...COUNT_SIM_DEFAULTS, ...(level ? NOISE_LEVEL_OPTIONS[level] : {}), ...overrides };
}

export function simulateCounts(options: Partial<CountSimOptions> = {}, name?: string): CountSimulation {
  const o: CountSimOptions = { ...COUNT_SIM_DEFAULTS, ...options };
  validate(o);
  // Separate streams: the tree and gene programme do not depend on n, so a larger sample of the same
  // seed is drawn from the same biology.
  const structureRng = createRng(o.seed);
  const cellRng = createRng((o.seed ^ 0x2545f491) + 1);
  const tree = makeTree(o.branches, o.topology, o.branchLengths, structureRng);
  const program = makeGeneProgram(tree, o, structureRng);
  const { branch, position } = placeCells(tree, o.nCells, o.density, cellRng);

  const n = o.nCells;
  const G = o.nGenes;
  const libraries = new Float64Array(n);
  const lnMedian = Math.log(o.librarySize);
  const shares = new Float64Array(G);
  const indptr = new Float64Array(n + 1);
  let indices = new Int32Array(Math.max(1024, n * 16));
  let data = new Float32Array(indices.length);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const b = branch[i]!;
    expressionShares(program, b, position[i]! / tree.length[b]!, shares);
    const L = logNormal(cellRng, lnMedian, o.librarySpread);
    libraries[i] = L;
    for (let g = 0; g < G; g++) {
      const mu = L * shares[g]!;
      let y = gammaPoisson(cellRng, mu, o.bcv);
      if (y > 0 && o.dropout && cellRng.next() < 1 / (1 + Math.exp(o.dropout.shape * (Math.log(mu) - o.dropout.midpoint)))) y = 0;
      if (y === 0) continue;
      if (nnz === indices.length) {
        // Grow by half: memory stays O(nnz).
        const cap = Math.ceil(indices.length * 1.5);
        const ni = new Int32Array(cap);
        ni.set(indices);
        indices = ni;
        const nd = new Float32Array(cap);
        nd.set(data);
        data = nd;
      }
      indices[nnz] = g;
      data[nnz++] = y;
    }
    indptr[i + 1] = nnz;
  }
  const X: CsrMatrix = {
    kind: 'csr',
    nRows: n,
    nCols: G,
    indptr: nnz < 2 ** 31 ? Int32Array.from(indptr) : indptr,
    indices: indices.slice(0, nnz),
    data: data.slice(0, nnz),
  };
  const pseudotime = new Float64Array(n);
  for (let i = 0; i < n; i++) pseudotime[i] = tree.startDepth[branch[i]!]! + position[i]!;
  const dataset: Dataset = {
    nCells: n,
    nFeatures: G,
    X,
    cellIds: Array.from({ length: n }, (_, i) => `cell${i}`),
    featureNames: Array.from({ length: G }, (_, g) => `gene${g}`),
    obs: [
      { name: 'branch', kind: 'categorical', codes: branch, categories: Array.from({ length: o.branches }, (_, b) => `b${b}`), ordered: false },
      { name: 'position', kind: 'numeric', values: position },
      { name: 'pseudotime', kind: 'numeric', values: pseudotime },
    ],
    obsm: {},
    source: { path: name ?? `synthetic-counts(seed=${o.seed})`, format: 'synthetic', notes: [`count simulator: ${JSON.stringify(o)}`] },
  };
  return { dataset, truth: { tree, program, branch, position, librarySize: o.librarySize, libraries }, options: o };
}

/** The noiseless expression log1p(median library · p_ig) of the given cells (all when omitted), dense rows × genes. */
export function truthExpression(truth: CountTruth, rows?: ArrayLike<number>): DenseMatrix {
  const G = truth.program.nGenes;
  const count = rows ? rows.length : truth.branch.length;
  const out = new Float32Array(count * G);
  const shares = new Float64Array(G);
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r]! : r;
    const b = truth.branch[i]!;
    expressionShares(truth.program, b, truth.position[i]! / truth.tree.length[b]!, shares);
    for (let g = 0; g < G; g++) out[r * G + g] = Math.log1p(truth.librarySize * shares[g]!);
  }
  return denseMatrix(count, G, out);
}

/** Expected counts μ_ig = L_i·p_ig of cell i (the mean the noise is drawn around). */
export function expectedCounts(truth: CountTruth, i: number, out: Float64Array): void {
  const b = truth.branch[i]!;
  expressionShares(truth.program, b, truth.position[i]! / truth.tree.length[b]!, out);
  for (let g = 0; g < out.length; g++) out[g]! *= truth.libraries[i]!;
}

/** Arc length along the latent tree between cells i and j. */
export function truthGeodesic(truth: CountTruth, i: number, j: number): number {
  return treeGeodesic(truth.tree, truth.branch[i]!, truth.position[i]!, truth.branch[j]!, truth.position[j]!);
}

function validate(o: CountSimOptions): void {
  const positive = (name: string, v: number): void => {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`count simulator: ${name} must be a finite number > 0, got ${v}`);
  };
  if (!Number.isInteger(o.nCells) || o.nCells < 1) throw new Error(`count simulator: nCells must be a positive integer, got ${o.nCells}`);
  positive('meanShape', o.meanShape);
  positive('meanRate', o.meanRate);
  positive('librarySize', o.librarySize);
  if (!(o.lfcScale >= 0)) throw new Error(`count simulator: lfcScale must be ≥ 0, got ${o.lfcScale}`);
  if (!(o.librarySpread >= 0)) throw new Error(`count simulator: librarySpread must be ≥ 0, got ${o.librarySpread}`);
  if (!(o.bcv >= 0)) throw new Error(`count simulator: bcv must be ≥ 0, got ${o.bcv}`);
  if (!(o.bumpFraction >= 0 && o.bumpFraction <= 1)) throw new Error(`count simulator: bumpFraction must be in [0, 1], got ${o.bumpFraction}`);
  if (o.dropout) positive('dropout.shape', o.dropout.shape);
}
