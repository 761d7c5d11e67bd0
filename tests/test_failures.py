"""No failure leaves a broken model behind: bad input, interrupts, divergence."""

import threading
import tracemalloc
import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sk_deepmlp import DeepMLPClassifier
from sk_deepmlp._network._network import Network
from sk_deepmlp._training import _loops as _training
from sk_deepmlp._training._optimizers import SGDOptimizer
from sk_deepmlp._training._threads import scipy_own_blas, scipy_own_blas_on_one_thread

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(6,), max_iter=20, random_state=0)


def fitted_state(clf):
    """Every attribute that a fit sets, with arrays copied, for comparisons."""
    state = {}
    for name, value in vars(clf).items():
        if name.endswith("_") or name.startswith("_"):
            if isinstance(value, np.ndarray):
                value = value.copy()
            elif isinstance(value, list):
                value = [v.copy() if isinstance(v, np.ndarray) else v for v in value]
            state[name] = value
    return state


def assert_same_state(clf, state):
    now = fitted_state(clf)
    assert set(now) == set(state)
    for name, value in state.items():
        if name in ("_random_state", "_optimizer", "_label_binarizer"):
            assert now[name] is value, name  # the very same object, untouched
            continue
        if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            for a, b in zip(now[name], value):
                np.testing.assert_array_equal(a, b)
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(now[name], value)
        else:
            assert now[name] == value or (value != value and now[name] != now[name])


# ------------------------------------------------------------ failed fits
BAD_FITS = {
    "NaN in X": lambda X, y: (np.where(X > 1, np.nan, X), y, {}),
    "other n_features": lambda X, y: (X[:, :3], y, {}),
    "unknown class in y": lambda X, y: (X, np.where(y == 0, 7, y), {}),
    "negative sample_weight": lambda X, y: (X, y, {"sample_weight": -np.ones(len(y))}),
    "text X": lambda X, y: (X.astype(str), y, {}),
    "pandas Series X": lambda X, y: (_series(X[:, 0]), y, {}),
    "y mixing str and int": lambda X, y: (X, _mixed(y), {}),
    "2-D y mixing str and int": lambda X, y: (
        X,
        np.column_stack([_mixed(y), _mixed(1 - y)]),
        {},
    ),
}


def _series(values):
    pd = pytest.importorskip("pandas")
    return pd.Series(values)


def _mixed(y):
    """Labels of object dtype, strings and ints mixed."""
    return np.array(["zero" if v == 0 else 1 for v in y], dtype=object)


@pytest.mark.parametrize("bad", sorted(BAD_FITS))
@pytest.mark.parametrize("continuing", ["fresh", "refit", "warm_start", "partial_fit"])
def test_failed_fit_leaves_the_estimator_as_it_was(binary_data, bad, continuing):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, warm_start=continuing == "warm_start")
    if continuing != "fresh":
        clf.fit(X, y)
        proba = clf.predict_proba(X)
    state = fitted_state(clf)
    X_bad, y_bad, kwargs = BAD_FITS[bad](X, y)
    method = clf.partial_fit if continuing == "partial_fit" else clf.fit
    if continuing in ("fresh", "refit") and bad in (
        "unknown class in y",
        "other n_features",
    ):
        pytest.skip("a new model may have any labels and features")
    with pytest.raises(ValueError):
        method(X_bad, y_bad, **kwargs)
    assert_same_state(clf, state)
    if continuing == "fresh":
        with pytest.raises(NotFittedError):
            clf.predict(X)
    else:
        np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_bad_parameter_on_refit_keeps_the_model(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL).fit(X, y)
    proba, state = clf.predict_proba(X), fitted_state(clf)
    for bad in (
        dict(activation=["relu", "tanh"]),
        dict(dropout={0: 0.1}),
        dict(class_weight={0: np.nan}),
        dict(hidden_layer_sizes=(10**6, 10**6)),
    ):
        with pytest.raises(ValueError):
            clf.set_params(**bad).fit(X, y)
        clf.set_params(**SMALL, activation="relu", dropout=0.0, class_weight=None)
        assert_same_state(clf, state)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


