"""scikit-learn's callbacks (1.9+) on both estimators, and our own callbacks."""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._training._fit_tasks import HAS_CALLBACKS
from sk_deepmlp.callbacks import Checkpoint, EarlyStopping, History

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
needs_callbacks = pytest.mark.skipif(
    not HAS_CALLBACKS, reason="sklearn.callback needs scikit-learn >= 1.9"
)


@pytest.mark.skipif(HAS_CALLBACKS, reason="scikit-learn >= 1.9 has callbacks")
def test_set_callbacks_names_the_version_needed_before_1_9():
    with pytest.raises(
        RuntimeError, match=r"scikit-learn >= 1\.9.*" + sklearn.__version__
    ):
        DeepMLPClassifier().set_callbacks(History())


class Recorder:
    """Records every hook call, the fitted estimators it is handed, and can
    stop the fit after a given epoch or raise from a given hook."""

    def __init__(self, stop_after=None, raise_at_epoch=None, exception=None):
        self.stop_after = stop_after
        self.raise_at_epoch = raise_at_epoch
        self.exception = exception
        self.calls, self.snapshots = [], []

    def setup(self, estimator, context):
        self.calls.append("setup")

    def teardown(self, estimator, context):
        self.calls.append("teardown")

    def on_fit_task_begin(self, estimator, context):
        self.calls.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("end", context.task_name))
        if context.task_name in ("epoch", "lbfgs-iteration") and fitted_estimator:
            self.snapshots.append(fitted_estimator)
            epoch = len(self.snapshots)
            if epoch == self.raise_at_epoch:
                raise self.exception
            return epoch == self.stop_after
        return False


@pytest.fixture
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, random_state=0)


def fit_quietly(estimator, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **kwargs)


