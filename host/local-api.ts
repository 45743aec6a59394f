/**
 * IsothermApi implemented in-process over src-core (Node): the compute worker of `isotherm serve` and of
 * the Electron host run this. One EmbeddingPipeline per opened data set, so a slider change reuses the
 * cached upstream stages; a failed or cancelled run keeps the previous map.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  CellInfo,
  ColourBy,
  ColourData,
  DatasetDescription,
  ExportKind,
  ExportReport,
  FileEntry,
  FileListing,
  IsothermApi,
  OpenOptions,
  RunSummary,
  InterpolateRequest,
  Interpolation,
  TimeColumnInfo,
  TimeEvaluation,
  TimeEvaluationProgress,
  TimeEvaluationRequest,
} from '../src-core/api.js';
import { DATA_FILE_EXTENSIONS } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import { checkedExportPath, checkedPath } from './paths.js';
import { runSidecarInput } from '../src-core/export/run-sidecar.js';
import { sidecarPathFor, writeEmbeddingCsv, writeFileAtomic, writeSidecar, csvField, type SidecarInput } from '../src-core/export/index.js';
import type { Dataset, Matrix } from '../src-core/io/dataset.js';
import { openDataset } from '../src-core/io/open.js';
import { activeBackend } from '../src-core/compute/backend.js';
import { featureSymbolsOf } from '../src-core/io/features.js';
import { checkEnoughCells, resolveParams, type EmbedParams } from '../src-core/pipeline/params.js';
import { EmbeddingPipeline, type EmbedResult } from '../src-core/pipeline/pipeline.js';
import { CancelSource, type CancelToken, type ProgressEvent } from '../src-core/pipeline/progress.js';
import { preprocess, type PreprocessOutput } from '../src-core/preprocess/index.js';
import { detectTimeColumns, evaluationTable, findTimeLevel, interpolateOnMap } from '../src-core/interpolate/app.js';
import { evaluateInThread, type EvaluationTask } from '../src-core/interpolate/evaluate-thread.js';
import { timeCourse, type TimeCourse, type TimeLevel } from '../src-core/interpolate/time-points.js';

export interface LocalApiOptions {
  /** Folder listFiles() shows first (default: the working directory). */
  readonly startDir?: string;
  /** The demo data set openDemo() opens (default DEMO_PATH). */
  readonly demoPath?: string;
}

/**
 * The bundled demo (HSMM myoblast time course, assets/demo/README.md), resolved relative to this module:
 * dist/host/local-api.js → <root>/assets/demo/hsmm.h5ad, where <root> is the repository or the packaged
 * app's root (the app must ship assets/ next to dist/, outside any archive h5wasm cannot read; a host whose
 * layout differs passes LocalApiOptions.demoPath).
 */
export const DEMO_PATH = fileURLToPath(new URL('../../assets/demo/hsmm.h5ad', import.meta.url));

interface MapRun {
  readonly pipeline: EmbeddingPipeline;
  last: { result: EmbedResult; summary: RunSummary } | null;
  runs: number;
}

interface OpenState {
  readonly dataset: Dataset;
  readonly prep: PreprocessOutput;
  readonly pipeline: EmbeddingPipeline;
  readonly description: DatasetDescription;
  readonly inputPath: string;
  readonly options: OpenOptions;
  readOnlyMs: { read: number; preprocess: number };
  last: { result: EmbedResult; summary: RunSummary } | null;
  runs: number;
  /** The second map of runCompare (same matrix, its own pipeline), created on first use. */
  compare: MapRun | null;
}


export class LocalIsothermApi implements IsothermApi {
  readonly #startDir: string;
  #state: OpenState | null = null;
  /** Data sets a subset was taken from, innermost last. */
  #stack: OpenState[] = [];
  #current: CancelSource | null = null;
  #inflight: Promise<unknown> = Promise.resolve();
  /** The open() in progress: describe() waits for it, so a page loaded during start-up sees the data set. */
  #opening: Promise<unknown> = Promise.resolve();
  /** The time-course evaluation in flight (its own thread), if any. */
  #evaluation: EvaluationTask | null = null;
  readonly #demoPath: string;
  /** open() was called: openDemo() then does nothing (the user's choice wins). */
  #userOpened = false;

