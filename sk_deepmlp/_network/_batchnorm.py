"""The two boxes of batch normalisation, and its folding for prediction.

Batch normalisation sits between a hidden layer's linear step and its
activation. In training it normalises each unit over the batch, with the
batch's (sample-weighted) mean and variance, then scales and shifts it::

    mu = sum_i w_i z_i,   var = sum_i w_i (z_i - mu)^2,   w_i = s_i / sum(s)
    z_hat = (z - mu) / sigma,   sigma = sqrt(var + EPSILON)
    z_tilde = gamma * z_hat + beta

(``w_i = 1 / m`` without sample weights). The layer's bias is dropped: the
mean subtraction would cancel it, and ``beta`` takes its place. Running
averages of ``mu`` and ``var`` replace them at prediction time, where the
whole transformation is affine and folds into the layer's ``W`` and ``b``.

Backward, with ``dz_tilde`` given. ``dbeta = sum_i dz_tilde_i`` and
``dgamma = sum_i dz_tilde_i z_hat_i``; with ``g = gamma * dz_tilde``, the
derivative through the batch statistics (``d mu / d z_k = w_k``,
``d sigma / d z_k = w_k z_hat_k``) is::

    dz_k = (g_k - w_k sum_i g_i - w_k z_hat_k sum_i g_i z_hat_i) / sigma

A batch of one row has ``var = 0``: every ``z_hat`` is 0 and no gradient
flows below. The training loop therefore never forms such a batch (see
``gen_batches(min_batch_size=2)`` in ``_training._epochs``), and the estimators
refuse a fit whose batches would all be single rows.
"""

import numpy as np

#: Added to the variance before the square root (PyTorch's value).
EPSILON = 1e-5


def batch_norm_forward(Z, gamma, beta, w, z_hat):
    """Forward box in training: normalise ``Z`` in place into ``z_tilde``.

    Parameters
    ----------
    Z : ndarray of shape (m, n)
        The linear step's output; overwritten with ``gamma * z_hat + beta``.
    gamma, beta : ndarray of shape (n,)
    w : ndarray of shape (m,) or None
        The rows' weights ``s_i / sum(s)`` (``row_weights``), or None for
        equal weights.
    z_hat : ndarray of shape (m, n)
        Receives the normalised values, the cache of the backward box.

    Returns
    -------
    mean, var, sigma : ndarray of shape (n,)
        The batch's statistics (for the running averages) and
        ``sqrt(var + EPSILON)`` (for the backward box).
    """
    if w is None:
        mean = Z.mean(axis=0)
        np.subtract(Z, mean, out=z_hat)
        var = np.einsum("ij,ij->j", z_hat, z_hat) / Z.shape[0]
    else:
        mean = w @ Z
        np.subtract(Z, mean, out=z_hat)
        var = w @ (z_hat * z_hat)
    sigma = np.sqrt(var + EPSILON)
    z_hat /= sigma
    np.multiply(z_hat, gamma, out=Z)
    Z += beta
    return mean, var, sigma


def batch_norm_backward(dZ_tilde, z_hat, gamma, sigma, w, dgamma, dbeta):
    """Backward box: ``dgamma``, ``dbeta`` written, ``dZ`` returned (in place
    on ``dZ_tilde``). Updates nothing."""
    np.matmul(np.ones(dZ_tilde.shape[0], dZ_tilde.dtype), dZ_tilde, out=dbeta)
    dgamma[...] = np.einsum("ij,ij->j", dZ_tilde, z_hat)
    g = dZ_tilde
    g *= gamma
    # sum_i g_i and sum_i g_i z_hat_i are gamma * dbeta and gamma * dgamma
    g_sum, g_z_sum = gamma * dbeta, gamma * dgamma
    if w is None:
        g -= (g_sum + z_hat * g_z_sum) / g.shape[0]
    else:
        g -= w[:, None] * (g_sum + z_hat * g_z_sum)
    g /= sigma
    return g


def row_weights(sample_weight, dtype):
    """``s_i / sum(s)`` in ``dtype``, or None for equal weights: once per
    batch, for every batch-normalised layer's forward and backward box."""
    if sample_weight is None:
        return None
    return (sample_weight / sample_weight.sum()).astype(dtype, copy=False)


def fold(W, b, gamma, beta, mean, var):
    """The prediction-time layer as one affine map: ``W'`` and ``b'`` with
    ``A_prev @ W' + b' = gamma * (A_prev @ W + b - mean) / sqrt(var + EPSILON)
    + beta``."""
    scale = gamma / np.sqrt(var + EPSILON)
    return W * scale, (b - mean) * scale + beta
