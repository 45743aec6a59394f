/**
 * One data set's way from file to map to file: read (io/), preprocess (preprocess/), the staged pipeline
 * (pipeline/), exports (export/). The CLI commands and the app's LocalIsothermApi all go through it, so
 * a file opened in either gives the same matrix, the same map and the same sidecar.
 */
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { assertWritableDestination, sidecarPathFor, writeEmbeddingArrow, writeEmbeddingCsv, writeSidecar, type SidecarInput } from '../export/index.js';
import type { ReplaceRule } from '../export/atomic-write.js';
import { runSidecarInput } from '../export/run-sidecar.js';
import type { Dataset } from '../io/dataset.js';
import { openDataset, type ReadOptions } from '../io/open.js';
import { timeCourse, type TimeCourse } from '../interpolate/time-points.js';
import { checkEnoughCells, resolveParams, type EmbedParams } from '../pipeline/params.js';
import { EmbeddingPipeline, type EmbedResult, type RunOptions } from '../pipeline/pipeline.js';
import { machineMemoryBudget } from '../io/machine-budget.js';
import { DEFAULT_MAX_DENSE_ENTRIES, preprocess, type PreprocessOptions, type PreprocessOutput } from '../preprocess/index.js';
import type { ObsColumn } from '../io/dataset.js';
import { AnnotationStore } from './annotations.js';

/** How the data set is turned into the matrix the map is computed from. */
export interface PrepareOptions {
  /** PCA components: 'auto' (default), 'off', a number, or 'obsm' (the file's precomputed PCs). */
  readonly pca?: 'auto' | 'off' | 'obsm' | number;
  /** The obsm key of precomputed PCs (default X_pca); giving one implies pca 'obsm'. */
  readonly obsmKey?: string;
}

/** A data set as read, with the path it was read from and how long that took. */
export interface LoadedDataset {
  /** The path as given (messages name it so). */
  readonly path: string;
  readonly dataset: Dataset;
  readonly read: ReadOptions;
  readonly readMs: number;
}

export async function readDataset(path: string, read: ReadOptions = {}): Promise<LoadedDataset> {
  const t0 = performance.now();
  const dataset = await openDataset(path, read);
  return { path, dataset, read, readMs: performance.now() - t0 };
}

function preprocessOptions(o: PrepareOptions, read: ReadOptions): PreprocessOptions {
  if (o.pca === 'obsm' || o.obsmKey !== undefined) return { usePca: 'obsm', ...(o.obsmKey !== undefined ? { obsmKey: o.obsmKey } : {}) };
  // Densifying (PCA off, or too few features for PCA) is refused up front when the dense float32 matrix
  // would not fit in the memory budget that also bounds reading.
  const budget = read.memoryBudget ?? machineMemoryBudget();
  const dense = { maxDenseEntries: Math.min(DEFAULT_MAX_DENSE_ENTRIES, Math.floor(budget / 4)) };
  return o.pca === undefined || o.pca === 'auto' ? dense : o.pca === 'off' ? { pca: 'off', ...dense } : { pca: o.pca };
}

/** What Workspace.exportCsv may replace (AtomicWriteOptions.replace): the CSV, and the sidecar (default: as the CSV). */
export interface ExportWriteOptions {
  readonly replace?: ReplaceRule;
  readonly replaceSidecar?: ReplaceRule;
  /** The table's format (default CSV; 'arrow': Arrow IPC file), with the same sidecar. */
  readonly format?: 'csv' | 'arrow';
}

/** What goes into a map's sidecar besides the run itself. */
export interface SidecarExtras {
  readonly notes?: readonly string[];
  /** Adapter of the compute backend, when the host knows it (the CLI). */
  readonly backendAdapter?: string;
}

export class Workspace {
  readonly loaded: LoadedDataset;
  readonly prep: PreprocessOutput;
  readonly options: PrepareOptions;
  readonly preprocessMs: number;
  /** The map's pipeline: its stage caches make a parameter change rerun only what depends on it. */
  readonly pipeline: EmbeddingPipeline;
  /** Columns added in the app (clusters, named selections); shared with the subsets taken from it. */
  readonly annotations: AnnotationStore;

  private constructor(loaded: LoadedDataset, prep: PreprocessOutput, options: PrepareOptions, preprocessMs: number, annotations = new AnnotationStore()) {
    this.loaded = loaded;
    this.annotations = annotations;
    this.prep = prep;
    this.options = options;
    this.preprocessMs = preprocessMs;
    this.pipeline = this.newPipeline();
  }

  /** Reads and preprocesses `path`. */
  static async open(path: string, read: ReadOptions = {}, options: PrepareOptions = {}): Promise<Workspace> {
    return Workspace.prepare(await readDataset(path, read), options);
  }

  /** Preprocesses a data set that was read already. */
  static prepare(loaded: LoadedDataset, options: PrepareOptions = {}): Workspace {
    const t0 = performance.now();
    const prep = preprocess(loaded.dataset, preprocessOptions(options, loaded.read));
    return new Workspace(loaded, prep, { ...options }, performance.now() - t0);
  }

  /** The same data set preprocessed again with other options (nothing is read: the read time is 0). */
  reprepare(options: PrepareOptions): Workspace {
    return Workspace.prepare({ ...this.loaded, readMs: 0 }, options);
  }

