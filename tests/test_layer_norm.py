"""layer_norm: the maths, its gradients, and its place in every way of
training and predicting (the box added to prove the block design)."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._estimator._gradient_check import numerical_gradient
from sk_deepmlp._network._activations import ACTIVATIONS
from sk_deepmlp._network._layernorm import EPSILON, layer_norm, layer_norm_backward
from sk_deepmlp._network._network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_forward_normalises_each_row_over_its_units():
    rng = np.random.RandomState(0)
    Z = rng.normal(3, 5, (7, 6))
    gamma, beta = rng.uniform(0.5, 2, 6), rng.normal(0, 1, 6)
    out, z_hat = Z.copy(), np.empty_like(Z)
    sigma = layer_norm(out, gamma, beta, z_hat)
    mu = Z.mean(axis=1, keepdims=True)
    expected = (Z - mu) / np.sqrt(Z.var(axis=1, keepdims=True) + EPSILON)
    np.testing.assert_allclose(z_hat, expected, rtol=1e-12)
    np.testing.assert_allclose(out, gamma * expected + beta, rtol=1e-12)
    np.testing.assert_allclose(sigma.ravel(), np.sqrt(Z.var(axis=1) + EPSILON))
    # no statistics across rows: a row alone gives the same result
    alone = Z[2:3].copy()
    layer_norm(alone, gamma, beta)
    np.testing.assert_allclose(alone, out[2:3], rtol=1e-12)


def test_backward_is_the_gradient_of_the_forward():
    rng = np.random.RandomState(1)
    Z, G = rng.normal(0, 2, (5, 4)), rng.normal(0, 1, (5, 4))
    gamma, beta = rng.uniform(0.5, 2, 4), rng.normal(0, 1, 4)

    def f():  # a scalar of the output: sum of G * z_tilde
        out = Z_flat.reshape(Z.shape).copy()
        layer_norm(out, gamma, beta)
        return float((G * out).sum())

    Z_flat = Z.ravel().copy()
    numeric = numerical_gradient(f, Z_flat).reshape(Z.shape)
    out, z_hat = Z.copy(), np.empty_like(Z)
    sigma = layer_norm(out, gamma, beta, z_hat)
    dgamma, dbeta = np.empty(4), np.empty(4)
    dZ = layer_norm_backward(G.copy(), z_hat, gamma, sigma, dgamma, dbeta)
    np.testing.assert_allclose(dZ, numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dgamma, (G * z_hat).sum(0), rtol=1e-12)
    np.testing.assert_allclose(dbeta, G.sum(0), rtol=1e-12)


@pytest.fixture
def data(multiclass_data):
    X, y = multiclass_data
    return (X - X.mean(0)) / X.std(0), y


def fitted(X, y, **params):
    params = {"hidden_layer_sizes": (8, 6), "max_iter": 5, "random_state": 0, **params}
    cls = DeepMLPRegressor if params.pop("regressor", False) else DeepMLPClassifier
    return cls(**params).fit(X, y)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_with_each_activation(data, activation):
    X, y = data
    clf = fitted(X, y, layer_norm=True, activation=activation)
    assert check_gradients(clf, X[:30], y[:30]) < 1e-5


@pytest.mark.parametrize(
    "params",
    [
        dict(layer_norm=[True, False], batch_norm=[False, True]),
        dict(layer_norm=[False, True], dropout=0.3),
        dict(layer_norm=True, alpha=0.1, sample_weight=True),
        dict(layer_norm=True, regressor=True),
    ],
    ids=["batch norm on the other layer", "dropout", "sample weights", "regressor"],
)
def test_gradients_beside_other_features(data, params):
    X, y = data
    params = dict(params)
    weights = np.linspace(0.1, 2, 30) if params.pop("sample_weight", 0) else None
    target = X[:, 0] if params.get("regressor") else y
    est = fitted(X, target, **params)
    error = check_gradients(est, X[:30], target[:30], sample_weight=weights)
    assert error < 1e-5


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "lbfgs"])
def test_every_solver_trains_gamma_and_beta(data, solver):
    X, y = data
    clf = fitted(X, y, layer_norm=True, solver=solver, max_iter=20)
    for gamma, beta in zip(clf.layer_norm_gamma_, clf.layer_norm_beta_):
        assert not np.allclose(gamma, 1) and not np.allclose(beta, 0)
    assert "batch_norm_gamma_" not in vars(clf)
    # the bias is kept and trained, unlike batch norm's
    assert all(np.abs(b).max() > 0 for b in clf.intercepts_[:-1])


def test_alpha_and_weight_decay_leave_gamma_and_beta_alone(data):
    X, y = data
    net = Network([8, 6, 3], ["relu"], "softmax", np.float64, layer_norm=[True])
    net.params[...] = np.random.RandomState(0).normal(0, 0.5, net.n_params)
    Y = np.eye(3)[y]
    net.loss_grad(X, Y, None, 0.0)
    plain = net.grad.copy()
    net.loss_grad(X, Y, None, 10.0)
    tail = slice(net.n_params - 12, None)  # gamma and beta, 6 units each
    np.testing.assert_array_equal(net.grad[tail], plain[tail])
    assert not np.array_equal(net.grad[: net.n_coefs], plain[: net.n_coefs])
    # weight decay shrinks params[:n_coefs] (_training): gamma and beta lie
    # beyond it, with the biases
    weights = net.params[: net.n_coefs]
    for vector in net.ln_gammas + net.ln_betas:
        assert not np.shares_memory(vector, weights)
        assert np.shares_memory(vector, net.params[net.n_coefs :])


def test_prediction_computes_what_training_computes(data):
    X, y = data
    clf = fitted(X, y, layer_norm=[False, True], max_iter=10)
    net = clf._network(X.dtype)
    np.testing.assert_allclose(clf.decision_function(X), net.forward(X), rtol=1e-12)
    # one row at a time, and in chunks, as in one pass
    one_by_one = np.vstack([clf.decision_function(X[i : i + 1]) for i in range(5)])
    np.testing.assert_allclose(one_by_one, clf.decision_function(X[:5]), rtol=1e-12)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(hidden_layer_sizes=(8, 1), layer_norm=True), "it has one unit"),
        (dict(batch_norm=True, layer_norm=[True, False]), "both batch_norm and"),
        (dict(layer_norm=[True]), "layer_norm has 1 entries"),
        (dict(layer_norm=["yes", False]), "entries must be True or False"),
    ],
)
def test_refusals(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        fitted(X, y, **params)


def test_partial_fit_warm_start_and_batches_of_one_row(data):
    X, y = data
    clf = DeepMLPClassifier((8,), layer_norm=True, batch_size=1, random_state=0)
    for part in np.array_split(np.arange(len(X)), 3):
        clf.partial_fit(X[part], y[part], classes=[0, 1, 2])
    gamma = clf.layer_norm_gamma_[0].copy()
    clf.partial_fit(X[:1], y[:1])  # one row: no batch statistics needed
    assert not np.array_equal(clf.layer_norm_gamma_[0], gamma)
    warm = fitted(X, y, layer_norm=True, warm_start=True)
    before = warm.layer_norm_beta_[1].copy()
    warm.fit(X, y)
    assert not np.array_equal(warm.layer_norm_beta_[1], before)
    with pytest.raises(ValueError, match="cannot\\s+add or remove layer"):
        warm.set_params(layer_norm=False).fit(X, y)


def test_early_stopping_keeps_the_best_epochs_gamma(data):
    X, y = data
    clf = fitted(X, y, layer_norm=True, early_stopping=True, max_iter=30, tol=0.0)
    best = int(np.argmax(clf.validation_scores_)) + 1
    shorter = fitted(
        X,
        y,
        layer_norm=True,
        early_stopping=True,
        max_iter=best,
        n_iter_no_change=1000,
        tol=0.0,
    )
    for a, b in zip(clf.layer_norm_gamma_, shorter.layer_norm_gamma_):
        np.testing.assert_array_equal(a, b)


def test_pickles_and_callbacks_snapshots_carry_it(data):
    X, y = data
    clf = fitted(X, y, layer_norm=[True, False])
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    snapshot = clf._reconstruction_attributes()
    assert snapshot["layer_norm_gamma_"][1] is None
    np.testing.assert_array_equal(
        snapshot["layer_norm_gamma_"][0], clf.layer_norm_gamma_[0]
    )
    assert snapshot["layer_norm_gamma_"][0] is not clf.layer_norm_gamma_[0]


def test_a_fresh_fit_forgets_a_previous_layer_norm(data):
    X, y = data
    clf = fitted(X, y, layer_norm=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_params(layer_norm=False).fit(X, y)
    assert "layer_norm_gamma_" not in vars(clf)
