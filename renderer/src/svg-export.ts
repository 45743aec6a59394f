/** A standalone SVG document of the map (points in view, axes) with its legend. */
import type { ColourData } from '../../src-core/api.js';
import { categoryColours, DEFAULT_COLOUR, MISSING_COLOUR, numericColour } from './colours.js';

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

function legend(data: ColourData | null, hidden: ReadonlySet<number>, x: number): string {
  if (!data) return '';
  const parts = [`<g class="legend" transform="translate(${x},16)" font-family="sans-serif" font-size="11"><text font-weight="bold">${esc(data.name)}</text>`];
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

export function svgDocument(width: number, height: number, body: string, data: ColourData | null, hidden: ReadonlySet<number>, title: string, background = true): string {
  const lw = legendWidth(data);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width + lw}" height="${height}" viewBox="0 0 ${width + lw} ${height}">`,
    `<title>${esc(title)}</title>`,
    background ? `<rect width="100%" height="100%" fill="white"/>` : '',
    body,
    legend(data, hidden, width + 10),
    '</svg>',
  ].join('\n');
}
