#!/usr/bin/python3
"""Peer maps for `npm run bench:quality` (bench-only; never a runtime dependency of Isotherm).

  peers.py --check                      exit 0 and print the versions when sklearn and umap import, else exit 1
  peers.py INPUT.csv OUTDIR [NAMES]     one map per peer (NAMES: comma list of umap,tsne,pca2d,isomap),
                                        written as OUTDIR/NAME.csv (cell_id,x,y); one JSON line per peer on
                                        stdout: {"name", "seconds"} or {"name", "error"}

INPUT.csv: cell_id then numeric columns (the PCs Isotherm's preprocess() produced). Default parameters
throughout (Isomap with k = 10), seeded where the method takes a seed. Scoring happens in the TypeScript
bench, with the same scorer for every map.
"""
import json
import sys
import time


def check():
    try:
        import sklearn
        import umap
    except Exception as e:  # noqa: BLE001 - any import failure means "no peers"
        print(f"peers unavailable: {type(e).__name__}: {e}")
        return 1
    print(f"sklearn {sklearn.__version__}, umap-learn {getattr(umap, '__version__', '?')}")
    return 0


def read_input(path):
    import numpy as np
    with open(path) as f:
        header = f.readline().rstrip("\n").split(",")
        ids, rows = [], []
        for line in f:
            parts = line.rstrip("\n").split(",")
            ids.append(parts[0])
            rows.append([float(v) for v in parts[1:]])
    if header[0] != "cell_id":
        raise SystemExit(f"{path}: first column must be cell_id")
    return ids, np.asarray(rows, dtype=np.float64)


def runners():
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE, Isomap
    import umap
    return {
        "umap": lambda X: umap.UMAP(random_state=0).fit_transform(X),
        "tsne": lambda X: TSNE(2, init="pca", learning_rate="auto", random_state=0).fit_transform(X),
        "pca2d": lambda X: PCA(2, random_state=0).fit_transform(X),
        "isomap": lambda X: Isomap(n_neighbors=10, n_components=2).fit_transform(X),
    }


def main(argv):
    if len(argv) >= 2 and argv[1] == "--check":
        return check()
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ids, X = read_input(argv[1])
    out = argv[2]
    wanted = argv[3].split(",") if len(argv) > 3 and argv[3] else None
    for name, fit in runners().items():
        if wanted and name not in wanted:
            continue
        try:
            t0 = time.time()
            E = fit(X)
            seconds = time.time() - t0
            with open(f"{out}/{name}.csv", "w") as f:
                f.write("cell_id,x,y\n")
                for cid, (x, y) in zip(ids, E[:, :2]):
                    f.write(f"{cid},{x:.7g},{y:.7g}\n")
            print(json.dumps({"name": name, "seconds": seconds}), flush=True)
        except Exception as e:  # noqa: BLE001 - report the peer's failure and go on with the others
            print(json.dumps({"name": name, "error": f"{type(e).__name__}: {e}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
