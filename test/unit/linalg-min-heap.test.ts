import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinHeap } from '../../src-core/linalg/min-heap.js';
import { createRng } from '../../src-core/linalg/random.js';

test('MinHeap pops in ascending distance through growth, with repeated nodes and ties', () => {
  const rng = createRng(4);
  const heap = new MinHeap();
  const pushed: [number, number][] = [];
  // More than the initial capacity, interleaving pops the way Dijkstra does.
  const popped: number[] = [];
  for (let r = 0; r < 5000; r++) {
    const d = Math.floor(rng.next() * 200) / 4; // ties
    const v = Math.floor(rng.next() * 50);
    heap.push(d, v);
    pushed.push([d, v]);
    if (r % 3 === 2) {
      popped.push(heap.d[0]!);
      heap.pop();
    }
  }
  assert.equal(heap.size, 5000 - popped.length);
  const rest: number[] = [];
  while (heap.size > 0) {
    rest.push(heap.d[0]!);
    heap.pop();
  }
  for (let q = 1; q < rest.length; q++) assert.ok(rest[q]! >= rest[q - 1]!, 'drained in ascending order');
  const all = [...popped, ...rest].sort((a, b) => a - b);
  assert.deepEqual(all, pushed.map((p) => p[0]).sort((a, b) => a - b), 'every pushed distance comes out once');
});
