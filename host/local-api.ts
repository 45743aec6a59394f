/**
 * IsothermApi implemented in-process (Node): the compute worker of `isotherm serve` and of the Electron
 * host runs this (compute-thread.ts). This class keeps the state — the open Workspace (and the data sets
 * re-embedded selections were taken from), its maps, the run in flight — and hands each concern to its
 * module: workspace/cells.ts (colours, genes, cells), map-exports.ts, time-course-api.ts, file-listing.ts.
 * One pipeline per workspace, so a slider change reuses the cached upstream stages; a failed or cancelled
 * run keeps the previous map.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AppFolders,
  CellInfo,
  ClusterRequest,
  ClusterResult,
  GeneSetRequest,
  GeneSetResult,
  MarkerRequest,
  MarkerResult,
  NamedSelectionRows,
  ColourBy,
  ColourData,
  DatasetDescription,
  ExportReport,
  FileListing,
  InterpolateRequest,
  Interpolation,
  IsothermApi,
  OpenOptions,
  ReadProgressEvent,
  RunSummary,
  TimeColumnInfo,
  TimeEvaluation,
  TimeEvaluationProgress,
  TimeEvaluationRequest,
} from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import type { Dataset } from '../src-core/io/dataset.js';
import type { ReadOptions } from '../src-core/io/open.js';
import type { EmbedParams } from '../src-core/pipeline/params.js';
import type { EmbedResult, EmbeddingPipeline } from '../src-core/pipeline/pipeline.js';
import { CancelSource, type CancelToken, type ProgressEvent } from '../src-core/pipeline/progress.js';
import { cellInfo, checkRows, colourOf, searchGenes } from '../src-core/workspace/cells.js';
import { describeWorkspace, obsInfo, runSummary } from '../src-core/workspace/summaries.js';
import { geneColour } from '../src-core/workspace/gene-colour.js';
import { pcaReferenceMap } from '../src-core/workspace/reference-map.js';
import { clusterMap, markersOfSelection, scoreGeneSet, storeSelections } from './analysis-api.js';
import { Workspace } from '../src-core/workspace/workspace.js';
import { ExportPolicy } from './export-policy.js';
import { listFolder } from './file-listing.js';
import type { FileScope } from './file-scope.js';
import { localPath } from './local-paths.js';
import { exportIds, exportInterpolation, exportMapCsv, exportMapH5ad, exportPng, exportSvg } from './map-exports.js';
import { interpolateForApp, TimeEvaluations, timeColumns } from './time-course-api.js';

export interface LocalApiOptions {
  /** The last-opened folder known at start (e.g. the command line's file): listFiles() shows it until a file is opened; default the user's home. */
  readonly startDir?: string;
  /** The demo data set openDemo() opens (default DEMO_PATH). */
  readonly demoPath?: string;
  /** Folders reads, listings and exports are confined to (the hosts always pass one); none: anywhere. */
  readonly scope?: FileScope;
}

/**
 * The bundled demo (HSMM myoblast time course, assets/demo/README.md), resolved relative to this module:
 * dist/host/local-api.js → <root>/assets/demo/hsmm.h5ad, where <root> is the repository or the packaged
 * app's root (the app must ship assets/ next to dist/, outside any archive h5wasm cannot read; a host whose
 * layout differs passes LocalApiOptions.demoPath).
 */
export const DEMO_PATH = fileURLToPath(new URL('../../assets/demo/hsmm.h5ad', import.meta.url));

/** A map of the open workspace and its last successful run. */
interface MapRun {
  readonly pipeline: EmbeddingPipeline;
  last: { result: EmbedResult; summary: RunSummary } | null;
  runs: number;
}

interface OpenState {
  readonly workspace: Workspace;
  readonly description: DatasetDescription;
  readonly map: MapRun;
  /** The second map of runCompare (same matrix, its own pipeline), created on first use. */
  compare: MapRun | null;
}