  constructor(options: LocalApiOptions = {}) {
    this.#startDir = resolve(options.startDir ?? process.cwd());
    this.#demoPath = options.demoPath ?? DEMO_PATH;
  }

  async listFiles(dir?: string): Promise<FileListing> {
    const target = dir === undefined || dir === '' ? this.#startDir : absolutePath('dir', dir);
    let names: string[];
    try {
      names = await readdir(target);
    } catch (e) {
      throw new InputError(target, `cannot list this folder (${e instanceof Error ? e.message : String(e)})`);
    }
    const entries: FileEntry[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = join(target, name);
      const s = await stat(path).catch(() => null);
      if (!s) continue;
      if (s.isDirectory()) entries.push({ name, path, kind: 'directory', bytes: 0 });
      else if (s.isFile()) entries.push({ name, path, kind: 'file', bytes: s.size });
    }
    const rank = (e: FileEntry): number => (e.kind === 'directory' ? 1 : (DATA_FILE_EXTENSIONS as readonly string[]).includes(extname(e.name).slice(1).toLowerCase()) ? 0 : 2);
    entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    const parent = dirname(target);
    return { dir: target, parent: parent === target ? null : parent, entries };
  }

  async open(path: string, options: OpenOptions = {}): Promise<DatasetDescription> {
    this.#userOpened = true;
    return this.#queueOpen(() => this.#open(path, options, false));
  }

  async openDemo(): Promise<DatasetDescription | null> {
    if (this.#userOpened || this.#state) return this.describe();
    return this.#queueOpen(() => (this.#userOpened ? this.describe() : this.#open(this.#demoPath, {}, true)));
  }

  async reprocess(options: OpenOptions): Promise<DatasetDescription> {
    const root = this.#stack[0] ?? this.#need();
    return this.#queueOpen(() => this.#open(root.inputPath, options, root.description.demo === true, root.dataset));
  }

  /** Opens one after another (a later open wins even when an earlier file is slower to read). */
  #queueOpen<T>(open: () => Promise<T>): Promise<T> {
    const p = this.#opening.catch(() => undefined).then(open);
    this.#opening = p;
    return p;
  }

