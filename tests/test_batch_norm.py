"""Batch normalisation: its boxes, its gradients, its statistics, its edges."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._estimator._gradient_check import network_gradient_error
from sk_deepmlp._network._batchnorm import EPSILON, batch_norm_forward, row_weights
from sk_deepmlp._network._network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def random_network(batch_norm, activations, seed=0, dropout=None):
    """A float64 network with random parameters, gamma and beta included (the
    identity gamma = 1, beta = 0 would hide mistakes in their gradients)."""
    units = [5, 7, 6, 3]
    net = Network(
        units,
        activations,
        "softmax",
        np.float64,
        dropout,
        exact_loss=True,
        batch_norm=batch_norm,
    )
    net.params[...] = np.random.RandomState(seed).normal(0, 0.7, net.n_params)
    return net


def batch(seed=1, m=12):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(m, 5))
    Y = np.eye(3)[rng.randint(0, 3, m)]
    return X, Y


# ------------------------------------------------------------------ the boxes
def test_forward_box_against_the_closed_form():
    rng = np.random.RandomState(0)
    Z = rng.normal(2, 3, size=(10, 4))
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    z_hat = np.empty_like(Z)
    out = Z.copy()
    mean, var, sigma = batch_norm_forward(out, gamma, beta, None, z_hat)
    np.testing.assert_allclose(mean, Z.mean(0))
    np.testing.assert_allclose(var, Z.var(0))
    expected = gamma * (Z - Z.mean(0)) / np.sqrt(Z.var(0) + EPSILON) + beta
    np.testing.assert_allclose(out, expected)
    np.testing.assert_allclose(sigma, np.sqrt(Z.var(0) + EPSILON))


def test_integer_sample_weights_are_repeated_rows():
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(6, 3))
    weights = np.array([1.0, 3.0, 0.0, 2.0, 1.0, 1.0])
    gamma, beta = np.ones(3), np.zeros(3)
    w = row_weights(weights, Z.dtype)
    weighted = batch_norm_forward(Z.copy(), gamma, beta, w, np.empty_like(Z))
    repeated_Z = np.repeat(Z, weights.astype(int), axis=0)
    repeated = batch_norm_forward(
        repeated_Z.copy(), gamma, beta, None, np.empty_like(repeated_Z)
    )
    for a, b in zip(weighted, repeated):
        np.testing.assert_allclose(a, b)


# --------------------------------------------------------------- the gradients
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.5])
@pytest.mark.parametrize(
    "activations",
    [["relu", "tanh"], ["gelu", "silu"], ["elu", "softplus"], ["selu", "logistic"]],
)
def test_gradients_match_finite_differences(activations, alpha, weighted):
    net = random_network([True, True], activations)
    X, Y = batch()
    sw = np.random.RandomState(2).uniform(0, 2, len(X)) if weighted else None
    assert network_gradient_error(net, X, Y, sw, alpha) < 1e-7


def test_gradients_with_fixed_dropout_masks_and_one_normalised_layer():
    net = random_network([False, True], ["relu", "gelu"], dropout=[0.3, 0.5])
    X, Y = batch()
    masks = net.draw_masks(len(X), np.random.RandomState(3))
    assert network_gradient_error(net, X, Y, None, 0.1, masks=masks) < 1e-7


def test_the_gradient_check_catches_a_wrong_batch_norm_backward(monkeypatch):
    from sk_deepmlp._network import _blocks

    def ignores_the_statistics(dZ, z_hat, gamma, sigma, sw, dgamma, dbeta):
        dbeta[...] = dZ.sum(0)
        dgamma[...] = (dZ * z_hat).sum(0)
        return dZ * gamma / sigma  # as if mean and variance were constants

    monkeypatch.setattr(_blocks, "batch_norm_backward", ignores_the_statistics)
    net = random_network([True, True], ["relu", "tanh"])
    assert network_gradient_error(net, *batch(), None, 0.0) > 1e-3


def test_check_gradients_on_a_fitted_model_with_batch_norm(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        (6, 5), activation="tanh", batch_norm=True, alpha=0.1, random_state=0
    ).partial_fit(X, y, classes=np.unique(y))
    sw = np.linspace(0.5, 2, 20)
    assert check_gradients(clf, X[:20], y[:20]) < 1e-7
    assert check_gradients(clf, X[:20], y[:20], sample_weight=sw) < 1e-7


def test_l2_and_weight_decay_leave_gamma_and_beta_alone():
    net = random_network([True, True], ["relu", "relu"])
    X, Y = batch()
    net.loss_grad(X, Y, None, 0.0)
    plain = net.grad.copy()
    net.loss_grad(X, Y, None, 10.0)
    tail = slice(net.n_params - 2 * (7 + 6), net.n_params)  # gammas and betas
    np.testing.assert_array_equal(net.grad[tail], plain[tail])
    assert not np.array_equal(net.grad[: net.n_coefs], plain[: net.n_coefs])


# ------------------------------------------------------------- the estimator
@pytest.mark.parametrize("solver", ["adam", "sgd", "rmsprop", "lbfgs"])
def test_every_solver_trains_gamma_and_beta_and_keeps_the_bias_at_zero(
    multiclass_data, solver
):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        (10, 6), batch_norm=[True, False], solver=solver, max_iter=30, random_state=0
    ).fit(X, y)
    assert not np.allclose(clf.batch_norm_gamma_[0], 1)
    assert not np.allclose(clf.batch_norm_beta_[0], 0)
    assert clf.batch_norm_gamma_[1] is None and clf.batch_norm_mean_[1] is None
    np.testing.assert_array_equal(clf.intercepts_[0], 0)
    assert np.any(clf.intercepts_[1] != 0)


def test_lbfgs_predicts_with_the_training_sets_statistics(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        (10,), batch_norm=True, solver="lbfgs", max_iter=30, random_state=0
    ).fit(X, y)
    Z = X @ clf.coefs_[0]  # the first layer's linear step (its bias is 0)
    np.testing.assert_allclose(clf.batch_norm_mean_[0], Z.mean(0), atol=1e-12)
    np.testing.assert_allclose(clf.batch_norm_var_[0], Z.var(0), rtol=1e-10)


def test_running_averages_follow_the_momentum(multiclass_data):
    X, y = multiclass_data
    X = X[:50]
    clf = DeepMLPClassifier(
        (10,), batch_norm=True, batch_norm_momentum=0.7, batch_size=50, random_state=0
    )
    start = DeepMLPClassifier(
        (10,), batch_norm=True, learning_rate_init=1e-300, batch_size=50, random_state=0
    ).partial_fit(X, y[:50], classes=np.unique(y))
    clf.partial_fit(X, y[:50], classes=np.unique(y))  # one batch: one update
    Z = X @ start.coefs_[0]  # the statistics are taken before the step
    np.testing.assert_allclose(clf.batch_norm_mean_[0], 0.3 * Z.mean(0))
    np.testing.assert_allclose(clf.batch_norm_var_[0], 0.7 + 0.3 * Z.var(0))
    mean_after_one = clf.batch_norm_mean_[0].copy()
    clf.partial_fit(X, y[:50])  # partial_fit continues the averages
    assert not np.allclose(clf.batch_norm_mean_[0], mean_after_one)


def test_prediction_uses_the_running_statistics_and_is_deterministic(
    multiclass_data,
):
    X, y = multiclass_data
    clf = DeepMLPClassifier((10, 8), batch_norm=True, max_iter=20, random_state=0).fit(
        X, y
    )
    # the prediction-time network by hand, normalisation not folded
    A = X
    for layer in range(2):
        Z = A @ clf.coefs_[layer] + clf.intercepts_[layer]
        Z = (Z - clf.batch_norm_mean_[layer]) / np.sqrt(
            clf.batch_norm_var_[layer] + EPSILON
        )
        A = np.maximum(
            clf.batch_norm_gamma_[layer] * Z + clf.batch_norm_beta_[layer], 0
        )
    logits = A @ clf.coefs_[2] + clf.intercepts_[2]
    np.testing.assert_allclose(clf.decision_function(X), logits, rtol=1e-10)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    # one row at a time: no batch statistics at prediction
    np.testing.assert_allclose(
        clf.predict_proba(X[:1]), clf.predict_proba(X)[:1], rtol=1e-12
    )


def test_a_batch_of_one_sample_is_refused_not_nan(multiclass_data):
    X, y = multiclass_data
    with pytest.raises(ValueError, match="batches of at least 2 samples"):
        DeepMLPClassifier(batch_norm=True, batch_size=1).fit(X, y)
    clf = DeepMLPClassifier(batch_norm=True, random_state=0)
    clf.partial_fit(X[:10], y[:10], classes=np.unique(y))
    before = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="batches of at least 2 samples"):
        clf.partial_fit(X[:1], y[:1])
    for old, new in zip(before, clf.coefs_):  # the failed call changed nothing
        np.testing.assert_array_equal(old, new)


def test_a_last_batch_of_one_joins_the_one_before():
    X, y = make_classification(n_samples=41, n_features=5, random_state=0)
    clf = DeepMLPClassifier(
        (8,), batch_norm=True, batch_size=20, shuffle=False, max_iter=5, random_state=0
    ).fit(X, y)
    assert clf.t_ == 5 * 41  # every sample was seen
    assert all(np.isfinite(c).all() for c in clf.coefs_)
    assert np.isfinite(clf.batch_norm_var_[0]).all()


def test_warm_start_and_partial_fit_cannot_add_or_remove_it(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier((8,), max_iter=5, warm_start=True, random_state=0)
    clf.fit(X, y)
    clf.set_params(batch_norm=True)
    with pytest.raises(ValueError, match="cannot add or remove batch norm"):
        clf.fit(X, y)
    assert not hasattr(clf, "batch_norm_gamma_")  # the failed fit left no trace


def test_warm_start_continues_gamma_beta_and_statistics(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        (8,), batch_norm=True, max_iter=5, warm_start=True, random_state=0
    ).fit(X, y)
    gamma, mean = clf.batch_norm_gamma_[0].copy(), clf.batch_norm_mean_[0].copy()
    clf.set_params(max_iter=1, learning_rate_init=1e-300)
    clf.fit(X, y)  # a step of ~0: gamma kept, the averages move on from mean
    np.testing.assert_allclose(clf.batch_norm_gamma_[0], gamma)
    assert not np.array_equal(clf.batch_norm_mean_[0], mean)
    assert np.linalg.norm(clf.batch_norm_mean_[0] - mean) < np.linalg.norm(mean)


def test_default_is_off_and_adds_no_attributes(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    fitted = set(vars(clf)) - set(clf.get_params())
    assert not any(name.startswith("batch_norm") for name in fitted)


def test_early_stopping_restores_the_best_epochs_statistics(
    multiclass_data, validation_record
):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        (8,),
        batch_norm=True,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=3,
        max_iter=60,
        learning_rate_init=0.05,
        random_state=0,
    ).fit(X, y)
    best = int(np.argmax(clf.validation_scores_))
    assert best < clf.n_iter_ - 1  # the fit went on past its best epoch
    n = 8
    np.testing.assert_array_equal(
        clf.batch_norm_mean_[0], validation_record[best]["stats"][:n]
    )
    np.testing.assert_array_equal(
        clf.batch_norm_var_[0], validation_record[best]["stats"][n:]
    )
    last = validation_record[-1]["stats"]
    assert not np.array_equal(last[:n], clf.batch_norm_mean_[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_input_float32_and_pickles(multiclass_data, dtype):
    X, y = multiclass_data
    X = X.astype(dtype)
    dense = DeepMLPClassifier((8,), batch_norm=True, max_iter=5, random_state=0)
    dense.fit(X, y)
    sparse_fit = DeepMLPClassifier((8,), batch_norm=True, max_iter=5, random_state=0)
    sparse_fit.fit(sparse.csr_matrix(X), y)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(
        dense.predict_proba(X), sparse_fit.predict_proba(X), rtol=tol, atol=tol
    )
    assert dense.batch_norm_gamma_[0].dtype == dtype
    restored = pickle.loads(pickle.dumps(dense))
    np.testing.assert_array_equal(restored.predict_proba(X), dense.predict_proba(X))


def test_regressor_with_batch_norm(multiclass_data):
    X, _ = multiclass_data
    y = X @ np.arange(X.shape[1]) + 0.1
    reg = DeepMLPRegressor(
        hidden_layer_sizes=(16,),
        batch_norm=True,
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    assert reg.score(X, y) > 0.9
    assert check_gradients(reg, X[:15], y[:15]) < 1e-7


def test_invalid_batch_norm_values(multiclass_data):
    X, y = multiclass_data
    with pytest.raises(ValueError, match="batch_norm has 1 entries"):
        DeepMLPClassifier((4, 4), batch_norm=[True]).fit(X, y)
    with pytest.raises(ValueError, match="True or False"):
        DeepMLPClassifier((4,), batch_norm=["yes"]).fit(X, y)
    with pytest.raises(ValueError, match="batch_norm_momentum"):
        DeepMLPClassifier(batch_norm_momentum=1.0).fit(X, y)


def test_no_warning_but_convergence_ones(multiclass_data):
    X, y = multiclass_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepMLPClassifier((8, 8), batch_norm=True, max_iter=5, random_state=0).fit(X, y)
