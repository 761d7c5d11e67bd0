"""BLAS threads for training: where a second thread pays, and what a busy core does.

Two tables:

1. **The cut-off.** Fits of (w, w) networks on 1,000 rows (batches of 200,
   so the largest product has 200 * w * w multiply-adds), 20 epochs, with
   NumPy's BLAS on one thread and on all of them, with the machine idle and
   with one core kept busy by another process. "gain" is what all threads
   save when idle, "loss" what they cost when a core is busy. The estimators
   train on one thread below ``_threads.ONE_THREAD_BELOW`` multiply-adds:
   where the gain is small and the loss large.
2. **The rule as shipped.** The issue's case, a (128, 128) network on 1,000
   rows (adam, 50 epochs), and a large one, idle and busy, with the rule on
   (as shipped) and off (all threads, as before it), beside MLPClassifier.

    python benchmarks/bench_threads.py     # both, about two minutes
"""

import argparse
import multiprocessing
import time
import warnings
from contextlib import contextmanager, nullcontext

from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info

from sk_deepmlp import DeepMLPClassifier
from sk_deepmlp._training import _threads


def best_of(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def cutoff_table(repeat):
    X, y = make_classification(n_samples=1000, n_features=20, random_state=0)
    print(f"\nfit time (s), best of {repeat}; (w, w) networks, 20 epochs, adam")
    print(
        f"{'w':>4}{'200*w*w':>12}  {'idle: 1 thread':>14}{'all':>7}{'gain':>6}"
        f"  {'busy: 1 thread':>14}{'all':>7}{'loss':>6}"
    )
    for width in (64, 96, 128, 160, 192, 256, 384):
        times = {}
        est = DeepMLPClassifier((width, width), max_iter=20, random_state=0)
        for state in ("idle", "busy"):
            with busy_core() if state == "busy" else nullcontext():
                # interleaved, so that a drift of the machine hits both alike
                for _ in range(repeat):
                    for one in (True, False):
                        with rule(one, cutoff=10**15):
                            elapsed = best_of(lambda: est.fit(X, y), 1)
                        times[state, one] = min(times.get((state, one), 1e9), elapsed)
        gain = times["idle", True] / times["idle", False]
        loss = times["busy", False] / times["busy", True]
        print(
            f"{width:>4}{200 * width * width:>12,}  {times['idle', True]:>14.3f}"
            f"{times['idle', False]:>7.3f}{gain:>6.2f}  {times['busy', True]:>14.3f}"
            f"{times['busy', False]:>7.3f}{loss:>6.2f}"
        )
    print(f"shipped cut-off (_threads.ONE_THREAD_BELOW): {_threads.ONE_THREAD_BELOW:,}")


def _spin(stop):
    while not stop.is_set():
        pass


@contextmanager
def busy_core():
    """One core kept busy by another process, as a concurrent job would."""
    stop = multiprocessing.Event()
    process = multiprocessing.Process(target=_spin, args=(stop,))
    process.start()
    time.sleep(0.3)
    try:
        yield
    finally:
        stop.set()
        process.join()


@contextmanager
def rule(on, cutoff=None):
    """One thread below ``cutoff`` (the shipped cut-off by default) when
    ``on``; all threads whatever the size when not."""
    saved = _threads.ONE_THREAD_BELOW
    _threads.ONE_THREAD_BELOW = (cutoff or saved) if on else 0
    try:
        yield
    finally:
        _threads.ONE_THREAD_BELOW = saved


def contention_table(repeat):
    cases = {
        "small: (128, 128), 1,000 rows": (1000, 20, (128, 128)),
        "large: (1024, 1024), 4,000 rows": (4000, 100, (1024, 1024)),
    }
    print(f"\nfit time (s), best of {repeat}; adam, 50 epochs (large: 5)")
    print(f"{'network':<34}{'estimator':<28}{'idle':>8}{'busy':>8}{'busy/idle':>10}")
    for label, (n, d, hidden) in cases.items():
        X, y = make_classification(n_samples=n, n_features=d, random_state=0)
        epochs = 50 if hidden[0] < 512 else 5
        kinds = {
            "DeepMLPClassifier, rule on": (DeepMLPClassifier, True),
            "DeepMLPClassifier, rule off": (DeepMLPClassifier, False),
            "MLPClassifier": (MLPClassifier, None),
        }
        times = {}
        for state in ("idle", "busy"):
            with busy_core() if state == "busy" else nullcontext():
                for _ in range(repeat):  # interleaved, as above
                    for name, (cls, on) in kinds.items():
                        est = cls(hidden, max_iter=epochs, random_state=0)
                        with rule(on) if on is not None else nullcontext():
                            elapsed = best_of(lambda est=est: est.fit(X, y), 1)
                        key = name, state
                        times[key] = min(times.get(key, 1e9), elapsed)
        for name in kinds:
            idle, busy = times[name, "idle"], times[name, "busy"]
            print(f"{label:<34}{name:<28}{idle:>8.3f}{busy:>8.3f}{busy / idle:>10.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    for info in threadpool_info():
        if info["user_api"] == "blas":
            print(
                f"{info['internal_api']} {info.get('version')} "
                f"({info['num_threads']} threads): {info['filepath']}"
            )
    cutoff_table(args.repeat)
    contention_table(args.repeat)
