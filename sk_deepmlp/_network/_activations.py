"""Hidden-layer activations and their derivatives.

Every function works in place, so that the training loop allocates nothing:
``ACTIVATIONS[name](Z)`` turns the pre-activations ``Z`` into ``A = g(Z)``, and
``DERIVATIVES[name](A, dA)`` turns ``dA`` into ``dZ = dA * g'(Z)`` (``Z`` in
place of ``A`` for the names in ``FROM_Z``).

Most derivatives are written as functions of the *output* ``A`` rather than
of ``Z``: where ``g'(Z)`` can be recovered from ``A``, the forward pass only
has to keep ``A`` in its cache. GELU and SiLU are not one-to-one (both dip
below zero and come back), so ``A`` does not determine ``Z``: their
derivatives take ``Z``, and ``FROM_Z`` names them so that the forward pass keeps
``Z`` for those layers only.
"""

import functools
import math

import numpy as np
from scipy.special import expit, ndtr

#: Slope of leaky_relu for negative inputs: g(z) = max(LEAKY_SLOPE * z, z).
LEAKY_SLOPE = 0.01


@functools.lru_cache(maxsize=64)
def constant_row(value, n, dtype):
    """A read-only vector of ``n`` times ``value``, made once: ``np.zeros`` and
    ``np.ones`` cost a tenth of a microsecond each, and a one-row prediction
    is a few microseconds in all."""
    row = np.full(n, value, dtype)
    row.flags.writeable = False
    return row


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
    return np.maximum(Z, constant_row(0, Z.shape[-1], Z.dtype), out=Z)


def leaky_relu(Z):
    """g(z) = max(0.01 z, z): a small slope keeps negative units learning."""
    return np.maximum(Z, LEAKY_SLOPE * Z, out=Z)


def elu(Z, alpha=1.0):
    """g(z) = z for z > 0, alpha (exp(z) - 1) otherwise (alpha = 1 as the
    activation "elu"): smooth, and its negative values push the mean
    activation towards zero."""
    negative = np.minimum(Z, 0)
    np.expm1(negative, out=negative)  # expm1: exact near 0, no overflow above
    if alpha != 1.0:
        negative *= alpha
    np.maximum(Z, 0, out=Z)
    Z += negative
    return Z


#: SELU's constants (Klambauer et al., 2017): with LeCun-normal weights they
#: keep each layer's activations at mean 0 and variance 1.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(Z):
    """g(z) = scale * elu_alpha(z), with SELU_SCALE and SELU_ALPHA."""
    elu(Z, SELU_ALPHA)
    Z *= SELU_SCALE
    return Z


def softplus(Z):
    """g(z) = log(1 + exp(z)), a smooth ReLU; logaddexp does not overflow."""
    return np.logaddexp(0, Z, out=Z)


def gelu(Z):
    """g(z) = z * Phi(z), Phi the standard normal CDF: the exact (erf) form,
    as PyTorch's and Keras's default, not the tanh approximation."""
    Z *= ndtr(Z)
    return Z


def silu(Z):
    """g(z) = z * sigmoid(z), also called swish."""
    Z *= expit(Z)
    return Z


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


def elu_derivative(A, dA):
    """g'(z) = 1 if z > 0 else exp(z) = a + 1; a > 0 exactly when z > 0."""
    dA *= np.minimum(A, 0) + 1
    return dA


def selu_derivative(A, dA):
    """g'(z) = scale if z > 0 else scale * alpha * exp(z) = a + scale * alpha."""
    slope = np.where(A > 0, A.dtype.type(SELU_SCALE), A + SELU_SCALE * SELU_ALPHA)
    dA *= slope
    return dA


def softplus_derivative(A, dA):
    """g'(z) = sigmoid(z) = 1 - exp(-a), since exp(a) = 1 + exp(z)."""
    dA *= -np.expm1(-A)
    return dA


def gelu_derivative(Z, dA):
    """g'(z) = Phi(z) + z * phi(z), phi the standard normal density. From Z."""
    density = np.exp(-0.5 * Z * Z) * Z.dtype.type(1 / math.sqrt(2 * math.pi))
    dA *= ndtr(Z) + Z * density
    return dA


def silu_derivative(Z, dA):
    """g'(z) = s (1 + z (1 - s)), s = sigmoid(z). From Z."""
    s = expit(Z)
    dA *= s * (1 + Z * (1 - s))
    return dA


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "selu": selu,
    "softplus": softplus,
    "gelu": gelu,
    "silu": silu,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
    "elu": elu_derivative,
    "selu": selu_derivative,
    "softplus": softplus_derivative,
    "gelu": gelu_derivative,
    "silu": silu_derivative,
}

#: The activations whose derivative is a function of Z, not of A = g(Z).
FROM_Z = frozenset({"gelu", "silu"})