# --------------------------------------------------------------- Ctrl-C
def interrupt_after(monkeypatch, n_calls):
    """Make the n-th call of the gradient (1-based) raise KeyboardInterrupt."""
    original, calls = Network.loss_grad, [0]

    def loss_grad(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] == n_calls:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_grad", loss_grad)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_interrupt_before_anything_finished_propagates_and_changes_nothing(
    binary_data, monkeypatch, solver
):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, solver=solver)
    interrupt_after(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not hasattr(clf, "classes_") and not hasattr(clf, "n_features_in_")
    monkeypatch.undo()
    assert clf.fit(X, y).n_iter_ > 0  # and it can be refit


def test_interrupt_in_first_epoch_of_a_warm_start_keeps_the_old_model(
    binary_data, monkeypatch
):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, warm_start=True).fit(X, y)
    proba, state = clf.predict_proba(X), fitted_state(clf)
    interrupt_after(monkeypatch, 1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    assert_same_state(clf, state)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_interrupt_mid_fit_keeps_the_last_finished_epoch(
    binary_data, monkeypatch, early_stopping
):
    X, y = binary_data  # 120 samples (108 with ES), batch 50: 3 batches per epoch
    params = dict(SMALL, batch_size=50, early_stopping=early_stopping)
    per_epoch = 3
    reference = DeepMLPClassifier(**dict(params, max_iter=2)).fit(X, y)
    interrupt_after(monkeypatch, 2 * per_epoch + 2)  # mid third epoch
    clf = DeepMLPClassifier(**params)
    with pytest.warns(UserWarning, match="interrupted by user after 2 finished"):
        clf.fit(X, y)
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2
    assert clf.t_ == reference.t_
    assert clf.loss_ == clf.loss_curve_[-1] == reference.loss_curve_[-1]
    if early_stopping:
        assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 2
        assert clf.best_validation_score_ == max(clf.validation_scores_)
    for a, b in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_array_equal(a, b)
    assert not hasattr(clf, "_optimizer")  # mid-epoch moments are not kept
    monkeypatch.undo()
    clf.predict(X)
    clf.set_params(early_stopping=False).partial_fit(X, y)  # a fresh optimiser
    assert clf.n_iter_ == 1


def test_interrupt_mid_lbfgs_keeps_the_last_iterate(binary_data, monkeypatch):
    X, y = binary_data
    interrupt_after(monkeypatch, 8)
    clf = DeepMLPClassifier(**SMALL, solver="lbfgs")
    with pytest.warns(UserWarning, match="interrupted by user"):
        clf.fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) > 0
    assert clf.loss_ == clf.loss_curve_[-1] == clf.best_loss_
    monkeypatch.undo()
    net = Network(
        [X.shape[1], 6, 1], ["relu"], "logistic", np.float64, exact_loss=False
    )
    net.load(clf.coefs_, clf.intercepts_)
    assert net.loss_grad(X, y[:, None].astype(float), None, clf.alpha) == (
        pytest.approx(clf.loss_, rel=1e-12)
    )


