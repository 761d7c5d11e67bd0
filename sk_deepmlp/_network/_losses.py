"""The output layer: its activation, its loss and its delta.

Four pairs of an output activation and a loss, keyed by the activation's name
(the estimators' ``out_activation_``):

- ``logistic`` + binary log loss: binary and multilabel targets;
- ``softmax`` + cross-entropy: multiclass targets;
- ``identity`` + half squared error: regression (``loss="squared_error"``);
- ``exp`` + half Poisson deviance: regression of counts and rates
  (``loss="poisson"``, a log link).

All four are canonical: the derivative of the loss with respect to the logits
is the same ``dZ = (A - Y) / m`` (``output_delta``), derived with each loss.

Three robust regression losses on the identity output are not, and each has
its own delta: absolute error, Huber (a fixed threshold ``delta``) and
pinball (``quantile``), as scikit-learn's ``_loss`` module defines them,
with its subgradients at the kinks. ``REGRESSION_LOSSES`` keys every
regression loss by its name (the regressor's ``loss``).

Each loss returns the predictions it computed and the per-sample losses,
and leaves the logits it was given as they were. Each comes in two forms.
``reported=True`` (the default) is scikit-learn's: the value of ``loss_``,
``loss_curve_``, the stopping rule and L-BFGS's objective, so that both
estimators stop at the same epoch. MLPClassifier clips probabilities to
``[eps, 1 - eps]``; MLPRegressor averages the squared error over the
outputs, although its gradient sums over them. ``reported=False`` is the
exact function whose gradient the backward pass computes, which the gradient
checks rely on. The gradient is the same either way.
"""

import functools
import math

import numpy as np
from scipy.special import expit, xlogy

from ._blas import row_sums


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


def logistic_loss(Z, Y, reported=True, out=None):
    """Sigmoid probabilities of the logits ``Z``, and the per-sample losses.

    Per output, ``-[y log a + (1 - y) log(1 - a)] = log(1 + e^z) - y z``, the
    exact form. ``reported``: MLPClassifier's, from the rounded probability,
    clipped to ``[eps, 1 - eps]``. The two differ by more than round-off where
    ``a`` rounds to within a few ``eps`` of 1 (``1 - a`` then loses its
    digits), which is common on unscaled data; the stopping rule must see
    MLPClassifier's values there to stop at the same epoch.

    Returns ``(A, losses)``: the probabilities, written into ``out`` (a new
    array if None), and the losses. ``Z`` is left as it was.
    """
    A = np.empty_like(Z) if out is None else out
    if not reported:
        losses = np.logaddexp(0, Z)
        losses -= Y * Z
        expit(Z, out=A)
        return A, losses.sum(axis=1)
    expit(Z, out=A)
    low, high, _, _ = _EPS[A.dtype]
    P = np.minimum(A, high)
    np.maximum(P, low, out=P)
    # y is 0 or 1: each term is -log a or -log(1 - a)
    losses = np.where(Y > 0, P, 1 - P)
    return A, -np.log(losses, out=losses).sum(axis=1)


def softmax_loss(Z, Y, reported=True, out=None):
    """Softmax probabilities of the logits ``Z``, and the per-sample losses.

    ``-sum_k y_k log a_k = log sum_j e^{z_j} - sum_k y_k z_k``, with the row
    maximum subtracted first so that ``exp`` cannot overflow. With one-hot
    ``y`` this is the single term ``-log a_true``, which ``reported`` clips
    as MLPClassifier clips the probability. Returns ``(A, losses)``, ``A``
    written into ``out``; ``Z`` is left as it was.
    """
    A = np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    losses = -np.einsum("ij,ij->i", Y, A)
    np.exp(A, out=A)
    norm = row_sums(A)
    A /= norm[:, np.newaxis]
    losses += np.log(norm)
    if reported:
        _clip_like_probabilities(losses, A.dtype)
    return A, losses


def squared_error(Z, Y, reported=True, out=None):
    """Identity output: ``A = Z``; and the per-sample half squared errors.

    Exact: ``1/2 sum_k (a_k - y_k)^2``, whose derivative is ``a - y``.
    ``reported``: MLPRegressor's, the mean over the ``k`` outputs instead of
    the sum (its gradient still sums, so both train the same weights).
    Returns ``(Z, losses)``: the predictions are the logits themselves, which
    stay untouched (``out`` is not needed).
    """
    diff = Z - Y
    losses = 0.5 * np.einsum("ij,ij->i", diff, diff)
    if reported and Z.shape[1] > 1:
        losses /= Z.shape[1]
    return Z, losses


