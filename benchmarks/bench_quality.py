"""Cross-validated accuracy: MLPClassifier's defaults beside DeepMLPClassifier's.

For each data set it prints the mean accuracy over 5 stratified folds x 3
seeds (StandardScaler then the classifier, in a Pipeline) and the mean fit
time, side by side in one run, for:

- MLPClassifier with its defaults;
- DeepMLPClassifier with its defaults, which must equal the first (a check of
  the drop-in promise: the same model, so the same accuracy);
- ``recommended_params(X_train, y_train, task="classification")``, the
  recommended configuration;
- with ``--ablation``, the recommended configuration with one ingredient put
  back to its default, for each ingredient (what each one is worth).

``--unseen`` runs the same comparison on six other data sets, which played no
part in choosing the configuration.

Below the table: the mean and the worst gain in accuracy over MLPClassifier's
defaults (points), and the fit time against MLPClassifier's: the largest ratio
over the data sets and the ratio of the totals.

Run: ``python benchmarks/bench_quality.py`` (about 8 minutes on 2 cores, most
of it the embeddings on the 10-class set; about an hour with the whole
``--ablation``), or ``--quick`` for 3 folds x 1 seed.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_classification,
    make_gaussian_quantiles,
    make_hastie_10_2,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier, recommended_params


def datasets():
    """The bundled data sets and synthetic ones of different kinds."""
    yield "iris", load_iris(return_X_y=True)
    yield "wine", load_wine(return_X_y=True)
    yield "breast_cancer", load_breast_cancer(return_X_y=True)
    yield "digits", load_digits(return_X_y=True)
    yield "moons", make_moons(n_samples=1000, noise=0.3, random_state=0)
    yield "circles", make_circles(n_samples=1000, noise=0.2, factor=0.5, random_state=0)
    yield (
        "10 classes",
        make_classification(
            n_samples=4000,
            n_features=40,
            n_informative=20,
            n_classes=10,
            n_clusters_per_class=2,
            random_state=0,
        ),
    )
    yield (
        "noisy high-dim",
        make_classification(
            n_samples=1000,
            n_features=200,
            n_informative=10,
            n_redundant=10,
            flip_y=0.1,
            random_state=0,
        ),
    )


def unseen_datasets():
    """Data sets that played no part in choosing the recommended
    configuration, for a check of how it carries over (``--unseen``)."""
    yield (
        "imbalanced",
        make_classification(
            n_samples=2000,
            n_features=20,
            weights=[0.9, 0.1],
            flip_y=0.02,
            random_state=3,
        ),
    )
    yield (
        "quantiles",
        make_gaussian_quantiles(
            n_samples=1500, n_features=6, n_classes=3, random_state=3
        ),
    )
    yield "hastie", make_hastie_10_2(n_samples=3000, random_state=3)
    X, y = load_digits(return_X_y=True)
    yield "digits tiny", (X[:120], y[:120])
    yield (
        "3 of 50 features",
        make_classification(
            n_samples=800,
            n_features=50,
            n_informative=3,
            n_redundant=0,
            n_clusters_per_class=1,
            random_state=4,
        ),
    )
    yield (
        "20000 samples",
        make_classification(
            n_samples=20000,
            n_features=30,
            n_informative=15,
            n_classes=5,
            random_state=3,
        ),
    )


def ablations():
    """The recommended configuration with one ingredient put back to its
    default: name -> the arguments that undo it. Each column of
    ``--ablation`` shows what that ingredient is worth."""
    return {
        "no 128x128": dict(hidden_layer_sizes=(100,)),
        "no lr 2e-3": dict(learning_rate_init=1e-3),
        "no cosine": dict(learning_rate="constant", warmup_epochs=0),
        "no 300 epochs": dict(max_iter=200),
        "no alpha 1.0": dict(alpha=1e-4),
        "no dropout": dict(dropout=0.0),
        "no smoothing": dict(label_smoothing=0.0),
        "no embeddings": dict(numeric_embedding=None),
    }


def evaluate(make_estimator, X, y, n_splits, seeds):
    scores, seconds = [], []
    for seed in seeds:
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        for train, test in folds.split(X, y):
            estimator = make_estimator(X[train], y[train], seed)
            model = make_pipeline(StandardScaler(), estimator)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X[train], y[train])
            seconds.append(time.perf_counter() - start)
            scores.append(model.score(X[test], y[test]))
    return 100 * float(np.mean(scores)), float(np.mean(seconds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 folds x 1 seed")
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="the data sets that played no part in choosing the configuration",
    )
    parser.add_argument(
        "--ablation",
        nargs="?",
        const="all",
        help="also the recommended configuration without each ingredient "
        "(or without those named, comma-separated: --ablation 'no dropout')",
    )
    args = parser.parse_args()
    n_splits, seeds = (3, [0]) if args.quick else (5, [0, 1, 2])

    def recommended(**undo):
        return lambda X, y, s: DeepMLPClassifier(
            **{
                **recommended_params(X, y, task="classification"),
                **undo,
                "random_state": s,
            }
        )

    configs = {
        "MLPClassifier": lambda X, y, s: MLPClassifier(random_state=s),
        "DeepMLP defaults": lambda X, y, s: DeepMLPClassifier(random_state=s),
        "recommended": recommended(),
    }
    if args.ablation:
        chosen = ablations()
        if args.ablation != "all":
            names = args.ablation.split(",")
            unknown = set(names) - set(chosen)
            if unknown:
                parser.error(
                    f"unknown ablations {sorted(unknown)}; known: {list(chosen)}"
                )
            chosen = {name: chosen[name] for name in names}
        configs.update({name: recommended(**undo) for name, undo in chosen.items()})
    names = list(configs)
    print(f"accuracy (%) over {n_splits} folds x {len(seeds)} seeds; fit seconds")
    print(f"{'data':<16}" + "".join(f"{n[:16]:>17}{'s':>7}" for n in names))
    accuracy = {n: [] for n in names}
    seconds = {n: [] for n in names}
    for data_name, (X, y) in unseen_datasets() if args.unseen else datasets():
        row = f"{data_name:<16}"
        for name in names:
            score, time_ = evaluate(configs[name], X, y, n_splits, seeds)
            accuracy[name].append(score)
            seconds[name].append(time_)
            row += f"{score:>17.2f}{time_:>7.2f}"
        print(row, flush=True)
    print(
        f"{'mean':<16}"
        + "".join(f"{np.mean(accuracy[n]):>17.2f}{'':>7}" for n in names)
    )
    # The targets of issue 12, against MLPClassifier's defaults: the mean gain,
    # the worst loss on a single data set, and the fit-time ratio.
    reference = np.array(accuracy["MLPClassifier"])
    reference_time = np.array(seconds["MLPClassifier"])
    print(
        f"{'gain, mean':<16}"
        + "".join(
            f"{np.mean(np.array(accuracy[n]) - reference):>+17.2f}{'':>7}"
            for n in names
        )
    )
    print(
        f"{'gain, worst':<16}"
        + "".join(
            f"{np.min(np.array(accuracy[n]) - reference):>+17.2f}{'':>7}" for n in names
        )
    )
    print(
        f"{'time, max ratio':<16}"
        + "".join(
            f"{np.max(np.array(seconds[n]) / reference_time):>16.2f}x{'':>7}"
            for n in names
        )
    )
    print(
        f"{'time, total':<16}"
        + "".join(
            f"{np.sum(seconds[n]) / np.sum(reference_time):>16.2f}x{'':>7}"
            for n in names
        )
    )


if __name__ == "__main__":
    main()
