"""Fit times on the real tables, the recipe against MLP, interleaved.

bench_realdata.py records each fit's seconds, but its fits share the machine
with others and run once, so the ratios it reports are rough. This one
times what the price targets are about: on fold 0 of seed 0's split of each
table, every model is fitted ``--repeats`` times (three by default), the
models in turn and their order reversed on every other round, one BLAS
thread each, and the best time of each model is kept. Run it on an otherwise
idle machine: timings here swing by up to half from run to run.

Run, for example::

    python benchmarks/bench_realtime.py                        # 10,000-row tables
    python benchmarks/bench_realtime.py --max-rows 0 --tables chem_grade,imdb_rating

It prints, per table, each model's best time and its ratio to the first
model's, then the ratio of the summed times per task. Needs the same
packages as bench_realdata.py.
"""

import argparse
import time
import warnings

from _realdata import MAX_ROWS, TABLES, fold_data
from bench_realdata import protocol_model, split_top_level


def best_times(table, models, repeats, max_rows):
    """The best of ``repeats`` interleaved fit times of each model."""
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    data = {
        raw: fold_data(table, 0, 0, max_rows, raw=raw)
        for raw in {m.endswith("@raw") for m in models}
    }
    seconds = {m: [] for m in models}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        for round_ in range(repeats):
            for spec in models if round_ % 2 == 0 else models[::-1]:
                X, y, _, _, task = data[spec.endswith("@raw")]
                model = protocol_model(spec, task, X, y, seed=0)
                start = time.perf_counter()
                model.fit(X, y)
                seconds[spec].append(time.perf_counter() - start)
    return {m: min(s) for m, s in seconds.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="mlp,recipe")
    parser.add_argument("--tables", default="", help="comma-separated; all if empty")
    parser.add_argument("--task", choices=("classification", "regression"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--max-rows", type=int, default=MAX_ROWS, help="subsample to; 0: all rows"
    )
    args = parser.parse_args()
    models = split_top_level(args.models)
    tables = [t for t in (args.tables.split(",") if args.tables else TABLES) if t]
    tables = [t for t in tables if args.task in (None, TABLES[t].task)]
    totals = {}
    for table in tables:
        best = best_times(table, models, args.repeats, args.max_rows)
        task = TABLES[table].task
        for m, s in best.items():
            totals.setdefault(task, dict.fromkeys(models, 0.0))[m] += s
        cells = "  ".join(
            f"{m} {s:7.2f}s {s / best[models[0]]:5.2f}x" for m, s in best.items()
        )
        print(f"{table:18s} {cells}", flush=True)
    for task, sums in totals.items():
        cells = "  ".join(f"{m} {s / sums[models[0]]:5.2f}x" for m, s in sums.items())
        print(f"total, {task:14s} {cells}")


if __name__ == "__main__":
    main()
