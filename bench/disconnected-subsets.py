#!/usr/bin/python3
"""Disconnected subsets of real cells, for measuring maps of data whose kNN graph falls apart
(bench-only; needs Debian's python3-sklearn and python3-scipy; never a runtime dependency).

  disconnected-subsets.py INPUT.csv OUTDIR PREFIX CLUSTERS MIN_COMPONENT [COUNT]

INPUT.csv: cell_id then numeric columns (e.g. ../shared/data/mouse10k/mouse10k_pca50.csv). The cells are
clustered (k-means, CLUSTERS clusters, seeded); each cluster keeps its core (the 60 % of its cells nearest
its centre, as a population sorted by a marker would be); unions of 2–4 random cluster cores (at most 3,000
cells, at least 100) are kept when their symmetrised 10-NN graph has ≥ 2 components of ≥ MIN_COMPONENT
cells each. Writes OUTDIR/PREFIX0.csv … (at most COUNT, default 8) and prints one line per subset: file,
cells, component sizes. Seeded: the same input gives the same subsets.
"""
import sys

import numpy as np
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.neighbors import kneighbors_graph

from peers import read_input  # bench/peers.py: cell_id then numeric columns


def main():
    inp, outdir, prefix, clusters, min_comp = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 8
    clusters, min_comp = int(clusters), int(min_comp)
    with open(inp) as f:
        header = f.readline().rstrip("\n").split(",")
    ids, X = read_input(inp)
    km = KMeans(clusters, n_init=3, random_state=0).fit(X)
    lab, centres = km.labels_, km.cluster_centers_
    rng = np.random.default_rng(7)
    made = 0
    for _ in range(400):
        pick = rng.choice(clusters, rng.integers(2, 5), replace=False)
        idx = np.where(np.isin(lab, pick))[0]
        dc = np.linalg.norm(X[idx] - centres[lab[idx]], axis=1)
        keep = np.zeros(len(idx), bool)
        for c in pick:
            m = lab[idx] == c
            keep[m] = dc[m] <= np.quantile(dc[m], 0.6)
        idx = idx[keep]
        if len(idx) < 100:
            continue
        if len(idx) > 3000:
            idx = np.sort(rng.choice(idx, 3000, replace=False))
        g = kneighbors_graph(X[idx], 10)
        nc, comp = connected_components(g.maximum(g.T), directed=False)
        sizes = np.bincount(comp)
        if nc < 2 or sizes.min() < min_comp:
            continue
        name = f"{outdir}/{prefix}{made}.csv"
        with open(name, "w") as f:
            f.write(",".join(header) + "\n")
            for i in idx:
                f.write(ids[i] + "," + ",".join("%.5g" % v for v in X[i]) + "\n")
        print(name, len(idx), sorted(sizes.tolist(), reverse=True))
        made += 1
        if made >= count:
            break


if __name__ == "__main__":
    main()
