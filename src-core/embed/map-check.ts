/**
 * The last guard before a map leaves the engine: every coordinate finite, a non-zero spread, and how close
 * the map is to a line. Collapse is measured by the ratio s₂/s₁ of the singular values of the centred
 * n × 2 map (1 = isotropic, 0 = all cells on one line). A map that is not finite, has no spread or has
 * s₂/s₁ below DEGENERATE_RATIO is refused with a DegenerateMapError naming the stage; below
 * COLLAPSE_WARNING it is returned with a warning (the app shows it next to the t slider).
 */
export const DEGENERATE_RATIO = 1e-3;
export const COLLAPSE_WARNING = 0.05;

export interface MapShape {
  /** s₂/s₁ of the centred map. */
  readonly collapse: number;
  /** s₁ / √n: the map's RMS extent along its main axis. */
  readonly spread: number;
  readonly warning: string | null;
}

export class DegenerateMapError extends Error {
  readonly stage: string;
  constructor(stage: string, problem: string) {
    super(`the ${stage} stage produced a degenerate map: ${problem}`);
    this.name = 'DegenerateMapError';
    this.stage = stage;
  }
}

export function mapShape(coords: ArrayLike<number>, n: number): { finite: boolean; collapse: number; spread: number } {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    const x = coords[2 * i]!, y = coords[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { finite: false, collapse: 0, spread: 0 };
    mx += x;
    my += y;
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const x = coords[2 * i]! - mx, y = coords[2 * i + 1]! - my;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  // Eigenvalues of the 2 × 2 scatter matrix = squared singular values of the centred map.
  const tr = sxx + syy;
  const disc = Math.sqrt(Math.max(0, ((sxx - syy) / 2) ** 2 + sxy * sxy));
  const l1 = tr / 2 + disc;
  const l2 = Math.max(0, tr / 2 - disc);
  return { finite: true, collapse: l1 > 0 ? Math.sqrt(l2 / l1) : 0, spread: Math.sqrt(l1 / n) };
}

/** Throws DegenerateMapError for a map no one should see; otherwise its shape, with a warning when nearly a line. */
export function checkMap(coords: ArrayLike<number>, n: number, stage: string): MapShape {
  if (n < 2) return { collapse: 1, spread: 0, warning: null };
  const s = mapShape(coords, n);
  if (!s.finite) throw new DegenerateMapError(stage, 'some coordinates are not finite numbers');
  // Spread relative to the coordinates' magnitude, so a map far from the origin with no extent still fails.
  let mag = 0;
  for (let i = 0; i < 2 * n; i++) mag = Math.max(mag, Math.abs(coords[i]!));
  if (!(s.spread > 1e-9 * Math.max(mag, 1e-300)) || s.spread === 0) throw new DegenerateMapError(stage, 'every cell is at the same point');
  if (s.collapse < DEGENERATE_RATIO) throw new DegenerateMapError(stage, `the cells lie on a line (singular value ratio ${s.collapse.toExponential(1)})`);
  const warning = s.collapse < COLLAPSE_WARNING ? `the map is nearly a line (singular value ratio ${s.collapse.toFixed(3)}): a smaller t may show more structure` : null;
  return { collapse: s.collapse, spread: s.spread, warning };
}
