"""Class weights turned into per-sample weights."""

from numbers import Real

import numpy as np


def class_sample_weight(class_weight, classes, Y, sample_weight, multilabel):
    """``sample_weight`` multiplied by the weight of each sample's class.

    Parameters
    ----------
    class_weight : dict, 'balanced' or None
        The estimator's parameter.
    classes : ndarray of shape (n_classes,)
        The estimator's ``classes_``.
    Y : ndarray of shape (n_samples, n_outputs)
        Binarised targets.
    sample_weight : ndarray of shape (n_samples,) or None
    multilabel : bool
        Whether ``Y`` is a multilabel indicator matrix.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) or None
        In ``Y``'s dtype; None when both inputs are None.
    """
    if class_weight is None:
        return sample_weight
    if isinstance(class_weight, str):  # "balanced", the only string accepted
        weights = _balanced_weights(Y, sample_weight, multilabel)
    elif multilabel:
        raise ValueError(
            "class_weight as a dict is not supported for multilabel targets, "
            "where a sample carries several labels at once. Use "
            "class_weight='balanced' or pass sample_weight."
        )
    else:
        _check_class_weight_dict(class_weight, classes)
        per_class = np.array([float(class_weight.get(c, 1.0)) for c in classes])
        weights = per_class[class_index(Y)]
    weights = weights.astype(Y.dtype)
    return weights if sample_weight is None else weights * sample_weight


def _check_class_weight_dict(class_weight, classes):
    """Known labels, and finite non-negative numbers that are not all zero."""
    known = set(classes.tolist())
    unknown = [c for c in class_weight if _plain(c) not in known]
    if unknown:
        raise ValueError(
            f"class_weight names classes {[_plain(c) for c in unknown]} that are "
            f"not among the classes {classes.tolist()}."
        )
    bad = {
        _plain(c): w
        for c, w in class_weight.items()
        if not isinstance(w, Real) or isinstance(w, bool) or not 0 <= w < np.inf
    }
    if bad:
        raise ValueError(
            f"class_weight values must be finite non-negative numbers; got {bad}."
        )
    if classes.size and all(class_weight.get(c, 1.0) == 0 for c in classes):
        raise ValueError(
            f"class_weight gives every class a weight of 0: {class_weight}. "
            "At least one class needs a positive weight."
        )


def _plain(value):
    """A NumPy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


def class_index(Y):
    """Index into ``classes_`` of each row of single-label binarised targets."""
    return Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(np.intp)


def _balanced_weights(Y, sample_weight, multilabel):
    """Per-sample weights ``total / (n_classes * class_total)`` of 'balanced'.

    Class totals are sums of ``sample_weight`` (counts without it). For
    multilabel targets each output is a two-class problem, and a sample's
    weight is the product over outputs, as in scikit-learn's forests.
    """
    sw = np.ones(len(Y)) if sample_weight is None else sample_weight
    if multilabel:
        positives = sw @ Y
        totals = np.stack([sw.sum() - positives, positives])  # (2, n_outputs)
        per_output = _safe_ratio(sw.sum(), 2 * totals)
        return np.where(Y > 0, per_output[1], per_output[0]).prod(axis=1)
    index = class_index(Y)
    n_classes = max(Y.shape[1], 2)
    totals = np.bincount(index, weights=sw, minlength=n_classes)
    return _safe_ratio(sw.sum(), n_classes * totals)[index]


def _safe_ratio(numerator, denominator):
    """``numerator / denominator``, 0 where the denominator is 0: a class of
    total weight 0 only holds samples of weight 0, whose weight stays 0."""
    return np.divide(
        numerator,
        denominator,
        out=np.zeros(np.shape(denominator)),
        where=denominator > 0,
    )
