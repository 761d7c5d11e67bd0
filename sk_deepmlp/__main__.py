"""``python -m sk_deepmlp``: train on a bundled data set beside MLPClassifier.

Prints the fit time and the test accuracy of DeepMLPClassifier and of
scikit-learn's MLPClassifier, built with the same arguments and seed.
"""

import argparse
import sys
import time
import warnings

from sklearn import datasets
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import DeepMLPClassifier
from ._activations import ACTIVATIONS

DATASETS = {
    "digits": datasets.load_digits,
    "breast_cancer": datasets.load_breast_cancer,
    "wine": datasets.load_wine,
    "iris": datasets.load_iris,
}


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


def _positive_int(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sk_deepmlp",
        description="Train DeepMLPClassifier and scikit-learn's MLPClassifier with "
        "the same settings on a bundled data set; print fit time and test accuracy.",
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
        help="hidden activation (MLPClassifier has no leaky_relu: "
        "it then runs with relu)",
    )
    parser.add_argument("--solver", choices=["adam", "sgd", "lbfgs"], default="adam")
    parser.add_argument("--max-iter", type=_positive_int, default=200)
    return parser.parse_args(argv)


def _fit_and_score(estimator, X_train, X_test, y_train, y_test):
    model = make_pipeline(StandardScaler(), estimator)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return time.perf_counter() - start, model.score(X_test, y_test)


def main(argv=None):
    args = parse_args(argv)
    X, y = DATASETS[args.dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    settings = dict(
        hidden_layer_sizes=args.hidden,
        solver=args.solver,
        max_iter=args.max_iter,
        random_state=0,
    )
    sk_activation = "relu" if args.activation == "leaky_relu" else args.activation
    rows = [
        (
            "DeepMLPClassifier",
            DeepMLPClassifier(activation=args.activation, **settings),
        ),
        ("MLPClassifier", MLPClassifier(activation=sk_activation, **settings)),
    ]
    print(
        f"{args.dataset}: {len(X_train)} training and {len(X_test)} test samples, "
        f"hidden={args.hidden}, solver={args.solver}, max_iter={args.max_iter}"
    )
    print(f"{'estimator':<20}{'activation':<12}{'fit time (s)':>14}{'accuracy':>10}")
    for name, estimator in rows:
        seconds, accuracy = _fit_and_score(estimator, X_train, X_test, y_train, y_test)
        print(f"{name:<20}{estimator.activation:<12}{seconds:>14.3f}{accuracy:>10.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
