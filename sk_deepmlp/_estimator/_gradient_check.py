"""Finite-difference verification of the backward pass."""

import copy

import numpy as np
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._base import BaseDeepMLP


def numerical_gradient(loss, params, eps=1e-6):
    """Centered differences ``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``.

    ``loss()`` evaluates J at the current content of ``params``, which is
    perturbed one entry at a time and restored afterwards.
    """
    grad = np.empty_like(params, dtype=np.float64)
    for i in range(params.size):
        old = params[i]
        params[i] = old + eps
        plus = loss()
        params[i] = old - eps
        minus = loss()
        params[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are 0."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def network_gradient_error(net, X, Y, sample_weight, alpha, eps=1e-6, masks=None):
    """Relative error between ``net``'s backward pass and finite differences.

    With dropout ``masks``, the same masks serve every evaluation, so that the
    loss is one deterministic function of the parameters.
    """

    def loss():
        return net.loss_grad(X, Y, sample_weight, alpha, masks)

    loss()
    analytic = net.grad.astype(np.float64)
    return relative_error(numerical_gradient(loss, net.params, eps), analytic)


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-6):
    """Verify backpropagation on your own network with finite differences.

    Computes the gradient of the estimator's training loss (its loss plus L2
    penalty, with its ``class_weight`` and the given ``sample_weight``) at its
    current parameters twice: with the backward pass, and numerically with
    centered differences ``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``
    for every parameter, all in float64 and without dropout. Batch
    normalisation is checked as it trains, with the statistics of ``X``. It
    returns
    ``||g_num - g|| / (||g_num|| + ||g||)``: below about 1e-7 the backward pass
    is right. The cost is two forward passes per parameter, so use a small
    network and a few samples.

    Parameters
    ----------
    estimator : DeepMLPClassifier or DeepMLPRegressor
        A fitted estimator (a ``partial_fit`` on the data fits it cheaply).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Samples at which the loss is taken.
    y : array-like of shape (n_samples,) or (n_samples, n_classes)
        Their targets: among the classifier's ``classes_``, or values with
        the regressor's number of outputs.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    eps : float, default=1e-6
        Step of the finite differences.

    Returns
    -------
    relative_error : float
        Relative error between the two gradients.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_deepmlp import DeepMLPClassifier, check_gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(4,), activation="tanh",
    ...                         random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    >>> bool(check_gradients(clf, X[:10], y[:10]) < 1e-7)
    True
    """
    if not isinstance(estimator, BaseDeepMLP):
        raise TypeError(
            "check_gradients needs a fitted sk-deepmlp estimator (it runs that "
            f"estimator's own backward pass); got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    # on a copy: validating the targets must not touch the estimator's state
    X, Y = copy.copy(estimator)._validate_input(X, y, incremental=True, reset=False)
    Y = estimator._scaled_targets(Y, None, reset=False)  # what training sees
    X, Y = estimator._expanded(X).astype(np.float64), Y.astype(np.float64)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
    sample_weight = estimator._sample_weight(Y, sample_weight)
    # the exact loss: finite differences of a clipped one are 0 where it saturates
    net = estimator._network(np.float64, exact_loss=True)
    return network_gradient_error(net, X, Y, sample_weight, estimator.alpha, eps)