# ------------------------------------------------- scikit-learn's protocol
@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_one_task_per_epoch_and_snapshots_that_do_not_alias(digits, solver):
    X, _, y, _ = digits
    recorder = Recorder()
    params = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=8, random_state=0)
    clf = fit_quietly(DeepMLPClassifier(**params).set_callbacks(recorder), X, y)
    epochs = [c for c in recorder.calls if c[0] == "end" and c[1] != "fit"]
    assert len(epochs) == clf.n_iter_ == len(recorder.snapshots)
    assert recorder.calls[0] == "setup" and recorder.calls[-1] == "teardown"
    assert recorder.calls[1] == ("begin", "fit") and recorder.calls[-2] == (
        "end",
        "fit",
    )
    # every snapshot is the model as of its epoch: later epochs did not
    # change it, and the last one is the fitted model
    first, last = recorder.snapshots[0], recorder.snapshots[-1]
    assert first.n_iter_ == 1 and len(first.loss_curve_) == 1
    assert not np.array_equal(first.coefs_[0], clf.coefs_[0])
    np.testing.assert_array_equal(last.coefs_[0], clf.coefs_[0])
    np.testing.assert_array_equal(last.predict_proba(X), clf.predict_proba(X))
    # and the callbacks changed nothing in the training
    plain = fit_quietly(DeepMLPClassifier(**params), X, y)
    for a, b in zip(plain.coefs_, clf.coefs_):
        np.testing.assert_array_equal(a, b)


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_callback_stops_the_fit_and_leaves_it_consistent(digits, solver):
    X, X_test, y, _ = digits
    recorder = Recorder(stop_after=3)
    clf = DeepMLPClassifier((16,), solver=solver, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stop asked for is no convergence failure
        clf.set_callbacks(recorder).fit(X, y)
    assert clf.n_iter_ == 3 == len(clf.loss_curve_)
    np.testing.assert_array_equal(recorder.snapshots[-1].coefs_[1], clf.coefs_[1])
    assert clf.predict(X_test).shape == X_test.shape[:1]


@needs_callbacks
@pytest.mark.parametrize(
    "bad_fit",
    ["nan input", "divergence", "error in a callback"],
)
def test_teardown_runs_when_the_fit_fails(digits, bad_fit):
    X, _, y, _ = digits
    recorder = Recorder()
    clf = DeepMLPClassifier((16,), max_iter=5, random_state=0)
    if bad_fit == "nan input":
        X = X.copy()
        X[0, 0] = np.nan
    elif bad_fit == "divergence":
        X = X * 1e100
        clf.set_params(activation="identity", solver="sgd", learning_rate_init=1e6)
    else:
        recorder = Recorder(raise_at_epoch=2, exception=RuntimeError("boom"))
    clf.set_callbacks(recorder)
    with pytest.raises((ValueError, RuntimeError)), np.errstate(all="ignore"):
        clf.fit(X, y)
    assert recorder.calls[-1] == "teardown"
    assert not hasattr(clf, "coefs_")  # the failed fit left nothing behind
    assert not hasattr(clf, "_callback_fit_ctx")


@needs_callbacks
def test_an_interrupt_in_a_callback_keeps_the_finished_epochs(digits):
    X, _, y, _ = digits
    recorder = Recorder(raise_at_epoch=3, exception=KeyboardInterrupt())
    clf = DeepMLPClassifier((16,), max_iter=10, random_state=0).set_callbacks(recorder)
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == 3
    assert recorder.calls[-1] == "teardown"
    np.testing.assert_array_equal(recorder.snapshots[-1].coefs_[0], clf.coefs_[0])


@needs_callbacks
def test_partial_fit_is_a_task_of_its_own(digits):
    X, _, y, _ = digits
    recorder = Recorder()
    clf = DeepMLPClassifier((16,), random_state=0).set_callbacks(recorder)
    clf.partial_fit(X, y, classes=np.arange(10))
    clf.partial_fit(X, y)
    tasks = [c for c in recorder.calls if isinstance(c, tuple)]
    assert tasks == [("begin", "partial_fit"), ("end", "partial_fit")] * 2
    assert recorder.calls.count("teardown") == 2


@needs_callbacks
def test_clone_and_pickle_with_callbacks(digits):
    X, _, y, _ = digits
    history = History()
    clf = DeepMLPClassifier((16,), max_iter=3, random_state=0).set_callbacks(history)
    assert "callbacks" not in clf.get_params()
    twin = clone(clf)
    assert twin._skl_callbacks[0] is history  # scikit-learn shares instances
    fit_quietly(clf, X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    fit_quietly(restored, X, y)  # its own copy of the callback still works
    assert len(restored._skl_callbacks[0].loss_curve_) == 3


@needs_callbacks
def test_scoring_monitor_records_every_epoch_in_a_grid_search(digits):
    from sklearn.callback import ScoringMonitor

    X, _, y, _ = digits
    monitor = ScoringMonitor(scoring="accuracy")
    net = DeepMLPClassifier((8,), max_iter=4, random_state=0).set_callbacks(monitor)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), net),
        {"deepmlpclassifier__alpha": [1e-4, 1]},
        cv=2,
    )
    fit_quietly(search, X, y)
    rows = monitor.get_logs(select="all")
    epochs = [r for log in rows for r in log.data if r["task_name"] == "epoch"]
    assert len(epochs) == 5 * 4  # 2 candidates x 2 folds + the refit, 4 epochs each
    assert all(0 <= r["accuracy"] <= 1 for r in epochs)


@needs_callbacks
def test_progress_bar_in_a_parallel_grid_search_changes_no_result(digits):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, _, y, _ = digits

    def search():
        net = DeepMLPClassifier((8,), max_iter=5, random_state=0)
        grid = {"deepmlpclassifier__alpha": [1e-4, 1e-1]}
        return GridSearchCV(make_pipeline(StandardScaler(), net), grid, cv=2, n_jobs=2)

    plain = fit_quietly(search(), X, y)
    shown = fit_quietly(
        search().set_callbacks(ProgressBar(max_propagation_depth=None)), X, y
    )
    np.testing.assert_array_equal(
        plain.cv_results_["mean_test_score"], shown.cv_results_["mean_test_score"]
    )


