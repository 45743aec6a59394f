/**
 * IsothermApi: the one contract between the renderer and a host (Electron preload over IPC,
 * `isotherm serve` over HTTP/WebSocket, or the in-process LocalIsothermApi in tests).
 * Everything here is plain data and typed arrays so it crosses structured clone and the wire.
 * Rows: every per-cell array is indexed by "map row" = the cells that survived preprocessing
 * (DatasetDescription.nMapped of them), in data set order.
 * No Node, DOM or Electron imports: the renderer bundles this file for its types.
 */
import type { EmbedParams } from './pipeline/params.js';
import type { ProgressEvent, StageName } from './pipeline/progress.js';

export type { EmbedParams, Preset } from './pipeline/params.js';
export type { ProgressEvent, StageName } from './pipeline/progress.js';
export * from './api-analysis.js';
import type { AnalysisApi } from './api-analysis.js';

export interface ObsColumnInfo {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Categorical columns: their labels (codes index into this). */
  readonly categories?: readonly string[];
}

export interface DatasetDescription {
  readonly path: string;
  readonly format: string;
  readonly nCells: number;
  readonly nFeatures: number;
  /** Cells that reach the map (after preprocessing / QC). */
  readonly nMapped: number;
  /** Dimensions the pipeline works in (PCs or features). */
  readonly nDims: number;
  readonly obs: readonly ObsColumnInfo[];
  readonly featureNames: readonly string[];
  readonly obsmKeys: readonly string[];
  readonly notes: readonly string[];
  /** 0 for a file; 1, 2, … for "re-embed selection" subsets opened on top of it (see subset/back). */
  readonly depth: number;
  /** True for the bundled demo data set (openDemo). */
  readonly demo?: boolean;
  /** The PCA setting the data set was preprocessed with (OpenOptions.pca; 'auto' when not given). */
  readonly pca?: 'auto' | 'off' | number;
}

/** Preprocessing choices: changing one re-preprocesses the file, and every pipeline stage reruns. */
/** Progress of open(): the share of the file read so far (bytes for text, blocks or batches otherwise). */
export interface ReadProgressEvent {
  readonly read: number;
}

export interface OpenOptions {
  /** PCA components: 'auto' (50 when there are more than 100 features, else off), 'off', or 2..500. */
  readonly pca?: 'auto' | 'off' | number;
}

export interface EntropyPointInfo {
  readonly t: number;
  readonly entropy: number;
}

export interface RunSummary {
  /** Increases with every successful run of the open data set. */
  readonly runId: number;
  readonly params: EmbedParams;
  readonly t: number;
  readonly tAuto: boolean;
  readonly entropyCurve: readonly EntropyPointInfo[];
  /** Index into entropyCurve of the chosen t (the knee when t is auto); -1 when not on the curve. */
  readonly kneeIndex: number;
  readonly stagesRun: readonly StageName[];
  readonly timingsMs: Readonly<Partial<Record<StageName, number>>>;
  readonly landmarks: number;
  readonly stress: number | null;
  readonly backend: string;
  readonly nPoints: number;
  /** Chebyshev order actually used (heatMethod 'chebyshev' only). */
  readonly chebyshevOrder?: number;
  /** Bound on the heat-kernel approximation error of the run. */
  readonly heatErrorBound?: number;
  /** Cells in each connected component of the neighbour graph, largest first (length 1: connected). */
  readonly componentSizes: readonly number[];
  /** s₂/s₁ of the centred map (1 round, 0 a line) and of the largest component's landmark layout. */
  readonly collapse: number;
  readonly layoutCollapse: number;
  /**
   * From about this t on the landmark layout tends to a line (one eigenvector dominates: e^{−(λ₃−λ₂)t} < 1/20);
   * null when it never does. The app warns on the t slider beyond it.
   */
  readonly collapseT: number | null;
  /** Set when the map is nearly a line. */
  readonly warning: string | null;
  /** Neighbourhood-refinement iterations run (0 = off). */
  readonly refineIterations: number;
  /** The refinement's ρ as resolved for the largest component, and its graph's bandwidth neighbour. */
  readonly refineExaggeration: number;
  readonly refineKnn: number;
}

