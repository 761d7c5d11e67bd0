import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPClassifier

pytest.importorskip("tqdm")

# a few epochs per fit: the bar is the point, not convergence
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize(
    "solver, tol, unit", [("adam", 10.0, "epoch"), ("lbfgs", 1e-4, "iteration")]
)
def test_progress_bar_shows_steps_and_loss(binary_data, capsys, solver, tol, unit):
    X, y = binary_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(5,),
        solver=solver,
        max_iter=200,
        tol=tol,  # adam stops after 4 epochs: the bar ends short of max_iter
        n_iter_no_change=2,
        progress_bar=True,
    )
    clf.fit(X, y)
    err = capsys.readouterr().err
    final = err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{clf.n_iter_}/200" in final and unit in final
    assert f"loss={clf.loss_:.3g}" in final


def test_progress_bar_shows_validation_score(multiclass_data, capsys):
    X, y = multiclass_data
    DeepMLPClassifier(
        hidden_layer_sizes=(5,), early_stopping=True, max_iter=3, progress_bar=True
    ).fit(X, y)
    assert "val_score=" in capsys.readouterr().err


def test_no_bar_by_default_and_verbose_keeps_its_lines(binary_data, capsys):
    X, y = binary_data
    DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=2, verbose=True).fit(X, y)
    out, err = capsys.readouterr()
    assert "Iteration 2, loss = " in out and "epoch" not in err


def test_partial_fit_shows_no_bar(binary_data, capsys):
    X, y = binary_data
    DeepMLPClassifier(progress_bar=True).partial_fit(X, y, classes=[0, 1])
    assert "epoch" not in capsys.readouterr().err


def test_clear_import_error_without_tqdm_leaves_the_model_intact(
    binary_data, monkeypatch
):
    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=300, random_state=0)
    clf.fit(X, y)
    before = clf.predict_proba(X)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    # a command that works from a clone of the repository, not a package name
    with pytest.raises(ImportError, match=r'pip install "\.\[progress\]"'):
        clf.set_params(progress_bar=True, warm_start=False).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    with pytest.raises(ImportError, match="tqdm"):
        DeepMLPClassifier(progress_bar=True).fit(X, y)


def test_warnings_come_after_the_bar_has_closed(binary_data, monkeypatch):
    from tqdm.auto import tqdm

    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=3, progress_bar=True)
    shown_when_the_bar_closed = []
    real_close = tqdm.close

    def close(bar):
        shown_when_the_bar_closed.append(len(shown))
        real_close(bar)

    monkeypatch.setattr(tqdm, "close", close)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        clf.fit(X, y)
    # nothing was shown over the bar (tqdm may close it again when collected)
    assert shown_when_the_bar_closed[0] == 0
    assert [w.category for w in shown] == [ConvergenceWarning]


def test_held_back_warnings_still_reach_pytest_warns(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=2, progress_bar=True)
    with pytest.warns(ConvergenceWarning, match="Maximum iterations \\(2\\)"):
        clf.fit(X, y)


def test_the_regressor_has_the_bar_too(capsys):
    from sklearn.datasets import load_diabetes

    from sk_deepmlp import DeepMLPRegressor

    X, y = load_diabetes(return_X_y=True)
    reg = DeepMLPRegressor(hidden_layer_sizes=(5,), max_iter=4, progress_bar=True)
    reg.fit(X, y / y.std())
    final = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert final.startswith("DeepMLPRegressor") and "4/4" in final


def test_fits_with_a_bar_in_threads_hold_back_warnings_one_at_a_time():
    """catch_warnings swaps the warnings module's global state: interleaved
    in two threads, the second to leave would put back the first's, and
    leave warnings filtered as inside a fit for the rest of the process."""
    import threading
    import warnings

    from sk_deepmlp._training._progress import deferred_warnings

    filters, show = list(warnings.filters), warnings.showwarning
    first_in, second_tried, second_in = (threading.Event() for _ in range(3))
    seen = {}

    def first():
        with deferred_warnings(True):
            first_in.set()
            second_tried.wait(5)
            seen["second inside too"] = second_in.wait(0.2)

    def second():
        first_in.wait(5)
        second_tried.set()
        with deferred_warnings(True):
            second_in.set()

    threads = [threading.Thread(target=f) for f in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"second inside too": False}  # it waited for the first
    assert second_in.is_set()
    assert warnings.filters == filters and warnings.showwarning is show
