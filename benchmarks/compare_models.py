"""Do two checkouts train the same models?

A redesign of the training code promises the same model for every existing
configuration. This fits a matrix of configurations with each checkout, on
standardised data (15 epochs, 30 L-BFGS iterations), and compares every
fitted array (weights, biases, batch-norm arrays), the loss and validation
curves, the iteration counts, and the predictions:

- the stochastic solvers may differ by at most 1e-9 (ideally 0);
- lbfgs by at most 1e-6 (it amplifies any rounding change);
- predicted labels and iteration counts must be equal.

The matrix: every solver; activations, per-layer lists included; dropout;
batch norm (also with lbfgs); early stopping on score and on loss; schedules
with warm-up, weight decay, clipping, label smoothing; class and sample
weights; binary, multilabel, multi-output and Poisson targets; float32;
warm start; a partial_fit sequence. Run, with ``git worktree add
/tmp/before <commit>`` made first::

    python benchmarks/compare_models.py /tmp/before .

It prints the largest difference of each kind and every configuration over
its tolerance (exit status 1 if any). About a minute.
"""

import sys
import warnings

import numpy as np
from _checkouts import results_of_two_checkouts

ADAM = dict(solver="adam", learning_rate_init=0.01)
#: (name, estimator, target, parameters, how): how is "fit", "warm_start"
#: (fit twice) or "partial_fit" (three calls on thirds of the data)
CONFIGS = [
    ("sgd", "classifier", "multiclass", dict(solver="sgd", learning_rate_init=0.05)),
    (
        "sgd invscaling",
        "classifier",
        "binary",
        dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.5),
    ),
    (
        "sgd adaptive",
        "classifier",
        "multiclass",
        dict(solver="sgd", learning_rate="adaptive", n_iter_no_change=2, tol=1e-2),
    ),
    ("adam", "classifier", "multiclass", ADAM),
    (
        "rmsprop",
        "classifier",
        "multiclass",
        dict(solver="rmsprop", learning_rate_init=0.005),
    ),
    ("lbfgs", "classifier", "multiclass", dict(solver="lbfgs")),
    ("lbfgs tanh", "classifier", "binary", dict(solver="lbfgs", activation="tanh")),
    ("lbfgs regressor", "regressor", "single", dict(solver="lbfgs")),
    (
        "per-layer activations",
        "classifier",
        "multiclass",
        dict(
            ADAM,
            hidden_layer_sizes=(16, 8, 8),
            activation=["gelu", "leaky_relu", "selu"],
        ),
    ),
    (
        "logistic, identity",
        "classifier",
        "binary",
        dict(ADAM, hidden_layer_sizes=(12, 6), activation=["logistic", "identity"]),
    ),
    (
        "elu silu softplus",
        "regressor",
        "single",
        dict(
            ADAM,
            hidden_layer_sizes=(10, 10, 10),
            activation=["elu", "silu", "softplus"],
        ),
    ),
    ("dropout", "classifier", "multiclass", dict(ADAM, dropout=[0.2, 0.1])),
    ("batch norm", "classifier", "multiclass", dict(ADAM, batch_norm=True)),
    (
        "batch norm one layer",
        "classifier",
        "binary",
        dict(ADAM, batch_norm=[False, True], batch_norm_momentum=0.5),
    ),
    (
        "batch norm lbfgs",
        "classifier",
        "multiclass",
        dict(solver="lbfgs", batch_norm=True),
    ),
    (
        "batch norm dropout sgd",
        "regressor",
        "single",
        dict(solver="sgd", learning_rate_init=0.01, batch_norm=True, dropout=0.1),
    ),
    (
        "early stopping score",
        "classifier",
        "multiclass",
        dict(ADAM, early_stopping=True, n_iter_no_change=3),
    ),
    (
        "early stopping loss",
        "regressor",
        "single",
        dict(
            ADAM, early_stopping=True, early_stopping_monitor="loss", n_iter_no_change=3
        ),
    ),
    (
        "cosine warm-up decay clip",
        "classifier",
        "multiclass",
        dict(
            ADAM,
            learning_rate="cosine",
            warmup_epochs=3,
            weight_decay=0.01,
            max_grad_norm=1.0,
            label_smoothing=0.1,
        ),
    ),
    (
        "exponential sgd nesterov off",
        "classifier",
        "binary",
        dict(
            solver="sgd",
            learning_rate="exponential",
            learning_rate_init=0.05,
            nesterovs_momentum=False,
            min_learning_rate=0.01,
        ),
    ),
    (
        "plateau rmsprop",
        "regressor",
        "single",
        dict(
            solver="rmsprop",
            learning_rate="plateau",
            lr_decay=0.5,
            n_iter_no_change=2,
            tol=1e-2,
        ),
    ),
    (
        "inverse_time he init",
        "classifier",
        "multiclass",
        dict(ADAM, learning_rate="inverse_time", weight_init="he_normal"),
    ),
    (
        "class weight balanced",
        "classifier",
        "multiclass",
        dict(ADAM, class_weight="balanced"),
    ),
    (
        "class weight dict, sample weight",
        "classifier",
        "binary",
        dict(ADAM, class_weight={0: 2.0}, sample_weight=True),
    ),
    (
        "sample weight lbfgs",
        "regressor",
        "single",
        dict(solver="lbfgs", sample_weight=True),
    ),
    ("multilabel", "classifier", "multilabel", dict(ADAM)),
    ("multi-output", "regressor", "multi-output", dict(ADAM)),
    ("poisson", "regressor", "poisson", dict(ADAM, loss="poisson")),
    ("poisson lbfgs", "regressor", "poisson", dict(solver="lbfgs", loss="poisson")),
    ("float32", "classifier", "multiclass", dict(ADAM, dtype="float32")),
    (
        "float32 batch norm regressor",
        "regressor",
        "single",
        dict(ADAM, batch_norm=True, dtype="float32"),
    ),
    ("warm start", "classifier", "multiclass", dict(ADAM, how="warm_start")),
    ("warm start lbfgs", "regressor", "single", dict(solver="lbfgs", how="warm_start")),
    (
        "partial_fit",
        "classifier",
        "multiclass",
        dict(ADAM, dropout=0.1, how="partial_fit"),
    ),
    (
        "partial_fit regressor batch norm",
        "regressor",
        "single",
        dict(ADAM, batch_norm=True, how="partial_fit"),
    ),
]


