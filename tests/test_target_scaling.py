"""scale_target: the regressor trains on scaled targets and predicts in the
data's units."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPRegressor

SMALL = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    y = np.exp(X[:, 0] / 2) + X[:, 1] ** 2  # positive, for Poisson too
    return X, y


def fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_the_model_does_not_depend_on_the_targets_units(data, loss, solver):
    X, y = data
    shift = 0.0 if loss == "poisson" else 5e3  # Poisson's targets stay >= 0
    a = fit(
        DeepMLPRegressor(loss=loss, solver=solver, scale_target=True, **SMALL), X, y
    )
    b = fit(
        DeepMLPRegressor(loss=loss, solver=solver, scale_target=True, **SMALL),
        X,
        1e3 * y + shift,
    )
    # the same scaled targets, to rounding: the same weights and loss
    for wa, wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-9)
    assert a.loss_ == pytest.approx(b.loss_, rel=1e-6)
    np.testing.assert_allclose(
        b.predict(X), 1e3 * a.predict(X) + shift, rtol=1e-6, atol=1e-6
    )
    assert a.score(X, y) == pytest.approx(b.score(X, 1e3 * y + shift), abs=1e-6)


def test_the_statistics_and_what_they_mean(data):
    X, y = data
    Y = np.column_stack([y, 10 * y - 3, np.full_like(y, 2.0)])
    reg = fit(DeepMLPRegressor(scale_target=True, **SMALL), X, Y)
    np.testing.assert_allclose(reg.target_offset_, Y.mean(axis=0))
    np.testing.assert_allclose(reg.target_scale_, [y.std(), 10 * y.std(), 1.0])
    poisson = fit(DeepMLPRegressor(loss="poisson", scale_target=True, **SMALL), X, y)
    np.testing.assert_array_equal(poisson.target_offset_, [0.0])
    np.testing.assert_allclose(poisson.target_scale_, [y.mean()])
    assert (poisson.predict(X) > 0).all()


def test_without_it_the_model_is_the_default_one(data):
    X, y = data
    plain = fit(DeepMLPRegressor(**SMALL), X, y)
    scaled = fit(DeepMLPRegressor(scale_target=True, **SMALL), X, y)
    assert "target_scale_" not in vars(plain)
    assert not np.array_equal(plain.coefs_[0], scaled.coefs_[0])
    # a fresh fit without it forgets the statistics
    fit(scaled.set_params(scale_target=False), X, y)
    assert "target_scale_" not in vars(scaled)
    np.testing.assert_array_equal(scaled.coefs_[0], plain.coefs_[0])


def test_partial_fit_and_warm_start_keep_the_first_statistics(data):
    X, y = data
    reg = DeepMLPRegressor(scale_target=True, **SMALL)
    reg.partial_fit(X[:60], y[:60])
    offset, scale = reg.target_offset_.copy(), reg.target_scale_.copy()
    reg.partial_fit(X[60:], 100 * y[60:])
    np.testing.assert_array_equal(reg.target_offset_, offset)
    np.testing.assert_array_equal(reg.target_scale_, scale)
    fit(reg.set_params(warm_start=True), X, 3 * y)
    np.testing.assert_array_equal(reg.target_scale_, scale)


@pytest.mark.parametrize("first, then", [(True, False), (False, True)])
def test_continuing_cannot_switch_it(data, first, then):
    X, y = data
    reg = fit(DeepMLPRegressor(scale_target=first, **SMALL), X, y)
    before = [c.copy() for c in reg.coefs_]
    with pytest.raises(ValueError, match=f"scale_target={then} does not match"):
        fit(reg.set_params(scale_target=then, warm_start=True), X, y)
    with pytest.raises(ValueError, match=f"scale_target={then} does not match"):
        reg.partial_fit(X, y)
    for a, b in zip(before, reg.coefs_):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_scores_in_either_units_alike(data):
    # R² does not change under an affine map of the targets
    X, y = data
    params = dict(early_stopping=True, validation_fraction=0.25, **SMALL)
    a = fit(DeepMLPRegressor(scale_target=True, **params), X, y)
    b = fit(DeepMLPRegressor(scale_target=True, **params), X, 1e3 * y - 7)
    np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, atol=1e-6)
