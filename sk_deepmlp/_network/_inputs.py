"""Input scaling: robust, with smooth clipping (``input_scaling='robust'``),
or standard (``'standard'``: mean and standard deviation, no clipping, what
a StandardScaler ahead of the model would do).

RealMLP's preprocessing (Holzmüller et al., 2024), per column ``j``::

    x' = (x - median_j) * f_j         f_j = 1 / (q75_j - q25_j)
    x'' = x' / sqrt(1 + (x' / 3)^2)

A column whose quartiles coincide takes ``f_j = 2 / (max_j - min_j)``, and a
constant one ``f_j = 0`` (it maps to 0). The smooth clip is the identity near
0 and bends values beyond a few interquartile ranges towards ±3, so that a
heavy tail or an outlier cannot dominate the first layer's products, while
the order of the values is kept.

Binary columns (at most two distinct values in the first fit's data: 0/1
flags, one-hot columns, whatever their coding) are left as they are: their
median and quartiles say nothing useful, and clipping would only squash
them. ``input_scaled_`` says which columns were scaled.

The statistics come from the first fit's training data, with the sample
weights (a weighted quantile, the inverse of the weighted empirical CDF, so
that a weight of 2 equals a repeated row); ``partial_fit`` and warm starts
keep them. Sparse input is refused at fit: centring would fill every zero.

The scaling is the network's first box (``InputScaling``), with no
parameters to train, and prediction applies the same function first.
"""

import numpy as np


def weighted_quantiles(X, quantiles, sample_weight=None):
    """Per column, the smallest value whose weighted empirical CDF reaches
    each quantile (NumPy's 'inverted_cdf', which takes no weights before
    NumPy 2); shape (len(quantiles), n_columns)."""
    n, d = X.shape
    order = np.argsort(X, axis=0, kind="stable")
    sorted_X = np.take_along_axis(X, order, axis=0)
    if sample_weight is None:
        cdf = (np.arange(1, n + 1, dtype=np.float64) / n)[:, None]
    else:
        cdf = np.cumsum(np.asarray(sample_weight, np.float64)[order], axis=0)
        cdf /= cdf[-1]
    columns = np.arange(d)
    # a relative slack: a CDF that reaches q up to rounding reaches it
    first = [np.broadcast_to((cdf >= q - 1e-12).argmax(axis=0), d) for q in quantiles]
    return np.stack([sorted_X[rows, columns] for rows in first])


def binary_columns(X):
    """Which columns hold at most two distinct values."""
    low, high = X.min(axis=0), X.max(axis=0)
    return ((X == low) | (X == high)).all(axis=0)


def robust_statistics(X, sample_weight=None):
    """``(offset, factor, scaled)``: the median and the factor of each
    column, and which columns are scaled; binary ones get offset 0, factor 1
    and are not clipped."""
    X = np.asarray(X, dtype=np.float64)
    if sample_weight is not None:  # rows of zero weight count for nothing
        keep = np.asarray(sample_weight) > 0
        X, sample_weight = X[keep], np.asarray(sample_weight)[keep]
    q25, median, q75 = weighted_quantiles(X, (0.25, 0.5, 0.75), sample_weight)
    spread = q75 - q25
    flat = ~(spread > 0)
    spread[flat] = 0.5 * (X.max(axis=0) - X.min(axis=0))[flat]
    factor = np.divide(1.0, spread, out=np.zeros_like(spread), where=spread > 0)
    scaled = ~binary_columns(X)
    return np.where(scaled, median, 0.0), np.where(scaled, factor, 1.0), scaled


def standard_statistics(X, sample_weight=None):
    """``(offset, factor, clipped)`` of ``input_scaling='standard'``: each
    column's weighted mean and the inverse of its weighted standard
    deviation (a constant column: factor 0, it maps to 0), none clipped;
    binary columns get offset 0 and factor 1, as in ``robust_statistics``."""
    X = np.asarray(X, dtype=np.float64)
    mean = np.average(X, axis=0, weights=sample_weight)
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=sample_weight))
    factor = np.divide(1.0, std, out=np.zeros_like(std), where=std > 0)
    scaled = ~binary_columns(X)
    return (
        np.where(scaled, mean, 0.0),
        np.where(scaled, factor, 1.0),
        np.zeros(X.shape[1], dtype=bool),
    )


#: input_scaling's statistics by name
SCALINGS = {"robust": robust_statistics, "standard": standard_statistics}


def smooth_clip(x):
    """``x / sqrt(1 + (x / 3)^2)``, in place."""
    denominator = x / 3
    denominator *= denominator
    denominator += 1
    np.sqrt(denominator, out=denominator)
    x /= denominator
    return x


def robust_scale(X, offset, factor, scaled, out=None):
    """``(X - offset) * factor``, smoothly clipped in the ``scaled``
    columns (a boolean mask), into ``out`` (a new array if None)."""
    if out is None:
        out = np.empty(X.shape, dtype=X.dtype)
    np.subtract(X, offset.astype(X.dtype, copy=False), out=out)
    out *= factor.astype(X.dtype, copy=False)
    if scaled.all():
        smooth_clip(out)
    elif scaled.any():
        out[:, scaled] = smooth_clip(out[:, scaled])
    return out


class InputScaling:
    """The network's first box: ``robust_scale`` with the fitted statistics.
    Nothing to train, and nothing below it needs a gradient."""

    def __init__(self, offset, factor, scaled, dtype):
        self.offset = np.asarray(offset, dtype=dtype)
        self.factor = np.asarray(factor, dtype=dtype)
        self.scaled = np.asarray(scaled, dtype=bool)
        self.dtype = dtype
        self._full = np.empty((0, len(self.offset)), dtype=dtype)

    def use_rows(self, m):
        if m > self._full.shape[0]:
            self._full = np.empty((m, len(self.offset)), dtype=self.dtype)
        self._out = self._full[:m]

    def forward(self, X, batch):
        return robust_scale(X, self.offset, self.factor, self.scaled, out=self._out)

    def backward(self, dX, batch):
        return None  # the input's gradient is never needed
