"""DeepMLPRegressor: real-valued targets, their loss and R²."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from .._network._losses import OUTPUT_ACTIVATIONS
from ._api import available_if_allowed, store_arguments
from ._base import BaseDeepMLP
from ._checks import check_no_missing_targets, check_score_arguments
from ._docstrings import estimator_doc
from ._regression_losses import (
    LOSS_OUTPUTS,
    RegressionLossMixin,
    d2_score,
    target_statistics,
)

_SCALE_CHANGED = (
    "scale_target={} does not match the fitted model, which {} fitted on "
    "scaled targets: warm_start and partial_fit continue that model. Fit "
    "with warm_start=False to start anew."
)


class DeepMLPRegressor(RegressionLossMixin, RegressorMixin, BaseDeepMLP):
    __doc__ = estimator_doc(
        """Multilayer-perceptron regressor, a drop-in replacement for MLPRegressor.

    It accepts every parameter of scikit-learn's ``MLPRegressor`` with the same
    name, default and meaning, and trains the same model: a stack of dense
    layers ``A = g(A_prev @ W + b)`` whose output layer is linear (``loss=
    'squared_error'``) or exponential (``loss='poisson'``), fitted by
    minimising the loss plus an L2 penalty with L-BFGS, SGD, Adam or RMSprop.
    One or several outputs.

""",
        first_parameters="""\
    loss : {'squared_error', 'poisson', 'absolute_error', 'huber', \
'quantile'}, default='squared_error'
        The loss, of a prediction ``a`` and its target ``y``; the first two
        are MLPRegressor's:

        - 'squared_error': ``1/2 (y - a)^2`` with an identity output ``a = z``;
          predicts the conditional mean;
        - 'poisson': the half Poisson deviance ``y log(y / a) - y + a`` with
          ``a = exp(z)`` (a log link): for counts and rates, whose predictions
          stay positive. Needs ``y >= 0``;
        - 'absolute_error': ``|y - a|`` (not halved); predicts the
          conditional median, and an outlier pulls no harder than any other
          point;
        - 'huber': ``1/2 (y - a)^2`` where ``|y - a| <= huber_delta``,
          ``huber_delta (|y - a| - huber_delta / 2)`` beyond: the squared
          error near the target, the absolute error (times ``huber_delta``)
          far from it; differentiable everywhere;
        - 'quantile': the pinball loss ``q (y - a)`` where ``y >= a``, ``(1 -
          q)(a - y)`` below, with ``q = quantile``; predicts the conditional
          ``q``-quantile (0.5: the median, and half the absolute error).

        The last three have the identity output, as scikit-learn's ``_loss``
        module defines them. The absolute and pinball losses have a kink
        where ``a = y``; there the gradient is that of a prediction at or
        below its target (``-1`` and ``-q`` per sample), scikit-learn's
        choice. With them, early stopping's validation score is a D² score
        rather than R² (see ``validation_scores_``); ``score`` stays R².
        Fit them with ``scale_target=True``: their gradients do not shrink
        with the residual, so on targets in the thousands Adam's steps of
        ``learning_rate_init`` barely move the output.

""",
        see_also="""\
    DeepMLPClassifier : The classification sibling.
    sklearn.neural_network.MLPRegressor : The estimator this one replaces.

""",
        notes="""\
    ``score`` (R²), ``get_params`` and ``set_params`` are scikit-learn's, from
    ``RegressorMixin`` and ``BaseEstimator``.

    The reported loss is MLPRegressor's: with several outputs the squared
    error is averaged over them, although the gradient sums over them (so
    both estimators train the same weights and stop at the same epoch).
    Unlike MLPRegressor, ``partial_fit`` is absent with ``solver='lbfgs'``,
    and negative targets with ``loss='poisson'`` are refused.

    With the robust losses, early stopping's score (``validation_scores_``,
    ``best_validation_score_``) is a D² score, ``1 - loss(model) /
    loss(best constant)``, of the absolute error (``loss='absolute_error'``
    and ``'huber'``; the constant is the median) or of the pinball loss
    (``'quantile'``, the constant is the quantile): scikit-learn's
    ``d2_absolute_error_score`` and ``d2_pinball_score``. 1 is a perfect
    fit, 0 a constant's. R², which rewards the conditional mean, would score
    a 5 % quantile below a constant and pick the epoch nearest the mean.
    For a held-out evaluation, use ``mean_absolute_error``,
    ``mean_pinball_loss(alpha=quantile)`` or those D² scores.

