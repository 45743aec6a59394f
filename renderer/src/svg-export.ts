/** A standalone SVG document of the map (points in view, axes) with its legend. */
import type { ColourData } from '../../src-core/api.js';
import { categoryColours, DEFAULT_COLOUR, MISSING_COLOUR, numericColour } from './colours.js';
import { figureDecorations, figurePads, type FigureLabels } from './figure-frame.js';

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function colourFunction(data: ColourData | null, hidden: ReadonlySet<number>, selected: Uint8Array | null): (i: number) => string | null {
  const dimmed = (i: number): boolean => selected !== null && !selected[i];
  if (!data) return (i) => (dimmed(i) ? '#dddddd' : DEFAULT_COLOUR);
  if (data.kind === 'categorical') {
    const pal = categoryColours(data.categories.length);
    return (i) => {
      const c = data.codes[i]!;
      if (hidden.has(c)) return null;
      return dimmed(i) ? '#dddddd' : c < 0 ? MISSING_COLOUR : pal[c]!;
    };
  }
  return (i) => (dimmed(i) ? '#dddddd' : numericColour(data.values[i]!, data.min, data.max));
}

function legend(data: ColourData | null, hidden: ReadonlySet<number>, x: number, top: number): string {
  if (!data) return '';
  const parts = [`<g class="legend" transform="translate(${x},${top})" font-family="sans-serif" font-size="11"><text font-weight="bold">${esc(data.name)}</text>`];
  if (data.kind === 'categorical') {
    const pal = categoryColours(data.categories.length);
    data.categories.forEach((c, i) => {
      if (hidden.has(i)) return;
      const y = 16 + 16 * i;
      parts.push(`<rect x="0" y="${y - 9}" width="10" height="10" fill="${pal[i]}"/><text x="14" y="${y}">${esc(c)}</text>`);
    });
  } else {
    parts.push('<defs><linearGradient id="cbar">');
    for (let k = 0; k <= 10; k++) parts.push(`<stop offset="${k * 10}%" stop-color="${numericColour(k / 10, 0, 1)}"/>`);
    parts.push(`</linearGradient></defs><rect y="8" width="120" height="10" fill="url(#cbar)"/><text y="32">${data.min.toPrecision(3)}</text><text x="120" y="32" text-anchor="end">${data.max.toPrecision(3)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

export function legendWidth(data: ColourData | null): number {
  return data ? 170 : 0;
}

/** The figure's size: the map (`width` × `height`), the bands of `figure` and the legend. */
export function figureSize(width: number, height: number, data: ColourData | null, figure?: FigureLabels | null): { width: number; height: number } {
  const p = figurePads(figure);
  return { width: p.left + width + legendWidth(data), height: p.top + height + p.bottom };
}

/** `figure`: the title and axis labels drawn around the map (figure-frame.ts); the map sits at its pads. */
export function svgDocument(width: number, height: number, body: string, data: ColourData | null, hidden: ReadonlySet<number>, title: string, background = true, figure?: FigureLabels | null): string {
  const p = figurePads(figure);
  const size = figureSize(width, height, data, figure);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">`,
    `<title>${esc(title)}</title>`,
    background ? `<rect width="100%" height="100%" fill="white"/>` : '',
    p.left || p.top ? `<g transform="translate(${p.left},${p.top})">${body}</g>` : body,
    figureDecorations(figure, width, height),
    legend(data, hidden, p.left + width + 10, p.top + 16),
    '</svg>',
  ].join('\n');
}
