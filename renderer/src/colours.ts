/** Point colours (RGBA8 per point) from a metadata column or a gene, with hidden categories and selection. */
import { interpolateViridis, schemeTableau10, interpolateRainbow } from 'd3-scale-chromatic';
import { rgb, type RGBColor } from 'd3-color';

type RGB = RGBColor;
import type { ColourData } from '../../src-core/api.js';

export const DEFAULT_COLOUR = '#3d6fb6';
export const MISSING_COLOUR = '#bbbbbb';

export function categoryColours(k: number): string[] {
  if (k <= schemeTableau10.length) return schemeTableau10.slice(0, k);
  return Array.from({ length: k }, (_, i) => interpolateRainbow(i / k));
}

export function numericColour(v: number, min: number, max: number): string {
  if (Number.isNaN(v)) return MISSING_COLOUR;
  return interpolateViridis(max > min ? (v - min) / (max - min) : 0.5);
}

/** Is point i shown (its category not hidden)? */
export function visibility(data: ColourData | null, hidden: ReadonlySet<number>): (i: number) => boolean {
  if (!data || data.kind !== 'categorical' || hidden.size === 0) return () => true;
  const codes = data.codes;
  return (i) => !hidden.has(codes[i]!);
}

export function pointColours(n: number, data: ColourData | null, hidden: ReadonlySet<number>, selected: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(n * 4);
  const put = (i: number, c: RGB, alpha: number): void => {
    out[4 * i] = c.r;
    out[4 * i + 1] = c.g;
    out[4 * i + 2] = c.b;
    out[4 * i + 3] = Math.round(alpha * 255);
  };
  const dim = (i: number): number => (selected && !selected[i] ? 0.12 : 1);
  const missing = rgb(MISSING_COLOUR);
  if (!data) {
    const c = rgb(DEFAULT_COLOUR);
    for (let i = 0; i < n; i++) put(i, c, dim(i));
  } else if (data.kind === 'categorical') {
    // Parse each category's colour once, not once per point.
    const palette = categoryColours(data.categories.length).map((c) => rgb(c));
    for (let i = 0; i < n; i++) {
      const c = data.codes[i]!;
      put(i, c < 0 ? missing : palette[c]!, hidden.has(c) ? 0 : dim(i));
    }
  } else {
    const lut = Array.from({ length: 256 }, (_, k) => rgb(interpolateViridis(k / 255)));
    const span = data.max > data.min ? data.max - data.min : 1;
    for (let i = 0; i < n; i++) {
      const v = data.values[i]!;
      put(i, Number.isNaN(v) ? missing : lut[Math.max(0, Math.min(255, Math.round(((v - data.min) / span) * 255)))]!, dim(i));
    }
  }
  return out;
}

/** A short checksum of the coordinates, for tests and for "did the map change?". */
export function digest(coords: Float32Array): string {
  const u = new Uint32Array(coords.buffer, coords.byteOffset, coords.length);
  let h = 2166136261 >>> 0;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 16777619) >>> 0;
  return `${coords.length / 2}:${h.toString(16)}`;
}
