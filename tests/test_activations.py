import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import erf

from sk_deepmlp._network._activations import (
    ACTIVATIONS,
    DERIVATIVES,
    FROM_Z,
    LEAKY_SLOPE,
    SELU_ALPHA,
    SELU_SCALE,
)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_registries_cover_the_same_names(name):
    assert name in DERIVATIVES


@pytest.mark.parametrize(
    "name, expected",
    [
        ("identity", lambda z: z),
        ("logistic", lambda z: 1 / (1 + np.exp(-z))),
        ("tanh", np.tanh),
        ("relu", lambda z: np.maximum(z, 0)),
        ("leaky_relu", lambda z: np.where(z > 0, z, LEAKY_SLOPE * z)),
        ("elu", lambda z: np.where(z > 0, z, np.exp(z) - 1)),
        (
            "selu",
            lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1)),
        ),
        ("softplus", lambda z: np.log1p(np.exp(z))),
        ("gelu", lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2)))),
        ("silu", lambda z: z / (1 + np.exp(-z))),
    ],
)
def test_activation_values_in_place(name, expected):
    Z = np.linspace(-5, 5, 41).reshape(-1, 1)
    buf = Z.copy()
    out = ACTIVATIONS[name](buf)
    np.testing.assert_allclose(out, expected(Z), rtol=1e-12, atol=1e-15)
    # in place: the buffer itself holds g(Z)
    np.testing.assert_allclose(buf, expected(Z), rtol=1e-12, atol=1e-15)


# values away from the kink of relu and leaky_relu at 0
finite_z = st.floats(-6, 6).filter(lambda z: abs(z) > 1e-3)


@settings(max_examples=50, deadline=None)
@given(Z=arrays(np.float64, (4, 3), elements=finite_z))
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_finite_differences(name, Z):
    eps = 1e-6
    numeric = (ACTIVATIONS[name](Z + eps) - ACTIVATIONS[name](Z - eps)) / (2 * eps)
    A = ACTIVATIONS[name](Z.copy())
    dA = np.ones_like(Z)
    analytic = DERIVATIVES[name](Z if name in FROM_Z else A, dA)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(FROM_Z))
def test_activations_from_z_are_not_one_to_one(name):
    """Why FROM_Z exists: two inputs give the same output with different
    slopes, so the output alone cannot give the derivative."""
    g = ACTIVATIONS[name]
    z = np.linspace(-3, -0.001, 20000)
    a = g(z.copy())
    lowest = np.argmin(a)  # both dip to a minimum below zero, then rise
    far = -2.0  # left of the minimum; the right side reaches its value too
    target = g(np.array([far]))[0]
    near = z[lowest:][np.argmin(np.abs(a[lowest:] - target))]
    slopes = DERIVATIVES[name](np.array([far, near]), np.ones(2))
    assert abs(g(np.array([near]))[0] - target) < 1e-3
    assert slopes[0] < 0 < slopes[1]


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"identity"}))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_keep_the_dtype_and_overflow_nowhere(name, dtype):
    Z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = ACTIVATIONS[name](Z.copy())
        dZ = DERIVATIVES[name](Z if name in FROM_Z else A, np.ones_like(Z))
    assert A.dtype == dZ.dtype == dtype
    assert np.isfinite(A).all() and np.isfinite(dZ).all()


def test_leaky_relu_keeps_gradient_for_negative_inputs():
    A = ACTIVATIONS["leaky_relu"](np.array([[-2.0, 3.0]]))
    dA = DERIVATIVES["leaky_relu"](A, np.array([[1.0, 1.0]]))
    np.testing.assert_array_equal(dA, [[LEAKY_SLOPE, 1.0]])
    dA = DERIVATIVES["relu"](
        ACTIVATIONS["relu"](np.array([[-2.0, 3.0]])), np.ones((1, 2))
    )
    np.testing.assert_array_equal(dA, [[0.0, 1.0]])