def poisson_deviance(Z, Y, reported=True, out=None):
    """Exp output: ``A = e^Z``; and the per-sample half Poisson deviances.

    Per output, ``y log(y / a) - y + a`` (0 log 0 = 0), with ``a = e^z``; its
    derivative is ``d/dz [y log y - y z - y + e^z] = e^z - y = a - y``.
    ``reported`` and exact are the same function, rounded as MLPRegressor
    rounds it when ``reported``. Returns ``(A, losses)``, ``A`` written into
    ``out``; ``Z`` is left as it was.
    """
    A = np.empty_like(Z) if out is None else out
    if reported:
        np.exp(Z, out=A)
        return A, (xlogy(Y, Y / A) - Y + A).sum(axis=1)
    losses = xlogy(Y, Y) - Y * Z - Y  # from the logits: no log of a rounded exp
    np.exp(Z, out=A)
    losses += A
    return A, losses.sum(axis=1)


def _per_row(terms, reported):
    """Per-sample losses from per-output ``terms``: their sum (whose
    gradient the deltas compute), or their mean over the outputs when
    ``reported``, as the squared error reports it."""
    losses = terms.sum(axis=1)
    if reported and terms.shape[1] > 1:
        losses /= terms.shape[1]
    return losses


def absolute_error(Z, Y, reported=True, out=None):
    """Identity output: ``A = Z``; and the per-sample absolute errors.

    ``sum_k |a_k - y_k|``, not halved (scikit-learn's ``AbsoluteError``).
    Its derivative is ``sign(a - y)``; at ``a = y``, where the loss has a
    kink, it is taken as -1 (scikit-learn's subgradient, that of the pinball
    loss at 0.5 doubled; ``absolute_error_delta``).
    ``reported``: the mean over the outputs. Returns ``(Z, losses)``.
    """
    return Z, _per_row(np.abs(Z - Y), reported)


def huber_loss(Z, Y, reported=True, out=None, *, delta=1.0):
    """Identity output: ``A = Z``; and the per-sample Huber losses.

    Per output, with ``r = a - y``: ``1/2 r^2`` where ``|r| <= delta``,
    ``delta (|r| - delta / 2)`` beyond (scikit-learn's ``HuberLoss``, with
    a fixed ``delta``): half the squared error near the target, a line of
    slope ``delta`` past it, so that one outlier pulls no harder than
    ``delta``. Differentiable everywhere. ``reported``: the mean over the
    outputs. Returns ``(Z, losses)``.
    """
    r = np.abs(Z - Y)
    small = np.minimum(r, delta)
    # 1/2 s^2 + delta (r - s): both pieces at once, s = min(r, delta)
    terms = 0.5 * small * small + delta * (r - small)
    return Z, _per_row(terms, reported)


def pinball_loss(Z, Y, reported=True, out=None, *, quantile=0.5):
    """Identity output: ``A = Z``; and the per-sample pinball losses.

    Per output ``k``, with ``q = quantile`` (a float, or one per output)
    and ``r = y - a``: ``q r`` where ``r >= 0``, ``(q - 1) r`` below
    (scikit-learn's ``PinballLoss``, not halved). Its minimiser is the
    ``q``-quantile of ``y``; at ``q = 0.5`` it is half the absolute error.
    The derivative is ``-q`` where ``y >= a`` and ``1 - q`` below,
    scikit-learn's choice at the kink (``pinball_delta``). ``reported``: the
    mean over the outputs. Returns ``(Z, losses)``.
    """
    r = Y - Z
    terms = np.where(r >= 0, quantile * r, (quantile - 1) * r)
    return Z, _per_row(terms, reported)