export class LocalIsothermApi implements IsothermApi {
  /** The folder of the last data file opened (or the host's start folder), or null: listFiles() starts there, else in home. */
  #lastOpened: string | null;
  readonly #demoPath: string;
  #state: OpenState | null = null;
  /** Data sets a subset was taken from, innermost last. */
  #stack: OpenState[] = [];
  #current: CancelSource | null = null;
  /** The file being read by open(), so that cancel() can stop it. */
  #reading: CancelSource | null = null;
  #inflight: Promise<unknown> = Promise.resolve();
  /** The open() in progress: describe() waits for it, so a page loaded during start-up sees the data set. */
  #opening: Promise<unknown> = Promise.resolve();
  /** open() was called: openDemo() then does nothing (the user's choice wins). */
  #userOpened = false;
  readonly #evaluations = new TimeEvaluations();
  readonly #scope: FileScope | null;
  readonly #exports: ExportPolicy;

  constructor(options: LocalApiOptions = {}) {
    this.#lastOpened = options.startDir === undefined ? null : resolve(options.startDir);
    this.#demoPath = options.demoPath ?? DEMO_PATH;
    this.#scope = options.scope ?? null;
    this.#exports = new ExportPolicy(this.#scope);
  }

  async listFiles(dir?: string): Promise<FileListing> {
    if (dir === undefined || dir === '') {
      // the start folder: the last-opened one, unless it is gone (an unmounted drive), then home
      const listing = this.#lastOpened === null ? null : await this.#list(this.#lastOpened).catch(() => null);
      if (listing) return listing;
      return this.#list(homedir());
    }
    return this.#list(localPath('dir', dir));
  }

