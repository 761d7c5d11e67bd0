"""Prediction: its input checks, its fast path, and the forward pass in
bounded memory.

``_validated_logits`` validates the input (or, for a plain float array it
has checked itself, skips the validation: ``_fast_path_applies``) and runs
the fitted network on it in chunks of about ``_PREDICT_CHUNK_BYTES`` bytes of
activations (``predict_logits``), with batch normalisation folded
into the weights.
"""

import copy
import functools
import math

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from .._network._activations import ACTIVATIONS
from .._network._blas import matmul
from .._network._ensemble import ensemble_logits
from .._network._fitted import ENSEMBLE
from .._network._layernorm import layer_norm
from .._network._losses import canonical_loss, weighted_mean

# predict* work on chunks of about this many bytes of activations
_PREDICT_CHUNK_BYTES = 8 * 2**20


def _quiet_overflow(method):
    """``method`` under ``np.errstate(over="ignore", invalid="ignore")``.

    NumPy 2's errstate, used as a decorator, sets the state without making a
    context manager per call: 0.3 µs instead of 0.8, a twentieth of a small
    prediction. NumPy 1's would keep the state to restore on the shared
    instance, which threads and nested calls overwrite: there, a ``with``.
    """
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        return np.errstate(over="ignore", invalid="ignore")(method)

    @functools.wraps(method)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            return method(*args, **kwargs)

    return quiet


class PredictionMixin:
    """Prediction's checks and forward pass, for BaseDeepMLP; not for
    direct use."""

    def _output_loss(self):
        """``(loss, delta)`` of the fitted output layer (``_losses``): the
        canonical pair of ``out_activation_``."""
        return canonical_loss(self.out_activation_)

    def _loss(self, X, y, sample_weight=None):
        """The model's loss on ``(X, y)`` without the L2 penalty, as
        ``validation_loss_curve_`` reports it: the callbacks' validation loss."""
        # on a copy: validating the targets must not touch the fitted state
        X, Y = copy.copy(self)._validate_input(X, y, incremental=True, reset=False)
        Y = self._scaled_targets(Y, None, reset=False)  # loss_'s units
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, _ = self._output_loss()
            _, losses = loss(self._logits(X), Y)
        return float(weighted_mean(losses, sample_weight))

    def _logits(self, X, coefs=None, intercepts=None, steps=None, expanded=False):
        """Output-layer pre-activations of already validated X, in chunks.

        ``coefs``, ``intercepts`` and ``steps`` default to the fitted model's
        (``_inference_layers``: batch normalisation folded in, with its
        running statistics; layer normalisation and residual additions).
        """
        if coefs is None:
            coefs, intercepts, steps = self._inference_layers()
        state = vars(self)
        # one look for a plain model (a small prediction's few microseconds)
        if (
            "input_scaled_" in state
            or "embedded_features_" in state
            or "ensemble_input_scales_" in state
            or "_column_fills" in state
        ):
            # the boxes before the first layer; training's X is expanded
            X = self._transform_front(X, expanded)
            if "ensemble_input_scales_" in state:
                adapters = tuple(state[name] for name in ENSEMBLE)
                return ensemble_logits(
                    X, coefs, adapters, self._activations, steps, self.out_activation_
                )
        # overflow is the callers' to judge (inf logits are reported, not
        # warned about): they run this under np.errstate(over="ignore", ...)
        return predict_logits(
            X, coefs, intercepts, self._activations, _PREDICT_CHUNK_BYTES, steps
        )

    @_quiet_overflow
    def _validated_logits(self, X):
        # quiet for the checks and the forward pass alike: a huge finite X
        # overflows both, and an overflow is reported below, not warned about
        if not _fast_path_applies(self, X):
            X = self._validated_input(X)
        logits = self._logits(X)
        if not _surely_finite(logits):
            _check_no_overflow(logits, X)
        return logits

    def _validated_input(self, X):
        """X through scikit-learn's full validation, with its errors and
        warnings: for everything but a plain float array that the model can
        take as it is (``_fast_path_applies``)."""
        check_is_fitted(self)
        X = self._validate_columns(
            X,
            "no_validation",
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
        )
        self._check_numeric_nan(X)
        return X.tocsr() if sparse.issparse(X) else X


def _check_no_overflow(logits, X):
    if not np.isfinite(logits).all():
        rows = np.flatnonzero(~np.isfinite(logits).all(axis=1))
        raise ValueError(
            f"The network's output overflowed for {len(rows)} sample(s) "
            f"(rows {rows[:5].tolist()}...): X holds values too large for "
            f"this model (largest magnitude {abs(X).max():.3g}). Scale X as "
            "the training data was scaled."
        )


