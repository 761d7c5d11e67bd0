"""Layer normalisation: its maths, its box, and its prediction step.

Layer normalisation sits where batch normalisation would, between a hidden
layer's linear step and its activation, but normalises each *row* over the
layer's ``n`` units rather than each unit over the batch::

    mu_i = mean_j z_ij,   var_i = mean_j (z_ij - mu_i)^2
    z_hat_i = (z_i - mu_i) / s_i,   s_i = sqrt(var_i + EPSILON)
    z_tilde_i = gamma * z_hat_i + beta          (gamma, beta: one per unit)

It keeps no running statistics: training and prediction compute the same
thing, row by row, so it cannot be folded into the weights as batch
normalisation is, and prediction applies it (``layer_norm``). Sample weights
reach it only through the gradient of its output.

Backward, with ``dz_tilde`` given: ``dbeta = sum_i dz_tilde_i`` and
``dgamma = sum_i dz_tilde_i z_hat_i`` (sums over the rows). With
``g = gamma * dz_tilde``, and for one row (``d mu / d z_k = 1 / n``,
``d s / d z_k = z_hat_k / n``)::

    dz_k = (g_k - mean_j g_j - z_hat_k mean_j (g_j z_hat_j)) / s

The layer keeps its bias: normalising over the units removes only the mean
of the bias across the units, and the rest of it (which unit sits higher
than which) survives as a learned offset before the normalisation. A
one-unit layer would always normalise to ``beta`` (its variance over one unit
is 0), and a layer with batch normalisation is normalised already: the
estimators refuse both.
"""

import numpy as np

#: Added to the variance before the square root, as in batch normalisation.
EPSILON = 1e-5


def layer_norm(Z, gamma, beta, z_hat=None):
    """Normalise each row of ``Z`` over its units, in place into ``z_tilde``.

    Returns ``sigma``, the rows' ``sqrt(var + EPSILON)`` as a column; the
    normalised values go into ``z_hat`` when a buffer is given (the backward
    box's cache).
    """
    mean = Z.mean(axis=1, keepdims=True)
    Z -= mean
    var = np.einsum("ij,ij->i", Z, Z)[:, np.newaxis] / Z.shape[1]
    sigma = np.sqrt(var + EPSILON)
    Z /= sigma
    if z_hat is not None:
        z_hat[...] = Z
    Z *= gamma
    Z += beta
    return sigma


def layer_norm_backward(dZ_tilde, z_hat, gamma, sigma, dgamma, dbeta):
    """``dgamma``, ``dbeta`` written; ``dZ`` returned, in place on
    ``dZ_tilde``. Updates nothing."""
    np.matmul(np.ones(dZ_tilde.shape[0], dZ_tilde.dtype), dZ_tilde, out=dbeta)
    dgamma[...] = np.einsum("ij,ij->j", dZ_tilde, z_hat)
    g = dZ_tilde
    g *= gamma
    n = g.shape[1]
    g_mean = g.sum(axis=1, keepdims=True) / n
    gz_mean = np.einsum("ij,ij->i", g, z_hat)[:, np.newaxis] / n
    g -= g_mean
    g -= z_hat * gz_mean
    g /= sigma
    return g


class LayerNorm:
    """The box: ``layer_norm`` forward, ``layer_norm_backward`` backward.
    It keeps the layer's bias (see the module's docstring) and uses no
    batch statistics, so it needs neither rows' weights nor momentum."""

    def __init__(self, gamma, beta, dgamma, dbeta, dtype):
        self.gamma, self.beta, self.dgamma, self.dbeta = gamma, beta, dgamma, dbeta
        self.dtype, self.width, self._rows = dtype, gamma.shape[0], 0

    def use_rows(self, m):
        if m > self._rows:
            self._full = np.empty((m, self.width), self.dtype)
            self._rows = m
        self._z_hat = self._full[:m]

    def forward(self, Z, batch):
        self._sigma = layer_norm(Z, self.gamma, self.beta, self._z_hat)
        return Z

    def backward(self, dZ, batch):
        return layer_norm_backward(
            dZ, self._z_hat, self.gamma, self._sigma, self.dgamma, self.dbeta
        )