  /**
   * The map rows `rows` (ascending, distinct) as a data set of their own: the same cells' PCs, renumbered
   * 0..k−1 in their order, with a fresh pipeline. Ids, metadata and the sidecar still refer to the file.
   */
  subset(rows: Int32Array): Workspace {
    const X = this.prep.matrix;
    const data = new Float32Array(rows.length * X.nCols);
    const kept = new Int32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      data.set(X.data.subarray(rows[r]! * X.nCols, (rows[r]! + 1) * X.nCols), r * X.nCols);
      kept[r] = this.prep.keptCells[rows[r]!]!;
    }
    const prep: PreprocessOutput = { ...this.prep, matrix: { kind: 'dense', nRows: rows.length, nCols: X.nCols, data }, keptCells: kept };
    return new Workspace(this.loaded, prep, this.options, this.preprocessMs, this.annotations);
  }

  get dataset(): Dataset {
    return this.loaded.dataset;
  }

  /** The file's metadata columns and those added in the app (annotations), by data set row. */
  get obs(): readonly ObsColumn[] {
    return this.annotations.obsWith(this.dataset.obs);
  }

  /** Absolute path of the input (the sidecar hashes it; exports must not overwrite it). */
  get inputPath(): string {
    return resolve(this.loaded.path);
  }

  /** Map rows: the cells that survived preprocessing. */
  get nRows(): number {
    return this.prep.matrix.nRows;
  }

  /** Data set row of each map row. */
  get keptCells(): Int32Array {
    return this.prep.keptCells;
  }

  cellId(row: number): string {
    return this.dataset.cellIds[this.prep.keptCells[row]!]!;
  }

  /** Another pipeline over the same matrix (e.g. the side-by-side comparison), with its own caches. */
  newPipeline(): EmbeddingPipeline {
    const X = this.prep.matrix;
    return new EmbeddingPipeline(X.data, X.nRows, X.nCols);
  }

  /** A map of every map row (on `pipeline`, by default the workspace's own). */
  async run(params: Partial<EmbedParams>, options: RunOptions = {}, pipeline: EmbeddingPipeline = this.pipeline): Promise<EmbedResult> {
    checkEnoughCells(this.nRows, resolveParams(params).knn, this.loaded.path, 'after preprocessing');
    return pipeline.run(params, options);
  }

  /** Where the map's input dimensions come from, for reports. */
  pcaSource(): string {
    const obsm = this.prep.steps.find((s) => s.step === 'obsm');
    if (obsm?.applied) return `obsm/${this.options.obsmKey ?? 'X_pca'}`;
    return this.prep.pca ? `PCA (${this.prep.matrix.nCols} components) computed here` : 'features as they are';
  }

  /** The time points of metadata column `column` over the map rows; `name` is what a message names (a flag, a field). */
  timeCourse(column: string, name: string): TimeCourse {
    const col = this.obs.find((c) => c.name === column);
    if (!col) throw new InputError(name, `no metadata column '${column}' in ${this.loaded.path} (have: ${this.obs.map((c) => c.name).join(', ') || 'none'})`);
    return timeCourse(col, this.prep.keptCells);
  }

  /** The sidecar of a map of this workspace (same schema from the CLI and the app). */
  sidecarInput(result: EmbedResult, outputs: readonly string[], extras: SidecarExtras = {}): SidecarInput {
    return runSidecarInput({
      inputPath: this.inputPath,
      dataset: this.dataset,
      prep: this.prep,
      result,
      outputs,
      readMs: this.loaded.readMs,
      preprocessMs: this.preprocessMs,
      pca: this.options.pca ?? 'auto',
      obs: this.loaded.read.obsColumns ?? [],
      ...(extras.backendAdapter !== undefined ? { backendAdapter: extras.backendAdapter } : {}),
      notes: extras.notes ?? [],
    });
  }

  /**
   * The map as CSV (cell_id, x, y, metadata; only the map rows `rows` when given) and its JSON sidecar,
   * both written atomically; never over the input file.
   */
  async exportCsv(path: string, result: EmbedResult, rows: Int32Array | null = null, extras: SidecarExtras = {}, write: ExportWriteOptions = {}): Promise<{ path: string; bytes: number; rows: number; sidecar: string }> {
    const sidecar = sidecarPathFor(path);
    const replace = write.replace ?? 'any';
    const replaceSidecar = write.replaceSidecar ?? replace;
    // Both destinations are checked before either is written: a refused sidecar leaves no lone CSV behind.
    await assertWritableDestination(resolve(path), [this.inputPath], replace);
    await assertWritableDestination(resolve(sidecar), [this.inputPath], replaceSidecar);
    const coordinates = rows ? new Float32Array(rows.length * 2) : result.coords;
    const rowIndex = rows ? new Int32Array(rows.length) : this.prep.keptCells;
    if (rows) {
      for (let r = 0; r < rows.length; r++) {
        coordinates[2 * r] = result.coords[2 * rows[r]!]!;
        coordinates[2 * r + 1] = result.coords[2 * rows[r]! + 1]!;
        rowIndex[r] = this.prep.keptCells[rows[r]!]!;
      }
    }
    const table = { cellIds: this.dataset.cellIds, coordinates, obs: this.obs, rowIndex };
    const options = { protectedPaths: [this.inputPath], replace };
    const report = write.format === 'arrow' ? { ...(await writeEmbeddingArrow(path, table, options)), rows: coordinates.length / 2 } : await writeEmbeddingCsv(path, table, options);
    await writeSidecar(sidecar, this.sidecarInput(result, [path], extras), { replace: replaceSidecar });
    return { path: report.path, bytes: report.bytes, rows: report.rows, sidecar };
  }
}
