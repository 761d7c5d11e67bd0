import numpy as np
import pytest
from scipy.special import expit
from sklearn.neural_network import _base as sk_losses  # the reference

from sk_deepmlp._estimator._gradient_check import numerical_gradient
from sk_deepmlp._network._losses import (
    OUTPUT_LOSSES,
    output_delta,
    regression_loss,
    weighted_mean,
)


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


def _sklearn_loss(name, **params):
    """scikit-learn's ``_loss`` object of a regression loss: the reference
    for the values and the subgradients at the kinks (tests only)."""
    from sklearn._loss.loss import AbsoluteError, HuberLoss, PinballLoss

    if name == "absolute_error":
        return AbsoluteError()
    if name == "huber":
        return HuberLoss(delta=params["delta"])
    return PinballLoss(quantile=params["quantile"])


ROBUST = [
    ("absolute_error", {}),
    ("huber", {"delta": 0.7}),
    ("quantile", {"quantile": 0.1}),
    ("quantile", {"quantile": 0.9}),
]


@pytest.mark.parametrize("name, params", ROBUST)
@pytest.mark.parametrize("weighted", [False, True])
def test_robust_losses_and_deltas_are_sklearns(name, params, weighted):
    """Values and gradients, kinks included: residuals of exactly 0 (and of
    exactly the Huber threshold) get scikit-learn's subgradient."""
    rng = np.random.RandomState(0)
    Y = rng.randn(60, 1)
    Z = Y + rng.randn(60, 1) * 2
    Z[:6] = Y[:6]  # on the kink of absolute error and pinball
    Z[6:9] = Y[6:9] + params.get("delta", 1.0)  # on Huber's joint
    sw = rng.uniform(0.2, 3, 60) if weighted else None
    activation, loss, delta = regression_loss(name, **params)
    reference = _sklearn_loss(name, **params)
    y, raw = Y.ravel(), Z.ravel()
    assert activation == "identity"
    A, losses = loss(Z, Y)
    assert A is Z
    np.testing.assert_allclose(losses, reference.loss(y, raw), rtol=1e-12)
    grad = reference.gradient(y, raw)
    weights = np.ones(60) if sw is None else sw
    expected = (grad * weights / weights.sum())[:, np.newaxis]
    np.testing.assert_allclose(delta(A, Y, sw), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name, params", ROBUST)
def test_robust_deltas_are_gradients_of_the_exact_loss(name, params):
    """Away from the kinks, the delta is the derivative of the weighted mean
    loss, for several outputs too."""
    rng = np.random.RandomState(1)
    Y = rng.randn(8, 3)
    residuals = rng.choice([-1, 1], (8, 3)) * rng.uniform(0.1, 2.0, (8, 3))
    if name == "huber":  # keep clear of the joint at +-delta
        residuals[np.abs(np.abs(residuals) - params["delta"]) < 0.05] = 0.3
    Z = Y + residuals
    sw = np.arange(1.0, 9.0)
    _, loss, delta = regression_loss(name, **params)

    def mean_loss():
        return weighted_mean(loss(Z_flat.reshape(Z.shape), Y, False)[1], sw)

    Z_flat = Z.ravel().copy()
    numeric = numerical_gradient(mean_loss, Z_flat).reshape(Z.shape)
    np.testing.assert_allclose(delta(Z, Y, sw), numeric, rtol=1e-6, atol=1e-9)


def test_pinball_takes_one_quantile_per_output():
    """A list of quantiles: output k gets quantile k, as separate losses."""
    rng = np.random.RandomState(2)
    Y, Z = rng.randn(30, 1), rng.randn(30, 2)
    Y2 = np.repeat(Y, 2, axis=1)
    quantiles = np.array([0.05, 0.95])
    _, loss, delta = regression_loss("quantile", quantile=quantiles)
    exact = loss(Z, Y2, False)[1]
    dZ = delta(Z, Y2, None)
    for k, q in enumerate(quantiles):
        _, single, single_delta = regression_loss("quantile", quantile=q)
        np.testing.assert_allclose(dZ[:, [k]], single_delta(Z[:, [k]], Y, None))
        exact = exact - single(Z[:, [k]], Y, False)[1]
    np.testing.assert_allclose(exact, 0, atol=1e-12)
    assert loss(Z, Y2)[1] == pytest.approx(loss(Z, Y2, False)[1] / 2)  # reported


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, params", ROBUST)
def test_robust_deltas_write_into_out_in_the_models_dtype(name, params, dtype):
    rng = np.random.RandomState(3)
    Z, Y = rng.randn(5, 2).astype(dtype), rng.randn(5, 2).astype(dtype)
    before = Z.copy()
    _, _, delta = regression_loss(name, **params)
    buffer = np.empty_like(Z)
    dZ = delta(Z, Y, None, out=buffer)
    assert dZ is buffer and dZ.dtype == dtype
    assert delta(Z, Y, None).dtype == dtype
    np.testing.assert_array_equal(Z, before)


def test_huber_is_half_squared_error_near_the_target_and_linear_beyond():
    _, huber, _ = regression_loss("huber", delta=1.0)
    _, squared, _ = regression_loss("squared_error")
    _, absolute, _ = regression_loss("absolute_error")
    Y = np.zeros((4, 1))
    near, far = np.array([[0.3], [-0.9], [0.0], [1.0]]), np.array([[5.0], [-40.0]])
    np.testing.assert_allclose(huber(near, Y)[1], squared(near, Y)[1])
    np.testing.assert_allclose(
        huber(far, Y[:2])[1], absolute(far, Y[:2])[1] - 0.5, rtol=1e-12
    )


def test_the_output_box_returns_its_losss_delta():
    """The output box backs a robust loss with that loss's delta, and a
    canonical pair (no loss given) with ``(A - Y) / m`` as before."""
    from sk_deepmlp._network._blocks import Output

    rng = np.random.RandomState(4)
    Z, Y = rng.randn(6, 1) * 3, rng.randn(6, 1)
    _, loss, delta = regression_loss("huber", delta=0.5)
    for box, expected in [
        (Output("identity", 1, True, np.float64, (loss, delta)), delta(Z, Y, None)),
        (Output("identity", 1, True, np.float64), (Z - Y) / 6),
    ]:
        box.use_rows(6)
        box.forward_loss(Z, Y)
        np.testing.assert_allclose(box.backward(Y, None), expected)
    assert np.abs(expected).max() > 0.5 / 6  # the two deltas differ here