def softmax(Z):
    """Softmax of each row, in place."""
    # the ufunc's reduce itself: Z.max's Python wrapper costs a microsecond,
    # a tenth of a one-row prediction
    Z -= np.maximum.reduce(Z, axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= row_sums(Z)[:, np.newaxis]
    return Z


def logistic(Z):
    """Sigmoid, in place."""
    return expit(Z, out=Z)


def identity(Z):
    """Identity: the logits are the predictions."""
    return Z


def exp(Z):
    """Exponential, in place: the inverse of Poisson's log link."""
    return np.exp(Z, out=Z)


#: Output activation name -> ``loss(Z, Y, reported=True, out=None)``, which
#: returns the predictions (in ``out``) and the per-sample losses.
OUTPUT_LOSSES = {
    "logistic": logistic_loss,
    "softmax": softmax_loss,
    "identity": squared_error,
    "exp": poisson_deviance,
}
#: Output activation name -> in-place predictions (probabilities, values).
OUTPUT_ACTIVATIONS = {
    "logistic": logistic,
    "softmax": softmax,
    "identity": identity,
    "exp": exp,
}


def weighted_mean(losses, sample_weight):
    """Mean of per-sample losses, weighted by ``s_i / sum(s)`` when given."""
    if sample_weight is None:
        return float(losses.sum()) / losses.shape[0]  # sum: less overhead than mean
    return float(np.dot(losses, sample_weight) / sample_weight.sum())


def _mean_over_rows(dZ, sample_weight):
    """The derivative of a (weighted) mean over rows: each row's divided by
    ``m``, or scaled by ``s_i / sum(s)``; in place."""
    if sample_weight is None:
        dZ *= 1.0 / dZ.shape[0]
    else:
        dZ *= (sample_weight / sample_weight.sum())[:, np.newaxis]
    return dZ


def output_delta(A, Y, sample_weight, out=None):
    """``dZ = (A - Y) / m``, rows scaled by ``s_i / sum(s)``, into ``out``.

    This is ``d loss / d Z`` for every canonical pair above:
    ``d/dz [log(1 + e^z) - y z] = sigmoid(z) - y``, likewise for softmax,
    ``d/dz 1/2 (z - y)^2 = z - y`` and ``d/dz [e^z - y z] = e^z - y``.
    ``A`` is left as it was (``out=A`` writes over it).
    """
    return _mean_over_rows(np.subtract(A, Y, out=out), sample_weight)


def _above(A, Y, out):
    """1 where ``A > Y``, 0 elsewhere, in ``A``'s dtype, into ``out``: the
    comparison writes its booleans straight into the float buffer."""
    return np.greater(A, Y, out=np.empty_like(A) if out is None else out)


def absolute_error_delta(A, Y, sample_weight, out=None):
    """``dZ = 1 / m`` where ``A > Y``, ``-1 / m`` elsewhere (scikit-learn's
    choice at ``A = Y``), weighted as ``output_delta``, into ``out``."""
    dZ = _above(A, Y, out)
    dZ *= 2.0
    dZ -= 1.0  # 2 * 1 - 1 = 1 above, 2 * 0 - 1 = -1 at or below
    return _mean_over_rows(dZ, sample_weight)


def huber_delta(A, Y, sample_weight, out=None, *, delta=1.0):
    """``dZ = clip(A - Y, -delta, delta) / m``, weighted as
    ``output_delta``, into ``out``: the residual near the target, its sign
    times ``delta`` beyond."""
    dZ = np.subtract(A, Y, out=out)
    np.clip(dZ, -delta, delta, out=dZ)
    return _mean_over_rows(dZ, sample_weight)


def pinball_delta(A, Y, sample_weight, out=None, *, quantile=0.5):
    """``dZ = (1 - q) / m`` where ``A > Y``, ``-q / m`` elsewhere, weighted
    as ``output_delta``, into ``out``."""
    dZ = _above(A, Y, out)
    dZ -= quantile  # 1 - q above the target, -q at or below it
    return _mean_over_rows(dZ, sample_weight)


#: Regression loss name (the regressor's ``loss``) -> (output activation,
#: loss, delta). The canonical pairs share ``output_delta``; the others have
#: their own, and the identity output. ``huber`` takes ``delta=`` and
#: ``quantile`` ``quantile=`` (bound by ``regression_loss``).
REGRESSION_LOSSES = {
    "squared_error": ("identity", squared_error, output_delta),
    "poisson": ("exp", poisson_deviance, output_delta),
    "absolute_error": ("identity", absolute_error, absolute_error_delta),
    "huber": ("identity", huber_loss, huber_delta),
    "quantile": ("identity", pinball_loss, pinball_delta),
}


def canonical_loss(activation):
    """``(loss, delta)`` of the canonical pair of the output ``activation``."""
    return OUTPUT_LOSSES[activation], output_delta


def regression_loss(name, **params):
    """``(output activation, loss, delta)`` of the regression loss ``name``,
    with its parameters (``delta`` for Huber, ``quantile``) bound."""
    activation, loss, delta = REGRESSION_LOSSES[name]
    if params:
        loss = functools.partial(loss, **params)
        delta = functools.partial(delta, **params)
    return activation, loss, delta
