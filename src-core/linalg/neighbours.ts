/**
 * What a k-nearest-neighbour search produces (KnnResult) and the bounded heap it is built with (TopK):
 * shared by the CPU searches in graph/ and the GPU / tensor-engine searches in compute/, so that neither
 * folder imports the other.
 */

export interface KnnResult {
  readonly n: number;
  readonly k: number;
  /** Row-major n × k neighbour indices, nearest first, self excluded. */
  readonly indices: Int32Array;
  /** Matching Euclidean distances. */
  readonly distances: Float32Array;
}

/** A bounded max-heap keeping the k smallest (squared distance, index) pairs seen. */
export class TopK {
  readonly k: number;
  readonly #d: Float64Array;
  readonly #i: Int32Array;
  size = 0;

  constructor(k: number) {
    this.k = k;
    this.#d = new Float64Array(k);
    this.#i = new Int32Array(k);
  }

  clear(): void {
    this.size = 0;
  }

  /** Current k-th smallest value (Infinity until k values are held). */
  worst(): number {
    return this.size < this.k ? Infinity : this.#d[0]!;
  }

  push(dist: number, idx: number): void {
    const hd = this.#d;
    const hi = this.#i;
    const k = this.k;
    if (this.size < k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (hd[p]! >= dist) break;
        hd[c] = hd[p]!;
        hi[c] = hi[p]!;
        c = p;
      }
      hd[c] = dist;
      hi[c] = idx;
      return;
    }
    if (dist >= hd[0]!) return;
    this.#siftDown(dist, idx, k);
  }

  #siftDown(dist: number, idx: number, size: number): void {
    const hd = this.#d;
    const hi = this.#i;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && hd[r]! > hd[l]! ? r : l;
      if (hd[m]! <= dist) break;
      hd[c] = hd[m]!;
      hi[c] = hi[m]!;
      c = m;
    }
    hd[c] = dist;
    hi[c] = idx;
  }

  /** Writes the held pairs ascending (sqrt of the squared distances) at `offset`, emptying the heap. */
  drainSorted(indices: Int32Array, distances: Float32Array, offset: number): void {
    for (let c = this.size - 1; c >= 0; c--) {
      const dist = this.#d[0]!;
      const idx = this.#i[0]!;
      const lastD = this.#d[c]!;
      const lastI = this.#i[c]!;
      this.size = c;
      this.#siftDown(lastD, lastI, c);
      indices[offset + c] = idx;
      distances[offset + c] = Math.sqrt(dist);
    }
  }
}
