"""The regressor's loss as the estimator sees it: which loss a fit trains
and keeps for warm starts, with its parameters; where the output bias
starts; how early stopping scores it; and several quantiles in one fit.

The loss functions themselves are in ``_network._losses``
(``REGRESSION_LOSSES``). A first fit records the loss it trained
(``_fitted_loss_spec``: its name and parameters); everything after it (the
output box of a warm start, the callbacks' loss, prediction) follows that
record, not ``loss``, which ``set_params`` may have changed since.

Several quantiles (``quantile=[0.05, 0.95]``) train one network with one
output per quantile: the targets are repeated once per quantile
(``_repeat_targets``), each output column gets its own pinball loss, and
``predict`` sorts each row's outputs, so that the quantiles never cross.
"""

from numbers import Real

import numpy as np
from sklearn.metrics import d2_absolute_error_score, d2_pinball_score, r2_score

from .._network._inputs import weighted_quantiles
from .._network._losses import OUTPUT_ACTIVATIONS, REGRESSION_LOSSES, regression_loss

#: ``loss`` parameter value -> output activation: Poisson has a log link
#: (``exp`` output), which keeps predictions positive; every other loss the
#: identity.
LOSS_OUTPUTS = {name: spec[0] for name, spec in REGRESSION_LOSSES.items()}
#: The losses whose gradient keeps its size however small the residual:
#: their output bias starts at their best constant, and D² scores them.
ROBUST_LOSSES = ("absolute_error", "huber", "quantile")
#: The fitted loss of a model pickled before the loss was recorded, from its
#: output activation (it could only be one of the two canonical pairs).
_LOSS_OF_OUTPUT = {"identity": "squared_error", "exp": "poisson"}

#: The interquartile range of a standard normal distribution: the IQR
#: divided by it estimates a standard deviation that outliers cannot inflate
_IQR_OF_A_NORMAL = 1.3489795003921634

_LOSS_CHANGED = (
    "{} does not match the fitted model, which was trained with {}: "
    "warm_start and partial_fit continue that model, its output layer and "
    "its loss included. Fit with warm_start=False to start anew."
)


def _describe_loss(name, params):
    """``loss='huber', huber_delta=1.0``: a loss as its parameters set it."""
    names = {"delta": "huber_delta", "quantile": "quantile"}
    values = (
        f"{names[k]}={list(v) if isinstance(v, tuple) else v!r}"
        for k, v in params.items()
    )
    return ", ".join([f"loss={name!r}", *values])


def checked_quantiles(quantile):
    """``quantile`` as a float, or several as a tuple of increasing floats
    in (0, 1); a clear error for anything else (the parameter constraint
    has let array-likes through)."""
    if isinstance(quantile, Real):
        return float(quantile)
    try:
        values = np.asarray(quantile, dtype=np.float64)
    except (TypeError, ValueError):
        values = np.array([np.nan])
    if (
        values.ndim != 1
        or not len(values)
        or not np.all((values > 0) & (values < 1))
        or np.any(np.diff(values) <= 0)
    ):
        raise ValueError(
            "quantile must be a float in (0, 1) or a list of increasing "
            f"floats in (0, 1), such as [0.05, 0.5, 0.95]; got {quantile!r:.80}."
        )
    return tuple(values.tolist())


def target_statistics(name, Y, sample_weight):
    """``(offset, scale)`` per output of ``scale_target`` for the loss
    ``name``, weighted by ``sample_weight`` (weights then equal repeated
    rows):

    - the squared error: the mean and standard deviation;
    - Poisson: no offset, and the mean (a constant output: 1), which keeps
      the targets non-negative and the log link intact;
    - the robust losses: the median and the interquartile range over 1.349
      (a standard deviation for normal data). 5 % of outliers at 10
      standard deviations inflate the standard deviation about 2.4 times,
      and with it Huber's threshold, which is read in these units; on the
      19 real regression tables this scaling raised the robust losses' R²
      under such outliers by 2.6 (absolute error) and 3.9 (Huber) points,
      on every table (``bench_losses.py``). Where the quartiles coincide,
      the standard deviation.

    A constant target keeps a scale of 1: nothing to scale."""
    Y64 = np.asarray(Y, dtype=np.float64)
    mean = np.average(Y64, axis=0, weights=sample_weight)
    std = np.sqrt(np.average((Y64 - mean) ** 2, axis=0, weights=sample_weight))
    if name == "poisson":
        offset, scale = np.zeros_like(mean), mean
    elif name in ROBUST_LOSSES:
        q25, offset, q75 = weighted_quantiles(Y64, (0.25, 0.5, 0.75), sample_weight)
        scale = (q75 - q25) / _IQR_OF_A_NORMAL
        scale = np.where(scale > 0, scale, std)
    else:
        offset, scale = mean, std
    scale[~(scale > 0)] = 1.0
    return offset, scale


