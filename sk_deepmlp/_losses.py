"""The output layer: its activation, its log loss and its delta.

Binary and multilabel targets use independent sigmoids with the binary log loss;
multiclass targets use a softmax with the cross-entropy. Both pairs are
canonical, so the delta at the output is simply ``dZ = (A - Y) / m``.

The loss is computed from the logits ``Z`` (log-sum-exp, softplus), so it never
takes ``log(0)``. By default each sample's loss is then clipped as MLPClassifier
clips its probabilities at machine epsilon (``p`` in ``[eps, 1 - eps]``): the
reported loss, the stopping rule and L-BFGS's objective are then MLPClassifier's,
and both estimators stop at the same epoch, also on unscaled data where many
samples saturate. ``clip=False`` gives the exact loss, the function whose
gradient the backward pass computes, which the gradient checks rely on (the
gradient is the same either way: MLPClassifier does not clip it either).
"""

import math

import numpy as np
from scipy.special import expit


def _clip_like_probabilities(losses, dtype):
    """Clip ``-log p`` terms as if ``p`` had been clipped to ``[eps, 1 - eps]``.

    ``-log(clip(p, eps, 1 - eps)) = clip(-log p, -log(1 - eps), -log(eps))``,
    which is MLPClassifier's loss without forming the clipped probabilities.
    ``eps`` is that of the model's dtype, as in MLPClassifier (float32 losses
    are capped at about 15.9 per term, float64 ones at about 36.0).
    """
    _, _, low, high = _EPS[losses.dtype]
    # two ufuncs: np.clip's Python wrapper costs more than the work here
    np.maximum(losses, low, out=losses)
    return np.minimum(losses, high, out=losses)


#: dtype -> (eps, 1 - eps, -log(1 - eps), -log(eps))
_EPS = {
    np.dtype(t): (e, 1 - e, -math.log1p(-e), -math.log(e))
    for t in (np.float32, np.float64)
    for e in [float(np.finfo(t).eps)]
}


def logistic_loss(Z, Y, clip=True):
    """Turn logits into sigmoid probabilities in place; return per-sample losses.

    Per output, ``-[y log a + (1 - y) log(1 - a)] = log(1 + e^z) - y z``, the
    exact form. With ``clip``, MLPClassifier's: from the rounded probability,
    clipped to ``[eps, 1 - eps]``. The two differ by more than round-off where
    ``a`` rounds to within a few ``eps`` of 1 (``1 - a`` then loses its
    digits), which is common on unscaled data; the stopping rule must see
    MLPClassifier's values there to stop at the same epoch.
    """
    if not clip:
        losses = np.logaddexp(0, Z)
        losses -= Y * Z
        expit(Z, out=Z)
        return losses.sum(axis=1)
    expit(Z, out=Z)
    low, high, _, _ = _EPS[Z.dtype]
    P = np.minimum(Z, high)
    np.maximum(P, low, out=P)
    # y is 0 or 1: each term is -log a or -log(1 - a)
    losses = np.where(Y > 0, P, 1 - P)
    return -np.log(losses, out=losses).sum(axis=1)


def softmax_loss(Z, Y, clip=True):
    """Turn logits into softmax probabilities in place; return per-sample losses.

    ``-sum_k y_k log a_k = log sum_j e^{z_j} - sum_k y_k z_k``, with the row
    maximum subtracted first so that ``exp`` cannot overflow. With one-hot
    ``y`` this is the single term ``-log a_true``, which ``clip`` caps.
    """
    Z -= Z.max(axis=1, keepdims=True)
    losses = -np.einsum("ij,ij->i", Y, Z)
    np.exp(Z, out=Z)
    norm = _row_sums(Z)
    Z /= norm[:, np.newaxis]
    losses += np.log(norm)
    if clip:
        _clip_like_probabilities(losses, Z.dtype)
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
