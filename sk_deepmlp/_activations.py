"""Hidden-layer activations and their derivatives.

Every function works in place, so that the training loop allocates nothing:
``ACTIVATIONS[name](Z)`` turns the pre-activations ``Z`` into ``A = g(Z)``, and
``DERIVATIVES[name](A, dA)`` turns ``dA`` into ``dZ = dA * g'(Z)``.

The derivatives are written as functions of the *output* ``A`` rather than of
``Z``: for every activation here ``g'(Z)`` can be recovered from ``A``, so the
forward pass only has to keep ``A`` in its cache.
"""

import numpy as np
from scipy.special import expit

#: Slope of leaky_relu for negative inputs: g(z) = max(LEAKY_SLOPE * z, z).
LEAKY_SLOPE = 0.01


def identity(Z):
    """g(z) = z."""
    return Z


def logistic(Z):
    """g(z) = 1 / (1 + exp(-z)), computed without overflow by scipy's expit."""
    return expit(Z, out=Z)


def tanh(Z):
    """g(z) = tanh(z)."""
    return np.tanh(Z, out=Z)


def relu(Z):
    """g(z) = max(0, z)."""
    # a row of zeros broadcasts faster than the scalar 0 in NumPy's float32 loop
    return np.maximum(Z, np.zeros(Z.shape[-1], Z.dtype), out=Z)


def leaky_relu(Z):
    """g(z) = max(0.01 z, z): a small slope keeps negative units learning."""
    return np.maximum(Z, LEAKY_SLOPE * Z, out=Z)


def identity_derivative(A, dA):
    """g'(z) = 1."""
    return dA


def logistic_derivative(A, dA):
    """g'(z) = a (1 - a)."""
    dA *= A
    dA *= 1 - A
    return dA


def tanh_derivative(A, dA):
    """g'(z) = 1 - a**2."""
    dA *= 1 - A**2
    return dA


def relu_derivative(A, dA):
    """g'(z) = 1 if z > 0 else 0; a > 0 exactly when z > 0."""
    # a multiply by the boolean mask is several times faster than dA[A <= 0] = 0
    return np.multiply(dA, A > 0, out=dA)


def leaky_relu_derivative(A, dA):
    """g'(z) = 1 if z > 0 else 0.01; a > 0 exactly when z > 0."""
    slope = (A > 0) * dA.dtype.type(1 - LEAKY_SLOPE)
    slope += dA.dtype.type(LEAKY_SLOPE)
    return np.multiply(dA, slope, out=dA)


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
}
