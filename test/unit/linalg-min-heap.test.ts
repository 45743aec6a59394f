import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinHeap } from '../../src-core/linalg/min-heap.js';
import { createRng } from '../../src-core/linalg/random.js';

test('MinHeap pops in ascending distance through growth, with repeated nodes and ties', () => {
  const rng = createRng(4);
  const heap = new MinHeap();
  const pushed: [number, number][] = [];
  // More than the initial capacity, interleaving pops the way Dijkstra does.
  for (let r = 0; r < 5000; r++) {
    const d = Math.floor(rng.next() * 200) / 4; // ties
    const v = Math.floor(rng.next() * 50);
    heap.push(d, v);
    pushed.push([d, v]);
    if (r % 3 === 2) {
      // The top is the least of what is in the heap, with the node pushed with it.
      pushed.sort((a, b) => a[0] - b[0]);
      const least = pushed[0]![0];
      assert.equal(heap.d[0], least);
      const at = pushed.findIndex((p) => p[0] === least && p[1] === heap.v[0]);
      assert.ok(at >= 0, `node ${heap.v[0]} was pushed with distance ${least}`);
      pushed.splice(at, 1);
      heap.pop();
    }
  }
  assert.equal(heap.size, pushed.length);
  const rest: [number, number][] = [];
  while (heap.size > 0) {
    rest.push([heap.d[0]!, heap.v[0]!]);
    heap.pop();
  }
  for (let q = 1; q < rest.length; q++) assert.ok(rest[q]![0] >= rest[q - 1]![0], 'drained in ascending order');
  const key = (p: [number, number]): string => `${p[0]}:${p[1]}`;
  assert.deepEqual(rest.map(key).sort(), pushed.map(key).sort(), 'every (distance, node) left comes out once, paired as pushed');
});
