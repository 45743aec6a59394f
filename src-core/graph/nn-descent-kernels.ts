/**
 * The kernels of NN-descent (nn-descent.ts), each over a block of rows, written so that the result
 * never depends on how rows are split between threads:
 *  - a row of the graph is written only by the task that owns it, reading shared data that no task
 *    writes during that phase (the tree leaves, the reverse-edge snapshot, the graph during a join);
 *  - every pair distance is computed the same way by whoever computes it (compute/wasm-sqdist.ts), so each row's
 *    update is the k smallest of (old row ∪ proposals) under the total order (distance, index): the same
 *    set whatever order the proposals arrive in.
 * Graph rows (n × k, sorted by (squared distance, index)): `idx` (−1 = empty), `dist` (squared, float32,
 * +∞ = empty), `flag` (0 old, 1 new, 2 inserted in the current iteration).
 */
import { BATCH, sqDistOf, type PointStore } from '../compute/wasm-sqdist.js';

export interface GraphArrays {
  readonly k: number;
  readonly idx: Int32Array;
  readonly dist: Float32Array;
  readonly flag: Uint8Array;
}

/** Generation-stamped membership marks, one array per thread. */
let mark = new Uint32Array(0);
let gen = 0;
function nextGen(n: number): number {
  if (mark.length < n) {
    mark = new Uint32Array(n);
    gen = 0;
  }
  if (gen >= 0xfffffff0) {
    mark.fill(0);
    gen = 0;
  }
  return ++gen;
}

/** Inserts (s, j) into a sorted row of length k at `base` if it beats the last entry; true when inserted. */
function insertSorted(ld: Float32Array | Float64Array, li: Int32Array, base: number, k: number, s: number, j: number): boolean {
  const last = base + k - 1;
  const wd = ld[last]!;
  if (s > wd || (s === wd && j >= li[last]! && li[last]! >= 0)) return false;
  let p = last;
  while (p > base) {
    const pd = ld[p - 1]!;
    if (pd < s || (pd === s && li[p - 1]! < j)) break;
    ld[p] = pd;
    li[p] = li[p - 1]!;
    p--;
  }
  ld[p] = s;
  li[p] = j;
  return true;
}

export interface InitTask extends GraphArrays {
  readonly store: PointStore;
  readonly n: number;
  readonly trees: number;
  /** Per tree (tree t at offset t·n): points in leaf order. */
  readonly perm: Int32Array;
  /** Per tree (at offset 2t·n): leaf range of each point in `perm`. */
  readonly span: Int32Array;
  readonly lo: number;
  readonly hi: number;
}

/** Each row's first neighbours: the k nearest of its leaf-mates over all trees. Returns distance evaluations. */
export function initRowsKernel(t: InitTask): number {
  const { n, k, trees, perm, span, idx, dist, flag } = t;
  const eng = sqDistOf(t.store);
  const ld = new Float64Array(k);
  const li = new Int32Array(k);
  let evals = 0;
  for (let u = t.lo; u < t.hi; u++) {
    const g = nextGen(n);
    mark[u] = g;
    ld.fill(Infinity);
    li.fill(-1);
    for (let tr = 0; tr < trees; tr++) {
      const to = span[2 * (tr * n + u) + 1]!;
      let p = span[2 * (tr * n + u)]!;
      while (p < to) {
        let count = 0;
        for (; p < to && count < BATCH; p++) {
          const w = perm[tr * n + p]!;
          if (mark[w] === g) continue;
          mark[w] = g;
          eng.rows[count++] = w;
        }
        // One limit per batch: the k-th distance so far (the batch cannot see its own insertions).
        const lim = ld[k - 1]!;
        eng.limits.fill(lim, 0, count);
        eng.batch(u, count);
        evals += count;
        for (let q = 0; q < count; q++) if (eng.out[q]! < lim) insertSorted(ld, li, 0, k, eng.out[q]!, eng.rows[q]!);
      }
    }
    for (let p = 0; p < k; p++) {
      idx[u * k + p] = li[p]!;
      dist[u * k + p] = ld[p]!;
      flag[u * k + p] = li[p]! >= 0 ? 1 : 0;
    }
  }
  return evals;
}

/** A 32-bit mix (the finaliser of MurmurHash3): sampling priorities without a shared random stream. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

let scratchNew = new Int32Array(0);
let scratchOld = new Int32Array(0);

/** All `count` items when they fit in m, else the m with the smallest priority h(hv, u) (ties: smaller u). */
function sampleInto(items: Int32Array, count: number, hv: number, m: number, pr: Float64Array, out: Int32Array): void {
  out.fill(-1);
  if (count <= m) {
    for (let c = 0; c < count; c++) out[c] = items[c]!;
    return;
  }
  pr.fill(Infinity);
  for (let c = 0; c < count; c++) insertSorted(pr, out, 0, m, mix(hv ^ items[c]!), items[c]!);
}

