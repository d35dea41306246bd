"""Reference log-densities from scikit-learn's KernelDensity for CollapseLab's KDE tests.

Run once with Debian's python3-sklearn (1.2.1) and python3-numpy:  /usr/bin/python3 make_fixtures.py
It writes one text file per case next to this script. The tests read the files; they never run Python.

Each file: header lines `key value`, then `centres N` and N rows, then `queries M` and M rows whose last value is
sklearn's score_samples (the log-density). Per-dimension bandwidths h are checked through the identity
log p_h(x) = log p_1(x / h) - sum(log h), scoring data divided by h with bandwidth 1.
"""
import numpy as np
from sklearn.neighbors import KernelDensity

rng = np.random.default_rng(20261121)


def write(name, kernel, bandwidth, centres, queries, scores, extra=()):
    with open(name, "w") as f:
        f.write(f"kernel {kernel}\n")
        f.write("bandwidth " + " ".join(repr(float(h)) for h in np.atleast_1d(bandwidth)) + "\n")
        for key, value in extra:
            f.write(f"{key} {value!r}\n")
        f.write(f"centres {len(centres)}\n")
        for row in centres:
            f.write(" ".join(repr(float(v)) for v in row) + "\n")
        f.write(f"queries {len(queries)}\n")
        for row, s in zip(queries, scores):
            f.write(" ".join(repr(float(v)) for v in row) + " " + repr(float(s)) + "\n")


for kernel in ["gaussian", "tophat", "epanechnikov"]:
    for d, h in [(1, 0.3), (2, 0.5), (3, 0.8), (5, 1.3)]:
        centres = rng.normal(size=(150, d)) * 1.5 + 2.0
        queries = np.vstack([rng.normal(size=(40, d)) * 1.5 + 2.0, np.full((1, d), 40.0)])
        kde = KernelDensity(kernel=kernel, bandwidth=h).fit(centres)
        write(f"{kernel}_d{d}.txt", kernel, h, centres, queries, kde.score_samples(queries))

# Per-dimension bandwidths, through the scaling identity above.
d, hs = 3, np.array([0.4, 1.1, 2.5])
centres = rng.normal(size=(120, d)) * [1.0, 2.0, 4.0]
queries = rng.normal(size=(30, d)) * [1.0, 2.0, 4.0]
for kernel in ["gaussian", "epanechnikov"]:
    kde = KernelDensity(kernel=kernel, bandwidth=1.0).fit(centres / hs)
    write(f"{kernel}_perdim.txt", kernel, hs, centres, queries, kde.score_samples(queries / hs) - np.log(hs).sum())

# Bandwidth rules: sklearn's bandwidth_ for scott and silverman.
with open("rules.txt", "w") as f:
    for n, d in [(10, 1), (100, 2), (1000, 3), (12345, 10)]:
        x = rng.normal(size=(n, d))
        for rule in ["scott", "silverman"]:
            f.write(f"{rule} {n} {d} {KernelDensity(bandwidth=rule).fit(x).bandwidth_!r}\n")
