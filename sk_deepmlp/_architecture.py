"""The fitted network as the estimators hold it: its arrays, its shape, and
the Network that training and the gradient check build from them.

The fitted model is a set of public attributes (``coefs_``, ``intercepts_``
and, with batch normalisation, ``batch_norm_gamma_``, ``_beta_``, ``_mean_``
and ``_var_``). Training copies them into a ``Network``'s flat vectors and
makes the attributes views of those (``_adopt``), so that a fit that fails
leaves the previous arrays untouched; prediction reads them directly, with
batch normalisation folded into the weights, after validating its input,
or, for a plain float array it has checked itself, without (``_fast_path_applies``).
"""

import copy
import functools
import math

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._checks import check_numeric
from ._losses import OUTPUT_LOSSES, weighted_mean
from ._network import Network, fold_layers, inference_steps, predict_logits

#: The fitted attributes of batch normalisation: batch_norm_<name>_.
BN_ATTRIBUTES = ("gamma", "beta", "mean", "var")
#: The fitted attributes of layer normalisation: layer_norm_<name>_.
LN_ATTRIBUTES = ("gamma", "beta")

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


class FittedNetworkMixin:
    """The fitted network's arrays, for BaseDeepMLP; not for direct use."""

    def _network(
        self, dtype, dropout=None, exact_loss=False, norm=None, layer_norm=None
    ):
        """A Network of the fitted architecture, loaded with the fitted
        arrays (the fitted model stays untouched: the network copies them).

        ``norm`` and ``layer_norm`` (one bool per hidden layer) add batch or
        layer normalisation to a new model, which has no such arrays yet: the
        network starts them as the identity transformation.
        """
        units = [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]
        net = Network(
            units,
            self._activations,
            self.out_activation_,
            dtype,
            dropout,
            exact_loss=exact_loss,
            batch_norm=self._batch_norm_layers() if norm is None else norm,
            batch_norm_momentum=self.batch_norm_momentum,
            layer_norm=self._layer_norm_layers() if layer_norm is None else layer_norm,
            residual=self._residual_layers(),
        )
        net.load(
            self.coefs_,
            self.intercepts_,
            self._batch_norm_arrays(),
            self._layer_norm_arrays(),
        )
        return net

    def _adopt(self, net):
        """Make the fitted arrays views of ``net``'s parameters and state."""
        self.coefs_, self.intercepts_ = list(net.coefs), list(net.intercepts)
        if any(net.batch_norm):
            self.batch_norm_gamma_, self.batch_norm_beta_ = net.gammas, net.betas
            self.batch_norm_mean_, self.batch_norm_var_ = net.means, net.vars
        if any(net.layer_norm):
            self.layer_norm_gamma_ = net.ln_gammas
            self.layer_norm_beta_ = net.ln_betas

    def _batch_norm_arrays(self):
        """``(gammas, betas, means, vars)`` of the fitted model, or None.

        The attributes exist only for a model with batch normalisation (on
        at least one layer); a model from before batch norm existed has none.
        """
        if "batch_norm_gamma_" not in vars(self):
            return None
        return tuple(getattr(self, f"batch_norm_{n}_") for n in BN_ATTRIBUTES)

    def _batch_norm_layers(self):
        """Which hidden layers of the fitted model have batch normalisation."""
        arrays = self._batch_norm_arrays()
        if arrays is None:
            return [False] * (len(self.coefs_) - 1)
        return [gamma is not None for gamma in arrays[0]]

    def _layer_norm_arrays(self):
        """``(gammas, betas)`` of the fitted layer normalisation, or None."""
        if "layer_norm_gamma_" not in vars(self):
            return None
        return tuple(getattr(self, f"layer_norm_{n}_") for n in LN_ATTRIBUTES)

    def _layer_norm_layers(self):
        """Which hidden layers of the fitted model have layer normalisation."""
        arrays = self._layer_norm_arrays()
        if arrays is None:
            return [False] * (len(self.coefs_) - 1)
        return [gamma is not None for gamma in arrays[0]]

    def _residual_layers(self):
        """Which hidden layers of the fitted model add their input to their
        output (``residual_layers_``; none in a model from before it)."""
        return vars(self).get("residual_layers_") or [False] * (len(self.coefs_) - 1)

    def _model_arrays(self):
        """The names of the per-layer array lists that make the model:
        weights, biases and, with them, the normalisations'."""
        names = ["coefs_", "intercepts_"]
        if self._batch_norm_arrays() is not None:
            names += [f"batch_norm_{n}_" for n in BN_ATTRIBUTES]
        if self._layer_norm_arrays() is not None:
            names += [f"layer_norm_{n}_" for n in LN_ATTRIBUTES]
        return names

    def _check_same_architecture(self, layer_units, norm, layer_norm, residual):
        fitted = [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]
        if fitted[1:-1] != layer_units[1:-1]:
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} does not match "
                f"the fitted network, whose layers have {fitted[1:-1]} units: "
                "warm_start and partial_fit continue that network and cannot "
                "change its architecture. Fit with warm_start=False to start anew."
            )
        if fitted != layer_units:
            raise ValueError(
                f"The fitted network has {fitted[0]} inputs and {fitted[-1]} "
                f"outputs; this data gives {layer_units[0]} and {layer_units[-1]}."
            )
        if norm != self._batch_norm_layers():
            raise ValueError(
                f"batch_norm={self.batch_norm!r} does not match the fitted "
                f"network, whose layers have batch_norm={self._batch_norm_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove batch normalisation. Fit with warm_start=False "
                "to start anew."
            )
        if residual != self._residual_layers():
            raise ValueError(
                f"residual={self.residual!r} gives residual layers {residual}, "
                f"but the fitted network has {self._residual_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove its skip connections. Fit with warm_start=False "
                "to start anew."
            )
        if layer_norm != self._layer_norm_layers():
            raise ValueError(
                f"layer_norm={self.layer_norm!r} does not match the fitted "
                f"network, whose layers have layer_norm={self._layer_norm_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove layer normalisation. Fit with warm_start=False "
                "to start anew."
            )

    def _forget_normalisations(self, norm):
        """Forget a previous model's batch and layer normalisation before a
        fresh fit
        (the network starts the new one, see ``_network``), and zero the bias
        of each layer that will have it: beta replaces that bias. The biases
        were drawn all the same, so that every scheme's random stream is the
        one without batch normalisation."""
        for name in (f"batch_norm_{n}_" for n in BN_ATTRIBUTES):
            self.__dict__.pop(name, None)
        for name in (f"layer_norm_{n}_" for n in LN_ATTRIBUTES):
            self.__dict__.pop(name, None)
        for layer, on in enumerate(norm):
            if on:
                self.intercepts_[layer][...] = 0

    def _reconstruction_attributes(self):
        """The fitted attributes as they stand, copied: what a callback's
        ``fitted_estimator`` needs to predict as of now, and nothing that the
        training goes on changing (the arrays are views of the live network,
        the curves lists that it appends to)."""
        names = self._model_arrays()
        attributes = {
            name: [None if a is None else a.copy() for a in getattr(self, name)]
            for name in names
        }
        for name, value in vars(self).items():
            if name.endswith("_") and not name.startswith("_") and name not in names:
                attributes[name] = list(value) if isinstance(value, list) else value
        return attributes

    def _inference_layers(self):
        """``(coefs, intercepts, steps)`` as prediction uses them: the fitted
        arrays, or new ones with batch normalisation folded in, and what
        prediction does beyond them (``_network.inference_steps``: layer
        normalisation, residual additions; None for a model without)."""
        bn, ln = self._batch_norm_arrays(), self._layer_norm_arrays()
        steps = None
        residual = vars(self).get("residual_layers_")
        if ln is not None or (residual and any(residual)):
            hidden = len(self.coefs_) - 1
            gammas, betas = ln if ln is not None else ([None] * hidden,) * 2
            steps = inference_steps(gammas, betas, self._residual_layers())
        if bn is None:
            return self.coefs_, self.intercepts_, steps
        return (*fold_layers(self.coefs_, self.intercepts_, *bn), steps)

    def _loss(self, X, y, sample_weight=None):
        """The model's loss on ``(X, y)`` without the L2 penalty, as
        ``validation_loss_curve_`` reports it: the callbacks' validation loss."""
        # on a copy: validating the targets must not touch the fitted state
        X, Y = copy.copy(self)._validate_input(X, y, incremental=True, reset=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            _, losses = OUTPUT_LOSSES[self.out_activation_](self._logits(X), Y)
        return float(weighted_mean(losses, sample_weight))

    def _logits(self, X, coefs=None, intercepts=None, steps=None):
        """Output-layer pre-activations of already validated X, in chunks.

        ``coefs``, ``intercepts`` and ``steps`` default to the fitted model's
        (``_inference_layers``: batch normalisation folded in, with its
        running statistics; layer normalisation and residual additions).
        """
        if coefs is None:
            coefs, intercepts, steps = self._inference_layers()
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
        check_numeric(X)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
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
