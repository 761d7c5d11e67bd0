"""Training speed and prediction memory: our estimators beside scikit-learn's.

For each dtype (float64, float32) it prints the seconds per epoch of
scikit-learn's MLPClassifier, of DeepMLPClassifier and of the "GEMM floor": only
the matrix products that one epoch's forward and backward passes need, for the
same shapes, batch size and dtype. Each figure is the median of interleaved
repetitions, so that a slow moment of the machine hits all three alike. Both
estimators run every epoch (tol=0, a huge n_iter_no_change) and their final
losses are printed: same algorithm, so they should agree within noise. A third
row does the same for regression: DeepMLPRegressor beside MLPRegressor on the
same X and network, with one real-valued output.

Then it prints the fit times on scikit-learn's small bundled data sets, where
per-batch overhead rather than matrix products dominates, and the peak memory
that predict_proba allocates on a large input, as traced by tracemalloc (NumPy
reports its allocations to it).

    python benchmarks/bench_training.py            # the full workload
    python benchmarks/bench_training.py --quick    # a smaller one, for a look
"""

import argparse
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-features", type=int, default=100)
    parser.add_argument("--n-classes", type=int, default=10)
    parser.add_argument("--hidden", default="256,128,64")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--max-iter", type=int, default=5, help="epochs per fit")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--predict-samples", type=int, default=500_000)
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of the work, for a quick look"
    )
    args = parser.parse_args()
    if args.quick:
        args.n_samples //= 10
        args.predict_samples //= 10
        args.max_iter = 2
    args.hidden = tuple(int(h) for h in args.hidden.split(","))
    return args