export type ColourBy = { readonly obs: string } | { readonly gene: string };

export type ColourData =
  | { readonly kind: 'categorical'; readonly name: string; readonly codes: Int32Array; readonly categories: readonly string[] }
  | {
      readonly kind: 'numeric'; readonly name: string; readonly values: Float32Array; readonly min: number;
      /** Top of the colour scale: the largest value, or (clippedAbove) a high quantile, values above it take the top colour. */
      readonly max: number;
      readonly clippedAbove?: boolean;
      /** What the values are (e.g. a gene's normalised log expression). */
      readonly note?: string;
    };

export interface CellInfo {
  readonly row: number;
  readonly id: string;
  readonly fields: readonly { readonly name: string; readonly value: string }[];
}

export interface FileEntry {
  readonly name: string;
  readonly path: string;
  readonly kind: 'file' | 'directory';
  readonly bytes: number;
}

export interface FileListing {
  readonly dir: string;
  readonly parent: string | null;
  readonly entries: readonly FileEntry[];
}

export interface ExportReport {
  readonly path: string;
  readonly bytes: number;
  /** Files written besides `path` (e.g. the JSON sidecar of a CSV). */
  readonly extra: readonly string[];
  readonly rows: number;
}

export type ExportKind = 'csv' | 'svg' | 'png' | 'ids' | 'arrow' | 'h5ad';

/** The file endings each export may write (the hosts refuse others before anything is written). */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportKind, readonly string[]>> = { csv: ['.csv'], svg: ['.svg'], png: ['.png'], ids: ['.txt', '.csv', '.tsv'], arrow: ['.arrow', '.feather'], h5ad: ['.h5ad'] };

/** Endings of the data files the app opens (file dialogs, drag and drop, listings); 10x folders have none. */
export const DATA_FILE_EXTENSIONS = ['h5ad', 'h5', 'mtx', 'gz', 'csv', 'tsv', 'arrow', 'feather', 'arrows', 'parquet'] as const;

const DATA_ENDING = new RegExp(`\\.(${DATA_FILE_EXTENSIONS.filter((e) => e !== 'gz').join('|')})(\\.gz)?$`, 'i');

/** A data file's path without its data ending ("/d/x.csv.gz" → "/d/x"), the stem of export names. */
export function dataFileStem(path: string): string {
  return path.replace(DATA_ENDING, '');
}

/** Where the app starts browsing and exporting (issue 14, traps 3 and 7). */
export interface AppFolders {
  /** The user's home folder. */
  readonly home: string;
  /** The user's documents folder (~/Documents) when it exists, else home: exports go here by default. */
  readonly documents: string;
  /** The folder of the last data file opened (not the demo), or null. */
  readonly lastOpened: string | null;
}