# ------------------------------------------------------------- our callbacks
@needs_callbacks
def test_history_records_each_epoch_and_plots(digits):
    X, X_val, y, y_val = digits
    history = History(X_val=X_val, y_val=y_val)
    clf = fit_quietly(
        DeepMLPClassifier((16,), max_iter=6, random_state=0).set_callbacks(history),
        X,
        y,
    )
    assert history.loss_curve_ == clf.loss_curve_
    assert len(history.validation_scores_) == len(history.validation_loss_curve_) == 6
    assert history.validation_scores_[-1] == pytest.approx(clf.score(X_val, y_val))
    assert history.validation_loss_curve_[-1] == pytest.approx(clf._loss(X_val, y_val))
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    display = history.plot()
    assert len(display.lines_) == 3
    mpl.pyplot.close("all")


@needs_callbacks
@pytest.mark.parametrize("monitor", ["loss", "accuracy"])
def test_early_stopping_stops_and_restores_the_best_epoch(digits, monitor):
    X, X_val, y, y_val = digits
    stopper = EarlyStopping(X_val=X_val, y_val=y_val, monitor=monitor, patience=3)
    history = History(X_val=X_val, y_val=y_val)
    clf = DeepMLPClassifier(
        (64,), learning_rate_init=0.02, max_iter=200, random_state=0
    ).set_callbacks(history, stopper)
    fit_quietly(clf, X, y)
    assert stopper.stopped_epoch_ == clf.n_iter_ < 200
    assert stopper.best_epoch_ == clf.n_iter_ - 3
    curve = (
        history.validation_loss_curve_
        if monitor == "loss"
        else history.validation_scores_
    )
    best = np.argmin(curve) if monitor == "loss" else np.argmax(curve)
    assert stopper.best_epoch_ == best + 1
    # the model now is the best epoch's, not the last one's
    now = clf._loss(X_val, y_val) if monitor == "loss" else clf.score(X_val, y_val)
    assert now == pytest.approx(stopper.best_value_)
    assert now == pytest.approx(curve[best])


@needs_callbacks
def test_early_stopping_restores_batch_norm_statistics_too(digits):
    X, X_val, y, y_val = digits
    stopper = EarlyStopping(X_val=X_val, y_val=y_val, patience=2)
    clf = DeepMLPClassifier(
        (32,), batch_norm=True, learning_rate_init=0.05, max_iter=100, random_state=0
    ).set_callbacks(stopper)
    fit_quietly(clf, X, y)
    assert stopper.stopped_epoch_ is not None
    assert clf._loss(X_val, y_val) == pytest.approx(stopper.best_value_)


@needs_callbacks
def test_checkpoint_saves_the_best_model_so_far(digits, tmp_path):
    X, X_val, y, y_val = digits
    path = tmp_path / "best.joblib"
    checkpoint = Checkpoint(path, X_val=X_val, y_val=y_val)
    history = History(X_val=X_val, y_val=y_val)
    clf = DeepMLPClassifier((32,), learning_rate_init=0.05, max_iter=30, random_state=0)
    fit_quietly(clf.set_callbacks(history, checkpoint), X, y)
    saved = joblib.load(path)
    assert not hasattr(saved, "_skl_callbacks")  # a model, not a fit in progress
    best = int(np.argmin(history.validation_loss_curve_))
    assert checkpoint.best_epoch_ == best + 1
    assert saved.n_iter_ == best + 1
    assert saved._loss(X_val, y_val) == pytest.approx(
        history.validation_loss_curve_[best]
    )


@needs_callbacks
def test_callbacks_on_the_regressor():
    X, y = make_regression(n_samples=300, n_features=5, noise=5, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y / 50, random_state=0)
    stopper = EarlyStopping(X_val=X_val, y_val=y_val, monitor="r2", patience=3)
    history = History(X_val=X_val, y_val=y_val)
    reg = DeepMLPRegressor(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=300, random_state=0
    )
    fit_quietly(reg.set_callbacks(history, stopper), X_train, y_train)
    assert history.validation_scores_[stopper.best_epoch_ - 1] == pytest.approx(
        reg.score(X_val, y_val)
    )


def test_callback_arguments_are_checked():
    with pytest.raises(ValueError, match="both X_val and y_val"):
        History(X_val=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="pass X_val and y_val"):
        EarlyStopping(monitor="accuracy")
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
