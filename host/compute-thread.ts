/**
 * The compute worker thread of both hosts (compute-worker.ts starts it): owns a LocalIsothermApi and
 * executes validated calls posted by the host thread. Cancellation comes through a SharedArrayBuffer (the worker's event loop is busy
 * during a run, so a posted "cancel" message would arrive too late): run number s is cancelled once
 * the shared counter reaches s; open() number s likewise with the counter's second slot.
 */
import { homedir } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { FileScope } from './file-scope.js';
import { installMemoryBudget } from './memory-budget.js';
import { LocalIsothermApi } from './local-api.js';
import { errorInfo } from '../src-core/api-errors.js';
import type { ApiCall } from './validate.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';

// This thread computes: lend the core its helper threads and WebGPU (src-core/compute/engines.ts).
installNodeEngines();
// Sizes known in advance (m² kernels, OT cost matrices) beyond the budget are refused, not run out of memory.
try {
  installMemoryBudget();
} catch (e) {
  // A bad ISOTHERM_MEMORY_BUDGET_GB must not stop the worker from starting: use the machine's default.
  installMemoryBudget({});
  process.stderr.write(`isotherm: ${e instanceof Error ? e.message : String(e)}; using half of this machine's memory\n`);
}

export interface WorkerInit {
  readonly cancelFlag: SharedArrayBuffer;
  readonly startDir: string;
  /** Folders granted so far besides the home folder and startDir (a restarted worker gets them again). */
  readonly granted: readonly string[];
}

/** A call, or the host adding a folder the user chose (a dialog, a drop) to the file scope. */
export type CallToWorker = { readonly id: number; readonly call: ApiCall; readonly runSeq: number };
export type ToWorker = CallToWorker | { readonly grant: string };

const init = workerData as WorkerInit;
const flag = new Int32Array(init.cancelFlag);
// The file-access scope (docs/app.md "File access"): home, the start folder, folders the user opened.
const scope = new FileScope([homedir(), init.startDir, ...init.granted]);
const api = new LocalIsothermApi({ startDir: init.startDir, scope });
const port = parentPort!;

function transferables(v: unknown): ArrayBuffer[] {
  if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) return [v.buffer];
  if (v && typeof v === 'object') {
    const out: ArrayBuffer[] = [];
    for (const x of Object.values(v)) if (ArrayBuffer.isView(x) && x.buffer instanceof ArrayBuffer && x.byteOffset === 0 && x.byteLength === x.buffer.byteLength) out.push(x.buffer);
    return out;
  }
  return [];
}

async function execute(msg: CallToWorker): Promise<unknown> {
  const c = msg.call;
  switch (c.method) {
    case 'listFiles': return api.listFiles(c.dir);
    case 'folders': return api.folders();
    case 'open': {
      // Slot 1 of the shared counter cancels reads (slot 0 runs): a run started meanwhile does not stop a read.
      const seq = msg.runSeq;
      const token = { get cancelled(): boolean { return Atomics.load(flag, 1) >= seq; } };
      return api.open(c.path, c.options, (event) => port.postMessage({ type: 'progress', id: msg.id, event }), token);
    }
    case 'openDemo': return api.openDemo();
    case 'reprocess': return api.reprocess(c.options);
    case 'runCompare': {
      const seq = msg.runSeq;
      const token = { get cancelled(): boolean { return Atomics.load(flag, 0) >= seq; } };
      return api.runCompare(c.params, (event) => port.postMessage({ type: 'progress', id: msg.id, event }), token);
    }
    case 'compareCoords': return api.compareCoords();
    case 'pcaCoords': return api.pcaCoords();
    case 'describe': return api.describe();
    case 'run': {
      const seq = msg.runSeq;
      const token = { get cancelled(): boolean { return Atomics.load(flag, 0) >= seq; } };
      return api.run(c.params, (event) => port.postMessage({ type: 'progress', id: msg.id, event }), token);
    }
    case 'cancel': return api.cancel();
    case 'subset': return api.subset(c.rows);
    case 'back': return api.back();
    case 'coords': return api.coords();
    case 'colour': return api.colour(c.by);
    case 'searchGenes': return api.searchGenes(c.query, c.limit);
    case 'cellInfo': return api.cellInfo(c.row);
    case 'exportCsv': return api.exportCsv(c.path, c.rows);
    case 'exportArrow': return api.exportArrow(c.path, c.rows);
    case 'exportH5ad': return api.exportH5ad(c.path);
    case 'exportSvg': return api.exportSvg(c.path, c.svg);
    case 'exportPng': return api.exportPng(c.path, c.png);
    case 'exportIds': return api.exportIds(c.path, c.rows);
    case 'confirmOverwrite': return api.confirmOverwrite(c.path);
    case 'timeColumns': return api.timeColumns();
    case 'interpolate': return api.interpolate(c.request);
    case 'exportInterpolation': return api.exportInterpolation(c.path, c.request);
    // Progress events of an evaluation are TimeEvaluationProgress, not pipeline ProgressEvents; the wire carries either.
    case 'evaluateTime': return api.evaluateTime(c.request, (p) => port.postMessage({ type: 'progress', id: msg.id, event: p }));
    case 'cancelEvaluation': return api.cancelEvaluation();
    case 'cluster': return api.cluster(c.request);
    case 'markers': return api.markers(c.request);
    case 'setSelections': return api.setSelections(c.selections);
    case 'geneSetScore': return api.geneSetScore(c.request);
  }
}

port.on('message', (m: ToWorker) => {
  if ('grant' in m) return scope.grant(m.grant);
  const msg = m;
  execute(msg).then(
    (value) => {
      const v = value === undefined ? null : value;
      port.postMessage({ type: 'result', id: msg.id, ok: true, value: v }, transferables(v));
    },
    (e: unknown) => port.postMessage({ type: 'result', id: msg.id, ok: false, error: errorInfo(e) }),
  );
});