def _fast_path_applies(estimator, X):
    """Whether ``X`` passes prediction's validation without it: a non-empty
    2-D float32 or float64 ndarray with the fitted number of features, to a
    model fitted without feature names, finite unless scikit-learn's
    ``assume_finite`` is set. This is all that ``validate_data`` would check
    and change for such an array, at a few microseconds instead of about a
    hundred; any other input takes the full validation, and so errs or warns
    exactly as it always did."""
    fitted = vars(estimator)
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in _FAST_DTYPES
        and X.shape[0] > 0
        and X.shape[1] == fitted.get("n_features_in_", -1)
        and "coefs_" in fitted
        and "feature_names_in_" not in fitted
        and "_column_fills" not in fitted  # codes categories, fills NaN
        # the check first: a finite X passes either way, and get_config
        # copies a dict (0.2 µs), while the check is one pass over X where
        # the first layer's product makes one per unit
        and (_surely_finite(X) or get_config()["assume_finite"])
    )


def _surely_finite(X):
    """True only if every value of ``X`` is finite: a sum of squares is NaN or
    infinite whenever a value is (one BLAS call, where ``isfinite(X).all()``
    makes two passes and a boolean array). It can also overflow for huge
    finite values; the caller then takes the full validation, which tells
    them apart."""
    flat = X.ravel()
    return math.isfinite(flat.dot(flat))  # the method: np.dot dispatches first


# a set: `in` on a tuple compares dtypes with ==, which takes 0.2 µs
_FAST_DTYPES = frozenset({np.dtype(np.float64), np.dtype(np.float32)})


def predict_logits(X, coefs, intercepts, activations, chunk_bytes, steps=None):
    """Logits of the output layer, computed in chunks of about ``chunk_bytes``
    bytes of activations.

    Only one chunk's activations exist at any moment, so the extra memory is
    bounded whatever the number of samples; the result is that of one pass,
    up to BLAS's rounding of the rows at a chunk's edge (whose products it
    may sum in another order, as it may a single row's). The chunks depend
    on the shapes only, so a batch always gives the same bits. ``steps``
    (``inference_steps``): layer normalisation and residual additions per
    hidden layer; None for a network without (the plain pass).
    A batch of one chunk or less (every request of a served model) is one pass
    with no result buffer: the same operations, a few microseconds fewer.
    """
    dtype = _common_dtype(X, coefs, intercepts)
    rows = X.shape[0]
    # a single row is a single chunk whatever its size
    if rows > 1:
        row_bytes = X.dtype.itemsize * sum(map(len, intercepts))  # units
        if rows * row_bytes > chunk_bytes:
            chunk_rows = max(1, chunk_bytes // row_bytes)
            return _chunked_forward_pass(
                X, coefs, intercepts, activations, dtype, chunk_rows, steps
            )
    if steps is not None:
        return _stepped_forward_pass(X, coefs, intercepts, activations, dtype, steps)
    return _forward_pass(X, coefs, intercepts, activations, dtype)


def _common_dtype(X, coefs, intercepts):
    """``np.result_type(X, *coefs, *intercepts)``, in a fifth of the time in
    the usual case: one native dtype throughout."""
    dtype = X.dtype
    if dtype.isnative:
        for arrays in (coefs, intercepts):
            for a in arrays:
                if a.dtype != dtype:
                    return np.result_type(X.dtype, *coefs, *intercepts)
        return dtype
    return np.result_type(X.dtype, *coefs, *intercepts)


def _chunked_forward_pass(
    X, coefs, intercepts, activations, dtype, chunk_rows, steps=None
):
    out = np.empty((X.shape[0], coefs[-1].shape[1]), dtype=dtype)
    for start in range(0, X.shape[0], chunk_rows):
        chunk = X[start : start + chunk_rows]
        if steps is None:
            logits = _forward_pass(chunk, coefs, intercepts, activations, dtype)
        else:
            logits = _stepped_forward_pass(
                chunk, coefs, intercepts, activations, dtype, steps
            )
        out[start : start + chunk_rows] = logits
    return out


def _forward_pass(A, coefs, intercepts, activations, dtype):
    """``g(...g(A W1 + b1)...) W_L + b_L`` in ``dtype``, in fresh arrays."""
    if type(A) is not np.ndarray and sparse.issparse(A):
        A = A @ coefs[0]
    else:
        A = matmul(A, coefs[0], dtype)
    A += intercepts[0]
    for layer in range(1, len(coefs)):  # indices: no list slices to make
        ACTIVATIONS[activations[layer - 1]](A)
        A = matmul(A, coefs[layer], dtype)
        A += intercepts[layer]
    return A


def _stepped_forward_pass(A, coefs, intercepts, activations, dtype, steps):
    """``_forward_pass`` with each hidden layer's extra steps: layer
    normalisation after its linear step, its input added to its output (a
    separate function: the plain pass, which small predictions take, stays as
    short as it was)."""
    if sparse.issparse(A):
        A_in, A = None, A @ coefs[0]  # the first layer never adds its input
    else:
        A_in, A = A, matmul(A, coefs[0], dtype)
    A += intercepts[0]
    for layer in range(1, len(coefs)):
        norm, skip = steps[layer - 1]
        if norm is not None:
            layer_norm(A, *norm)
        ACTIVATIONS[activations[layer - 1]](A)
        if skip:
            A += A_in
        A_in, A = A, matmul(A, coefs[layer], dtype)
        A += intercepts[layer]
    return A
