import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sk_deepmlp._activations import ACTIVATIONS, DERIVATIVES, LEAKY_SLOPE


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
    analytic = DERIVATIVES[name](A, dA)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_leaky_relu_keeps_gradient_for_negative_inputs():
    A = ACTIVATIONS["leaky_relu"](np.array([[-2.0, 3.0]]))
    dA = DERIVATIVES["leaky_relu"](A, np.array([[1.0, 1.0]]))
    np.testing.assert_array_equal(dA, [[LEAKY_SLOPE, 1.0]])
    dA = DERIVATIVES["relu"](
        ACTIVATIONS["relu"](np.array([[-2.0, 3.0]])), np.ones((1, 2))
    )
    np.testing.assert_array_equal(dA, [[0.0, 1.0]])
