/**
 * A binary min-heap of (distance, node) on typed arrays, growing as needed: Dijkstra's queue with lazy
 * deletion (a node may sit in it several times; the caller skips settled ones). The top is d[0], v[0].
 */
export class MinHeap {
  d = new Float64Array(1024);
  v = new Int32Array(1024);
  size = 0;
  push(dist: number, node: number): void {
    if (this.size === this.d.length) {
      const d2 = new Float64Array(2 * this.size);
      d2.set(this.d);
      this.d = d2;
      const v2 = new Int32Array(2 * this.size);
      v2.set(this.v);
      this.v = v2;
    }
    const hd = this.d;
    const hv = this.v;
    let c = this.size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (hd[p]! <= dist) break;
      hd[c] = hd[p]!;
      hv[c] = hv[p]!;
      c = p;
    }
    hd[c] = dist;
    hv[c] = node;
  }
  /** Removes the top (read d[0], v[0] first). */
  pop(): void {
    const hd = this.d;
    const hv = this.v;
    const size = --this.size;
    if (size === 0) return;
    const dist = hd[size]!;
    const node = hv[size]!;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const s = r < size && hd[r]! < hd[l]! ? r : l;
      if (hd[s]! >= dist) break;
      hd[c] = hd[s]!;
      hv[c] = hv[s]!;
      c = s;
    }
    hd[c] = dist;
    hv[c] = node;
  }
}
