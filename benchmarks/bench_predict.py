"""Prediction latency: microseconds per call, side by side in one run.

For batches of 1, 10, 100 and 100,000 rows of a dense float64 NumPy array, it
times ``predict_proba``, ``predict`` and ``predict_log_proba`` of MLPClassifier and
DeepMLPClassifier fitted alike (hidden (100,), 20 features, 3 classes), our
``decision_function`` (against MLPClassifier's ``predict_proba``: it has none), and
``predict`` of MLPRegressor and DeepMLPRegressor; beside them, the
onnxruntime session of the same DeepMLP model (float32 graph), when the
``onnx`` extra is installed. Each figure is the best of 7 repetitions,
interleaved.

Run: ``python benchmarks/bench_predict.py`` (about a minute).
"""

import argparse
import timeit
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

ROWS = (1, 10, 100, 100_000)


def onnx_session(model, X):
    """A function running the float32 ONNX graph of ``model``, or None."""
    try:
        import onnxruntime as rt
        from skl2onnx import to_onnx

        import sk_deepmlp.onnx  # noqa: F401
    except ImportError:
        return None
    options = {"zipmap": False} if hasattr(model, "classes_") else None
    onx = to_onnx(model, X[:1].astype(np.float32), options=options)
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return lambda rows: session.run(None, {"X": rows.astype(np.float32)})


def best_us(calls, rows, repeats=7):
    """Microseconds per call of each function in ``calls``, interleaved."""
    number = max(1, int(20_000 / max(rows.shape[0], 1) ** 0.75))
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            seconds = timeit.timeit(lambda: call(rows), number=number)
            times[name].append(seconds / number * 1e6)
    return {name: min(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    X, y = make_classification(
        n_samples=100_000, n_features=20, n_informative=10, n_classes=3, random_state=0
    )
    fit_rows = slice(0, 2000)
    settings = dict(hidden_layer_sizes=(100,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = MLPClassifier(**settings).fit(X[fit_rows], y[fit_rows])
        ours = DeepMLPClassifier(**settings).fit(X[fit_rows], y[fit_rows])
        target = X[fit_rows, 0] * 2 + X[fit_rows, 1]
        their_reg = MLPRegressor(**settings).fit(X[fit_rows], target)
        our_reg = DeepMLPRegressor(**settings).fit(X[fit_rows], target)
    suites = {
        "classifier predict_proba": {
            "MLPClassifier": theirs.predict_proba,
            "DeepMLPClassifier": ours.predict_proba,
            "onnxruntime": onnx_session(ours, X),
        },
        "classifier predict": {
            "MLPClassifier": theirs.predict,
            "DeepMLPClassifier": ours.predict,
        },
        "classifier predict_log_proba": {
            "MLPClassifier": theirs.predict_log_proba,
            "DeepMLPClassifier": ours.predict_log_proba,
        },
        # MLPClassifier has no decision_function: its nearest call, with the
        # same validation and forward pass, is predict_proba
        "classifier decision_function (MLPClassifier: predict_proba)": {
            "MLPClassifier": theirs.predict_proba,
            "DeepMLPClassifier": ours.decision_function,
        },
        "regressor predict": {
            "MLPRegressor": their_reg.predict,
            "DeepMLPRegressor": our_reg.predict,
            "onnxruntime": onnx_session(our_reg, X),
        },
    }
    print("microseconds per call (best of 7); ratio = scikit-learn / ours")
    for suite, calls in suites.items():
        calls = {name: call for name, call in calls.items() if call is not None}
        names = list(calls)
        print(f"\n{suite}")
        print(f"{'rows':>8}" + "".join(f"{n:>20}" for n in names) + f"{'ratio':>10}")
        for n_rows in ROWS:
            times = best_us(calls, X[:n_rows])
            ratio = times[names[0]] / times[names[1]]
            print(
                f"{n_rows:>8}"
                + "".join(f"{times[n]:>20.1f}" for n in names)
                + f"{ratio:>9.1f}x"
            )


if __name__ == "__main__":
    main()