  async #list(folder: string): Promise<FileListing> {
    const scope = this.#scope;
    if (!scope) return listFolder(folder);
    await scope.readable(folder);
    return listFolder(folder, (p) => scope.listable(p));
  }

  async folders(): Promise<AppFolders> {
    const home = homedir();
    const documents = join(home, 'Documents');
    const hasDocuments = statSync(documents, { throwIfNoEntry: false })?.isDirectory() ?? false;
    return { home, documents: hasDocuments ? documents : home, lastOpened: this.#lastOpened };
  }

  // ---- the open data set ------------------------------------------------------------------------

  /** `external` lets a host cancel the read from another thread (as for run). */
  async open(path: string, options: OpenOptions = {}, onProgress?: (p: ReadProgressEvent) => void, external?: CancelToken): Promise<DatasetDescription> {
    this.#userOpened = true;
    // A newer open or cancel() stops this read; so does the host's token.
    this.#reading?.cancel();
    const source = new CancelSource();
    this.#reading = source;
    const read: ReadOptions = {
      cancel: { get cancelled() { return source.cancelled || (external?.cancelled ?? false); } },
      ...(onProgress ? { onProgress: (fraction: number) => onProgress({ read: fraction }) } : {}),
    };
    try {
      return await this.#queueOpen(() => this.#open(path, options, false, undefined, read));
    } finally {
      if (this.#reading === source) this.#reading = null;
    }
  }

  async openDemo(): Promise<DatasetDescription | null> {
    if (this.#userOpened || this.#state) return this.describe();
    return this.#queueOpen(() => (this.#userOpened ? this.describe() : this.#open(this.#demoPath, {}, true)));
  }

  async reprocess(options: OpenOptions): Promise<DatasetDescription> {
    const root = this.#stack[0] ?? this.#need();
    return this.#queueOpen(() => this.#open(root.workspace.inputPath, options, root.description.demo === true, root.workspace.dataset));
  }

  async describe(): Promise<DatasetDescription | null> {
    await this.#opening.catch(() => undefined);
    return this.#state ? this.#described(this.#state) : null;
  }

  async subset(rows: Int32Array): Promise<DatasetDescription> {
    const parent = this.#need();
    const picked = Int32Array.from(new Set(checkRows(rows, parent.description.nMapped))).sort();
    if (picked.length < 3) throw new InputError('selection', `${picked.length} cell(s) selected: select at least 3 cells (and more than knn) to re-embed`);
    await this.#leave();
    const workspace = parent.workspace.subset(picked);
    const description: DatasetDescription = {
      ...parent.description,
      nMapped: picked.length,
      obs: obsInfo(parent.workspace),
      notes: [...parent.description.notes, `re-embedded selection of ${picked.length} of ${parent.description.nMapped} cells`],
      depth: parent.description.depth + 1,
    };
    this.#stack.push(parent);
    this.#state = { workspace, description, map: { pipeline: workspace.pipeline, last: null, runs: 0 }, compare: null };
    return description;
  }

  async back(): Promise<DatasetDescription | null> {
    const parent = this.#stack.pop();
    if (!parent) return null;
    await this.#leave();
    this.#state = parent;
    return this.#described(parent);
  }

  /** Opens one after another (a later open wins even when an earlier file is slower to read). */
  #queueOpen<T>(open: () => Promise<T>): Promise<T> {
    const p = this.#opening.catch(() => undefined).then(open);
    this.#opening = p;
    return p;
  }

  /** Cancels what belongs to the data set being left (a run, a time-course evaluation) and waits for the run to stop. */
  async #leave(): Promise<void> {
    this.#current?.cancel();
    this.#evaluations.cancel();
    await this.#inflight.catch(() => undefined);
  }

  async #open(path: string, options: OpenOptions, demo: boolean, loaded?: Dataset, read: ReadOptions = {}): Promise<DatasetDescription> {
    const input = localPath('path', path);
    // The bundled demo lives with the app, outside the user's folders.
    if (!demo) await this.#scope?.readable(input);
    await this.#leave();
    const prepare = { pca: options.pca ?? 'auto' } as const;
    const workspace = loaded ? Workspace.prepare({ path: input, dataset: loaded, read: {}, readMs: 0 }, prepare) : await Workspace.open(input, read, prepare);
    if (workspace.nRows < 3) throw new InputError(input, `${workspace.nRows} cell(s) after preprocessing: a map needs more cells`);
    const description = describeWorkspace(workspace, { depth: 0, demo });
    this.#stack = [];
    this.#state = { workspace, description, map: { pipeline: workspace.pipeline, last: null, runs: 0 }, compare: null };
    if (!demo) this.#lastOpened = dirname(input);
    return description;
  }

  // ---- maps ---------------------------------------------------------------------------------------

  /** `external` lets a host cancel from another thread (e.g. a SharedArrayBuffer flag). */
  async run(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void, external?: CancelToken): Promise<RunSummary> {
    const state = this.#need();
    return this.#runOn(state, state.map, params, onProgress, external);
  }

  /** runCompare: the same as run() on the data set's second pipeline. */
  async runCompare(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void, external?: CancelToken): Promise<RunSummary> {
    const state = this.#need();
    state.compare ??= { pipeline: state.workspace.newPipeline(), last: null, runs: 0 };
    return this.#runOn(state, state.compare, params, onProgress, external);
  }

  async #runOn(state: OpenState, target: MapRun, params: Partial<EmbedParams>, onProgress: ((e: ProgressEvent) => void) | undefined, external: CancelToken | undefined): Promise<RunSummary> {
    this.#current?.cancel();
    await this.#inflight.catch(() => undefined);
    const source = new CancelSource();
    this.#current = source;
    const token: CancelToken = { get cancelled() { return source.cancelled || (external?.cancelled ?? false); } };
    const runPromise = state.workspace.run(params, { cancel: token, ...(onProgress ? { onProgress } : {}) }, target.pipeline);
    this.#inflight = runPromise;
    try {
      const result = await runPromise;
      if (this.#state !== state) throw new Error('the data set was closed during the run');
      target.runs += 1;
      const summary = runSummary(result, target.runs);
      target.last = { result, summary };
      return summary;
    } finally {
      if (this.#current === source) this.#current = null;
    }
  }

  async cancel(): Promise<void> {
    this.#current?.cancel();
    this.#reading?.cancel();
  }

  async coords(): Promise<Float32Array> {
    return this.#needMap().coords.slice();
  }

  async compareCoords(): Promise<Float32Array> {
    const state = this.#need();
    if (!state.compare?.last) throw new InputError(basename(state.workspace.inputPath), 'no comparison map yet: run the comparison first');
    return state.compare.last.result.coords.slice();
  }

  async pcaCoords(): Promise<Float32Array> {
    return pcaReferenceMap(this.#need().workspace.prep.matrix);
  }

  // ---- cells --------------------------------------------------------------------------------------

  async colour(by: ColourBy): Promise<ColourData> {
    const ws = this.#need().workspace;
    return 'gene' in by ? geneColour(ws, by.gene) : colourOf(ws, by);
  }

  async searchGenes(query: string, limit = 50): Promise<readonly string[]> {
    return searchGenes(this.#need().workspace, query, limit);
  }

  async cellInfo(row: number): Promise<CellInfo> {
    return cellInfo(this.#need().workspace, row);
  }

  // ---- exports ------------------------------------------------------------------------------------

  async exportCsv(path: string, rows?: Int32Array): Promise<ExportReport> {
    return exportMapCsv(this.#need().workspace, this.#exports, () => this.#needMap(), path, rows);
  }

  async exportArrow(path: string, rows?: Int32Array): Promise<ExportReport> {
    return exportMapCsv(this.#need().workspace, this.#exports, () => this.#needMap(), path, rows, 'arrow');
  }

  async exportH5ad(path: string): Promise<ExportReport> {
    return exportMapH5ad(this.#need().workspace, this.#exports, () => this.#needMap(), path);
  }

  async exportSvg(path: string, svg: string): Promise<ExportReport> {
    return exportSvg(this.#need().workspace, this.#exports, path, svg);
  }

  async exportPng(path: string, png: Uint8Array): Promise<ExportReport> {
    return exportPng(this.#need().workspace, this.#exports, path, png);
  }

  async exportIds(path: string, rows: Int32Array): Promise<ExportReport> {
    return exportIds(this.#need().workspace, this.#exports, path, rows);
  }

  async exportInterpolation(path: string, request: InterpolateRequest): Promise<ExportReport> {
    return exportInterpolation(this.#need().workspace, this.#exports, path, () => this.interpolate(request));
  }

  /** The user agreed to replace `path`, a file Isotherm did not write (once: the next export to it). */
  async confirmOverwrite(path: string): Promise<void> {
    this.#exports.confirm(localPath('path', path));
  }

  // ---- time courses -------------------------------------------------------------------------------

  async timeColumns(): Promise<readonly TimeColumnInfo[]> {
    return timeColumns(this.#need().workspace);
  }

  async interpolate(request: InterpolateRequest): Promise<Interpolation> {
    const ws = this.#need().workspace;
    return interpolateForApp(ws, this.#needMap(), request);
  }

  async evaluateTime(request: TimeEvaluationRequest, onProgress?: (p: TimeEvaluationProgress) => void): Promise<TimeEvaluation> {
    const state = this.#need();
    return this.#evaluations.evaluate(state.workspace, state.map.last?.result.params, request, onProgress, () => this.#state === state);
  }

  async cancelEvaluation(): Promise<void> {
    this.#evaluations.cancel();
  }

  // ---- analysis (host/analysis-api.ts) ------------------------------------------------------------

  async cluster(request: ClusterRequest): Promise<ClusterResult> {
    const state = this.#need();
    this.#needMap();
    const r = clusterMap(state.workspace, state.map.pipeline.graph(), request);
    return { ...r, description: this.#described(state) };
  }

  async markers(request: MarkerRequest): Promise<MarkerResult> {
    return markersOfSelection(this.#need().workspace, request);
  }

  async setSelections(selections: readonly NamedSelectionRows[]): Promise<DatasetDescription> {
    const state = this.#need();
    storeSelections(state.workspace, selections);
    return this.#described(state);
  }

  async geneSetScore(request: GeneSetRequest): Promise<GeneSetResult> {
    const state = this.#need();
    const r = await scoreGeneSet(state.workspace, request);
    return { ...r, description: this.#described(state) };
  }

  /** The description with the current metadata columns (clusters and named selections come and go). */
  #described(state: OpenState): DatasetDescription {
    return { ...state.description, obs: obsInfo(state.workspace) };
  }

  #need(): OpenState {
    if (!this.#state) throw new InputError('data set', 'no data set is open: open a file first');
    return this.#state;
  }

  /** The last map of the open data set. */
  #needMap(): EmbedResult {
    const state = this.#need();
    if (!state.map.last) throw new InputError(basename(state.workspace.inputPath), 'no map yet: run the embedding first');
    return state.map.last.result;
  }
}
