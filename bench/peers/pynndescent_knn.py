#!/usr/bin/python3
"""Peer for `npm run bench:scale`: pynndescent's kNN on the same points, timed, with recall on a seeded sample.

usage: pynndescent_knn.py POINTS.f32 N D K THREADS SAMPLE
POINTS.f32: row-major float32 (N x D), as written by bench/scale.ts. Prints one JSON line:
{"seconds": build time incl. numba JIT, "recall": {K: r, 10: r10}, "sample": SAMPLE}
Recall: fraction of the approximate neighbours no farther than the exact K-th (ties do not count as misses),
exact neighbours by brute force over all points for SAMPLE cells drawn with numpy's default_rng(12345).
"""
import json, sys, time
import numpy as np

path, n, d, k, threads, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
X = np.fromfile(path, dtype=np.float32).reshape(n, d)
import numba
numba.set_num_threads(threads)
from pynndescent import NNDescent
t0 = time.time()
index = NNDescent(X, n_neighbors=k + 1, random_state=0, n_jobs=threads)
idx, dist = index.neighbor_graph
seconds = time.time() - t0
# neighbour lists include the point itself first: drop it
rng = np.random.default_rng(12345)
Q = np.sort(rng.choice(n, size=min(sample, n), replace=False))
out = {}
hits = {k: 0, 10: 0}
for q in Q:
    dq = ((X - X[q]) ** 2).sum(1, dtype=np.float64)
    dq[q] = np.inf
    exact = np.sort(dq)
    approx = [j for j in idx[q] if j != q][:k]
    for cut in (k, 10):
        kth = exact[cut - 1]
        hits[cut] += sum(1 for j in approx[:cut] if dq[j] <= kth)
out = {"seconds": seconds, "sample": int(len(Q)), "recall": {str(c): hits[c] / (len(Q) * c) for c in hits}}
print(json.dumps(out))
