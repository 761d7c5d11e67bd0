"""The output layer: its activation, its log loss and its delta.

Binary and multilabel targets use independent sigmoids with the binary log loss;
multiclass targets use a softmax with the cross-entropy. Both pairs are
canonical, so the delta at the output is simply ``dZ = (A - Y) / m``.

The loss is computed from the logits ``Z`` (log-sum-exp, softplus), not from
clipped probabilities: it never takes ``log(0)`` and it stays the exact function
whose gradient the backward pass computes, which the L-BFGS line search and the
gradient checks rely on.
"""

import numpy as np
from scipy.special import expit


def logistic_loss(Z, Y):
    """Turn logits into sigmoid probabilities in place; return per-sample losses.

    Per output, ``-[y log a + (1 - y) log(1 - a)] = log(1 + e^z) - y z``.
    """
    losses = np.logaddexp(0, Z)
    losses -= Y * Z
    expit(Z, out=Z)
    return losses.sum(axis=1)


def softmax_loss(Z, Y):
    """Turn logits into softmax probabilities in place; return per-sample losses.

    ``-sum_k y_k log a_k = log sum_j e^{z_j} - sum_k y_k z_k``, with the row
    maximum subtracted first so that ``exp`` cannot overflow.
    """
    Z -= Z.max(axis=1, keepdims=True)
    losses = -np.einsum("ij,ij->i", Y, Z)
    np.exp(Z, out=Z)
    norm = _row_sums(Z)
    Z /= norm[:, np.newaxis]
    losses += np.log(norm)
    return losses


def _row_sums(Z):
    """``Z.sum(axis=1)`` as a matrix-vector product: BLAS beats a ufunc
    reduction over short rows."""
    return np.matmul(Z, np.ones(Z.shape[1], Z.dtype))


def softmax(Z):
    """Softmax of each row, in place."""
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= _row_sums(Z)[:, np.newaxis]
    return Z


def logistic(Z):
    """Sigmoid, in place."""
    return expit(Z, out=Z)


#: Output activation name -> in-place loss (logits to probabilities).
OUTPUT_LOSSES = {"logistic": logistic_loss, "softmax": softmax_loss}
#: Output activation name -> in-place probabilities, for prediction.
OUTPUT_ACTIVATIONS = {"logistic": logistic, "softmax": softmax}


def weighted_mean(losses, sample_weight):
    """Mean of per-sample losses, weighted by ``s_i / sum(s)`` when given."""
    if sample_weight is None:
        return float(losses.sum()) / losses.shape[0]  # sum: less overhead than mean
    return float(np.dot(losses, sample_weight) / sample_weight.sum())


def output_delta(A, Y, sample_weight):
    """``dZ = (A - Y) / m`` in place on ``A``; rows scaled by ``s_i / sum(s)``.

    This is ``d loss / d Z`` for both canonical pairs:
    ``d/dz [log(1 + e^z) - y z] = sigmoid(z) - y`` and likewise for softmax.
    """
    A -= Y
    if sample_weight is None:
        A *= 1.0 / A.shape[0]
    else:
        A *= (sample_weight / sample_weight.sum())[:, np.newaxis]
    return A
