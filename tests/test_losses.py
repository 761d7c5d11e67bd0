import numpy as np
import pytest
from scipy.special import expit
from sklearn.neural_network import _base as sk_losses  # the reference

from sk_deepmlp._estimator._gradient_check import numerical_gradient
from sk_deepmlp._network._losses import OUTPUT_LOSSES, output_delta, weighted_mean


def _probability_loss(P, Y, out):
    """The textbook loss from probabilities (MATH.md), for comparison."""
    if out == "logistic":
        return -(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=1)
    return -(Y * np.log(P)).sum(axis=1)


@pytest.fixture
def logits_and_targets():
    rng = np.random.RandomState(0)
    Z = rng.randn(7, 3) * 3
    onehot = np.eye(3)[rng.randint(0, 3, 7)]
    indicator = (rng.rand(7, 3) > 0.5).astype(float)
    return Z, onehot, indicator


def test_softmax_loss_equals_cross_entropy(logits_and_targets):
    Z, Y, _ = logits_and_targets
    P, losses = OUTPUT_LOSSES["softmax"](Z, Y)
    expected_P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(P, expected_P, rtol=1e-12)
    np.testing.assert_allclose(losses, _probability_loss(expected_P, Y, "softmax"))


def test_logistic_loss_equals_binary_log_loss(logits_and_targets):
    Z, _, Y = logits_and_targets
    P, losses = OUTPUT_LOSSES["logistic"](Z, Y)
    np.testing.assert_allclose(P, expit(Z), rtol=1e-12)
    np.testing.assert_allclose(losses, _probability_loss(expit(Z), Y, "logistic"))


@pytest.mark.parametrize("out", ["logistic", "softmax"])
def test_exact_loss_is_finite_for_extreme_logits(out):
    Z = np.array([[800.0, -800.0, 0.0]])
    Y = np.array([[0.0, 1.0, 0.0]])
    _, losses = OUTPUT_LOSSES[out](Z, Y, reported=False)
    assert np.isfinite(losses).all() and losses[0] > 799


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("out", ["logistic", "softmax"])
def test_default_loss_is_mlpclassifiers_clipped_log_loss(out, dtype):
    """Saturated logits included: MLPClassifier's values, not the exact ones."""
    rng = np.random.RandomState(0)
    Z = (rng.randn(50, 3) * np.array([1.0, 30.0, 300.0])).astype(dtype)
    if out == "softmax":
        Y = np.eye(3, dtype=dtype)[rng.randint(0, 3, 50)]
        P = Z.astype(np.float64)
        P = np.exp(P - P.max(axis=1, keepdims=True))
        P = (P / P.sum(axis=1, keepdims=True)).astype(dtype)
        reference = sk_losses.log_loss(Y, P)
    else:
        Y = rng.randint(0, 2, (50, 3)).astype(dtype)
        reference = sk_losses.binary_log_loss(Y, expit(Z))
    ours = weighted_mean(OUTPUT_LOSSES[out](Z, Y)[1], None)
    exact = weighted_mean(OUTPUT_LOSSES[out](Z, Y, reported=False)[1], None)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    assert ours == pytest.approx(reference, rel=rtol)
    assert exact > ours * 2  # the clipping matters on these logits


@pytest.mark.parametrize("out", ["logistic", "softmax"])
@pytest.mark.parametrize("weighted", [False, True])
def test_output_delta_is_gradient_of_mean_loss(logits_and_targets, out, weighted):
    Z, onehot, indicator = logits_and_targets
    Y = onehot if out == "softmax" else indicator
    sw = np.arange(1.0, 8.0) if weighted else None

    def loss():
        return weighted_mean(OUTPUT_LOSSES[out](Z_flat.reshape(Z.shape), Y)[1], sw)

    Z_flat = Z.ravel().copy()
    numeric = numerical_gradient(loss, Z_flat).reshape(Z.shape)
    A, _ = OUTPUT_LOSSES[out](Z, Y)
    np.testing.assert_allclose(output_delta(A, Y, sw), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.skipif(
    not hasattr(sk_losses, "poisson_loss"),
    reason="MLPRegressor's Poisson loss and weighted losses arrived in 1.7",
)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_regression_losses_are_mlpregressors(n_outputs, weighted):
    rng = np.random.RandomState(0)
    Z = rng.randn(40, n_outputs)
    sw = rng.uniform(0.2, 3, 40) if weighted else None
    Y = rng.randn(40, n_outputs)
    ours = weighted_mean(OUTPUT_LOSSES["identity"](Z, Y)[1], sw)
    assert ours == pytest.approx(sk_losses.squared_loss(Y, Z, sw), rel=1e-12)
    counts = rng.poisson(3.0, (40, n_outputs)).astype(float)
    A, losses = OUTPUT_LOSSES["exp"](Z, counts)
    ours = weighted_mean(losses, sw)
    np.testing.assert_allclose(A, np.exp(Z), rtol=1e-15)  # the predicted means
    assert ours == pytest.approx(sk_losses.poisson_loss(counts, np.exp(Z), sw))
    exact = weighted_mean(OUTPUT_LOSSES["exp"](Z, counts, reported=False)[1], sw)
    assert exact == pytest.approx(ours, rel=1e-12)


@pytest.mark.parametrize("out", ["identity", "exp"])
def test_regression_output_delta_is_gradient_of_exact_loss(out):
    rng = np.random.RandomState(1)
    Z = rng.randn(6, 2)
    Y = rng.poisson(2.0, (6, 2)).astype(float) if out == "exp" else rng.randn(6, 2)
    sw = np.arange(1.0, 7.0)

    def loss():
        _, losses = OUTPUT_LOSSES[out](Z_flat.reshape(Z.shape), Y, False)
        return weighted_mean(losses, sw)

    Z_flat = Z.ravel().copy()
    numeric = numerical_gradient(loss, Z_flat).reshape(Z.shape)
    A, _ = OUTPUT_LOSSES[out](Z, Y)
    np.testing.assert_allclose(output_delta(A, Y, sw), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reported", [True, False])
@pytest.mark.parametrize("out", ["logistic", "softmax", "identity", "exp"])
def test_losses_return_what_they_compute_and_leave_the_logits(
    logits_and_targets, out, reported
):
    """Not in place: the logits are the same after the call, and ``out``
    receives the predictions (the identity's are the logits themselves)."""
    Z, onehot, indicator = logits_and_targets
    Y = onehot if out == "softmax" else indicator
    before = Z.copy()
    buffer = np.empty_like(Z)
    A, losses = OUTPUT_LOSSES[out](Z, Y, reported, out=buffer)
    np.testing.assert_array_equal(Z, before)
    assert A is (Z if out == "identity" else buffer)
    assert losses.shape == (Z.shape[0],)
    delta = np.empty_like(Z)
    dZ = output_delta(A, Y, None, out=delta)
    assert dZ is delta
    np.testing.assert_array_equal(Z, before)
    np.testing.assert_allclose(dZ, (A - Y) / Z.shape[0])
