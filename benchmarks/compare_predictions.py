"""Are two checkouts' predictions the same, bit for bit?

Work on prediction's speed promises results identical to the code before it.
This fits the same models with each checkout (eight configurations: every
kind of target, several activations, batch norm, a one-unit layer; float64
and float32; as fitted and after a pickle round trip) and calls every
prediction method on inputs of every layout the fast path meets or leaves
(1, 10 and 1000 rows, Fortran-ordered, strided, read-only, the other float
dtype, a list), then compares each result's values and dtype.

Run, with ``git worktree add /tmp/before <commit>`` made first::

    python benchmarks/compare_predictions.py /tmp/before .

It prints how many results it compared and which differ (none, or it exits
with status 1). About a minute.
"""

import pickle
import sys
import warnings

import numpy as np
from _checkouts import results_of_two_checkouts

CONFIGS = [
    ("classifier", dict(hidden_layer_sizes=(50,)), "multiclass"),
    ("classifier", dict(hidden_layer_sizes=(30, 20), activation="tanh"), "binary"),
    (
        "classifier",
        dict(
            hidden_layer_sizes=(16, 8),
            activation=["gelu", "leaky_relu"],
            batch_norm=True,
        ),
        "multiclass",
    ),
    ("classifier", dict(hidden_layer_sizes=(20,), activation="logistic"), "multilabel"),
    ("classifier", dict(hidden_layer_sizes=(1,)), "multiclass"),
    ("regressor", dict(hidden_layer_sizes=(40, 10), activation="elu"), "single"),
    ("regressor", dict(hidden_layer_sizes=(25,)), "multi-output"),
    ("regressor", dict(hidden_layer_sizes=(10,), loss="poisson"), "poisson"),
]
CLASSIFIER_METHODS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
]


def targets(X, y, kind):
    rng = np.random.default_rng(0)
    return {
        "multiclass": y,
        "binary": y % 2,
        "multilabel": np.column_stack([y == 0, y == 1, X[:, 1] > 0]).astype(int),
        "single": X[:, 0] * 2 + 1,
        "multi-output": np.column_stack([X[:, 0], X[:, 1] - X[:, 2]]),
        "poisson": rng.poisson(np.exp(X[:, 0] / 3)),
    }[kind]


def inputs(X):
    read_only = X[:10].copy()
    read_only.flags.writeable = False
    other = np.float32 if X.dtype == np.float64 else np.float64
    return {
        "1 row": X[:1],
        "10 rows": X[:10],
        "1000 rows": X,
        "Fortran": np.asfortranarray(X[:10]),
        "strided": X[::3],
        "other dtype": X[:10].astype(other),
        "read-only": read_only,
        "list": X[:3].tolist(),
    }


def predictions():
    """Every result of the importable sk_deepmlp, keyed by what made it."""
    from sklearn.datasets import make_classification

    from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

    X, y = make_classification(
        n_samples=3000, n_features=12, n_informative=6, n_classes=3, random_state=0
    )
    results = {}
    for index, (kind, params, target) in enumerate(CONFIGS):
        for dtype in (np.float64, np.float32):
            Xd = X.astype(dtype)
            estimator = DeepMLPClassifier if kind == "classifier" else DeepMLPRegressor
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # too few epochs to converge
                model = estimator(max_iter=15, random_state=0, **params)
                model.fit(Xd[:2000], targets(X, y, target)[:2000])
            methods = CLASSIFIER_METHODS if kind == "classifier" else ["predict"]
            models = {"fitted": model, "unpickled": pickle.loads(pickle.dumps(model))}
            for state, fitted in models.items():
                for layout, rows in inputs(Xd[2000:]).items():
                    for method in methods:
                        key = (index, dtype.__name__, state, layout, method)
                        results[key] = getattr(fitted, method)(rows)
    return results


def main():
    before, after = results_of_two_checkouts(
        __doc__.splitlines()[0], __file__, predictions
    )
    differ = [
        key
        for key in before
        if not (
            np.array_equal(before[key], after[key])
            and np.asarray(before[key]).dtype == np.asarray(after[key]).dtype
        )
    ]
    print(f"{len(before)} results compared; {len(differ)} differ")
    for key in differ:
        print("  differs:", key)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
