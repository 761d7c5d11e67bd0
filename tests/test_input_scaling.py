"""input_scaling='robust': median and IQR scaling with a smooth clip, binary
columns left alone, as the network's first box."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._network._inputs import (
    robust_scale,
    robust_statistics,
    weighted_quantiles,
)

SMALL = dict(hidden_layer_sizes=(8,), max_iter=15, random_state=0)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 6))
    X[:, 0] = np.exp(2 * X[:, 0])  # a heavy tail
    X[:, 1] = X[:, 1] > 0.3  # a flag
    X[:, 2] = np.where(X[:, 2] > 0, 4.0, -1.0)  # two values, not 0/1
    X[:, 3] = 7.0  # constant
    X[:, 4] = np.round(X[:, 4])  # few values: IQR may be 0
    y = (X[:, 0] + X[:, 5] > 1).astype(int)
    return X, y


def fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


def test_the_statistics(data):
    X, _ = data
    offset, factor, scaled = robust_statistics(X)
    assert scaled.tolist() == [True, False, False, False, True, True]
    q25, median, q75 = np.quantile(X, [0.25, 0.5, 0.75], axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(offset[[0, 5]], median[[0, 5]])
    np.testing.assert_allclose(factor[[0, 5]], 1 / (q75 - q25)[[0, 5]])
    # left alone: the two binary columns and the constant one (two values at most)
    np.testing.assert_array_equal(offset[1:4], 0.0)
    np.testing.assert_array_equal(factor[1:4], 1.0)
    Z = robust_scale(X, offset, factor, scaled)
    np.testing.assert_array_equal(Z[:, 1:4], X[:, 1:4])
    assert np.abs(Z[:, scaled]).max() < 3  # the smooth clip's bound
    # monotone per column: the order of the values is kept
    for j in np.flatnonzero(scaled):
        order = np.argsort(X[:, j], kind="stable")
        assert (np.diff(Z[order, j]) >= 0).all()


def test_a_column_with_equal_quartiles_uses_half_its_range():
    X = np.zeros((20, 1))
    X[-2:, 0] = [4.0, 10.0]  # quartiles 0, three distinct values
    offset, factor, scaled = robust_statistics(X)
    assert scaled[0] and offset[0] == 0.0 and factor[0] == 1 / 5.0


def test_weights_equal_repeated_rows(data):
    X, _ = data
    w = np.random.RandomState(1).randint(0, 4, len(X))
    repeated = np.repeat(X, w, axis=0)
    for a, b in zip(robust_statistics(X, w), robust_statistics(repeated)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        weighted_quantiles(X, (0.1, 0.5, 0.9), w.astype(float)),
        weighted_quantiles(repeated, (0.1, 0.5, 0.9)),
    )


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_training_equals_training_on_the_scaled_data(data, solver):
    X, y = data
    model = fit(DeepMLPClassifier(input_scaling="robust", solver=solver, **SMALL), X, y)
    scaled = robust_scale(
        X, model.input_offset_, model.input_factor_, model.input_scaled_
    )
    plain = fit(DeepMLPClassifier(solver=solver, **SMALL), scaled, y)
    for a, b in zip(model.coefs_, plain.coefs_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict_proba(X), plain.predict_proba(scaled))


def test_inputs_are_left_untouched_and_the_model_pickles(data):
    X, y = data
    X_copy = X.copy()
    model = fit(DeepMLPRegressor(input_scaling="robust", **SMALL), X, y.astype(float))
    prediction = model.predict(X)
    np.testing.assert_array_equal(X, X_copy)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), prediction)


def test_sparse_input_is_refused_at_fit_and_densified_at_predict(data):
    X, y = data
    model = DeepMLPClassifier(input_scaling="robust", **SMALL)
    with pytest.raises(ValueError, match="input_scaling='robust' needs dense X"):
        model.fit(sparse.csr_matrix(X), y)
    assert not hasattr(model, "coefs_")
    fit(model, X, y)
    np.testing.assert_array_equal(
        model.predict_proba(sparse.csr_matrix(X)), model.predict_proba(X)
    )


def test_partial_fit_keeps_the_first_statistics_and_continuing_cannot_switch(data):
    X, y = data
    model = DeepMLPClassifier(input_scaling="robust", **SMALL)
    model.partial_fit(X[:75], y[:75], classes=[0, 1])
    stats = [a.copy() for a in (model.input_offset_, model.input_factor_)]
    model.partial_fit(10 * X[75:], y[75:])
    np.testing.assert_array_equal(model.input_offset_, stats[0])
    np.testing.assert_array_equal(model.input_factor_, stats[1])
    with pytest.raises(ValueError, match="input_scaling=None does not match"):
        fit(model.set_params(input_scaling=None, warm_start=True), X, y)
    plain = fit(DeepMLPClassifier(warm_start=True, **SMALL), X, y)
    with pytest.raises(ValueError, match="input_scaling='robust' does not match"):
        fit(plain.set_params(input_scaling="robust"), X, y)
    assert "input_scaled_" not in vars(plain)


def test_gradients(data):
    X, y = data
    params = {**SMALL, "hidden_layer_sizes": (5, 4)}
    model = fit(DeepMLPClassifier(input_scaling="robust", **params), X, y)
    assert check_gradients(model, X[:20], y[:20]) < 1e-6


def test_standard_scaling_is_a_standard_scaler_ahead(data):
    from sklearn.preprocessing import StandardScaler

    X, y = data
    X = X[:, [0, 4, 5, 1]] * [1.0, 100.0, 0.01, 1.0] + [3.0, 3.0, 3.0, 0.0]
    ours = fit(DeepMLPClassifier(input_scaling="standard", **SMALL), X, y)
    scaled = StandardScaler().fit_transform(X)
    scaled[:, -1] = X[:, -1]  # the flag is left alone
    ahead = fit(DeepMLPClassifier(**SMALL), scaled, y)
    assert not ours.input_scaled_.any()  # nothing clipped
    assert ours.input_factor_[-1] == 1 and ours.input_offset_[-1] == 0
    np.testing.assert_allclose(
        ours.predict_proba(X), ahead.predict_proba(scaled), rtol=1e-8, atol=1e-10
    )


def test_standard_statistics_weights_equal_repeated_rows(data):
    from sk_deepmlp._network._inputs import standard_statistics

    X, _ = data
    weights = np.arange(len(X)) % 3
    repeated = np.repeat(X, weights, axis=0)
    for a, b in zip(standard_statistics(X, weights), standard_statistics(repeated)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    constant = np.column_stack([X[:, 0], np.full(len(X), 7.0), X[:, 1]])
    offset, factor, _ = standard_statistics(constant)
    assert offset[1] == 0 and factor[1] == 1  # at most two values: left alone
