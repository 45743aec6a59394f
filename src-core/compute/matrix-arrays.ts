/**
 * Typed arrays for a data set's matrix (CSR indices and values) and for its preprocessed values. When
 * the host lends PCA threads that share memory (engines.ts, chunkPool), these are allocated on a
 * SharedArrayBuffer from the start: PCA's `runner.share()` then finds them shared and copies nothing,
 * so the matrix is held once, not once by the reader and again for the threads (issue 12: about 0.8 GB
 * twice at 1M × 2,000, 5 % non-zero). Values and layout are the same either way.
 */
let shared = false;

/** Hosts with shared-memory PCA threads turn this on (node-engines.ts); reader threads follow the host's setting. */
export function setMatrixArraysShared(on: boolean): void {
  shared = on && typeof SharedArrayBuffer !== 'undefined';
}

export function matrixArraysShared(): boolean {
  return shared;
}

export function matrixInt32(length: number): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(4 * length)) : new Int32Array(length);
}

export function matrixFloat32(length: number): Float32Array {
  return shared ? new Float32Array(new SharedArrayBuffer(4 * length)) : new Float32Array(length);
}

/** A copy of a[start, end) in matrix memory (where `slice` would give a plain buffer). */
export function matrixSlice<T extends Int32Array | Float32Array>(a: T, start: number, end: number): T {
  const out = (a instanceof Int32Array ? matrixInt32(end - start) : matrixFloat32(end - start)) as T;
  out.set(a.subarray(start, end) as never);
  return out;
}
