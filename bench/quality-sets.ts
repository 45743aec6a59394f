/**
 * The data sets of `npm run bench:quality`: for each, the matrix every method embeds (`input`), the matrix
 * the ground truth is computed from (`reference`) and the labels for 10-NN accuracy, if any.
 *   pbmc68k      pbmc68k_reduced obsm/X_pca (700 × 50); reference = input; labels bulk_labels
 *   hsmm         HSMM obsm/X_pca_exact (271 × 50); reference = input; labels time
 *   mouse10k     the shared reference PCs (9,999 × 50); reference = input; no labels
 *   cellranger3  Cell Ranger 3.0.0 folder (1,107 cells) through Isotherm's preprocess(); reference = those PCs
 *   cellbench3   CellBench CEL-seq2 mixture of 3 lung adenocarcinoma cell lines, demuxlet singlets (240 cells ×
 *                27,683 genes, UMI counts) through preprocess(); reference = those PCs; labels cell_line. Its
 *                10-NN graph has 2 components (H2228 apart from H1975 + HCC827): the disconnected real set
 *   sim-LEVEL-sSEED  the count simulator (3,000 cells): input = preprocess() PCs of the counts, reference = the
 *                noiseless expression log1p(median library · p), labels = branch
 * Every set is read from test/fixtures or generated: nothing here needs ../shared.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset, DenseMatrix } from '../src-core/io/dataset.js';
import { openDataset } from '../src-core/io/open.js';
import { preprocess } from '../src-core/preprocess/index.js';
import { NOISE_LEVELS, countSimOptions, simulateCounts, truthExpression, type CountSimOptions, type NoiseLevel } from '../src-core/synthetic/counts.js';

export interface QualitySet {
  readonly name: string;
  /** One line saying what the input and reference are. */
  readonly description: string;
  readonly input: DenseMatrix;
  readonly reference: DenseMatrix;
  readonly cellIds: readonly string[];
  readonly labels: { readonly name: string; readonly codes: Int32Array } | null;
  /** Seconds spent reading / simulating and preprocessing. */
  readonly loadSeconds: number;
}

export const REAL_SETS = ['pbmc68k', 'hsmm', 'mouse10k', 'cellranger3', 'cellbench3'] as const;
export const SIM_LEVELS: readonly NoiseLevel[] = NOISE_LEVELS;

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (...parts: string[]): string => path.join(REPO_ROOT, 'test', 'fixtures', 'data', ...parts);

/** Expands `sim-mid` to its seeds (`sim-mid-s0` …); other names pass through. */
export function expandSetNames(names: readonly string[], seeds: number): string[] {
  const out: string[] = [];
  for (const name of names) {
    const level = SIM_LEVELS.find((l) => name === `sim-${l}`);
    if (level) for (let s = 0; s < seeds; s++) out.push(`sim-${level}-s${s}`);
    else out.push(name);
  }
  return out;
}

export function isSimSet(name: string): boolean {
  return name.startsWith('sim-');
}

/** `simOverrides` change the simulator's options (on top of the level's) for sim-* sets; real sets ignore them. */
export async function loadSet(name: string, simOverrides: Partial<CountSimOptions> = {}): Promise<QualitySet> {
  const t0 = performance.now();
  const set = await build(name, simOverrides);
  return { ...set, loadSeconds: (performance.now() - t0) / 1000 };
}