export interface IsothermApi extends AnalysisApi {
  /** Files and folders in `dir` (default: the folder of the last file opened, else the user's home), data files first. */
  listFiles(dir?: string): Promise<FileListing>;
  /** The home and documents folders and the last-opened folder (file browser and export defaults). */
  folders(): Promise<AppFolders>;
  /**
   * Reads and preprocesses a data set; it becomes the open one (the previous map is dropped).
   * `onProgress` follows the read; cancel() stops it (the call then rejects with CancelledError).
   */
  open(path: string, options?: OpenOptions, onProgress?: (p: ReadProgressEvent) => void): Promise<DatasetDescription>;
  /**
   * Opens the bundled demo data set (HSMM myoblast time course, `assets/demo/`) unless a data set is
   * open or open() was called already; returns what is open then. Hosts call it at start-up without INPUT.
   */
  openDemo(): Promise<DatasetDescription | null>;
  /**
   * Preprocesses the open file again with new options (e.g. PCA components), without reading it again:
   * a fresh pipeline (every stage reruns on the next run), the map and any re-embedded subsets are dropped.
   */
  reprocess(options: OpenOptions): Promise<DatasetDescription>;
  /** The open data set, or null. */
  describe(): Promise<DatasetDescription | null>;
  /**
   * Runs the staged pipeline (only stages whose parameters changed recompute). A run started while
   * another is in flight cancels that one. A failed or cancelled run rejects and keeps the previous map.
   */
  run(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void): Promise<RunSummary>;
  /**
   * Re-embed a selection: the selected map rows become the open data set (a fresh pipeline; rows are
   * renumbered 0..k-1 in their original order). The data set it came from is kept underneath, with its map.
   */
  subset(rows: Int32Array): Promise<DatasetDescription>;
  /** Returns to the data set a subset was taken from (its map and cached stages intact); null at a file. */
  back(): Promise<DatasetDescription | null>;
  /** Cancels the run in flight, if any (its promise rejects with a CancelledError). */
  cancel(): Promise<void>;
  /** The current map: nMapped × 2, row-major. */
  coords(): Promise<Float32Array>;
  /**
   * Side-by-side comparison: runs a second pipeline over the same cells (same map rows, so a selection
   * applies to both maps), e.g. with another preset. It has its own stage cache; like run(), a newer
   * run or runCompare supersedes one in flight. Dropped with the data set (open, reprocess, subset).
   */
  runCompare(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void): Promise<RunSummary>;
  /** The comparison map (nMapped × 2), after runCompare. */
  compareCoords(): Promise<Float32Array>;
  /**
   * The reference map (nMapped × 2): the first two principal components of the input the map embeds,
   * shown beside the heat-geodesic map for orientation (same map rows, so selections and colours apply).
   */
  pcaCoords(): Promise<Float32Array>;
  colour(by: ColourBy): Promise<ColourData>;
  /** Feature names containing `query` (case-insensitive), at most `limit`. */
  searchGenes(query: string, limit?: number): Promise<readonly string[]>;
  cellInfo(row: number): Promise<CellInfo>;
  /** CSV of the map (cell_id,x,y,metadata; optionally only `rows`) plus its JSON sidecar. */
  exportCsv(path: string, rows?: Int32Array): Promise<ExportReport>;
  /** The same table as exportCsv as an Arrow IPC file (.arrow / .feather), plus its JSON sidecar. */
  exportArrow(path: string, rows?: Int32Array): Promise<ExportReport>;
  /**
   * AnnData with the map as obsm/X_isotherm and the app's columns (clusters, named selections, gene-set
   * score) in obs: a copy of an .h5ad input (current AnnData layout), else a new file with X as read.
   */
  exportH5ad(path: string): Promise<ExportReport>;
  /** Writes an SVG document the renderer drew (map + legend). */
  exportSvg(path: string, svg: string): Promise<ExportReport>;
  /** Writes a PNG image the renderer drew (map + legend at the chosen resolution). */
  exportPng(path: string, png: Uint8Array): Promise<ExportReport>;
  /** One cell id per line for `rows` (e.g. a lasso selection). */
  exportIds(path: string, rows: Int32Array): Promise<ExportReport>;
  /**
   * The user agreed to replace `path`: an export refuses to replace a file Isotherm did not write
   * (error name 'OverwriteRefused') until this is called for that path; it holds for the next export there.
   */
  confirmOverwrite(path: string): Promise<void>;
  /** Time-like metadata columns of the open data set (see TimeColumnInfo), the likeliest first. */
  timeColumns(): Promise<readonly TimeColumnInfo[]>;
  /** Cells displaced a fraction α of the way from time point `from` to `to` on the current map (docs/interpolation.md). */
  interpolate(request: InterpolateRequest): Promise<Interpolation>;
  /** Writes interpolate(request)'s cells as CSV (sample,x,y,alpha,from,to,source_cell,target_cell). */
  exportInterpolation(path: string, request: InterpolateRequest): Promise<ExportReport>;
  /**
   * Withhold-and-evaluate on the time column (every interior time point; strict, PCA-2 and paper maps):
   * slow, so it runs in its own thread, reports progress and is cancelled by cancelEvaluation()
   * (its promise then rejects with a CancelledError). The map stays usable meanwhile.
   */
  evaluateTime(request: TimeEvaluationRequest, onProgress?: (p: TimeEvaluationProgress) => void): Promise<TimeEvaluation>;
  /** Stops the evaluation in flight, if any. */
  cancelEvaluation(): Promise<void>;
}

