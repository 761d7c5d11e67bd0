"""DeepMLPRegressor beside MLPRegressor, and what regression users rely on."""

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.datasets import load_diabetes, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import MLPRegressor

from sk_deepmlp import DeepMLPRegressor, check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# what the installed MLPRegressor can be compared on: sample_weight and loss
# arrived in scikit-learn 1.7 (CI also runs the oldest supported, 1.6)
THEIRS_TAKES_WEIGHTS = "sample_weight" in inspect.signature(MLPRegressor.fit).parameters
THEIRS_HAS_POISSON = "loss" in inspect.signature(MLPRegressor).parameters
needs_weights = pytest.mark.skipif(
    not THEIRS_TAKES_WEIGHTS, reason="MLPRegressor takes sample_weight from 1.7"
)

FAST = dict(hidden_layer_sizes=(12,), max_iter=40, random_state=0)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X[:250], y[:250] / y.std()


@pytest.fixture(scope="module")
def multi_output():
    X, Y = make_regression(
        n_samples=150, n_features=6, n_targets=3, noise=5.0, random_state=0
    )
    return X, Y / Y.std(axis=0)


def fit_both(X, y, sample_weight=None, **params):
    weights = {} if sample_weight is None else {"sample_weight": sample_weight}
    ours = DeepMLPRegressor(**params).fit(X, y, **weights)
    theirs = MLPRegressor(**params).fit(X, y, **weights)
    return ours, theirs


def max_weight_difference(ours, theirs):
    return max(
        np.abs(a - b).max()
        for a, b in zip(
            ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_
        )
    )


# ---------------------------------------------------------------- parity
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize(
    "target", ["single", "multi-output", "poisson", "weighted", "early stopping"]
)
def test_same_model_as_mlpregressor(diabetes, multi_output, solver, target):
    if target == "early stopping" and solver == "lbfgs":
        pytest.skip("lbfgs ignores early_stopping, in both")
    if target == "weighted" and not THEIRS_TAKES_WEIGHTS:
        pytest.skip("MLPRegressor takes sample_weight from scikit-learn 1.7")
    if target == "poisson" and not THEIRS_HAS_POISSON:
        pytest.skip("MLPRegressor has loss='poisson' from scikit-learn 1.7")
    X, y = multi_output if target == "multi-output" else diabetes
    params = dict(FAST, solver=solver)
    sample_weight = None
    if target == "poisson":
        y, params["loss"] = np.abs(y), "poisson"
    if target == "weighted":
        sample_weight = np.random.RandomState(1).uniform(0.2, 3.0, len(y))
    if target == "early stopping":
        params.update(early_stopping=True, n_iter_no_change=3)
    ours, theirs = fit_both(X, y, sample_weight, **params)
    assert ours.n_iter_ == theirs.n_iter_
    # round-off; L-BFGS's line searches amplify it over the iterations
    assert max_weight_difference(ours, theirs) < (1e-6 if solver == "lbfgs" else 1e-10)
    assert ours.loss_ == pytest.approx(
        theirs.loss_, rel=1e-9 if solver != "lbfgs" else 1e-7
    )
    if solver != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    if target == "early stopping":
        np.testing.assert_allclose(
            ours.validation_scores_, theirs.validation_scores_, rtol=1e-9
        )
        assert ours.best_validation_score_ == pytest.approx(
            theirs.best_validation_score_, rel=1e-9
        )
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-6)
    for name in ("n_outputs_", "n_layers_", "out_activation_", "t_"):
        assert getattr(ours, name) == getattr(theirs, name), name


@needs_weights
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_as_mlpregressor(diabetes, solver):
    X, y = diabetes
    w = np.random.RandomState(2).uniform(0.5, 2.0, len(y))
    # shuffle=False: MLPRegressor re-seeds at every partial_fit (each call
    # shuffles alike), where we continue one random stream (documented)
    params = dict(hidden_layer_sizes=(8,), random_state=0, solver=solver)
    params["shuffle"] = False
    ours, theirs = DeepMLPRegressor(**params), MLPRegressor(**params)
    for _ in range(3):
        ours.partial_fit(X, y, w)  # positionally, in MLPRegressor's order
        theirs.partial_fit(X, y, w)
    assert max_weight_difference(ours, theirs) < 1e-10


def test_same_predictions_shape_as_mlpregressor(diabetes, multi_output):
    X, y = diabetes
    ours, theirs = fit_both(X, y, **FAST)
    assert ours.predict(X).shape == theirs.predict(X).shape == (len(y),)
    X, Y = multi_output
    ours, theirs = fit_both(X, Y, **FAST)
    assert ours.predict(X).shape == theirs.predict(X).shape == Y.shape
    assert ours.score(X, Y) == pytest.approx(theirs.score(X, Y), rel=1e-9)


# ------------------------------------------------------------ behaviours
def test_partial_fit_is_absent_where_it_cannot_work():
    assert not hasattr(DeepMLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(DeepMLPRegressor(early_stopping=True), "partial_fit")
    assert hasattr(DeepMLPRegressor(solver="rmsprop"), "partial_fit")


def test_poisson_predictions_are_positive_and_learn_a_rate():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (400, 2))
    rate = np.exp(1.0 + X[:, 0] - 0.5 * X[:, 1])
    y = rng.poisson(rate)
    reg = DeepMLPRegressor(
        loss="poisson", hidden_layer_sizes=(8,), solver="lbfgs", random_state=0
    ).fit(X, y)
    predicted = reg.predict(X)
    assert (predicted > 0).all() and reg.out_activation_ == "exp"
    assert np.corrcoef(predicted, rate)[0, 1] > 0.95