""",
        examples="""\
    >>> import numpy as np
    >>> from sk_deepmlp import DeepMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, (200, 1))
    >>> y = np.sin(X[:, 0])
    >>> reg = DeepMLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                        max_iter=500, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.99)
    True
    """,
        reference="MLPRegressor",
        loss="loss",
        Loss="Loss",
        score="R² (D² with the robust losses)",
        split_note="",
        warm_start_note=" (the same number of outputs and the same loss)",
        out_activation="'exp' for loss='poisson', 'identity' for every other loss.",
        extra_parameters="""\
    scale_target : bool, default=False
        Train on scaled targets and predict in the data's units. With
        ``loss='squared_error'`` each output is standardised, ``(y - mean) /
        std``; with ``loss='poisson'`` it is divided by its mean, which keeps
        it non-negative and the log link intact; with the robust losses
        (absolute error, Huber, quantile) it is ``(y - median) / (IQR /
        1.349)``, which outliers cannot inflate. The statistics are those of
        the first fit's ``y`` (``target_offset_`` and ``target_scale_``);
        ``partial_fit`` and warm starts keep them. ``loss_``, the loss curves
        and the L2 penalty are in the scaled units; ``predict`` and ``score``
        are in the data's. The default keeps MLPRegressor's model, whose
        training depends on the targets' scale.

    quantile : float in (0, 1) or list of float, default=None
        The quantile that ``loss='quantile'`` predicts, which needs it: 0.05
        and 0.95 give the bounds of a 90 % prediction interval, 0.5 the
        median. A list of increasing quantiles, such as ``[0.05, 0.95]``,
        trains one network with one output per quantile: ``predict``
        returns one column per quantile (1-D for a list of one, as for any
        single output), sorted in each row so that they never cross, and
        ``score`` the mean D² pinball score of the columns. y must then be
        a single target. Ignored by the other losses.

    huber_delta : float > 0, default=1.0
        The residual beyond which ``loss='huber'`` turns from squared to
        absolute, in the units of ``y`` (of the scaled targets with
        ``scale_target``: standard deviations). Fixed: it is not re-estimated
        from the residuals during training. Ignored by the other losses.

""",
        extra_attributes="""\
    target_offset_, target_scale_ : ndarray of shape (n_outputs,)
        With ``scale_target``: the model predicts ``target_offset_ +
        target_scale_ * output``. Only with ``scale_target``.