def d2_score(name, params, Y, predictions, sample_weight):
    """Early stopping's score for the loss ``name``: R² for the squared
    error and Poisson, as MLPRegressor; for the robust losses a D² score,
    the share of a constant's loss that the model removes, which a robust
    fit can raise and R² would not reward (R² of a 5 % quantile is
    negative). Huber is scored by the absolute error: a robust score whose
    best constant (the median) is known in closed form. Several quantiles:
    the mean of their D² pinball scores, each on its own output."""
    if name == "quantile":
        alphas = np.broadcast_to(params["quantile"], Y.shape[1])
        return np.mean(
            [
                d2_pinball_score(
                    Y[:, k], predictions[:, k], sample_weight=sample_weight, alpha=a
                )
                for k, a in enumerate(alphas)
            ]
        )
    if name in ("absolute_error", "huber"):
        return d2_absolute_error_score(Y, predictions, sample_weight=sample_weight)
    return r2_score(Y, predictions, sample_weight=sample_weight)


class RegressionLossMixin:
    """The regressor's loss, recorded and followed; for DeepMLPRegressor."""

    def _loss_spec(self):
        """``(loss, its parameters)`` as this estimator's parameters set
        them: Huber's ``delta`` and the pinball's ``quantile`` (a tuple for
        several)."""
        if self.loss == "huber":
            return self.loss, {"delta": float(self.huber_delta)}
        if self.loss == "quantile":
            return self.loss, {"quantile": checked_quantiles(self.quantile)}
        return self.loss, {}

    def _fitted_loss(self):
        """``(loss, its parameters)`` that the fitted model was trained
        with, whatever ``loss`` says now."""
        spec = vars(self).get("_fitted_loss_spec")
        return spec or (_LOSS_OF_OUTPUT[self.out_activation_], {})

    def _check_same_loss(self):
        """Refuse to continue a model with another loss: MLPRegressor would
        keep training the old output silently."""
        if self._loss_spec() != self._fitted_loss():
            raise ValueError(
                _LOSS_CHANGED.format(
                    _describe_loss(*self._loss_spec()),
                    _describe_loss(*self._fitted_loss()),
                )
            )

    def _several_quantiles(self, fitted=True):
        """The quantiles of a fit with several (an array), or None."""
        name, params = self._fitted_loss() if fitted else self._loss_spec()
        several = name == "quantile" and isinstance(params["quantile"], tuple)
        return np.array(params["quantile"]) if several else None

    def _repeat_targets(self, Y):
        """With several quantiles, the targets once per quantile, one column
        each: every output then has its own target column and loss."""
        quantiles = self._several_quantiles(fitted=False)
        if quantiles is None:
            return Y
        if Y.shape[1] > 1:
            raise ValueError(
                f"quantile={list(quantiles)} gives one output per quantile of "
                f"a single target; y has {Y.shape[1]} columns. Fit one model "
                "per target column, or pass a single quantile."
            )
        return np.repeat(Y, len(quantiles), axis=1)

    def _output_loss(self):
        """``(loss, delta)`` of the fitted loss, its parameters bound
        (several quantiles as an array in the model's dtype, one per
        output)."""
        name, params = self._fitted_loss()
        if self._several_quantiles() is not None:
            dtype = self.coefs_[0].dtype
            params = {"quantile": np.array(params["quantile"], dtype=dtype)}
        _, loss, delta = regression_loss(name, **params)
        return loss, delta

    def _uncross(self, predictions):
        """With several quantiles, sort each row's predictions in place: the
        outputs, trained apart, may cross where data are scarce, and a 5 %
        quantile above a 95 % one is no interval."""
        if self._several_quantiles() is not None:
            predictions.sort(axis=1)
        return predictions

    def _output_activation(self):
        return LOSS_OUTPUTS[self.loss]

    def _start_output(self, Y, sample_weight):
        """The robust losses start each output's bias at its best constant,
        the (weighted) quantile of its training targets, the median for the
        absolute error and Huber: their gradients have a constant size, so
        Adam, whose steps are about ``learning_rate_init`` whatever the
        gradient, would take thousands of steps to walk the bias there (a
        5 % quantile sits 1.6 standard deviations below the mean that
        ``scale_target`` centres on). The canonical pairs keep
        MLPRegressor's initialisation."""
        name, params = self._fitted_loss()
        if name not in ROBUST_LOSSES:
            return
        quantiles = self._several_quantiles()
        if quantiles is None:  # one quantile (the median: 0.5) per output
            quantile = params.get("quantile", 0.5)
            start = weighted_quantiles(Y, (quantile,), sample_weight)[0]
        else:  # every column is the same target
            start = weighted_quantiles(Y[:, :1], quantiles, sample_weight)[:, 0]
        # an ensemble's members carry the biases; the shared ones stay 0
        biases = vars(self).get("ensemble_intercepts_", self.intercepts_)
        biases[-1][...] = start

    def _validation_score(self, logits, Y_val, sw_val):
        """R², or a D² score with the robust losses (``d2_score``)."""
        predictions = OUTPUT_ACTIVATIONS[self.out_activation_](logits.copy())
        self._uncross(predictions)
        name, params = self._fitted_loss()
        return float(d2_score(name, params, Y_val, predictions, sw_val))

    def _constant_score(self, Y, sample_weight):
        """The score of the best constant, 0 for R² (the mean) and for the
        D² scores (the median, the quantile) alike, by their construction."""
        return 0.0