@pytest.mark.parametrize(
    "params",
    [
        dict(activation=["leaky_relu", "tanh"], hidden_layer_sizes=(8, 6)),
        dict(weight_init="he_normal"),
        dict(dropout=0.2),
        dict(solver="rmsprop"),
        dict(early_stopping=True),
    ],
)
def test_deep_learning_features_work_for_regression(diabetes, params):
    X, y = diabetes
    reg = DeepMLPRegressor(**{**FAST, "max_iter": 200, **params}).fit(X, y)
    assert np.isfinite(reg.loss_) and reg.loss_ < reg.loss_curve_[0]
    if reg.early_stopping:
        assert len(reg.validation_loss_curve_) == reg.n_iter_
        assert reg.best_validation_score_ == max(reg.validation_scores_)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_check_gradients_on_a_regressor(loss, n_outputs):
    rng = np.random.RandomState(0)
    X = rng.randn(15, 4)
    Y = rng.poisson(2.0, (15, n_outputs)).astype(float)
    y = Y.ravel() if n_outputs == 1 else Y
    reg = DeepMLPRegressor(
        loss=loss, hidden_layer_sizes=(5, 4), activation="tanh", alpha=0.3
    ).partial_fit(X, y)
    w = rng.uniform(0.5, 2.0, 15)
    assert check_gradients(reg, X, y, sample_weight=w) < 1e-7


def test_float32_sparse_and_pandas_input(diabetes):
    X, y = diabetes
    reg = DeepMLPRegressor(**FAST).fit(X.astype(np.float32), y)
    assert reg.coefs_[0].dtype == np.float32
    assert reg.predict(X.astype(np.float32)).dtype == np.float32
    dense = DeepMLPRegressor(**FAST).fit(X, y)
    sp = DeepMLPRegressor(**FAST).fit(sparse.csr_matrix(X), y)
    np.testing.assert_allclose(dense.predict(X), sp.predict(X), rtol=1e-8)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    named = DeepMLPRegressor(**FAST).fit(frame, pd.Series(y))
    assert list(named.feature_names_in_) == list(frame.columns)


def test_divergence_is_a_clear_error_and_changes_nothing(diabetes):
    X, y = diabetes
    reg = DeepMLPRegressor(**FAST, solver="sgd", warm_start=True).fit(X, y)
    before = [c.copy() for c in reg.coefs_]
    with pytest.raises(ValueError, match="Solver produced non-finite"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg.set_params(learning_rate_init=1e6).fit(X * 1e100, y * 1e100)
    for a, b in zip(reg.coefs_, before):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------- bad input
BAD = {
    "NaN in y": (lambda y: np.where(y > 1, np.nan, y), {}, "NaN"),
    "inf in y": (lambda y: np.where(y > 1, np.inf, y), {}, "infinity"),
    "text y": (lambda y: y.astype(str), {}, "needs numbers.*DeepMLPClassifier"),
    "negative y, poisson": (lambda y: y - 10, {"loss": "poisson"}, "non-negative"),
}


@pytest.mark.parametrize("bad", sorted(BAD))
@pytest.mark.parametrize("fitted", [False, True])
def test_bad_targets_get_a_clear_error_and_change_nothing(diabetes, bad, fitted):
    X, y = diabetes
    make_y, params, match = BAD[bad]
    reg = DeepMLPRegressor(**FAST, **params, warm_start=True)
    if fitted:
        reg.fit(X, np.abs(y))
        before = reg.predict(X)
    y_bad = make_y(np.abs(y))
    y_bad_copy = y_bad.copy()
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y_bad)
    np.testing.assert_array_equal(y_bad, y_bad_copy)  # the input is untouched
    if fitted:
        np.testing.assert_array_equal(reg.predict(X), before)
    else:
        with pytest.raises(NotFittedError):
            reg.predict(X)


def test_number_of_outputs_cannot_change_between_partial_fits(multi_output):
    X, Y = multi_output
    reg = DeepMLPRegressor(**FAST).partial_fit(X, Y)
    before = reg.predict(X)
    with pytest.raises(ValueError, match="3 outputs; this data gives .* and 2"):
        reg.partial_fit(X, Y[:, :2])
    np.testing.assert_array_equal(reg.predict(X), before)


@pytest.mark.parametrize(
    "first, then", [("squared_error", "poisson"), ("poisson", "squared_error")]
)
def test_continuing_cannot_change_the_loss(diabetes, first, then):
    """MLPRegressor keeps training the first loss's output when ``loss``
    changes under warm_start or partial_fit; ours refuses, and changes
    nothing. A fresh fit takes the new loss."""
    X, y = diabetes
    y = np.abs(y)
    reg = DeepMLPRegressor(loss=first, **FAST).fit(X, y)
    before = reg.predict(X)
    with pytest.raises(
        ValueError, match=f"loss='{then}' does not match .* loss='{first}'"
    ):
        reg.set_params(loss=then, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=f"loss='{then}' does not match"):
        reg.partial_fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), before)
    reg.set_params(warm_start=False).fit(X, y)
    assert reg.out_activation_ == {"squared_error": "identity", "poisson": "exp"}[then]
