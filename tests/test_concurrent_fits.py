"""Fits running at once in threads stay independent (issue 32): BLAS's
thread counts are what they were before, and each fit trains the model it
trains alone.

Each test runs in a fresh process in which no thread has set a BLAS limit
yet: in this pytest process the main thread has already fitted, and
threadpoolctl's rule for a pthreads OpenBLAS (only the first thread that set
a limit can change it) then hides the leak.
"""

import subprocess
import sys
import textwrap

import pytest

from sk_deepmlp._training import _threads

pytestmark = pytest.mark.skipif(
    _threads.numpy_blas() is None, reason="threadpoolctl sees no BLAS library here"
)

PRELUDE = """
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.datasets import make_classification
from threadpoolctl import threadpool_info

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._network._network import Network
from sk_deepmlp._training import _threads

warnings.simplefilter("ignore")
seen = {}  # fitting thread -> the thread counts of NumPy's BLAS at each step
_loss_grad = Network.loss_grad


def loss_grad(self, *args, **kwargs):
    counts = {i["num_threads"] for i in _threads.numpy_blas().info()}
    seen.setdefault(threading.get_ident(), set()).update(counts)
    return _loss_grad(self, *args, **kwargs)


Network.loss_grad = loss_grad
X, y = make_classification(n_samples=2000, n_features=20, random_state=0)


def counts():
    return sorted(
        (i["filepath"], i["num_threads"])
        for i in threadpool_info()
        if i["user_api"] == "blas"
    )


def fit(kind):
    estimator, params, dtype = CONFIGS[kind]
    target = y if estimator is DeepMLPClassifier else X[:, 0] + y
    model = estimator(max_iter=MAX_ITER, random_state=0, **params)
    seen.pop(threading.get_ident(), None)
    model.fit(X.astype(dtype), target)
    return model, seen.pop(threading.get_ident())


def arrays(model):
    return [*model.coefs_, *model.intercepts_]
"""


def run(script):
    result = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_concurrent_fits_leave_every_blas_at_its_thread_count():
    out = run(
        """
        small = dict(hidden_layer_sizes=(32,))
        CONFIGS = {
            "lbfgs": (DeepMLPClassifier, dict(small, solver="lbfgs"), float),
            "adam": (DeepMLPClassifier, small, float),
        }
        MAX_ITER = 5
        before = counts()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(fit, ["lbfgs", "adam"] * 4))
        after = counts()
        print(after == before)
        print(not _threads.user_chose_threads(_threads.numpy_blas()))
        """
    )
    assert out == ["True", "True"]


def test_concurrent_fits_train_the_model_each_trains_alone():
    out = run(
        """
        # small and large products (a 2,000-row batch of 20 x 128 is above the
        # one-thread cut-off), every solver, both precisions
        small = dict(hidden_layer_sizes=(32,))
        wide = dict(hidden_layer_sizes=(128,))
        full = dict(wide, batch_size=2000)
        CONFIGS = {
            "lbfgs": (DeepMLPClassifier, dict(small, solver="lbfgs"), float),
            "lbfgs wide": (DeepMLPRegressor, dict(wide, solver="lbfgs"), float),
            "adam": (DeepMLPClassifier, small, np.float32),
            "adam full batch": (DeepMLPClassifier, full, float),
            "sgd": (DeepMLPRegressor, dict(small, solver="sgd"), float),
            "sgd full batch": (DeepMLPRegressor, dict(full, solver="sgd"), np.float32),
        }
        MAX_ITER = 8
        # alone first, in the main thread, as a user fits before a search
        alone = {kind: fit(kind) for kind in CONFIGS}
        kinds = list(CONFIGS) * 2
        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(fit, kinds))
        for kind, (model, counts) in zip(kinds, together):
            # the same thread counts, as well as the same bits: on some
            # hosts BLAS rounds the same on any count, and bits alone
            # would not show a fit that ran on another's count
            same = counts == alone[kind][1] and all(
                np.array_equal(a, b)
                for a, b in zip(arrays(alone[kind][0]), arrays(model))
            )
            print(f"{kind.replace(' ', '_')}={same}")
        """
    )
    assert out and all(line.endswith("=True") for line in out), out