export interface CandidateTask extends GraphArrays {
  readonly n: number;
  /** Reverse edges (u → v stored under v), snapshot of the graph at the start of the iteration. */
  readonly revPtr: Int32Array;
  readonly revIdx: Int32Array;
  readonly revNew: Uint8Array;
  /** Candidate lists (n × m, −1 padded). */
  readonly newCand: Int32Array;
  readonly oldCand: Int32Array;
  readonly m: number;
  /** Salt of this iteration's sampling priorities. */
  readonly salt: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * NN-descent's sampling (Dong et al. 2011, §2.3): for row v, new[v] = the m neighbours or reverse
 * neighbours flagged new with the smallest pseudo-random priority h(salt, v, u), old[v] likewise among
 * the old ones; the forward entries that made it into new[v] become old.
 */
export function candidatesKernel(t: CandidateTask): number {
  const { n, k, idx, flag, revPtr, revIdx, revNew, newCand, oldCand, m, salt } = t;
  const np = new Float64Array(m);
  const ni = new Int32Array(m);
  const op = new Float64Array(m);
  const oi = new Int32Array(m);
  let sampled = 0;
  for (let v = t.lo; v < t.hi; v++) {
    const hv = mix(salt ^ mix(v + 0x9e3779b9));
    const gNew = nextGen(n);
    // Forward entries, then reverse ones; a point seen twice keeps its first role.
    let newCount = 0;
    let oldCount = 0;
    const room = k + revPtr[v + 1]! - revPtr[v]!;
    if (scratchNew.length < room) {
      scratchNew = new Int32Array(2 * room);
      scratchOld = new Int32Array(2 * room);
    }
    for (let p = 0; p < k; p++) {
      const u = idx[v * k + p]!;
      if (u < 0 || mark[u] === gNew) continue;
      mark[u] = gNew;
      if (flag[v * k + p]! > 0) scratchNew[newCount++] = u;
      else scratchOld[oldCount++] = u;
    }
    for (let q = revPtr[v]!; q < revPtr[v + 1]!; q++) {
      const u = revIdx[q]!;
      if (mark[u] === gNew) continue;
      mark[u] = gNew;
      if (revNew[q]! > 0) scratchNew[newCount++] = u;
      else scratchOld[oldCount++] = u;
    }
    sampleInto(scratchNew, newCount, hv, m, np, ni);
    sampleInto(scratchOld, oldCount, hv, m, op, oi);
    for (let c = 0; c < m; c++) {
      newCand[v * m + c] = ni[c]!;
      oldCand[v * m + c] = oi[c]!;
    }
    // Forward new entries that were sampled are old from now on.
    const gSel = nextGen(n);
    for (let c = 0; c < m && ni[c]! >= 0; c++) mark[ni[c]!] = gSel;
    for (let p = 0; p < k; p++) {
      const u = idx[v * k + p]!;
      if (u >= 0 && flag[v * k + p]! > 0 && mark[u] === gSel) {
        flag[v * k + p] = 0;
        sampled++;
      }
    }
  }
  return sampled;
}

export interface JoinTask {
  readonly store: PointStore;
  readonly n: number;
  readonly k: number;
  readonly idx: Int32Array;
  readonly dist: Float32Array;
  readonly newCand: Int32Array;
  readonly oldCand: Int32Array;
  readonly m: number;
  readonly lo: number;
  readonly hi: number;
  /** Proposals are grouped into this many target-row buckets (bucket of row r: ⌊r·buckets/n⌋). */
  readonly buckets: number;
}

/** Proposed graph entries "row `tgt` gains neighbour `src` at squared distance `dist`", grouped by bucket. */
export interface Proposals {
  readonly tgt: Int32Array;
  readonly src: Int32Array;
  readonly dist: Float32Array;
  readonly bucketStart: Int32Array;
  readonly evals: number;
}


/** Growable (target, source, distance) triples. */
class ProposalBuffer {
  tgt: Int32Array;
  src: Int32Array;
  dist: Float32Array;
  count = 0;
  constructor(cap: number) {
    this.tgt = new Int32Array(cap);
    this.src = new Int32Array(cap);
    this.dist = new Float32Array(cap);
  }
  push(a: number, b: number, s: number): void {
    if (this.count === this.tgt.length) {
      const cap = 2 * this.count;
      const t2 = new Int32Array(cap);
      t2.set(this.tgt);
      this.tgt = t2;
      const s2 = new Int32Array(cap);
      s2.set(this.src);
      this.src = s2;
      const d2 = new Float32Array(cap);
      d2.set(this.dist);
      this.dist = d2;
    }
    this.tgt[this.count] = a;
    this.src[this.count] = b;
    this.dist[this.count++] = s;
  }
}

/**
 * Whether j is among row's neighbours, given s = d(row, j): every stored distance is the value the
 * engine computes for that pair, so j can only sit where the sorted row holds exactly s (binary search).
 */
function rowHasAt(idx: Int32Array, dist: Float32Array, k: number, row: number, j: number, s: number): boolean {
  let lo = row * k;
  let hi = lo + k;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dist[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  for (let p = lo; p < row * k + k && dist[p] === s; p++) if (idx[p] === j) return true;
  return false;
}


/**
 * The local join (Dong et al. 2011, §2.2): for each row v, every pair of its new candidates and every
 * (new, old) pair is compared; a pair closer than the farther of the two rows' current k-th neighbours
 * is proposed to the row(s) it improves. Reads the graph only (the caller applies proposals after all
 * joins of the chunk).
 */
export function localJoinKernel(t: JoinTask): Proposals {
  const { n, k, idx, dist, newCand, oldCand, m, buckets } = t;
  const eng = sqDistOf(t.store);
  const out = new ProposalBuffer(Math.max(1024, (t.hi - t.lo) * 32));
  const members = new Int32Array(2 * m);
  const worst = new Float32Array(2 * m);
  let evals = 0;
  for (let v = t.lo; v < t.hi; v++) {
    const nb = v * m;
    let nNew = 0;
    while (nNew < m && newCand[nb + nNew]! >= 0) members[nNew] = newCand[nb + nNew++]!;
    if (nNew === 0) continue;
    let c = nNew;
    for (let j = 0; j < m && oldCand[nb + j]! >= 0; j++) members[c++] = oldCand[nb + j]!;
    for (let a = 0; a < c; a++) worst[a] = dist[members[a]! * k + k - 1]!;
    // (new, new) pairs once each, then (new, old) pairs: one batch of distances per new candidate.
    for (let a = 0; a < nNew; a++) {
      const ia = members[a]!;
      const wa = worst[a]!;
      const count = c - a - 1;
      for (let b = a + 1; b < c; b++) {
        eng.rows[b - a - 1] = members[b]!;
        eng.limits[b - a - 1] = wa > worst[b]! ? wa : worst[b]!;
      }
      eng.batch(ia, count);
      evals += count;
      for (let q = 0; q < count; q++) {
        const s = eng.out[q]!;
        const b = a + 1 + q;
        const ib = members[b]!;
        if (s < wa && !rowHasAt(idx, dist, k, ia, ib, s)) out.push(ia, ib, s);
        if (s < worst[b]! && !rowHasAt(idx, dist, k, ib, ia, s)) out.push(ib, ia, s);
      }
    }
  }
  const { tgt, src, dist: pd, count } = out;
  // Group by target bucket (counting sort) so that each bucket's rows can be updated by one task.
  const bucketStart = new Int32Array(buckets + 1);
  const bucketOf = (r: number): number => Math.floor((r * buckets) / n);
  for (let e = 0; e < count; e++) bucketStart[bucketOf(tgt[e]!) + 1]!++;
  for (let b = 0; b < buckets; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const fill = bucketStart.slice(0, buckets);
  const oT = new Int32Array(count);
  const oS = new Int32Array(count);
  const oD = new Float32Array(count);
  for (let e = 0; e < count; e++) {
    const q = fill[bucketOf(tgt[e]!)]!++;
    oT[q] = tgt[e]!;
    oS[q] = src[e]!;
    oD[q] = pd[e]!;
  }
  return { tgt: oT, src: oS, dist: oD, bucketStart, evals };
}

export interface ApplyTask extends GraphArrays {
  readonly parts: readonly { readonly tgt: Int32Array; readonly src: Int32Array; readonly dist: Float32Array }[];
}

/** Applies proposals to the rows they target (all in this task's bucket); returns entries inserted. */
export function applyKernel(t: ApplyTask): number {
  const { k, idx, dist, flag } = t;
  let inserted = 0;
  for (const part of t.parts) {
    for (let e = 0; e < part.tgt.length; e++) {
      const r = part.tgt[e]!;
      const j = part.src[e]!;
      const s = part.dist[e]!;
      const base = r * k;
      const last = base + k - 1;
      const wd = dist[last]!;
      if (s > wd || (s === wd && idx[last]! >= 0 && j >= idx[last]!)) continue;
      if (rowHasAt(idx, dist, k, r, j, s)) continue;
      let p = last;
      while (p > base) {
        const q = dist[p - 1]!;
        if (q < s || (q === s && idx[p - 1]! < j)) break;
        dist[p] = q;
        idx[p] = idx[p - 1]!;
        flag[p] = flag[p - 1]!;
        p--;
      }
      dist[p] = s;
      idx[p] = j;
      flag[p] = 2;
      inserted++;
    }
  }
  return inserted;
}
