"""Training runs NumPy's BLAS on one thread where its products are too small
for more to pay, unless the user chose a thread count (_threads)."""

import pytest

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._network._network import Network
from sk_deepmlp._training import _threads

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def blas():
    selection = _threads.numpy_blas()
    if selection is None:
        pytest.skip("threadpoolctl sees no BLAS library here")
    return selection


def threads(selection):
    return {info["num_threads"] for info in selection.info()}


@pytest.fixture
def during_training(monkeypatch, blas):
    """The BLAS thread counts seen at each gradient evaluation."""
    seen = []
    original = Network.loss_grad

    def loss_grad(self, *args, **kwargs):
        seen.append(threads(blas))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_grad", loss_grad)
    return seen


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_small_products_train_on_one_thread(
    binary_data, blas, during_training, estimator, solver
):
    X, y = binary_data
    before = threads(blas)
    estimator(hidden_layer_sizes=(16,), solver=solver, max_iter=3).fit(X, y)
    assert during_training and all(seen == {1} for seen in during_training)
    assert threads(blas) == before  # restored


def test_large_products_keep_every_thread(binary_data, blas, during_training):
    X, y = binary_data
    before = threads(blas)
    # 120 rows * 6 inputs * 6,000 units: 4.3e6 multiply-adds, above the cut-off
    assert _threads.largest_product([6, 6000, 1], 120) >= _threads.ONE_THREAD_BELOW
    DeepMLPClassifier(hidden_layer_sizes=(6000,), solver="lbfgs", max_iter=2).fit(X, y)
    assert during_training and all(seen == before for seen in during_training)


@pytest.mark.parametrize("variable", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_an_environment_variable_wins(blas, variable):
    """Set before Python starts, as BLAS reads it when it loads: the fit
    keeps the count it asks for, even where one thread would do."""
    import os
    import subprocess
    import sys

    script = """
import warnings
from sklearn.datasets import make_classification
from sk_deepmlp import DeepMLPClassifier
from sk_deepmlp._training import _threads
from sk_deepmlp._network._network import Network
seen, original = [], Network.loss_grad
def loss_grad(self, *args, **kwargs):
    seen.extend(i["num_threads"] for i in _threads.numpy_blas().info())
    return original(self, *args, **kwargs)
Network.loss_grad = loss_grad
warnings.simplefilter("ignore")
X, y = make_classification(n_samples=120, n_features=6, random_state=0)
DeepMLPClassifier(hidden_layer_sizes=(16,), max_iter=2).fit(X, y)
print(sorted(set(seen)))
"""
    # only this one: dask's distributed leaves others set in this process
    env = {k: v for k, v in os.environ.items() if k not in _threads._USER_VARIABLES}
    env[variable] = "2"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[2]"]


def test_a_variable_set_after_blas_loaded_is_not_a_choice(
    binary_data, blas, during_training, monkeypatch
):
    """dask's distributed sets OPENBLAS_NUM_THREADS=1 in its own process for
    its workers' sake; the BLAS already loaded keeps its threads, and small
    fits still go to one thread."""
    X, y = binary_data
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    DeepMLPClassifier(hidden_layer_sizes=(16,), max_iter=2).fit(X, y)
    assert during_training and all(seen == {1} for seen in during_training)


def test_a_thread_count_the_user_set_wins(
    binary_data, blas, during_training, monkeypatch
):
    """A count other than the one the library started with is the user's
    (threadpoolctl's limits): it is left alone."""
    X, y = binary_data
    before = threads(blas)
    started = {path: count + 3 for path, count in _threads._started_with.items()}
    monkeypatch.setattr(_threads, "_started_with", started)
    DeepMLPClassifier(hidden_layer_sizes=(16,), max_iter=2).fit(X, y)
    assert during_training and all(seen == before for seen in during_training)


def test_largest_product_counts_the_widest_layer():
    # layers 10 -> 64 -> 32 -> 3 on batches of 200 rows: 64 * 32 is the widest
    assert _threads.largest_product([10, 64, 32, 3], 200) == 200 * 64 * 32
