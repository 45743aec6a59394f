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
}

export type ColourBy = { readonly obs: string } | { readonly gene: string };

export type ColourData =
  | { readonly kind: 'categorical'; readonly name: string; readonly codes: Int32Array; readonly categories: readonly string[] }
  | { readonly kind: 'numeric'; readonly name: string; readonly values: Float32Array; readonly min: number; readonly max: number };

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

export type ExportKind = 'csv' | 'svg' | 'png' | 'ids';

export interface IsothermApi {
  /** Files and folders in `dir` (default: the host's working directory), data files first. */
  listFiles(dir?: string): Promise<FileListing>;
  /** Reads and preprocesses a data set; it becomes the open one (the previous map is dropped). */
  open(path: string): Promise<DatasetDescription>;
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
  colour(by: ColourBy): Promise<ColourData>;
  /** Feature names containing `query` (case-insensitive), at most `limit`. */
  searchGenes(query: string, limit?: number): Promise<readonly string[]>;
  cellInfo(row: number): Promise<CellInfo>;
  /** CSV of the map (cell_id,x,y,metadata; optionally only `rows`) plus its JSON sidecar. */
  exportCsv(path: string, rows?: Int32Array): Promise<ExportReport>;
  /** Writes an SVG document the renderer drew (map + legend). */
  exportSvg(path: string, svg: string): Promise<ExportReport>;
  /** Writes a PNG image the renderer drew (map + legend at the chosen resolution). */
  exportPng(path: string, png: Uint8Array): Promise<ExportReport>;
  /** One cell id per line for `rows` (e.g. a lasso selection). */
  exportIds(path: string, rows: Int32Array): Promise<ExportReport>;
}

/** Error as it crosses a host boundary: the name lets the renderer tell cancel from failure. */
export interface ApiErrorInfo {
  readonly name: string;
  readonly message: string;
}

export function errorInfo(e: unknown): ApiErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}