def data():
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=900, n_features=10, n_informative=6, n_classes=3, random_state=0
    )
    X = (X - X.mean(0)) / X.std(0)
    rng = np.random.default_rng(0)
    targets = {
        "multiclass": y,
        "binary": y % 2,
        "multilabel": np.column_stack([y == 0, y == 1, X[:, 1] > 0]).astype(int),
        "single": X[:, 0] * 2 + X[:, 1] ** 2,
        "multi-output": np.column_stack([X[:, 0], X[:, 1] - X[:, 2]]),
        "poisson": rng.poisson(np.exp(X[:, 0] / 3)),
    }
    weights = rng.uniform(0.2, 2.0, len(X))
    return X, targets, weights


def fitted(name, kind, target, params):
    """The model of one configuration, fitted by the importable sk_deepmlp."""
    from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

    X, targets, weights = data()
    params = dict(params)
    X = X.astype(params.pop("dtype", "float64"))
    how = params.pop("how", "fit")
    fit_kwargs = {"sample_weight": weights} if params.pop("sample_weight", 0) else {}
    params.setdefault("hidden_layer_sizes", (16, 8))
    lbfgs = params["solver"] == "lbfgs"
    params.setdefault("max_iter", 30 if lbfgs else 15)
    cls = DeepMLPClassifier if kind == "classifier" else DeepMLPRegressor
    model = cls(random_state=0, **params)
    y = targets[target]
    if how == "partial_fit":
        classes = {"classes": np.unique(y)} if kind == "classifier" else {}
        for part in np.array_split(np.arange(len(X)), 3):
            model.partial_fit(X[part], y[part], **classes)
        return model, X
    model.fit(X, y, **fit_kwargs)
    if how == "warm_start":
        model.set_params(warm_start=True).fit(X[::-1], y[::-1])
    return model, X


def record(model, X, kind):
    """Every fitted array, curve, count and prediction of ``model``."""
    out = {}
    for name, value in vars(model).items():
        if not name.endswith("_") or name.startswith("_"):
            continue
        arrays = isinstance(value, list) and any(
            isinstance(v, np.ndarray) for v in value
        )
        if arrays:  # per-layer arrays; batch norm's hold None for plain layers
            for i, array in enumerate(value):
                if array is not None:
                    out[f"{name}[{i}]"] = np.asarray(array)
        elif isinstance(value, list):
            out[name] = np.asarray(value, dtype=float)
        elif isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            out[name] = np.asarray(value)
    out["predict"] = np.asarray(model.predict(X))
    if kind == "classifier":
        out["predict_proba"] = model.predict_proba(X)
    return out


def results():
    out = {}
    for name, kind, target, params in CONFIGS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # few epochs: ConvergenceWarning
            model, X = fitted(name, kind, target, params)
            out[name] = (params.get("solver"), kind, record(model, X, kind))
    return out


def compare(before, after):
    """The largest difference per configuration, and those over tolerance."""
    largest = {"stochastic": 0.0, "lbfgs": 0.0}
    over = []
    for name, (solver, kind, old) in before.items():
        new = after[name][2]
        family = "lbfgs" if solver == "lbfgs" else "stochastic"
        tolerance = 1e-6 if family == "lbfgs" else 1e-9
        gone = set(old) - set(new)  # a new attribute is fine; a lost one is not
        if gone:
            over.append((name, f"attributes gone: {sorted(gone)}"))
            continue
        for key in old:
            a, b = old[key], new[key]
            exact = key == "n_iter_" or (key == "predict" and kind == "classifier")
            if a.shape != b.shape or (exact and not np.array_equal(a, b)):
                over.append((name, f"{key}: {a.shape} {b.shape} or unequal"))
                continue
            if exact or a.size == 0:
                continue
            both_nan = np.isnan(a) & np.isnan(b)
            diff = float(np.max(np.where(both_nan, 0.0, np.abs(a - b)), initial=0.0))
            if not np.isfinite(diff) or diff > tolerance:
                over.append((name, f"{key}: {diff:.3g} > {tolerance:g}"))
            largest[family] = max(largest[family], diff)
    return largest, over


def main():
    before, after = results_of_two_checkouts(__doc__.splitlines()[0], __file__, results)
    largest, over = compare(before, after)
    print(
        f"{len(CONFIGS)} configurations compared; largest difference: "
        f"stochastic solvers {largest['stochastic']:.3g} (tolerance 1e-9), "
        f"lbfgs {largest['lbfgs']:.3g} (tolerance 1e-6)"
    )
    for name, what in over:
        print(f"  over tolerance: {name}: {what}")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