# ------------------------------------------------------------- divergence
def test_a_diverged_partial_fit_does_not_poison_the_next_ones(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(6,), solver="sgd", random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    first_loss = clf.loss_
    velocities = [v.copy() for v in clf._optimizer.velocities]
    with pytest.raises(ValueError, match="non-finite"):
        clf.partial_fit(X * 1e200, y)
    for a, b in zip(clf._optimizer.velocities, velocities):
        np.testing.assert_array_equal(a, b)  # the optimiser was rolled back too
    for _ in range(3):
        clf.partial_fit(X, y)  # and training goes on
    assert np.isfinite(clf.loss_) and clf.loss_ < first_loss


def test_absurd_finite_weights_count_as_divergence(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, solver="sgd").partial_fit(X, y, classes=[0, 1])
    clf.coefs_[0][...] = 1e151  # finite, but far beyond any useful model
    with pytest.raises(ValueError, match="absurdly large"):
        clf.partial_fit(X, y)
    assert np.all(clf.coefs_[0] == 1e151)  # untouched: the estimator as it was


def test_divergence_limit_depends_on_dtype():
    for dtype, limit in ((np.float64, 1e150), (np.float32, 1e15)):
        net = Network([2, 1], [], "logistic", dtype)
        net.params[:] = limit / 2
        _training.raise_if_diverged(net, 1.0, "sgd")
        net.params[:] = limit * 10
        with pytest.raises(ValueError, match="absurdly large"):
            _training.raise_if_diverged(net, 1.0, "sgd")


@pytest.mark.parametrize("value", [np.finfo(np.float64).max, 1e300])
def test_inputs_near_the_float_maximum_get_a_clear_error_not_nan(binary_data, value):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL).fit(X, y)
    X_huge = np.full((3, X.shape[1]), value)
    try:
        proba = clf.predict_proba(X_huge)
    except ValueError as error:
        assert "too large" in str(error)
    else:
        assert np.isfinite(proba).all()
    clf = DeepMLPClassifier(**SMALL)
    try:
        clf.fit(np.full_like(X, value), y)
    except ValueError as error:
        assert "non-finite" in str(error)
    else:
        assert np.isfinite(clf.predict_proba(np.full_like(X, value))).all()


# ------------------------------------------------- changes between fits
@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
@pytest.mark.parametrize(
    "change",
    [
        dict(early_stopping=True),
        dict(early_stopping=False),
        dict(solver="sgd"),
        dict(solver="rmsprop"),
        dict(activation="tanh"),
        dict(learning_rate_init=0.01, beta_1=0.5),
    ],
)
def test_changed_parameters_between_fits(binary_data, method, change):
    X, y = binary_data
    first = dict(early_stopping=not change.get("early_stopping", True))
    clf = DeepMLPClassifier(**SMALL, **first, warm_start=True).fit(X, y)
    clf.set_params(**change)
    if method == "partial_fit" and clf.early_stopping:
        with pytest.raises(ValueError, match="partial_fit does not support"):
            clf.partial_fit(X, y)
        return
    getattr(clf, "fit" if method == "warm_start" else "partial_fit")(X, y)
    assert np.isfinite(clf.loss_) and clf.predict(X).shape == y.shape
    if clf.early_stopping:
        assert clf.best_loss_ is None and len(clf.validation_scores_) >= 1
    else:
        assert clf.validation_scores_ is None and clf.best_loss_ <= clf.loss_
    if "solver" in change:
        assert clf._optimizer_key[0] == change["solver"]


def test_partial_fit_continues_the_optimiser_when_nothing_changed(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, batch_size=50)
    clf.partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)
    assert clf._optimizer.t == 2 * 3  # 120 samples in batches of 50: 3 steps each
    clf.set_params(beta_1=0.5).partial_fit(X, y)
    assert clf._optimizer.t == 3  # new settings: a fresh optimiser


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop"])
def test_continue_a_model_loaded_read_only(binary_data, tmp_path, solver):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, solver=solver, warm_start=True).fit(X, y)
    clf.partial_fit(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(clf, path)
    loaded = joblib.load(path, mmap_mode="r")
    assert not loaded.coefs_[0].flags.writeable
    expected = joblib.load(path).partial_fit(X, y)
    loaded.partial_fit(X, y)
    for a, b in zip(loaded.coefs_, expected.coefs_):
        np.testing.assert_array_equal(a, b)
    joblib.load(path, mmap_mode="r").fit(X, y)  # warm start too


def test_optimizer_pickles_carry_no_scratch_arrays():
    params = [np.zeros(1000)]
    opt = SGDOptimizer(params)
    state = opt.__getstate__()
    assert "_states" not in state
    clone = SGDOptimizer.__new__(SGDOptimizer)
    clone.__setstate__(state)
    clone.update_params(params, [np.ones(1000)])
    assert params[0][0] != 0


# ---------------------------------------------------------------- memory
def test_a_network_too_big_for_memory_is_refused_before_allocating(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(10**6, 10**6))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"1,000,00\d,000,00\d parameters.*GiB"):
            clf.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20  # nothing near the 8 TB that the weights need
    with pytest.raises(NotFittedError):
        clf.predict(X)