/** A metadata column that looks like time points (numeric with few values, time-like labels or name). */
export interface TimeColumnInfo {
  readonly name: string;
  /** Why it counts as time: its name, its labels ("24h", "day 3") or few distinct numeric values. */
  readonly reason: 'name' | 'labels' | 'numeric';
  readonly timeSource: string;
  /** In time order; `n` map rows each; `placed`: the label names no time, it was placed from its neighbours. */
  readonly levels: readonly { readonly label: string; readonly time: number; readonly n: number; readonly placed?: boolean }[];
  /** What the user should know about the times (labels with no number, even spacing); absent when nothing. */
  readonly note?: string;
}

export interface InterpolateRequest {
  readonly column: string;
  /** Time point labels (TimeColumnInfo.levels[].label). */
  readonly from: string;
  readonly to: string;
  /** 0 = `from`'s cells, 1 = `to`'s cells. */
  readonly alpha: number;
  /** Cells to draw (default (1 − α)·n_from + α·n_to). */
  readonly n?: number;
  readonly seed?: number;
  /**
   * 'pcs' (default): OT between the cells' PC vectors, interpolated vectors placed on the map by
   * out-of-sample extension (anchored so that α = 0 / 1 give the cells' own positions);
   * 'map': OT and displacement in the 2-D map.
   */
  readonly space?: 'pcs' | 'map';
}

export interface Interpolation {
  readonly column: string;
  readonly from: string;
  readonly to: string;
  readonly alpha: number;
  readonly space: 'pcs' | 'map';
  /** n × 2 map coordinates of the interpolated cells. */
  readonly coords: Float32Array;
  /** The (from, to) pair of each interpolated cell, as map rows. */
  readonly source: Int32Array;
  readonly target: Int32Array;
}

export interface TimeEvaluationRequest {
  readonly column: string;
  /** Seeds 0..seeds−1 (default 1). */
  readonly seeds?: number;
  /** Also the paper's protocol (withheld cells in the map); default true. */
  readonly paper?: boolean;
  /** The user's time of each level (TimeColumnInfo.levels order; strictly increasing); default the detected times. */
  readonly times?: readonly number[];
}

export interface TimeEvaluationProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface TimeScore {
  readonly mean: number;
  readonly sd: number;
}

export interface TimeEvaluationRow {
  readonly method: string;
  readonly label: string;
  /** A baseline ((a), (b), (b′), the other neighbour) rather than an interpolation. */
  readonly baseline: boolean;
  readonly w1: TimeScore;
  readonly w2: TimeScore;
  readonly mmd: TimeScore;
}

export interface TimeEvaluation {
  readonly column: string;
  readonly seeds: readonly number[];
  readonly withheld: readonly {
    readonly label: string;
    readonly previous: string;
    readonly next: string;
    readonly alpha: number;
    readonly nWithheld: number;
    readonly maps: readonly { readonly map: string; readonly label: string; readonly mmdBandwidth: number; readonly rows: readonly TimeEvaluationRow[] }[];
  }[];
  readonly elapsedMs: number;
}

