"""Gradient checks of the backward pass against centered finite differences."""

import tracemalloc

import numpy as np
import pytest
from scipy import sparse

from sk_deepmlp._estimator._gradient_check import network_gradient_error
from sk_deepmlp._estimator._predict import predict_logits
from sk_deepmlp._network._activations import ACTIVATIONS
from sk_deepmlp._network._initializers import INITIALIZERS
from sk_deepmlp._network._network import Network

TARGETS = [
    "binary",
    "multiclass",
    "multilabel",
    "regression",
    "multi-output regression",
    "poisson",
    "multi-output poisson",
]


def _problem(target, n_samples=12, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    n_outputs = 3 if target.startswith(("multi", "multi-output")) else 1
    if target == "binary":
        Y = rng.randint(0, 2, (n_samples, 1))
    elif target == "multiclass":
        Y = np.eye(3)[rng.randint(0, 3, n_samples)]
    elif target == "multilabel":
        Y = rng.randint(0, 2, (n_samples, 3))
    elif target.endswith("poisson"):
        Y = rng.poisson(2.0, (n_samples, n_outputs))
    else:
        Y = rng.randn(n_samples, n_outputs)
    out = {
        "multiclass": "softmax",
        "binary": "logistic",
        "multilabel": "logistic",
    }.get(target, "exp" if target.endswith("poisson") else "identity")
    return X, Y.astype(float), out


def _network(X, Y, hidden, activations, out, seed=0):
    units = [X.shape[1], *hidden, Y.shape[1]]
    net = Network(units, activations, out, np.float64, exact_loss=True)
    rng = np.random.RandomState(seed)
    for W, b, n_in, n_out in zip(net.coefs, net.intercepts, units, units[1:]):
        W[...], b[...] = INITIALIZERS["glorot_uniform"](n_in, n_out, "tanh", rng)
    return net


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("alpha, weighted", [(0.0, False), (0.3, False), (0.3, True)])
def test_backward_pass_matches_finite_differences(activation, target, alpha, weighted):
    X, Y, out = _problem(target)
    net = _network(X, Y, (5, 4), [activation] * 2, out)
    sw = np.random.RandomState(1).uniform(0.1, 3, len(X)) if weighted else None
    assert network_gradient_error(net, X, Y, sw, alpha) < 1e-7


@pytest.mark.parametrize("target", TARGETS)
def test_gradient_of_mixed_activations_and_sparse_input(target):
    X, Y, out = _problem(target)
    X[np.abs(X) < 0.7] = 0
    net = _network(X, Y, (5, 4, 3), ["tanh", "leaky_relu", "logistic"], out)
    assert network_gradient_error(net, sparse.csr_matrix(X), Y, None, 0.1) < 1e-7


def test_gradient_check_detects_a_wrong_backward_pass(monkeypatch):
    """The check itself can fail: break a derivative and it must notice."""
    from sk_deepmlp._network import _activations

    X, Y, out = _problem("multiclass")
    net = _network(X, Y, (5,), ["tanh"], out)
    monkeypatch.setitem(_activations.DERIVATIVES, "tanh", lambda A, dA: dA)
    assert network_gradient_error(net, X, Y, None, 0.0) > 1e-3


def test_parameters_are_views_of_one_flat_vector():
    X, Y, out = _problem("binary")
    net = _network(X, Y, (5, 4), ["relu", "relu"], out)
    assert net.params.size == 4 * 5 + 5 * 4 + 4 * 1 + 5 + 4 + 1
    net.params[:] = 0
    assert all(not W.any() for W in net.coefs + net.intercepts)


def test_load_rejects_wrong_shapes():
    X, Y, out = _problem("binary")
    net = _network(X, Y, (5,), ["relu"], out)
    with pytest.raises(ValueError, match="coefs_ has shapes"):
        net.load([np.zeros((4, 6)), np.zeros((6, 1))], net.intercepts)


def test_chunked_prediction_equals_one_pass():
    X, Y, out = _problem("multiclass", n_samples=101)
    net = _network(X, Y, (5, 4), ["relu", "tanh"], out)
    row_bytes = X.dtype.itemsize * (5 + 4 + Y.shape[1])  # activations of a row
    args = X, net.coefs, net.intercepts, net.activations
    one_pass = predict_logits(*args, chunk_bytes=101 * row_bytes)
    chunked = predict_logits(*args, chunk_bytes=7 * row_bytes + 1)  # 7 rows
    np.testing.assert_array_equal(one_pass, chunked)
    # the training forward pass gives the same logits
    np.testing.assert_allclose(net.forward(X), one_pass, rtol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
def test_gradient_with_dropout_masks_held_fixed(target):
    X, Y, out = _problem(target)
    units = [X.shape[1], 6, 5, Y.shape[1]]
    net = Network(units, ["relu", "tanh"], out, np.float64, [0.5, 0.3], exact_loss=True)
    rng = np.random.RandomState(0)
    for W, b, n_in, n_out in zip(net.coefs, net.intercepts, units, units[1:]):
        W[...], b[...] = INITIALIZERS["glorot_uniform"](n_in, n_out, "relu", rng)
    masks = net.draw_masks(len(X), rng)
    assert network_gradient_error(net, X, Y, None, 0.1, masks=masks) < 1e-7
    # the masks do change the loss: without them it is another function
    assert net.loss_grad(X, Y, None, 0.1, masks) != net.loss_grad(X, Y, None, 0.1)


def test_dropout_masks_are_inverted_and_keep_the_expected_rate():
    net = Network([3, 400, 2], ["relu"], "softmax", np.float32, dropout=[0.25])
    (mask,) = net.draw_masks(500, np.random.RandomState(0))
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(np.unique(mask), np.float32([0, 1 / 0.75]))
    assert (mask == 0).mean() == pytest.approx(0.25, abs=0.01)
    no_dropout = Network([3, 4, 2], ["relu"], "softmax", np.float64)
    assert no_dropout.draw_masks(5, np.random.RandomState(0)) == [None]


def _traced_peak(fn):
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("weighted", [False, True])
def test_float32_gradient_allocates_the_same_whatever_the_type_of_alpha(weighted):
    """A NumPy float64 alpha must not push the float32 L2 term through NumPy's
    casting loop, which allocates buffers and runs several times slower."""
    X, Y, out = _problem("multiclass", n_samples=200, n_features=300)
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    sw = np.linspace(0.5, 2, len(X), dtype=np.float32) if weighted else None
    net = Network([300, 200, 3], ["relu"], out, np.float32)
    net.coefs[0][...] = 0.01
    net.loss_grad(X, Y, sw, 1e-3)  # allocates the batch buffers
    python_float = _traced_peak(lambda: net.loss_grad(X, Y, sw, 1e-3))
    numpy_float = _traced_peak(lambda: net.loss_grad(X, Y, sw, np.float64(1e-3)))
    assert numpy_float < python_float + 1024  # a casting buffer is 32 KB or more


def test_reported_squared_error_is_mlpregressors_mean_over_outputs():
    """The reported loss averages over outputs; the gradient is of the sum,
    as in MLPRegressor: only the exact loss matches finite differences."""
    X, Y, out = _problem("multi-output regression")
    exact = _network(X, Y, (5,), ["tanh"], out)
    reported = Network(exact.layer_units, ["tanh"], out, np.float64)
    reported.params[...] = exact.params
    loss_exact = exact.loss_grad(X, Y, None, 0.0)
    loss_reported = reported.loss_grad(X, Y, None, 0.0)
    assert loss_reported == pytest.approx(loss_exact / Y.shape[1], rel=1e-12)
    np.testing.assert_array_equal(exact.grad, reported.grad)