# ------------------------------------------------------- class weights
@pytest.mark.parametrize(
    "class_weight, match",
    [
        ({0: np.nan}, "finite non-negative"),
        ({0: np.inf}, "finite non-negative"),
        ({0: -1.0}, "finite non-negative"),
        ({0: "heavy"}, "finite non-negative"),
        ({0: None}, "finite non-negative"),
        ({0: 0, 1: 0.0}, "every class a weight of 0"),
        ({3: 1.0}, r"names classes \[3\] that are not among the classes \[0, 1\]"),
    ],
)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_bad_class_weight_values_get_a_clear_error(
    binary_data, class_weight, match, solver
):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, solver=solver, class_weight=class_weight)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_class_weight_error_shows_plain_numbers(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, class_weight={np.int64(3): 1.0})
    with pytest.raises(ValueError) as error:
        clf.fit(X, y)
    assert "np.int64" not in str(error.value) and "[3]" in str(error.value)


@pytest.mark.parametrize("part", ["training", "validation"])
def test_zero_weights_on_one_side_of_the_split_name_it(binary_data, part):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, early_stopping=True, validation_fraction=0.5)
    # the split is drawn from the seed: find which rows land where
    rows = np.arange(len(y))
    seen = {}

    def spy(record, net, config, hooks, X_val, *args):
        seen["val"] = X_val
        raise KeyboardInterrupt

    original = _training._update_validation
    _training._update_validation = spy
    try:
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y, sample_weight=np.ones(len(y)))
    finally:
        _training._update_validation = original
    in_val = np.isin(X[:, 0], seen["val"][:, 0])
    weights = (in_val if part == "training" else ~in_val).astype(float)
    assert rows[weights > 0].size  # a valid weighting of the whole data
    with pytest.raises(ValueError, match=f"the {part} part of the early-stopping"):
        clf.fit(X, y, sample_weight=weights)


def test_all_zero_weight_after_class_weight(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, solver="lbfgs", class_weight={0: 0.0})
    with pytest.raises(ValueError, match="weight of 0"):
        clf.fit(X, y, sample_weight=(y == 0).astype(float))


# ------------------------------------------------------------- threads
def scipy_blas_threads():
    own = scipy_own_blas()
    return None if own is None else {lib["num_threads"] for lib in own.info()}