def gemm_floor(X, layer_units, batch_size):
    """One epoch of only the matrix products of forward and backward passes."""
    rng = np.random.RandomState(0)
    dtype = X.dtype
    coefs = [
        rng.uniform(-0.1, 0.1, (n_in, n_out)).astype(dtype)
        for n_in, n_out in zip(layer_units, layer_units[1:])
    ]
    acts = [np.empty((batch_size, n), dtype) for n in layer_units[1:]]
    dacts = [np.empty((batch_size, n), dtype) for n in layer_units[1:-1]]
    dcoefs = [np.empty_like(W) for W in coefs]

    def epoch():
        for start in range(0, X.shape[0], batch_size):
            batch = X[start : start + batch_size]
            m = batch.shape[0]
            inputs = [batch]
            for W, A in zip(coefs, acts):  # Z = A_prev @ W
                inputs.append(np.matmul(inputs[-1], W, out=A[:m]))
            for layer in range(len(coefs) - 1, -1, -1):
                dZ = acts[layer][:m]  # stands in for the delta: same shape
                np.matmul(inputs[layer].T, dZ, out=dcoefs[layer])  # dW
                if layer:  # dA_prev = dZ @ W.T
                    np.matmul(dZ, coefs[layer].T, out=dacts[layer - 1][:m])

    return epoch


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_training(args, dtype, task="classification"):
    """Seconds per epoch of ours, scikit-learn's and the GEMM floor.

    ``task="regression"``: the same X and network with one real-valued output
    (the squared error), DeepMLPRegressor beside MLPRegressor.
    """
    if task == "classification":
        X, y = make_classification(
            n_samples=args.n_samples,
            n_features=args.n_features,
            n_informative=args.n_features // 2,
            n_classes=args.n_classes,
            random_state=0,
        )
        theirs, ours, n_outputs = MLPClassifier, DeepMLPClassifier, args.n_classes
    else:
        X, y = make_regression(
            n_samples=args.n_samples,
            n_features=args.n_features,
            n_informative=args.n_features // 2,
            noise=10.0,
            random_state=0,
        )
        y = (y - y.mean()) / y.std()
        theirs, ours, n_outputs = MLPRegressor, DeepMLPRegressor, 1
    X = X.astype(dtype)
    params = dict(
        hidden_layer_sizes=args.hidden,
        activation="relu",
        solver="adam",
        batch_size=args.batch_size,
        max_iter=args.max_iter,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    floor_epoch = gemm_floor(
        X, [args.n_features, *args.hidden, n_outputs], args.batch_size
    )
    floor_epoch()  # warm up BLAS and the caches
    seconds = {"MLP": [], "DeepMLP": [], "GEMM floor": []}
    losses = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(args.repeats):
            for name, cls in (("MLP", theirs), ("DeepMLP", ours)):
                elapsed, model = timed(lambda: cls(**params).fit(X, y))
                seconds[name].append(elapsed / args.max_iter)
                losses[name] = model.loss_
            elapsed, _ = timed(lambda: [floor_epoch() for _ in range(args.max_iter)])
            seconds["GEMM floor"].append(elapsed / args.max_iter)
    return {name: statistics.median(s) for name, s in seconds.items()}, losses


def bench_small(args):
    """Best-of-3 fit times on small data sets, 200 epochs, every solver."""
    from sklearn.datasets import load_digits, load_iris

    rows = []
    for name, loader in (("iris", load_iris), ("digits", load_digits)):
        X, y = loader(return_X_y=True)
        for solver in ("adam", "sgd", "lbfgs"):
            params = dict(
                hidden_layer_sizes=(32,),
                solver=solver,
                max_iter=200,
                tol=0.0,
                n_iter_no_change=10**9,
                random_state=0,
            )
            best = {}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                for _ in range(args.repeats):
                    for cls in (MLPClassifier, DeepMLPClassifier):
                        elapsed, _ = timed(lambda: cls(**params).fit(X, y))
                        best[cls] = min(best.get(cls, np.inf), elapsed)
            rows.append((name, solver, best[MLPClassifier], best[DeepMLPClassifier]))
    return rows


def peak_predict_memory(estimator, X):
    """Peak bytes allocated by predict_proba, and the size of its result."""
    tracemalloc.start()
    proba = estimator.predict_proba(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, proba.nbytes


def bench_predict(args):
    X, y = make_classification(
        n_samples=2000,
        n_features=args.n_features,
        n_informative=args.n_features // 2,
        n_classes=args.n_classes,
        random_state=0,
    )
    params = dict(hidden_layer_sizes=args.hidden, max_iter=2, random_state=0)
    X_big = np.random.RandomState(1).standard_normal(
        (args.predict_samples, args.n_features)
    )
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for cls in (MLPClassifier, DeepMLPClassifier):
            estimator = cls(**params).fit(X, y)
            rows.append((cls.__name__, *peak_predict_memory(estimator, X_big)))
    return rows


def main():
    args = parse_args()
    print(
        f"make_classification({args.n_samples}, {args.n_features} features, "
        f"{args.n_classes} classes), hidden={args.hidden}, relu, adam, "
        f"batch_size={args.batch_size}, {args.max_iter} epochs, "
        f"median of {args.repeats} interleaved repetitions"
    )
    header = (
        f"{'task':<16}{'dtype':<9}{'MLP':>9}{'DeepMLP':>10}{'GEMM floor':>12}"
        f"{'speed-up':>10}{'DeepMLP/floor':>15}{'loss MLP':>11}{'loss Deep':>11}"
    )
    print("seconds per epoch (MLP: MLPClassifier, or MLPRegressor for regression)")
    print(header)
    runs = [("classification", np.float64), ("classification", np.float32)]
    runs.append(("regression", np.float64))
    for task, dtype in runs:
        s, loss = bench_training(args, dtype, task)
        mlp, deep, floor = s["MLP"], s["DeepMLP"], s["GEMM floor"]
        print(
            f"{task:<16}{np.dtype(dtype).name:<9}{mlp:>9.4f}{deep:>10.4f}"
            f"{floor:>12.4f}{mlp / deep:>9.2f}x{deep / floor:>14.2f}x"
            f"{loss['MLP']:>11.6f}{loss['DeepMLP']:>11.6f}"
        )
    print("\nsmall data sets, hidden (32,), 200 epochs: best fit time in seconds")
    print(
        f"{'data':<9}{'solver':<8}{'MLPClassifier':>15}{'DeepMLP':>10}{'speed-up':>10}"
    )
    for name, solver, mlp, deep in bench_small(args):
        print(f"{name:<9}{solver:<8}{mlp:>15.3f}{deep:>10.3f}{mlp / deep:>9.2f}x")
    print(f"\npredict_proba on {args.predict_samples} samples (float64)")
    print(f"{'estimator':<20}{'peak MB':>10}{'result MB':>11}{'extra MB':>10}")
    for name, peak, result in bench_predict(args):
        print(
            f"{name:<20}{peak / 2**20:>10.1f}{result / 2**20:>11.1f}"
            f"{(peak - result) / 2**20:>10.1f}"
        )


if __name__ == "__main__":
    main()