""",
    )

    _parameter_constraints: dict = {
        **BaseDeepMLP._parameter_constraints,
        "loss": [StrOptions(set(LOSS_OUTPUTS))],
        "scale_target": ["boolean"],
        # a list is checked when a fit reads it (checked_quantiles)
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like", None],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        weight_init="glorot_uniform",
        dropout=0.0,
        progress_bar=False,
        weight_decay=0.0,
        max_grad_norm=None,
        warmup_epochs=0,
        lr_decay=None,
        min_learning_rate=0.0,
        early_stopping_monitor="score",
        batch_norm=False,
        batch_norm_momentum=0.9,
        layer_norm=False,
        residual=False,
        input_scaling=None,
        numeric_embedding=None,
        embedding_dim=16,
        embedding_frequencies=16,
        embedding_scale=0.1,
        embedding_alpha=0.0,
        n_ensemble=1,
        categorical_features=None,
        missing="error",
        dtype=None,
        scale_target=False,
        quantile=None,
        huber_delta=1.0,
    ):
        # scikit-learn's rule: store each argument under its name, nothing else
        store_arguments(self, locals())

    # ---------------------------------------------------------------- targets
    def _validate_input(self, X, y, incremental, reset, classes=None):
        check_no_missing_targets(y)
        y_dtype = y.dtype if hasattr(y, "dtype") else np.asarray(y).dtype
        if getattr(y_dtype, "kind", "O") in "USMm":
            # NumPy would turn numeric strings into numbers without a word
            raise ValueError(
                f"y holds data of type {y_dtype}; the regressor needs numbers. "
                "For class labels, use DeepMLPClassifier."
            )
        if not reset:
            self._check_same_loss()
        X, y = self._validate_X_y(X, y, reset, y_numeric=True)
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                f"loss='poisson' needs non-negative targets (counts, rates); y "
                f"has {int((y < 0).sum())} negative value(s), the smallest "
                f"{float(y.min()):g}. Use loss='squared_error' for such targets."
            )
        Y = self._repeat_targets(y.reshape(len(y), -1).astype(X.dtype))
        if reset:
            self._fitted_loss_spec = self._loss_spec()
        return X, Y

    def _scaled_targets(self, Y, sample_weight, reset):
        """With ``scale_target``, ``(Y - offset) / scale``, with the
        statistics of the first fit's targets (``target_statistics``)."""
        if not self.scale_target:
            if reset:
                self.__dict__.pop("target_offset_", None)
                self.__dict__.pop("target_scale_", None)
            elif "target_scale_" in vars(self):
                raise ValueError(_SCALE_CHANGED.format(False, "was"))
            return Y
        if reset:
            offset, scale = target_statistics(self.loss, Y, sample_weight)
            self.target_offset_, self.target_scale_ = offset, scale
        elif "target_scale_" not in vars(self):
            raise ValueError(_SCALE_CHANGED.format(True, "was not"))
        elif len(self.target_scale_) != Y.shape[1]:
            return Y  # the architecture check names the outputs' mismatch
        return ((Y - self.target_offset_) / self.target_scale_).astype(Y.dtype)

    def _sample_weight(self, Y, sample_weight):
        return sample_weight

    def _stratify_labels(self, Y, n_val):
        return None  # real-valued targets: a plain random split, as MLPRegressor

    # -------------------------------------------------------------- training
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to the data X and the targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. float32 data trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values; non-negative with ``loss='poisson'``.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; each sample's loss is weighted by
            ``s_i / sum(s)``.

        Returns
        -------
        self : DeepMLPRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if_allowed
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('sgd', 'adam', 'rmsprop')
        and without ``early_stopping``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values, with as many outputs at every call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : DeepMLPRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    # ------------------------------------------------------------ prediction
    def predict(self, X):
        """Predict the targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values; 1-D when the model has a single output, as
            in MLPRegressor. With a list of quantiles, one column per
            quantile (a list of one is a single output), in increasing order
            in every row.
        """
        logits = self._validated_logits(X)  # checks that the model is fitted
        predictions = OUTPUT_ACTIVATIONS[self.out_activation_](logits)
        if "target_scale_" in vars(self):  # scale_target: the data's units
            predictions *= self.target_scale_.astype(predictions.dtype)
            predictions += self.target_offset_.astype(predictions.dtype)
        if predictions.shape[1] == 1:
            return predictions.ravel()
        # only several quantiles sort: a single output never consults its loss
        return self._uncross(predictions)

    def score(self, X, y, sample_weight=None):
        """Return the coefficient of determination R² of the prediction.

        ``1 - u / v``, with ``u`` the residual sum of squares and ``v`` the
        total sum of squares of ``y``: 1 is a perfect fit, 0 that of always
        predicting the mean of ``y``, and it can be negative. With several
        outputs, the R² of each is averaged (``multioutput='uniform_average'``).

        A model of several quantiles predicts one column per quantile, which
        R² cannot compare with one target: its score is the mean over the
        quantiles of the D² pinball score of each column
        (``d2_pinball_score(y, column, alpha=q)``), 1 for a perfect fit and 0
        for the best constant, as R².

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values for ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R² of ``self.predict(X)`` with respect to ``y``.
        """
        check_score_arguments(y, sample_weight)
        quantiles = self._several_quantiles() if hasattr(self, "coefs_") else None
        if quantiles is None:
            return super().score(X, y, sample_weight=sample_weight)
        y = np.asarray(y).reshape(len(y), -1)
        if y.shape[1] != 1:
            raise ValueError(
                f"This model predicts {len(quantiles)} quantiles of a single "
                f"target; y has {y.shape[1]} columns. Pass that target alone."
            )
        Y = np.repeat(y, len(quantiles), axis=1)
        _, params = self._fitted_loss()
        predictions = self.predict(X).reshape(len(Y), -1)  # 1-D for one quantile
        return float(d2_score("quantile", params, Y, predictions, sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        tags.input_tags.sparse = self._accepts_sparse()
        tags.input_tags.allow_nan = self.missing == "indicator"
        return tags
