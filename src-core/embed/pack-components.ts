/**
 * Lays the maps of separate graph components side by side without overlap, each keeping its own geometry.
 * The components' centres are placed like their centroids in feature space (classical MDS of the centroid
 * distances), scaled so that the closest pairs sit roughly side by side, then any two discs that still
 * overlap are pushed apart along the line joining them (the smaller one moves more) until none does.
 * With very many components an ordered shelf packing is used instead (pairwise pushes would cost C²).
 */
export interface ComponentLayout {
  /** Cells of the component (indices into the full map). */
  readonly members: Int32Array;
  /** Its own map, members.length × 2, row-major. */
  readonly coords: Float64Array;
  /** Its centroid in feature space. */
  readonly centroid: Float64Array;
}

const MAX_PUSH_COMPONENTS = 400;
const GAP = 0.15;

/** Mean position of the first k points of a 2-D map (x, y interleaved), summed in point order. */
export function mapCentre(y: ArrayLike<number>, k: number): [number, number] {
  let mx = 0, my = 0;
  for (let i = 0; i < k; i++) {
    mx += y[2 * i]!;
    my += y[2 * i + 1]!;
  }
  return [mx / k, my / k];
}

export function packComponents(parts: readonly ComponentLayout[], n: number): Float64Array {
  const out = new Float64Array(2 * n);
  const C = parts.length;
  const centre = new Float64Array(2 * C);
  const radius = new Float64Array(C);
  parts.forEach((part, c) => {
    const k = part.members.length;
    const [mx, my] = mapCentre(part.coords, k);
    let r = 0;
    for (let i = 0; i < k; i++) r = Math.max(r, Math.hypot(part.coords[2 * i]! - mx, part.coords[2 * i + 1]! - my));
    radius[c] = r;
    centre[2 * c] = mx;
    centre[2 * c + 1] = my;
  });
  // A one-cell (or one-point) component still needs room: give it the smallest positive radius seen.
  let minR = Infinity, maxR = 0;
  for (let c = 0; c < C; c++) if (radius[c]! > 0) minR = Math.min(minR, radius[c]!);
  if (!Number.isFinite(minR)) minR = 1;
  for (let c = 0; c < C; c++) {
    radius[c] = Math.max(radius[c]!, 0.5 * minR);
    maxR = Math.max(maxR, radius[c]!);
  }
  const place = C === 1 ? new Float64Array(2) : C <= MAX_PUSH_COMPONENTS ? pushApart(placeByCentroids(parts, radius), radius) : shelves(radius);
  parts.forEach((part, c) => {
    const k = part.members.length;
    for (let i = 0; i < k; i++) {
      const cell = part.members[i]!;
      out[2 * cell] = part.coords[2 * i]! - centre[2 * c]! + place[2 * c]!;
      out[2 * cell + 1] = part.coords[2 * i + 1]! - centre[2 * c + 1]! + place[2 * c + 1]!;
    }
  });
  return out;
}

/** Classical MDS of the centroid distances, scaled so that each component's nearest one is about touching. */
function placeByCentroids(parts: readonly ComponentLayout[], radius: Float64Array): Float64Array {
  const C = parts.length;
  const d2 = new Float64Array(C * C);
  for (let a = 0; a < C; a++)
    for (let b = a + 1; b < C; b++) {
      let s = 0;
      const ca = parts[a]!.centroid, cb = parts[b]!.centroid;
      for (let q = 0; q < ca.length; q++) s += (ca[q]! - cb[q]!) ** 2;
      d2[a * C + b] = d2[b * C + a] = s;
    }
  const pos = classicalMds2(d2, C);
  // Scale: the median over components of (distance to nearest / sum of radii) becomes 1 + GAP.
  const ratios: number[] = [];
  for (let a = 0; a < C; a++) {
    let best = Infinity, bestSum = 1;
    for (let b = 0; b < C; b++) {
      if (a === b) continue;
      const d = Math.hypot(pos[2 * a]! - pos[2 * b]!, pos[2 * a + 1]! - pos[2 * b + 1]!);
      const r = d / (radius[a]! + radius[b]!);
      if (r < best) {
        best = r;
        bestSum = radius[a]! + radius[b]!;
      }
    }
    if (Number.isFinite(best) && bestSum > 0) ratios.push(best);
  }
  ratios.sort((x, y) => x - y);
  const med = ratios.length ? ratios[ratios.length >> 1]! : 0;
  const scale = med > 0 ? (1 + GAP) / med : 1;
  for (let q = 0; q < 2 * C; q++) pos[q]! *= scale;
  return pos;
}

