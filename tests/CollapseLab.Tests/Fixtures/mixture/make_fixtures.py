#!/usr/bin/python3
"""Reference values for CollapseLab's Gaussian-mixture EM and .npy reader (run by hand; tests never run Python).

Made with Debian bookworm's python3-sklearn 1.2.1 and python3-numpy 1.24.2:
    apt-get install -y python3-sklearn python3-numpy
    cd tests/CollapseLab.Tests/Fixtures/mixture && /usr/bin/python3 make_fixtures.py

em_reference.json: 300 rows of 3-D data from a seeded 3-component mixture and, for each covariance kind, fixed
initial parameters (weights, means, covariances) and the lower bound (mean log-likelihood) scikit-learn's
GaussianMixture reports after 1, 2, ..., T iterations started from exactly those parameters (weights_init,
means_init, precisions_init = inverse covariances; tol=0), plus its parameters after T iterations.
*.npy: small arrays saved by numpy in the layouts the reader accepts or rejects.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore", category=ConvergenceWarning)

T = 12
REG = 1e-6


def data():
    rng = np.random.default_rng(20261121)
    means = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [-3.0, 3.0, 1.0]])
    covs = [np.array([[1.0, 0.3, 0.0], [0.3, 0.5, 0.1], [0.0, 0.1, 0.8]]), np.diag([0.4, 1.2, 0.6]), 0.7 * np.eye(3)]
    labels = rng.choice(3, size=300, p=[0.5, 0.3, 0.2])
    return np.array([rng.multivariate_normal(means[k], covs[k]) for k in labels])


def initial(kind, d):
    # Deliberately off: EM needs several iterations from here.
    weights = np.array([0.2, 0.3, 0.5])
    means = np.array([[1.0, 0.5, 0.0], [2.0, 0.0, -1.0], [-1.0, 2.0, 0.5]])
    full = [np.eye(d) * 2.0, np.array([[1.5, 0.2, 0.0], [0.2, 1.0, 0.0], [0.0, 0.0, 1.0]]), np.eye(d)]
    if kind == "full":
        covs = np.array(full)
        prec = np.array([np.linalg.inv(c) for c in covs])
    elif kind == "tied":
        covs = full[1]
        prec = np.linalg.inv(covs)
    elif kind == "diag":
        covs = np.array([np.diag(c) for c in full])
        prec = 1 / covs
    else:
        covs = np.array([2.0, 1.2, 1.0])
        prec = 1 / covs
    return weights, means, covs, prec


def case(X, kind):
    w, m, c, p = initial(kind, X.shape[1])
    bounds = []
    for t in range(1, T + 1):
        g = GaussianMixture(n_components=3, covariance_type=kind, tol=0.0, max_iter=t, n_init=1, reg_covar=REG,
                            weights_init=w, means_init=m, precisions_init=p)
        g.fit(X)
        bounds.append(float(g.lower_bound_))
    return {"covariance": kind, "reg_covar": REG, "weights_init": w.tolist(), "means_init": m.tolist(),
            "covariances_init": np.asarray(c).tolist(), "lower_bounds": bounds, "weights": g.weights_.tolist(),
            "means": g.means_.tolist(), "covariances": np.asarray(g.covariances_).tolist()}


def main():
    X = data()
    out = {"made_by": f"make_fixtures.py with scikit-learn {sklearn.__version__}, numpy {np.__version__}",
           "X": X.tolist(), "cases": [case(X, k) for k in ("full", "tied", "diag", "spherical")]}
    with open("em_reference.json", "w") as f:
        json.dump(out, f, indent=1)
    a = np.arange(12, dtype=np.float64).reshape(4, 3) / 4
    np.save("f8_4x3.npy", a)
    np.save("f4_5.npy", np.array([0.5, -1.25, 2.0, 3.75, 1e-3], dtype=np.float32))
    np.save("big_endian_f8_2x2.npy", np.array([[1.5, -2.0], [3.25, 4.0]], dtype=">f8"))
    np.save("fortran_3x2.npy", np.asfortranarray(np.arange(6, dtype=np.float64).reshape(3, 2)))
    np.save("int64_3x2.npy", np.arange(6, dtype=np.int64).reshape(3, 2))


if __name__ == "__main__":
    main()
