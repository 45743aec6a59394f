/**
 * The frame of an exported figure (issue 14): an optional title above the map and optional axis labels
 * ("Isotherm 1" under the x axis, "Isotherm 2" beside the y axis). The map keeps its on-screen size; the
 * figure grows by the bands these need, and the SVG and PNG exports draw the same frame.
 */
export interface FigureLabels {
  /** Drawn above the map; '' for none. */
  readonly title: string;
  readonly axisLabels: boolean;
}

export const AXIS_LABELS = ['Isotherm 1', 'Isotherm 2'] as const;

export interface FigurePads {
  readonly left: number;
  readonly top: number;
  readonly bottom: number;
}

const NO_PADS: FigurePads = { left: 0, top: 0, bottom: 0 };

export function figurePads(f: FigureLabels | null | undefined): FigurePads {
  if (!f) return NO_PADS;
  return { left: f.axisLabels ? 18 : 0, top: f.title.trim() ? 30 : 0, bottom: f.axisLabels ? 20 : 0 };
}

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The title and axis labels as SVG, in figure coordinates (the map of `width` × `height` placed at the pads). */
export function figureDecorations(f: FigureLabels | null | undefined, width: number, height: number): string {
  if (!f) return '';
  const p = figurePads(f);
  const parts: string[] = [];
  const title = f.title.trim();
  if (title) parts.push(`<text class="figure-title" x="${p.left + width / 2}" y="20" text-anchor="middle" font-family="sans-serif" font-size="15" font-weight="bold">${esc(title)}</text>`);
  if (f.axisLabels) {
    const midX = p.left + width / 2;
    const midY = p.top + height / 2;
    parts.push(`<text class="axis-label x" x="${midX}" y="${p.top + height + 15}" text-anchor="middle" font-family="sans-serif" font-size="12">${AXIS_LABELS[0]}</text>`);
    parts.push(`<text class="axis-label y" transform="translate(12,${midY}) rotate(-90)" text-anchor="middle" font-family="sans-serif" font-size="12">${AXIS_LABELS[1]}</text>`);
  }
  return parts.join('');
}