/** Pairwise pushes until no two discs (with a gap) overlap; the smaller disc moves more. */
function pushApart(pos: Float64Array, radius: Float64Array): Float64Array {
  const C = radius.length;
  const gap = GAP * Math.max(...radius);
  for (let round = 0; round < 500; round++) {
    let moved = false;
    for (let a = 0; a < C; a++)
      for (let b = a + 1; b < C; b++) {
        let dx = pos[2 * b]! - pos[2 * a]!, dy = pos[2 * b + 1]! - pos[2 * a + 1]!;
        let d = Math.hypot(dx, dy);
        const need = radius[a]! + radius[b]! + gap;
        if (d >= need) continue;
        if (d < 1e-12) {
          // Coincident centres: separate along a fixed, index-dependent direction (deterministic).
          const ang = ((a * 7 + b * 13) % 360) * (Math.PI / 180);
          dx = Math.cos(ang);
          dy = Math.sin(ang);
          d = 1;
        } else {
          dx /= d;
          dy /= d;
        }
        const push = need - d;
        const wa = radius[b]! ** 2 / (radius[a]! ** 2 + radius[b]! ** 2);
        pos[2 * a]! -= dx * push * wa;
        pos[2 * a + 1]! -= dy * push * wa;
        pos[2 * b]! += dx * push * (1 - wa);
        pos[2 * b + 1]! += dy * push * (1 - wa);
        moved = true;
      }
    if (!moved) return pos;
  }
  return shelves(radius); // did not settle: fall back to a packing that cannot overlap
}

/** Rows of discs, largest first, each row as wide as about √C discs. */
function shelves(radius: Float64Array): Float64Array {
  const C = radius.length;
  const pos = new Float64Array(2 * C);
  const gap = GAP * Math.max(...radius);
  let total = 0;
  for (let c = 0; c < C; c++) total += 2 * radius[c]! + gap;
  const rowWidth = Math.max(2 * radius[0]! + gap, total / Math.max(1, Math.sqrt(C)));
  let x = 0, y = 0, rowHeight = 0;
  for (let c = 0; c < C; c++) {
    const w = 2 * radius[c]! + gap;
    if (x > 0 && x + w > rowWidth) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    pos[2 * c] = x + radius[c]!;
    pos[2 * c + 1] = y + radius[c]!;
    x += w;
    rowHeight = Math.max(rowHeight, w);
  }
  return pos;
}

/** Two leading coordinates of classical MDS from squared distances (small C: power iteration). */
function classicalMds2(d2: Float64Array, C: number): Float64Array {
  const b = new Float64Array(C * C);
  const rowMean = new Float64Array(C);
  let all = 0;
  for (let a = 0; a < C; a++) {
    for (let c = 0; c < C; c++) rowMean[a]! += d2[a * C + c]!;
    all += rowMean[a]!;
    rowMean[a]! /= C;
  }
  all /= C * C;
  for (let a = 0; a < C; a++) for (let c = 0; c < C; c++) b[a * C + c] = -0.5 * (d2[a * C + c]! - rowMean[a]! - rowMean[c]! + all);
  const pos = new Float64Array(2 * C);
  const vecs: Float64Array[] = [];
  for (let axis = 0; axis < 2; axis++) {
    let v = Float64Array.from({ length: C }, (_, i) => Math.sin(1 + i * (axis + 1.618)));
    let lambda = 0;
    for (let it = 0; it < 300; it++) {
      const w = new Float64Array(C);
      for (let a = 0; a < C; a++) for (let c = 0; c < C; c++) w[a]! += b[a * C + c]! * v[c]!;
      for (const u of vecs) {
        let dot = 0;
        for (let a = 0; a < C; a++) dot += w[a]! * u[a]!;
        for (let a = 0; a < C; a++) w[a]! -= dot * u[a]!;
      }
      let norm = 0;
      for (let a = 0; a < C; a++) norm += w[a]! ** 2;
      norm = Math.sqrt(norm);
      if (norm < 1e-300) break;
      lambda = norm;
      v = w.map((x) => x / norm);
    }
    vecs.push(v);
    const s = Math.sqrt(Math.max(lambda, 0));
    for (let a = 0; a < C; a++) pos[2 * a + axis] = v[a]! * s;
  }
  return pos;
}
