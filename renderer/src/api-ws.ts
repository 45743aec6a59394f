/**
 * IsothermApi over the WebSocket of `isotherm serve` (same origin, the token is in the page's path).
 * The Electron preload exposes the same interface as window.isotherm; connectApi() picks whichever exists.
 */
import type {
  InterpolateRequest, Interpolation, TimeColumnInfo, TimeEvaluation, TimeEvaluationProgress, TimeEvaluationRequest,
  ClusterRequest, ClusterResult, GeneSetRequest, GeneSetResult, MarkerRequest, MarkerResult, NamedSelectionRows,
  AppFolders, CellInfo, ColourBy, ColourData, DatasetDescription, EmbedParams, ExportReport, FileListing, IsothermApi, OpenOptions, ProgressEvent, ReadProgressEvent, RunSummary,
} from '../../src-core/api.js';
import { withErrorNames } from '../../src-core/api-errors.js';
import { decodeMessage, encodeMessage, PendingCalls, type ServerMessage, type WireValue } from '../../src-core/api-wire.js';

export class WsIsothermApi implements IsothermApi {
  readonly #ws: WebSocket;
  readonly #ready: Promise<void>;
  readonly #calls = new PendingCalls();

  constructor(url: string) {
    this.#ws = new WebSocket(url);
    this.#ws.binaryType = 'arraybuffer';
    this.#ready = new Promise((ok, fail) => {
      this.#ws.addEventListener('open', () => ok(), { once: true });
      this.#ws.addEventListener('error', () => fail(new Error('cannot connect to the Isotherm server (is `isotherm serve` still running?)')), { once: true });
    });
    this.#ws.addEventListener('message', (ev: MessageEvent) => this.#receive(ev.data));
    this.#ws.addEventListener('close', () => this.#calls.failAll(new Error('the connection to the Isotherm server was closed')));
  }

  #receive(data: unknown): void {
    if (data instanceof ArrayBuffer) this.#calls.receive(decodeMessage(new Uint8Array(data)) as ServerMessage);
  }

  async #call<T>(method: string, args: readonly WireValue[], onProgress?: (e: ProgressEvent) => void): Promise<T> {
    await this.#ready;
    const { id, answer } = this.#calls.open(onProgress);
    this.#ws.send(encodeMessage({ type: 'call', id, method, args }));
    return answer as Promise<T>;
  }

  listFiles(dir?: string): Promise<FileListing> { return this.#call('listFiles', [dir ?? null]); }
  folders(): Promise<AppFolders> { return this.#call('folders', []); }
  open(path: string, options?: OpenOptions, onProgress?: (p: ReadProgressEvent) => void): Promise<DatasetDescription> {
    // The wire's progress events are typed for run(); open()'s are ReadProgressEvent.
    return this.#call('open', [path, (options ?? null) as unknown as WireValue], onProgress as ((e: ProgressEvent) => void) | undefined);
  }
  openDemo(): Promise<DatasetDescription | null> { return this.#call('openDemo', []); }
  reprocess(options: OpenOptions): Promise<DatasetDescription> { return this.#call('reprocess', [options as unknown as WireValue]); }
  runCompare(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void): Promise<RunSummary> {
    return this.#call('runCompare', [params as unknown as WireValue], onProgress);
  }
  compareCoords(): Promise<Float32Array> { return this.#call('compareCoords', []); }
  pcaCoords(): Promise<Float32Array> { return this.#call('pcaCoords', []); }
  describe(): Promise<DatasetDescription | null> { return this.#call('describe', []); }
  run(params: Partial<EmbedParams>, onProgress?: (e: ProgressEvent) => void): Promise<RunSummary> {
    return this.#call('run', [params as unknown as WireValue], onProgress);
  }
  cancel(): Promise<void> { return this.#call('cancel', []); }
  subset(rows: Int32Array): Promise<DatasetDescription> { return this.#call('subset', [rows]); }
  back(): Promise<DatasetDescription | null> { return this.#call('back', []); }
  coords(): Promise<Float32Array> { return this.#call('coords', []); }
  colour(by: ColourBy): Promise<ColourData> { return this.#call('colour', [by as unknown as WireValue]); }
  searchGenes(query: string, limit?: number): Promise<readonly string[]> { return this.#call('searchGenes', [query, limit ?? null]); }
  cellInfo(row: number): Promise<CellInfo> { return this.#call('cellInfo', [row]); }
  exportCsv(path: string, rows?: Int32Array): Promise<ExportReport> { return this.#call('exportCsv', [path, rows ?? null]); }
  exportArrow(path: string, rows?: Int32Array): Promise<ExportReport> { return this.#call('exportArrow', [path, rows ?? null]); }
  exportH5ad(path: string): Promise<ExportReport> { return this.#call('exportH5ad', [path]); }
  exportSvg(path: string, svg: string): Promise<ExportReport> { return this.#call('exportSvg', [path, svg]); }
  exportPng(path: string, png: Uint8Array): Promise<ExportReport> { return this.#call('exportPng', [path, png]); }
  exportIds(path: string, rows: Int32Array): Promise<ExportReport> { return this.#call('exportIds', [path, rows]); }
  confirmOverwrite(path: string): Promise<void> { return this.#call('confirmOverwrite', [path]); }
  timeColumns(): Promise<readonly TimeColumnInfo[]> { return this.#call('timeColumns', []); }
  interpolate(request: InterpolateRequest): Promise<Interpolation> { return this.#call('interpolate', [request as unknown as WireValue]); }
  exportInterpolation(path: string, request: InterpolateRequest): Promise<ExportReport> { return this.#call('exportInterpolation', [path, request as unknown as WireValue]); }
  evaluateTime(request: TimeEvaluationRequest, onProgress?: (p: TimeEvaluationProgress) => void): Promise<TimeEvaluation> {
    // The wire's progress events are typed for run(); an evaluation's are TimeEvaluationProgress.
    return this.#call('evaluateTime', [request as unknown as WireValue], onProgress as ((e: ProgressEvent) => void) | undefined);
  }
  cancelEvaluation(): Promise<void> { return this.#call('cancelEvaluation', []); }
  cluster(request: ClusterRequest): Promise<ClusterResult> { return this.#call('cluster', [request as unknown as WireValue]); }
  markers(request: MarkerRequest): Promise<MarkerResult> { return this.#call('markers', [request as unknown as WireValue]); }
  setSelections(selections: readonly NamedSelectionRows[]): Promise<DatasetDescription> { return this.#call('setSelections', [selections as unknown as WireValue]); }
  geneSetScore(request: GeneSetRequest): Promise<GeneSetResult> { return this.#call('geneSetScore', [request as unknown as WireValue]); }
}

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    isotherm?: IsothermApi;
  }
}

export function connectApi(): IsothermApi {
  // Electron: contextBridge keeps only an error's message; withErrorNames() restores its name (CancelledError…).
  if (window.isotherm) return withErrorNames(window.isotherm);
  const url = new URL('ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return new WsIsothermApi(url.href);
}
