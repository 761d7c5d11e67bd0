"""Scale-out on dask: out-of-core training and a parallel grid search.

1. Out of core. A data set of ``--gigabytes`` (10 by default) is generated
   lazily, block by block, from a seed with ``dask.array`` and never held
   whole anywhere. dask-ml's ``Incremental`` streams it through
   ``DeepMLPClassifier.partial_fit`` on a 2-worker LocalCluster whose workers
   may each use ``--worker-memory`` (1 GB by default, a tenth of the data;
   a worker with NumPy, scikit-learn and dask loaded holds about 300 MB
   before any data, so much smaller limits pause it).
   Printed: the peak resident memory of the workers and of the client,
   throughput in samples per second beside an in-memory ``partial_fit`` loop
   over one block-sized array in this process, and the held-out accuracy.

2. Speed-up. A grid search of 8 candidates, with ``n_jobs=1`` here and on the
   2-worker cluster (one BLAS thread per worker so that they do not fight).

Run: ``python benchmarks/bench_scale.py`` (about two minutes), or
``--quick`` for 0.2 GB. Needs the ``dask`` extra.
"""

import argparse
import os
import resource
import time
import warnings

# one BLAS thread, here and in the workers (which inherit the environment):
# two workers on two cores must not each start a pool of two
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import dask  # noqa: E402
import dask.array as da  # noqa: E402
import joblib  # noqa: E402
import numpy as np  # noqa: E402
from dask_ml.wrappers import Incremental  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from sk_deepmlp import DeepMLPClassifier  # noqa: E402

N_FEATURES = 50
BLOCK_ROWS = 50_000  # 20 MB of float64 per block
HIDDEN = (32,)


def lazy_data(n_rows, seed):
    """X ~ N(0, 1) and y = [X w > 0] + [X v > 0] (3 classes), by block, lazily."""
    rng = da.random.RandomState(seed)
    X = rng.standard_normal((n_rows, N_FEATURES), chunks=(BLOCK_ROWS, N_FEATURES))
    weights = np.random.RandomState(0).standard_normal((N_FEATURES, 2))

    def labels(block):
        scores = block @ weights
        return (scores > 0).sum(axis=1)

    y = X.map_blocks(labels, drop_axis=1, dtype=np.int64)
    return X, y


def peak_rss_mb():
    """This process's peak resident memory, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def out_of_core(client, gigabytes):
    n_rows = int(gigabytes * 1e9 / (8 * N_FEATURES)) // BLOCK_ROWS * BLOCK_ROWS
    X, y = lazy_data(n_rows, seed=1)
    X_test, y_test = dask.compute(*lazy_data(20_000, seed=2))
    model = Incremental(
        DeepMLPClassifier(HIDDEN, random_state=0),
        scoring="accuracy",
        shuffle_blocks=False,
    )
    start = time.perf_counter()
    model.fit(X, y, classes=[0, 1, 2])
    seconds = time.perf_counter() - start
    workers = client.run(peak_rss_mb)

    # the same training in memory, here, on one block: samples per second
    block_X, block_y = dask.compute(*lazy_data(BLOCK_ROWS, seed=3))
    local = DeepMLPClassifier(HIDDEN, random_state=0)
    local.partial_fit(block_X, block_y, classes=[0, 1, 2])
    repeats = 5
    local_start = time.perf_counter()
    for _ in range(repeats):
        local.partial_fit(block_X, block_y)
    local_rate = repeats * BLOCK_ROWS / (time.perf_counter() - local_start)

    print(f"data: {n_rows:,} rows x {N_FEATURES} float64 = {X.nbytes / 1e9:.2f} GB")
    block_mb = BLOCK_ROWS * N_FEATURES * 8 / 1e6
    print(f"  in {X.numblocks[0]} blocks of {BLOCK_ROWS:,} rows ({block_mb:.0f} MB)")
    for address, mb in workers.items():
        print(f"  peak RSS, worker {address}: {mb:.0f} MB")
    print(f"  peak RSS, client: {peak_rss_mb():.0f} MB")
    print(f"  Incremental: {n_rows / seconds:,.0f} samples/s ({seconds:.1f} s)")
    print(f"  in-memory partial_fit loop on one block: {local_rate:,.0f} samples/s")
    print(f"  held-out accuracy: {model.estimator_.score(X_test, y_test):.3f}")


def grid_search(client):
    X, y = make_classification(
        n_samples=4000,
        n_features=N_FEATURES,
        n_informative=20,
        n_classes=3,
        random_state=0,
    )
    grid = {"alpha": [1e-4, 1e-2, 1e-1, 1.0], "learning_rate_init": [1e-3, 3e-3]}
    search = GridSearchCV(
        DeepMLPClassifier((64,), max_iter=60, random_state=0), grid, cv=2
    )
    timings = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        local = search.fit(X, y)
        timings["n_jobs=1"] = time.perf_counter() - start
        local_scores = local.cv_results_["mean_test_score"].copy()
        with joblib.parallel_backend("dask"):
            start = time.perf_counter()
            remote = search.fit(X, y)
            timings["2-worker LocalCluster"] = time.perf_counter() - start
    same = np.array_equal(local_scores, remote.cv_results_["mean_test_score"])
    print(f"grid search, 8 candidates x 2 folds (same scores: {same}):")
    for name, seconds in timings.items():
        print(f"  {name}: {seconds:.1f} s")
    print(f"  speed-up: {timings['n_jobs=1'] / timings['2-worker LocalCluster']:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=10.0)
    parser.add_argument("--worker-memory", default="1GB")
    parser.add_argument("--quick", action="store_true", help="0.2 GB")
    args = parser.parse_args()
    gigabytes = 0.2 if args.quick else args.gigabytes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            memory_limit=args.worker_memory,
            dashboard_address=None,
            silence_logs=50,
        )
        client = Client(cluster)
    try:
        print(f"LocalCluster: 2 workers, 1 thread and {args.worker_memory} each")
        out_of_core(client, gigabytes)
        grid_search(client)
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