  async #open(path: string, options: OpenOptions, demo: boolean, loaded?: Dataset): Promise<DatasetDescription> {
    const input = absolutePath('path', path);
    this.#current?.cancel();
    this.#evaluation?.cancel(); // a time-course evaluation belongs to the data set being left
    await this.#inflight.catch(() => undefined);
    const t0 = performance.now();
    const dataset = loaded ?? (await openDataset(input));
    const t1 = performance.now();
    const prep = preprocess(dataset, options.pca === undefined ? {} : { pca: options.pca });
    const t2 = performance.now();
    const X = prep.matrix;
    if (X.nRows < 3) throw new InputError(input, `${X.nRows} cell(s) after preprocessing: a map needs more cells`);
    const description: DatasetDescription = {
      path: input,
      format: dataset.source.format,
      nCells: dataset.nCells,
      nFeatures: dataset.nFeatures,
      nMapped: X.nRows,
      nDims: X.nCols,
      obs: dataset.obs.map((c) => (c.kind === 'categorical' ? { name: c.name, kind: c.kind, categories: [...c.categories] } : { name: c.name, kind: c.kind })),
      featureNames: [...dataset.featureNames],
      obsmKeys: Object.keys(dataset.obsm),
      notes: [...dataset.source.notes],
      depth: 0,
      pca: options.pca ?? 'auto',
      ...(demo ? { demo: true } : {}),
    };
    this.#stack = [];
    this.#state = {
      dataset,
      prep,
      pipeline: new EmbeddingPipeline(X.data, X.nRows, X.nCols),
      description,
      inputPath: input,
      options: { ...options },
      readOnlyMs: { read: loaded ? 0 : t1 - t0, preprocess: t2 - t1 },
      last: null,
      runs: 0,
      compare: null,
    };
    return description;
  }

  async subset(rows: Int32Array): Promise<DatasetDescription> {
    const parent = this.#need();
    const picked = Int32Array.from(new Set(checkRows(rows, parent.description.nMapped))).sort();
    if (picked.length < 3) throw new InputError('selection', `${picked.length} cell(s) selected: select at least 3 cells (and more than knn) to re-embed`);
    this.#current?.cancel();
    this.#evaluation?.cancel(); // a time-course evaluation belongs to the data set being left
    await this.#inflight.catch(() => undefined);
    const X = parent.prep.matrix;
    const data = new Float32Array(picked.length * X.nCols);
    const kept = new Int32Array(picked.length);
    for (let r = 0; r < picked.length; r++) {
      data.set(X.data.subarray(picked[r]! * X.nCols, (picked[r]! + 1) * X.nCols), r * X.nCols);
      kept[r] = parent.prep.keptCells[picked[r]!]!;
    }
    const prep: PreprocessOutput = { ...parent.prep, matrix: { kind: 'dense', nRows: picked.length, nCols: X.nCols, data }, keptCells: kept };
    const description: DatasetDescription = {
      ...parent.description,
      nMapped: picked.length,
      notes: [...parent.description.notes, `re-embedded selection of ${picked.length} of ${parent.description.nMapped} cells`],
      depth: parent.description.depth + 1,
    };
    this.#stack.push(parent);
    this.#state = { ...parent, prep, pipeline: new EmbeddingPipeline(data, picked.length, X.nCols), description, last: null, runs: 0, compare: null };
    return description;
  }

  async back(): Promise<DatasetDescription | null> {
    const parent = this.#stack.pop();
    if (!parent) return null;
    this.#current?.cancel();
    this.#evaluation?.cancel(); // a time-course evaluation belongs to the data set being left
    await this.#inflight.catch(() => undefined);
    this.#state = parent;
    return parent.description;
  }

  async describe(): Promise<DatasetDescription | null> {
    await this.#opening.catch(() => undefined);
    return this.#state?.description ?? null;
  }

  /** `external` lets a host cancel from another thread (e.g. a SharedArrayBuffer flag). */
  async run(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void, external?: CancelToken): Promise<RunSummary> {
    return this.#runOn(this.#need(), params, onProgress, external, false);
  }

  /** runCompare: the same as run() on the data set's second pipeline. */
  async runCompare(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void, external?: CancelToken): Promise<RunSummary> {
    return this.#runOn(this.#need(), params, onProgress, external, true);
  }

  async compareCoords(): Promise<Float32Array> {
    const state = this.#need();
    if (!state.compare?.last) throw new InputError(basename(state.inputPath), 'no comparison map yet: run the comparison first');
    return state.compare.last.result.coords.slice();
  }

  async #runOn(state: OpenState, params: Partial<EmbedParams>, onProgress: ((e: ProgressEvent) => void) | undefined, external: CancelToken | undefined, second: boolean): Promise<RunSummary> {
    this.#current?.cancel();
    await this.#inflight.catch(() => undefined);
    const source = new CancelSource();
    this.#current = source;
    const token: CancelToken = { get cancelled() { return source.cancelled || (external?.cancelled ?? false); } };
    checkEnoughCells(state.description.nMapped, resolveParams(params).knn, state.inputPath);
    const target: MapRun = second ? (state.compare ??= { pipeline: new EmbeddingPipeline(state.prep.matrix.data, state.prep.matrix.nRows, state.prep.matrix.nCols), last: null, runs: 0 }) : state;
    const runPromise = target.pipeline.run(params, { cancel: token, ...(onProgress ? { onProgress } : {}) });
    this.#inflight = runPromise;
    try {
      const result = await runPromise;
      if (this.#state !== state) throw new Error('the data set was closed during the run');
      target.runs += 1;
      const summary = summarise(result, target.runs);
      target.last = { result, summary };
      return summary;
    } finally {
      if (this.#current === source) this.#current = null;
    }
  }

  async cancel(): Promise<void> {
    this.#current?.cancel();
  }

  async coords(): Promise<Float32Array> {
    return this.#needMap().result.coords.slice();
  }

  async colour(by: ColourBy): Promise<ColourData> {
    const state = this.#need();
    const rows = state.prep.keptCells;
    if ('obs' in by) {
      const col = state.dataset.obs.find((c) => c.name === by.obs);
      if (!col) throw new InputError('colour', `no metadata column named '${by.obs}'`);
      if (col.kind === 'categorical') {
        const codes = new Int32Array(rows.length);
        for (let r = 0; r < rows.length; r++) codes[r] = col.codes[rows[r]!]!;
        return { kind: 'categorical', name: col.name, codes, categories: [...col.categories] };
      }
      const values = new Float32Array(rows.length);
      for (let r = 0; r < rows.length; r++) values[r] = col.values[rows[r]!]!;
      return numeric(col.name, values);
    }
    let j = state.dataset.featureNames.indexOf(by.gene);
    if (j < 0) j = featureSymbolsOf(state.dataset)?.indexOf(by.gene) ?? -1;
    if (j < 0) throw new InputError('colour', `no gene or feature named '${by.gene}'`);
    return numeric(by.gene, column(state.dataset.X, j, rows));
  }

  async searchGenes(query: string, limit = 50): Promise<readonly string[]> {
    const state = this.#need();
    const q = query.trim().toLowerCase();
    const max = Math.max(1, Math.min(500, Math.floor(limit)));
    const starts: string[] = [];
    const contains: string[] = [];
    // Symbols (when the names are ids) are searched too, and offered as what colour() accepts.
    const symbols = featureSymbolsOf(state.dataset);
    const names = state.dataset.featureNames;
    for (let j = 0; j < names.length; j++) {
      for (const name of symbols && symbols[j] ? [symbols[j]!, names[j]!] : [names[j]!]) {
        const l = name.toLowerCase();
        if (l.startsWith(q)) starts.push(name);
        else if (l.includes(q)) contains.push(name);
      }
      if (starts.length >= max) break;
    }
    return [...starts, ...contains].slice(0, max);
  }

  async cellInfo(row: number): Promise<CellInfo> {
    const state = this.#need();
    const rows = state.prep.keptCells;
    if (!Number.isInteger(row) || row < 0 || row >= rows.length) throw new InputError('row', `expected 0..${rows.length - 1}, got ${row}`);
    const i = rows[row]!;
    const fields = state.dataset.obs.map((c) => ({
      name: c.name,
      value: c.kind === 'numeric' ? (Number.isNaN(c.values[i]!) ? '' : String(c.values[i])) : c.codes[i]! >= 0 ? c.categories[c.codes[i]!]! : '',
    }));
    return { row, id: state.dataset.cellIds[i]!, fields };
  }

  async exportCsv(path: string, rows?: Int32Array): Promise<ExportReport> {
    const state = this.#need();
    const out = exportPath('csv', path, state.inputPath);
    const { result, summary } = this.#needMap();
    const n = summary.nPoints;
    const pick = rows ? checkRows(rows, n) : null;
    const coordinates = pick ? new Float32Array(pick.length * 2) : result.coords;
    const rowIndex = pick ? new Int32Array(pick.length) : state.prep.keptCells;
    if (pick) {
      for (let r = 0; r < pick.length; r++) {
        coordinates[2 * r] = result.coords[2 * pick[r]!]!;
        coordinates[2 * r + 1] = result.coords[2 * pick[r]! + 1]!;
        rowIndex[r] = state.prep.keptCells[pick[r]!]!;
      }
    }
    const report = await writeEmbeddingCsv(out, { cellIds: state.dataset.cellIds, coordinates, obs: state.dataset.obs, rowIndex }, { protectedPaths: [state.inputPath] });
    const sidecar = sidecarPathFor(out);
    await writeSidecar(sidecar, sidecarInputForRun(state, result, [out]));
    return { path: report.path, bytes: report.bytes, extra: [sidecar], rows: report.rows };
  }

  async exportSvg(path: string, svg: string): Promise<ExportReport> {
    const state = this.#need();
    const out = exportPath('svg', path, state.inputPath);
    if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) throw new InputError(out, 'the content is not an SVG document');
    const report = await writeFileAtomic(out, svg, { protectedPaths: [state.inputPath] });
    return { path: report.path, bytes: report.bytes, extra: [], rows: 0 };
  }

  async exportPng(path: string, png: Uint8Array): Promise<ExportReport> {
    const state = this.#need();
    const out = exportPath('png', path, state.inputPath);
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (!(png instanceof Uint8Array) || png.length < 8 || signature.some((b, i) => png[i] !== b)) throw new InputError(out, 'the content is not a PNG image');
    const report = await writeFileAtomic(out, png, { protectedPaths: [state.inputPath] });
    return { path: report.path, bytes: report.bytes, extra: [], rows: 0 };
  }

  async exportIds(path: string, rows: Int32Array): Promise<ExportReport> {
    const state = this.#need();
    const out = exportPath('ids', path, state.inputPath);
    const pick = checkRows(rows, state.description.nMapped);
    const lines: string[] = ['cell_id'];
    for (const r of pick) lines.push(csvField(state.dataset.cellIds[state.prep.keptCells[r]!]!));
    const report = await writeFileAtomic(out, lines.join('\n') + '\n', { protectedPaths: [state.inputPath] });
    return { path: report.path, bytes: report.bytes, extra: [], rows: pick.length };
  }

  async timeColumns(): Promise<readonly TimeColumnInfo[]> {
    const state = this.#need();
    return detectTimeColumns(state.dataset.obs, state.prep.keptCells);
  }

  async interpolate(request: InterpolateRequest): Promise<Interpolation> {
    const state = this.#need();
    const { result } = this.#needMap();
    const { course, from, to } = this.#timePair(state, request);
    const alpha = request.alpha;
    if (!(alpha >= 0 && alpha <= 1)) throw new InputError('alpha', `expected a fraction in [0, 1], got ${alpha}`);
    const count = request.n ?? Math.max(1, Math.round((1 - alpha) * from.cells.length + alpha * to.cells.length));
    if (!(Number.isInteger(count) && count >= 1 && count <= 100_000)) throw new InputError('n', `expected 1..100000 cells, got ${count}`);
    const X = state.prep.matrix;
    const r = interpolateOnMap({
      pcs: X.data, n: X.nRows, dim: X.nCols, coords: result.coords, from, to, alpha, count,
      seed: request.seed ?? 0, space: request.space ?? 'pcs', placeK: result.params.knn, placeDecay: result.params.decay,
    });
    return { column: course.column, from: from.label, to: to.label, ...r };
  }

  async exportInterpolation(path: string, request: InterpolateRequest): Promise<ExportReport> {
    const state = this.#need();
    const out = exportPath('csv', path, state.inputPath);
    const r = await this.interpolate(request);
    const ids = state.dataset.cellIds;
    const keep = state.prep.keptCells;
    const lines = ['sample,x,y,alpha,from,to,source_cell,target_cell'];
    for (let q = 0; q < r.source.length; q++) {
      lines.push([q, r.coords[2 * q], r.coords[2 * q + 1], r.alpha, csvField(r.from), csvField(r.to), csvField(ids[keep[r.source[q]!]!]!), csvField(ids[keep[r.target[q]!]!]!)].join(','));
    }
    const report = await writeFileAtomic(out, lines.join('\n') + '\n', { protectedPaths: [state.inputPath] });
    return { path: report.path, bytes: report.bytes, extra: [], rows: r.source.length };
  }

  async evaluateTime(request: TimeEvaluationRequest, onProgress?: (p: TimeEvaluationProgress) => void): Promise<TimeEvaluation> {
    const state = this.#need();
    const col = state.dataset.obs.find((c) => c.name === request.column);
    if (!col) throw new InputError('column', `no metadata column named '${request.column}'`);
    const course = timeCourse(col, state.prep.keptCells);
    if (course.levels.length < 3) throw new InputError(request.column, `${course.levels.length} time points: withholding one needs at least 3`);
    const X = state.prep.matrix;
    const params = state.last?.result.params;
    const k = resolveParams(params).knn;
    for (const level of course.levels.slice(1, -1)) checkEnoughCells(X.nRows - level.cells.length, k, request.column, `left after withholding ${level.label}`);
    const seeds = request.seeds ?? 1;
    if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 20)) throw new InputError('seeds', `expected 1..20, got ${seeds}`);
    this.#evaluation?.cancel();
    const t0 = performance.now();
    const embed: Partial<EmbedParams> = params ? { ...params } : {};
    const task = evaluateInThread(
      {
        pcs: X.data.slice(), n: X.nRows, dim: X.nCols, course,
        options: { seeds: Array.from({ length: seeds }, (_, i) => i), embed, skipPaper: request.paper === false, ...(params ? { placeDecay: params.decay } : {}) },
      },
      onProgress,
    );
    this.#evaluation = task;
    try {
      const result = await task.result;
      if (this.#state !== state) throw new Error('the data set changed during the evaluation');
      return evaluationTable(result, performance.now() - t0);
    } finally {
      if (this.#evaluation === task) this.#evaluation = null;
    }
  }

  async cancelEvaluation(): Promise<void> {
    this.#evaluation?.cancel();
  }

  #timePair(state: OpenState, request: InterpolateRequest): { course: TimeCourse; from: TimeLevel; to: TimeLevel } {
    const col = state.dataset.obs.find((c) => c.name === request.column);
    if (!col) throw new InputError('column', `no metadata column named '${request.column}'`);
    const course = timeCourse(col, state.prep.keptCells);
    const have = course.levels.map((l) => l.label).join(', ');
    const from = findTimeLevel(course, request.from);
    if (!from) throw new InputError('from', `no time point '${request.from}' in '${request.column}' (have ${have})`);
    const to = findTimeLevel(course, request.to);
    if (!to) throw new InputError('to', `no time point '${request.to}' in '${request.column}' (have ${have})`);
    if (from === to) throw new InputError('to', `the same time point as from ('${request.from}')`);
    return { course, from, to };
  }

  #need(): OpenState {
    if (!this.#state) throw new InputError('data set', 'no data set is open: open a file first');
    return this.#state;
  }

  #needMap(): { result: EmbedResult; summary: RunSummary } {
    const state = this.#need();
    if (!state.last) throw new InputError(basename(state.inputPath), 'no map yet: run the embedding first');
    return state.last;
  }
}

