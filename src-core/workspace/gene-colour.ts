/**
 * A gene's colour values (issue 14, trap 5): normalised log expression (the Expression the marker genes
 * use: raw/X, or counts normalised here) over the map rows, with the colour scale's top clipped at the
 * 99th percentile of the expressing cells, so that a few very high cells do not leave every other cell
 * dark. The values themselves are not clipped (the tooltip shows them).
 */
import type { ColourData } from '../api.js';
import type { Matrix } from '../io/dataset.js';
import { featureSymbolsOf } from '../io/features.js';
import { colourOf } from './cells.js';
import { expressionOf } from './expression.js';
import type { Workspace } from './workspace.js';

const CLIP_QUANTILE = 0.99;

export async function geneColour(ws: Workspace, gene: string): Promise<ColourData> {
  const expr = await expressionOf(ws);
  let j = expr.featureNames.indexOf(gene);
  if (j < 0 && expr.featureNames === ws.dataset.featureNames) j = featureSymbolsOf(ws.dataset)?.indexOf(gene) ?? -1;
  // A name only X knows (e.g. raw/X has other genes): X's values, as before.
  if (j < 0) return colourOf(ws, { gene });
  const values = columnOf(expr.matrix, j, ws.keptCells);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) min = max = 0;
  const top = quantileAbove(values, min, CLIP_QUANTILE);
  const clipped = top > min && top < max;
  const note = `${expr.source}${clipped ? `; colours clipped at the ${CLIP_QUANTILE * 100}th percentile of expressing cells (${top.toPrecision(3)}; max ${max.toPrecision(3)})` : ''}`;
  return { kind: 'numeric', name: gene, values, min, max: clipped ? top : max, note, ...(clipped ? { clippedAbove: true } : {}) };
}

/** The q-quantile of the values above `floor` (the expressing cells), or `floor` when there are none. */
function quantileAbove(values: Float32Array, floor: number, q: number): number {
  const above = values.filter((v) => v > floor).sort();
  if (above.length === 0) return floor;
  return above[Math.min(above.length - 1, Math.floor(q * (above.length - 1)))]!;
}

function columnOf(x: Matrix, j: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    if (x.kind === 'dense') out[r] = x.data[i * x.nCols + j]!;
    else {
      // Column indices are sorted within a row in CSR as written by the readers; a linear scan is safe either way.
      for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
        if (x.indices[p] === j) {
          out[r] = x.data[p]!;
          break;
        }
      }
    }
  }
  return out;
}
