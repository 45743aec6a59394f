/**
 * The app's exports of the current map, each written atomically and never over the input file: the map
 * as CSV + sidecar (Workspace.exportCsv), the SVG and PNG the renderer drew, the ids of selected cells,
 * and interpolated cells (export/interpolation-csv.ts). Every destination — the sidecar too — must lie in
 * the host's file scope and may replace an existing file only when the user confirmed that path
 * (export-policy.ts; a sidecar may replace Isotherm's own); the SVG and PNG carry Isotherm's mark so that
 * the question can say whether the file is an earlier export.
 */
import type { ExportReport, Interpolation } from '../src-core/api.js';
import { InputError } from '../src-core/errors.js';
import { MAX_X_BYTES, writeNewH5ad } from '../src-core/export/h5ad-new.js';
import { assertWritableDestination, csvField, markPng, sidecarPathFor, SVG_MARK, writeFileAtomic, writeH5adWithEmbedding } from '../src-core/export/index.js';
import { stat } from 'node:fs/promises';
import { writeInterpolationCsv } from '../src-core/export/interpolation-csv.js';
import type { EmbedResult } from '../src-core/pipeline/pipeline.js';
import { checkRows } from '../src-core/workspace/cells.js';
import type { Workspace } from '../src-core/workspace/workspace.js';
import type { ExportPolicy } from './export-policy.js';
import { localExportPath } from './local-paths.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Isotherm's mark right after the opening <svg …> tag (the file still starts with <svg). */
function markSvg(svg: string): string {
  const end = svg.indexOf('>');
  return end < 0 ? svg : `${svg.slice(0, end + 1)}\n${SVG_MARK}${svg.slice(end + 1)}`;
}

/** `mapOf()` gives the map to export (it throws when there is none), asked once the path is known to be acceptable. */
export async function exportMapCsv(ws: Workspace, policy: ExportPolicy, mapOf: () => EmbedResult, path: string, rows?: Int32Array, format: 'csv' | 'arrow' = 'csv'): Promise<ExportReport> {
  const out = localExportPath(format, path, ws.inputPath);
  // The sidecar (OUT.json) gets the same checks as OUT.csv: not the input, in the scope, replace rules.
  const sidecar = sidecarPathFor(out);
  if (sidecar === ws.inputPath) throw new InputError(sidecar, 'the export would overwrite the input file');
  const replaceCsv = await policy.destination(out);
  const replaceSidecar = await policy.destination(sidecar, true);
  const map = mapOf();
  const pick = rows ? checkRows(rows, map.coords.length / 2) : null;
  const r = await ws.exportCsv(out, map, pick, { notes: ['exported from the Isotherm app', ...ws.annotations.notes] }, { replace: replaceCsv, replaceSidecar, format });
  policy.used(out);
  policy.used(sidecar);
  return { path: r.path, bytes: r.bytes, extra: [r.sidecar], rows: r.rows };
}

/**
 * The map as AnnData: for an .h5ad input, a copy of it (export/h5ad-write.ts) with obsm/X_isotherm for the
 * map's cells (NaN for cells not on the map) and the app's added columns in obs; for any other input, a new
 * file (export/h5ad-new.ts) with X as read, the annotations and the same additions.
 */
export async function exportMapH5ad(ws: Workspace, policy: ExportPolicy, mapOf: () => EmbedResult, path: string): Promise<ExportReport> {
  const out = localExportPath('h5ad', path, ws.inputPath);
  const replace = await policy.destination(out);
  const map = mapOf();
  if (ws.dataset.source.format !== 'h5ad') {
    const r = await writeNewH5ad(ws.dataset, out, map.coords, { rowIndex: ws.keptCells, obs: ws.annotations.columns, replace });
    policy.used(out);
    const extra = [...r.obsColumns.map((c) => `obs/${c}`), ...(r.wroteX ? [] : [`X left out (over ${MAX_X_BYTES / 2 ** 20} MB)`])];
    return { path: r.path, bytes: (await stat(r.path)).size, extra, rows: r.nCells };
  }
  const r = await writeH5adWithEmbedding(ws.inputPath, out, map.coords, { rowIndex: ws.keptCells, obs: ws.annotations.columns, replace });
  policy.used(out);
  const bytes = (await stat(r.path)).size;
  return { path: r.path, bytes, extra: r.obsAdded.map((c) => `obs/${c}`), rows: r.nCells };
}

export async function exportSvg(ws: Workspace, policy: ExportPolicy, path: string, svg: string): Promise<ExportReport> {
  const out = localExportPath('svg', path, ws.inputPath);
  if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) throw new InputError(out, 'the content is not an SVG document');
  const replace = await policy.destination(out);
  const report = await writeFileAtomic(out, markSvg(svg), { protectedPaths: [ws.inputPath], replace });
  policy.used(out);
  return { path: report.path, bytes: report.bytes, extra: [], rows: 0 };
}

export async function exportPng(ws: Workspace, policy: ExportPolicy, path: string, png: Uint8Array): Promise<ExportReport> {
  const out = localExportPath('png', path, ws.inputPath);
  if (!(png instanceof Uint8Array) || png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new InputError(out, 'the content is not a PNG image');
  const replace = await policy.destination(out);
  const report = await writeFileAtomic(out, markPng(png), { protectedPaths: [ws.inputPath], replace });
  policy.used(out);
  return { path: report.path, bytes: report.bytes, extra: [], rows: 0 };
}

/** One cell id per line (header `cell_id`) for the map rows `rows`. */
export async function exportIds(ws: Workspace, policy: ExportPolicy, path: string, rows: Int32Array): Promise<ExportReport> {
  const out = localExportPath('ids', path, ws.inputPath);
  const replace = await policy.destination(out);
  const pick = checkRows(rows, ws.nRows);
  const lines: string[] = ['cell_id'];
  for (const r of pick) lines.push(csvField(ws.cellId(r)));
  const report = await writeFileAtomic(out, lines.join('\n') + '\n', { protectedPaths: [ws.inputPath], replace });
  policy.used(out);
  return { path: report.path, bytes: report.bytes, extra: [], rows: pick.length };
}

/** `interpolation` is computed only once the path is known to be acceptable. */
export async function exportInterpolation(ws: Workspace, policy: ExportPolicy, path: string, interpolation: () => Promise<Interpolation>): Promise<ExportReport> {
  const out = localExportPath('csv', path, ws.inputPath);
  const replace = await policy.destination(out);
  await assertWritableDestination(out, [ws.inputPath], replace);
  const r = await interpolation();
  const table = { coords: r.coords, alpha: r.alpha, source: r.source, target: r.target, cellId: (row: number) => ws.cellId(row), labels: { from: r.from, to: r.to } };
  const report = await writeInterpolationCsv(out, table, { protectedPaths: [ws.inputPath], replace });
  policy.used(out);
  return { path: report.path, bytes: report.bytes, extra: [], rows: report.rows };
}