async function build(name: string, simOverrides: Partial<CountSimOptions>): Promise<Omit<QualitySet, 'loadSeconds'>> {
  switch (name) {
    case 'pbmc68k': {
      const ds = await openDataset(fixture('pbmc68k_reduced', 'pbmc68k_reduced.h5ad'));
      const pcs = obsm(ds, 'X_pca');
      return { name, description: `pbmc68k_reduced obsm/X_pca (${pcs.nRows} × ${pcs.nCols}); reference = the same PCs; labels bulk_labels`, input: pcs, reference: pcs, cellIds: ds.cellIds, labels: labelsOf(ds, 'bulk_labels') };
    }
    case 'hsmm': {
      const ds = await openDataset(fixture('hsmm', 'hsmm.h5ad'));
      const pcs = obsm(ds, 'X_pca_exact');
      return { name, description: `HSMM obsm/X_pca_exact (${pcs.nRows} × ${pcs.nCols}); reference = the same PCs; labels time`, input: pcs, reference: pcs, cellIds: ds.cellIds, labels: labelsOf(ds, 'time') };
    }
    case 'mouse10k': {
      const ds = await openDataset(fixture('mouse10k', 'mouse10k_pca50.csv'));
      if (ds.X.kind !== 'dense') throw new Error('mouse10k_pca50.csv: expected a dense table');
      return { name, description: `mouse10k shared PCs (${ds.nCells} × ${ds.nFeatures}, test/fixtures/data/mouse10k/mouse10k_pca50.csv); reference = the same PCs; no labels`, input: ds.X, reference: ds.X, cellIds: ds.cellIds, labels: null };
    }
    case 'cellranger3': {
      const ds = await openDataset(fixture('cellranger', '3.0.0', 'filtered_feature_bc_matrix'));
      const pp = preprocess(ds);
      const ids = Array.from(pp.keptCells, (i) => ds.cellIds[i]!);
      return { name, description: `Cell Ranger 3.0.0 folder (${ds.nCells} cells × ${ds.nFeatures} genes) → Isotherm preprocess() → ${pp.matrix.nCols} PCs; reference = those PCs; no labels`, input: pp.matrix, reference: pp.matrix, cellIds: ids, labels: null };
    }
    case 'cellbench3': {
      const ds = await openDataset(fixture('cellbench', 'sc_celseq2_sng.csv.gz'));
      const pp = preprocess(ds);
      if (pp.keptCells.length !== ds.nCells) throw new Error(`${name}: preprocess dropped cells; the labels would not line up`);
      return { name, description: `CellBench CEL-seq2 3 cell lines, singlets (${ds.nCells} cells × ${ds.nFeatures} genes, test/fixtures/data/cellbench/sc_celseq2_sng.csv.gz) → Isotherm preprocess() → ${pp.matrix.nCols} PCs; reference = those PCs; labels cell_line`, input: pp.matrix, reference: pp.matrix, cellIds: ds.cellIds, labels: labelsOf(ds, 'cell_line') };
    }
    default: {
      const m = /^sim-(low|mid|high|very-high)-s(\d+)$/.exec(name);
      if (!m) throw new Error(`unknown data set "${name}" (known: ${REAL_SETS.join(', ')}, sim-LEVEL[-sSEED] with LEVEL in ${SIM_LEVELS.join(', ')})`);
      return simulated(name, m[1] as NoiseLevel, Number(m[2]), simOverrides);
    }
  }
}

function simulated(name: string, level: NoiseLevel, seed: number, overrides: Partial<CountSimOptions>): Omit<QualitySet, 'loadSeconds'> {
  const options = countSimOptions(level, { ...overrides, seed });
  const changed = Object.keys(overrides).length ? ` (overrides ${JSON.stringify(overrides)})` : '';
  const sim = simulateCounts(options, name);
  const pp = preprocess(sim.dataset);
  if (pp.keptCells.length !== sim.dataset.nCells) throw new Error(`${name}: preprocess dropped cells; the truth rows would not line up`);
  const truth = truthExpression(sim.truth);
  const o = sim.options;
  return {
    name,
    description:
      `count simulator, level ${level}${changed}, seed ${seed}: ${o.nCells} cells × ${o.nGenes} genes, ${o.branches} branches, library ${o.librarySize}, BCV ${o.bcv}, DE ${o.deFraction}` +
      `${o.dropout ? ', dropout' : ''}; input = Isotherm preprocess() PCs of the counts (${pp.matrix.nCols}); reference = the NOISELESS expression (${truth.nCols} genes); labels branch`,
    input: pp.matrix,
    reference: truth,
    cellIds: sim.dataset.cellIds,
    labels: { name: 'branch', codes: sim.truth.branch },
  };
}

function obsm(ds: Dataset, key: string): DenseMatrix {
  const m = ds.obsm[key];
  if (!m) throw new Error(`${ds.source.path}: no obsm/${key}`);
  return m;
}

function labelsOf(ds: Dataset, column: string): { name: string; codes: Int32Array } {
  const col = ds.obs.find((c) => c.name === column);
  if (!col || col.kind !== 'categorical') throw new Error(`${ds.source.path}: no categorical obs column ${column}`);
  return { name: column, codes: col.codes };
}
