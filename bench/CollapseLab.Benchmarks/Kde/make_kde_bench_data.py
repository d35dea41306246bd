"""Writes the KDE benchmark's data: the same arrays as ../shared/peers/gmm_em.py's KDE case, and scikit-learn's
log-densities for them, so KdeBenchmarks can check that its results equal scikit-learn's to 1e-9.

  /usr/bin/python3 make_kde_bench_data.py OUTDIR     (about 60 s: scikit-learn's exact score_samples of 10,000 points)

Writes OUTDIR/kde_train.f64 (100,000 × 2), OUTDIR/kde_queries.f64 (10,000 × 2), OUTDIR/kde_sklearn.f64 (10,000):
raw little-endian float64, row-major. OUTDIR is created if it does not exist.
"""
import os
import sys

import numpy as np
from sklearn.neighbors import KernelDensity


def make_gmm_data(N, d, K=3, seed=0):
    # Same generator and draws as the peer script's make_gmm_data.
    rng = np.random.default_rng(seed)
    means = rng.normal(0, 4, (K, d))
    w = np.array([0.5, 0.3, 0.2])[:K]
    comp = rng.choice(K, size=N, p=w)
    X = np.empty((N, d))
    for k in range(K):
        A = rng.standard_normal((d, d)) / np.sqrt(d)
        L = np.linalg.cholesky(A @ A.T + 0.5 * np.eye(d))
        idx = comp == k
        X[idx] = means[k] + rng.standard_normal((idx.sum(), d)) @ L.T
    return X


if len(sys.argv) != 2:
    sys.exit(f"usage: {sys.argv[0]} OUTDIR")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

N, nq = 100_000, 10_000
Z = make_gmm_data(N + nq, 2, seed=1)
Z = (Z - Z.mean(0)) / Z.std(0)
X, Q = Z[:N], Z[N:]
kde = KernelDensity(kernel="gaussian", bandwidth="scott").fit(X)
X.astype("<f8").tofile(f"{out}/kde_train.f64")
Q.astype("<f8").tofile(f"{out}/kde_queries.f64")
kde.score_samples(Q).astype("<f8").tofile(f"{out}/kde_sklearn.f64")
print(f"bandwidth {kde.bandwidth_!r}")