function summarise(result: EmbedResult, runId: number): RunSummary {
  const curve = result.heat.entropyCurve.map((p) => ({ t: p.t, entropy: p.entropy }));
  let kneeIndex = -1;
  for (let i = 0; i < curve.length; i++) if (Math.abs(curve[i]!.t - result.heat.t) <= 1e-9 * Math.max(1, result.heat.t)) kneeIndex = i;
  return {
    runId,
    params: result.params,
    t: result.heat.t,
    tAuto: result.heat.tAuto,
    entropyCurve: curve,
    kneeIndex,
    stagesRun: [...result.stagesRun],
    timingsMs: { ...result.timingsMs },
    landmarks: result.landmarks,
    stress: result.stress,
    // What ran, with the adapter (e.g. "webgpu · NVIDIA H100 (Vulkan)", or "webgpu→wasm (fallback in knn: …)").
    backend: `${result.backendRun} · ${activeBackend()?.adapter ?? result.backend.adapter}`,
    nPoints: result.coords.length / 2,
    ...(result.heat.chebyshevOrder !== undefined ? { chebyshevOrder: result.heat.chebyshevOrder } : {}),
    heatErrorBound: result.heat.errorBound,
  };
}

function numeric(name: string, values: Float32Array): ColourData {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) min = max = 0;
  return { kind: 'numeric', name, values, min, max };
}