def test_blas_limit_is_reference_counted_across_threads(monkeypatch):
    """The first fit in limits, the last one out restores, whatever the order,
    and every change is made on one thread, whichever fit's thread asks.

    A recording stand-in replaces threadpoolctl here, so that the test sees
    each change and the thread that made it.
    """
    log, changed_on = [], set()

    class Library:
        num_threads = 2

        def set_num_threads(self, count):
            log.append("limit" if count == 1 else "restore")
            changed_on.add(threading.get_ident())
            self.num_threads = count

        def get_num_threads(self):
            return self.num_threads

    class Selection:
        lib_controllers = [Library()]

        def info(self):
            return [{"num_threads": self.lib_controllers[0].num_threads}]

    def limit():
        return Selection()

    monkeypatch.setattr(scipy_own_blas_on_one_thread, "start", limit)
    first_in, second_in, first_out = (threading.Event() for _ in range(3))
    seen = {}

    def first():
        with scipy_own_blas_on_one_thread():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with scipy_own_blas_on_one_thread():
            second_in.set()
            first_out.wait(5)
            seen["inside after the first left"] = list(log)

    threads = [threading.Thread(target=f) for f in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    # limited once, still limited when the first fit left, restored once
    assert seen["inside after the first left"] == ["limit"]
    assert log == ["limit", "restore"]
    assert scipy_own_blas_on_one_thread.users == 0
    assert len(changed_on) == 1 and threading.get_ident() not in changed_on


def test_concurrent_lbfgs_fits_leave_the_blas_pool_as_found(binary_data):
    original = scipy_blas_threads()
    if original is None:
        pytest.skip("SciPy shares NumPy's BLAS here: nothing is limited")
    X, y = binary_data
    errors = []

    def fit(seed):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                DeepMLPClassifier(
                    hidden_layer_sizes=(20,), solver="lbfgs", random_state=seed
                ).fit(X, y)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    for _ in range(3):
        threads = [threading.Thread(target=fit, args=(s,)) for s in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert scipy_blas_threads() == original


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam", batch_size=40),
        dict(solver="sgd", batch_size=40, early_stopping=True),
        dict(solver="lbfgs"),
    ],
    ids=["adam", "sgd-early-stopping", "lbfgs"],
)
def test_ctrl_c_at_any_step_leaves_a_consistent_estimator(
    binary_data, monkeypatch, params
):
    """Fault injection: interrupt at each gradient evaluation in turn."""
    X, y = binary_data
    for n_calls in range(1, 16):
        monkeypatch.undo()
        interrupt_after(monkeypatch, n_calls)
        clf = DeepMLPClassifier(hidden_layer_sizes=(4,), max_iter=4, **params)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(X, y)
        except KeyboardInterrupt:
            assert not hasattr(clf, "coefs_") and not hasattr(clf, "classes_")
            continue
        assert clf.n_iter_ == len(clf.loss_curve_) >= 1
        assert clf.loss_ == clf.loss_curve_[-1]
        if clf.early_stopping:
            assert len(clf.validation_scores_) == clf.n_iter_
            assert clf.best_validation_score_ == max(clf.validation_scores_)
        assert all(np.isfinite(c).all() for c in clf.coefs_ + clf.intercepts_)
        assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_divergence_after_a_scored_epoch_keeps_the_best_epoch(
    binary_data, monkeypatch, estimator
):
    """With early stopping the best epoch is a usable model: divergence ends
    the fit there with a warning instead of an error, the diverged epoch
    recorded with a NaN score, as in scikit-learn (test_mlp_diverging_loss)."""
    from sk_deepmlp import DeepMLPRegressor

    X, y = binary_data
    cls = DeepMLPClassifier if estimator == "classifier" else DeepMLPRegressor
    # the 6th gradient (one batch an epoch) reports a NaN loss: epoch 6 diverges
    original, calls = Network.loss_grad, [0]

    def loss_grad(self, *args, **kwargs):
        calls[0] += 1
        loss = original(self, *args, **kwargs)
        return np.nan if calls[0] == 6 else loss

    monkeypatch.setattr(Network, "loss_grad", loss_grad)
    est = cls(hidden_layer_sizes=(8,), early_stopping=True, max_iter=20)
    with pytest.warns(ConvergenceWarning, match=r"diverged in epoch 6 \(loss nan\)"):
        est.set_params(random_state=0).fit(X, y)
    assert est.n_iter_ == 6
    assert np.isnan(est.validation_scores_[-1])
    assert np.isfinite(est.validation_scores_[:-1]).all()
    assert est.best_validation_score_ == max(est.validation_scores_[:-1])
    assert len(est.validation_scores_) == len(est.loss_curve_) == est.n_iter_
    # the weights are those of the best epoch: as if the fit had stopped there
    monkeypatch.undo()
    best = int(np.nanargmax(est.validation_scores_)) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        shorter = cls(hidden_layer_sizes=(8,), max_iter=best, random_state=0)
        shorter.set_params(early_stopping=True, n_iter_no_change=100).fit(X, y)
    for a, b in zip(est.coefs_, shorter.coefs_):
        np.testing.assert_array_equal(a, b)


def test_divergence_before_any_finite_score_is_an_error():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    est = DeepMLPClassifier(
        activation="identity",
        solver="sgd",
        learning_rate_init=1e6,
        early_stopping=True,
        random_state=0,
    )
    with pytest.raises(ValueError, match="non-finite"), np.errstate(all="ignore"):
        est.fit(X * 1e100, y)
    with pytest.raises(NotFittedError):
        est.predict(X)
