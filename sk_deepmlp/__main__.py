"""``python -m sk_deepmlp``: train on a bundled data set beside scikit-learn.

Prints the fit time and the test score of DeepMLPClassifier and of
scikit-learn's MLPClassifier (accuracy), or of DeepMLPRegressor and
MLPRegressor on a regression data set (R²), built with the same arguments and
seed.
"""

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy
import sklearn
from sklearn import datasets
from sklearn.base import is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import DeepMLPClassifier, DeepMLPRegressor, __version__
from ._network._activations import ACTIVATIONS

DATASETS = {
    "digits": datasets.load_digits,
    "breast_cancer": datasets.load_breast_cancer,
    "wine": datasets.load_wine,
    "iris": datasets.load_iris,
    "diabetes": datasets.load_diabetes,  # regression
}
REGRESSION = {"diabetes"}
#: Settings of both estimators per data set, with why. diabetes has 331
#: training rows: unregularised, the (128, 64) network overfits them (test
#: R² about 0 against Ridge's 0.37); alpha=10 brings it to Ridge's level.
DATASET_SETTINGS = {
    "diabetes": (
        {"alpha": 10.0},
        "331 training rows: a strong L2 penalty keeps the network from "
        "overfitting them",
    ),
}
#: The hidden activations that scikit-learn's MLPs lack run there as relu.
SK_ACTIVATIONS = {"identity", "logistic", "tanh", "relu"}


def _hidden(text):
    try:
        sizes = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, like 128,64; got {text!r}"
        )
    return sizes


def _non_negative_int(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(
            f"expected a non-negative integer, got {text!r}"
        )
    return int(text)


def _positive_int(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sk_deepmlp",
        description="Train DeepMLPClassifier beside scikit-learn's MLPClassifier "
        "(DeepMLPRegressor beside MLPRegressor on diabetes) with the same settings "
        "on a bundled data set; print fit time and test accuracy (R²).",
    )
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    parser.add_argument(
        "--hidden",
        type=_hidden,
        default=(128, 64),
        help="hidden layer sizes, e.g. 128,64 (default)",
    )
    parser.add_argument(
        "--activation",
        choices=sorted(ACTIVATIONS),
        default="relu",
        help="hidden activation (scikit-learn's MLPs have only identity, "
        "logistic, tanh and relu: for the others their row runs relu)",
    )
    parser.add_argument(
        "--solver",
        choices=["adam", "sgd", "lbfgs", "rmsprop"],
        default="adam",
        help="optimiser (scikit-learn's MLPs have no rmsprop: they then run with adam)",
    )
    parser.add_argument("--max-iter", type=_positive_int, default=200)
    parser.add_argument(
        "--random-state",
        type=_non_negative_int,
        default=0,
        help="seed of the split, of both estimators' weights and shuffles "
        "(default 0): the same seed prints the same accuracies",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"sk-deepmlp {__version__} (scikit-learn {sklearn.__version__}, "
        f"NumPy {numpy.__version__}, Python {platform.python_version()})",
    )
    parser.add_argument(
        "--plot",
        type=_png_path,
        metavar="PATH",
        help="save both estimators' loss curves as a PNG image (needs matplotlib)",
    )
    args = parser.parse_args(argv)
    if args.plot is not None:
        try:
            import matplotlib
        except ImportError:
            parser.error(
                '--plot needs matplotlib: pip install ".[plot]" in a clone of '
                "sk-deepmlp, or pip install matplotlib"
            )
        matplotlib.use("Agg")
    return args


def _png_path(text):
    path = Path(text)
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(
            f"expected a path ending in .png, got {text!r}"
        )
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"no such directory: {str(path.parent)!r}")
    return path


def _fit_and_score(estimator, X_train, X_test, y_train, y_test):
    """Fit in a pipeline; return the fit time, the test score and the fitted
    network (a clone of ``estimator`` for regression, whose targets are
    standardised too: an MLP learns them faster than raw ones)."""
    model = make_pipeline(StandardScaler(), estimator)
    if is_regressor(estimator):
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    fitted = model.regressor_[-1] if is_regressor(estimator) else model[-1]
    return seconds, model.score(X_test, y_test), fitted


def _save_loss_curves(estimators, path):
    import matplotlib.pyplot as plt

    from ._display import LossCurveDisplay

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    for estimator in estimators:
        if hasattr(estimator, "loss_curve_"):  # scikit-learn's lbfgs keeps none
            LossCurveDisplay.from_estimator(estimator, ax=ax)  # legend included
    ax.set_title("Training loss per epoch (per iteration for lbfgs)")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def _estimators(args, regression, settings):
    """Both estimators with the same settings, and a note for each option that
    scikit-learn's lacks: its nearest kin stands in (the newer activations
    run as relu, rmsprop as adam)."""
    sk_activation = args.activation if args.activation in SK_ACTIVATIONS else "relu"
    sk_solver = "adam" if args.solver == "rmsprop" else args.solver
    ours, theirs = (
        (DeepMLPRegressor, MLPRegressor)
        if regression
        else (DeepMLPClassifier, MLPClassifier)
    )
    rows = [
        (
            ours.__name__,
            ours(activation=args.activation, solver=args.solver, **settings),
        ),
        (
            theirs.__name__,
            theirs(activation=sk_activation, solver=sk_solver, **settings),
        ),
    ]
    pairs = ((args.activation, sk_activation), (args.solver, sk_solver))
    notes = [
        f"({theirs.__name__} has no {ours_only}: its row runs {stand_in})"
        for ours_only, stand_in in pairs
        if ours_only != stand_in
    ]
    return rows, notes


def main(argv=None):
    args = parse_args(argv)
    X, y = DATASETS[args.dataset](return_X_y=True)
    regression = args.dataset in REGRESSION
    X_train, X_test, y_train, y_test = train_test_split(
        X,
        y,
        test_size=0.25,
        stratify=None if regression else y,
        random_state=args.random_state,
    )
    tuned, why = DATASET_SETTINGS.get(args.dataset, ({}, ""))
    settings = dict(
        hidden_layer_sizes=args.hidden,
        max_iter=args.max_iter,
        random_state=args.random_state,
        **tuned,
    )
    rows, stand_ins = _estimators(args, regression, settings)
    print(
        f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples, "
        f"hidden={args.hidden}, max_iter={args.max_iter}, "
        f"random_state={args.random_state}"
    )
    if tuned:
        shown = ", ".join(f"{k}={v!r}" for k, v in tuned.items())
        print(f"both estimators: {shown} ({why})")
    print(
        f"{'estimator':<20}{'activation':<12}{'solver':<9}"
        f"{'fit time (s)':>14}{'R²' if regression else 'accuracy':>10}"
    )
    fitted = []
    for name, estimator in rows:
        seconds, score, network = _fit_and_score(
            estimator, X_train, X_test, y_train, y_test
        )
        fitted.append(network)
        print(
            f"{name:<20}{estimator.activation:<12}{estimator.solver:<9}"
            f"{seconds:>14.3f}{score:>10.4f}"
        )
    for note in stand_ins:
        print(note)
    if args.plot is not None:
        _save_loss_curves(fitted, args.plot)
        print(f"loss curves saved to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