/** Column j of X for the given rows, as float32. */
function column(X: Matrix, j: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (X.kind === 'dense') out[r] = X.data[i * X.nCols + j]!;
    else {
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        if (X.indices[p] === j) {
          out[r] = X.data[p]!;
          break;
        }
      }
    }
  }
  return out;
}

function absolutePath(what: string, path: string): string {
  return resolve(checkedPath(what, path, isAbsolute));
}

function exportPath(kind: ExportKind, path: string, input: string): string {
  const out = resolve(checkedExportPath(kind, path, isAbsolute));
  if (out === input) throw new InputError(out, 'the export would overwrite the input file');
  return out;
}

function checkRows(rows: Int32Array, n: number): Int32Array {
  if (!(rows instanceof Int32Array)) throw new InputError('rows', 'expected an Int32Array of map rows');
  for (const r of rows) if (r < 0 || r >= n) throw new InputError('rows', `row ${r} is outside 0..${n - 1}`);
  return rows;
}

/** The sidecar of a map exported from the app (same schema as `isotherm embed`'s). */
export function sidecarInputForRun(
  state: { dataset: Dataset; prep: PreprocessOutput; inputPath: string; readOnlyMs: { read: number; preprocess: number }; options?: OpenOptions },
  result: EmbedResult,
  outputs: readonly string[],
): SidecarInput {
  return runSidecarInput({
    inputPath: state.inputPath,
    dataset: state.dataset,
    prep: state.prep,
    result,
    outputs,
    readMs: state.readOnlyMs.read,
    preprocessMs: state.readOnlyMs.preprocess,
    pca: state.options?.pca ?? 'auto',
    notes: ['exported from the Isotherm app'],
  });
}
