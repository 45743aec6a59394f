/**
 * A 2-D quadtree over map positions with each node's centre of mass, rebuilt every refinement step, for
 * Barnes–Hut sums of a kernel over all points (van der Maaten 2014): a node whose width w is small seen from
 * the query point (w / d < θ) acts as one mass at its centre. Cells are split until they hold at most
 * LEAF points; leaves are summed exactly. Built by in-place quadrant partitions of an index array, so the
 * nodes of a subtree own one contiguous range of `order`.
 */
const LEAF = 8;
const MAX_DEPTH = 40;

export interface QuadTree {
  /** Point indices, grouped so that each node owns order[start[v] .. end[v]). */
  readonly order: Int32Array;
  readonly nodes: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** First child (−1 for a leaf); children are consecutive, `childCount[v]` of them. */
  readonly firstChild: Int32Array;
  readonly childCount: Uint8Array;
  readonly comX: Float64Array;
  readonly comY: Float64Array;
  /** Squared width of the node's square. */
  readonly width2: Float64Array;
  /** The leaves, in the order of their ranges of `order`. */
  readonly leaves: Int32Array;
}

export function buildQuadTree(y: Float64Array, n: number): QuadTree {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const px = y[2 * i]!, py = y[2 * i + 1]!;
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  const cap = Math.max(16, Math.ceil((4 * n) / 3) + 16);
  let start = new Int32Array(cap), end = new Int32Array(cap), firstChild = new Int32Array(cap);
  let childCount = new Uint8Array(cap);
  let comX = new Float64Array(cap), comY = new Float64Array(cap), width2 = new Float64Array(cap);
  let nodes = 0;
  const grow = (): void => {
    const c = start.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (k: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    start = g(start, (k) => new Int32Array(k));
    end = g(end, (k) => new Int32Array(k));
    firstChild = g(firstChild, (k) => new Int32Array(k));
    childCount = g(childCount, (k) => new Uint8Array(k));
    comX = g(comX, (k) => new Float64Array(k));
    comY = g(comY, (k) => new Float64Array(k));
    width2 = g(width2, (k) => new Float64Array(k));
  };
  const side = Math.max(maxX - minX, maxY - minY, 1e-12);
  // Explicit stack of (node, x0, y0, size, depth).
  const stackNode: number[] = [0];
  const stackGeo: number[] = [minX, minY, side, 0];
  start[0] = 0;
  end[0] = n;
  nodes = 1;
  while (stackNode.length) {
    const v = stackNode.pop()!;
    const depth = stackGeo.pop()!;
    const size = stackGeo.pop()!;
    const y0 = stackGeo.pop()!;
    const x0 = stackGeo.pop()!;
    const s = start[v]!, e = end[v]!;
    width2[v] = size * size;
    if (e - s <= LEAF || depth >= MAX_DEPTH) {
      firstChild[v] = -1;
      childCount[v] = 0;
      continue;
    }
    const half = size / 2;
    const mx = x0 + half, my = y0 + half;
    // Partition by x, then each half by y: quadrants (x<, y<), (x<, y≥), (x≥, y<), (x≥, y≥).
    const sx = partition(order, y, 0, s, e, mx);
    const sy0 = partition(order, y, 1, s, sx, my);
    const sy1 = partition(order, y, 1, sx, e, my);
    const bounds = [s, sy0, sx, sy1, e];
    const geo = [x0, y0, x0, my, mx, y0, mx, my];
    while (nodes + 4 > start.length) grow();
    firstChild[v] = nodes;
    let c = 0;
    for (let qd = 0; qd < 4; qd++) {
      if (bounds[qd + 1]! <= bounds[qd]!) continue;
      const child = nodes++;
      start[child] = bounds[qd]!;
      end[child] = bounds[qd + 1]!;
      stackNode.push(child);
      stackGeo.push(geo[2 * qd]!, geo[2 * qd + 1]!, half, depth + 1);
      c++;
    }
    childCount[v] = c;
  }
  // Centres of mass bottom-up: children are numbered after their parent, so a reverse pass meets every
  // child first; a leaf sums its points, a parent its children's sums (one pass over the points in all).
  for (let v = nodes - 1; v >= 0; v--) {
    let cx = 0, cy = 0;
    const fc = firstChild[v]!;
    if (fc < 0) {
      for (let q = start[v]!; q < end[v]!; q++) {
        const i = order[q]!;
        cx += y[2 * i]!;
        cy += y[2 * i + 1]!;
      }
    } else {
      for (let c = fc; c < fc + childCount[v]!; c++) {
        cx += comX[c]!;
        cy += comY[c]!;
      }
    }
    comX[v] = cx;
    comY[v] = cy;
  }
  for (let v = 0; v < nodes; v++) {
    const count = Math.max(1, end[v]! - start[v]!);
    comX[v] = comX[v]! / count;
    comY[v] = comY[v]! / count;
  }
  // Leaves by the start of their range (each position starts at most one leaf).
  const leafAt = new Int32Array(n).fill(-1);
  let leafCount = 0;
  for (let v = 0; v < nodes; v++)
    if (firstChild[v]! < 0 && end[v]! > start[v]!) {
      leafAt[start[v]!] = v;
      leafCount++;
    }
  const leaves = new Int32Array(leafCount);
  for (let q = 0, l = 0; q < n; q++) if (leafAt[q]! >= 0) leaves[l++] = leafAt[q]!;
  return { order, nodes, start, end, firstChild, childCount, comX, comY, width2, leaves };
}

/** Moves the points of order[s..e) with coordinate `axis` (0: x, 1: y) below `mid` to the front; returns where the rest begins. */
function partition(order: Int32Array, y: Float64Array, axis: number, s: number, e: number, mid: number): number {
  let a = s, b = e - 1;
  while (a <= b) {
    if (y[2 * order[a]! + axis]! < mid) a++;
    else {
      const t = order[a]!;
      order[a] = order[b]!;
      order[b--] = t;
    }
  }
  return a;
}
