"""Callbacks for DeepMLPClassifier and DeepMLPRegressor, in scikit-learn's protocol.

scikit-learn 1.9 runs callbacks through ``set_callbacks`` (``sklearn.callback``):
``fit`` is a task, and each epoch (each L-BFGS iteration) a subtask whose end
hook receives a ``fitted_estimator``, a copy of the model as of that epoch.
scikit-learn's own ``ProgressBar`` and ``ScoringMonitor`` work with both
estimators; the callbacks here add what a neural network's user expects:

- :class:`History` keeps the training loss and, on data you pass, the
  validation loss and score after each epoch, and plots them with
  :class:`~sk_deepmlp.LossCurveDisplay`;
- :class:`EarlyStopping` stops when a validation loss or any scorer has not
  improved for ``patience`` epochs, and restores the best epoch's weights;
- :class:`Checkpoint` saves the best model so far to a file with joblib.

Each is set on the network itself (``clf.set_callbacks(...)``), also when the
network is a step of a Pipeline. scikit-learn shares callback instances
between clones, so in a grid search one instance sees every candidate's fit,
in worker processes when ``n_jobs`` > 1: use these for one fit at a time and
``ScoringMonitor`` for searches. This module imports with any supported
scikit-learn; ``set_callbacks`` needs 1.9.
"""

import copy

import joblib
import numpy as np
from sklearn.metrics import check_scoring

from ._training._fit_tasks import EPOCH_TASK, LBFGS_TASK

__all__ = ["Checkpoint", "EarlyStopping", "History"]

_EPOCH_TASKS = (EPOCH_TASK, LBFGS_TASK)
# the live estimator's private attributes that belong to the fit in progress,
# not to a saved model
_FIT_IN_PROGRESS = (
    "_callback_fit_ctx",
    "_skl_callbacks_to_teardown",
    "_skl_callbacks",
    "_parent_callback_ctx",
)


class _EpochCallback:
    """What the callbacks share: the protocol's hooks, and the value they
    watch on each epoch's snapshot of the model."""

    def __init__(self, monitor, X_val, y_val, sample_weight_val):
        if (X_val is None) != (y_val is None):
            raise ValueError("Pass both X_val and y_val, or neither.")
        if monitor != "loss" and X_val is None:
            raise ValueError(
                f"monitor={monitor!r} scores the model on validation data: pass "
                "X_val and y_val, or monitor='loss', which watches the training "
                "loss when no validation data are given."
            )
        self.monitor = monitor
        self.X_val = X_val
        self.y_val = y_val
        self.sample_weight_val = sample_weight_val

    def _value(self, fitted_estimator):
        """The watched value, higher is better: minus the (validation) loss,
        or the score."""
        if self.monitor != "loss":
            return self._score(fitted_estimator, self.monitor)
        if self.X_val is None:
            return -fitted_estimator.loss_
        return -fitted_estimator._loss(self.X_val, self.y_val, self.sample_weight_val)

    def _score(self, fitted_estimator, scoring):
        """``scoring`` (a name, a callable, or None for ``score``) on the
        validation data."""
        scorer = check_scoring(fitted_estimator, scoring)
        weights = {}
        if self.sample_weight_val is not None:
            weights = {"sample_weight": self.sample_weight_val}
        return scorer(fitted_estimator, self.X_val, self.y_val, **weights)

    # the protocol: subclasses override what they need
    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if fitted_estimator is None:  # an epoch that did not finish
            return False
        if context.task_name in _EPOCH_TASKS:
            return bool(self._epoch_end(estimator, fitted_estimator))
        self._fit_end(estimator)
        return False

    def _epoch_end(self, estimator, fitted_estimator):
        return False

    def _fit_end(self, estimator):
        pass


class History(_EpochCallback):
    """Record the training loss and a validation loss and score, per epoch.

    Each fit starts a new record. Without validation data only the training
    loss is recorded (it is also in ``loss_curve_``); with them, the
    validation curves too, for any estimator settings (built-in
    ``early_stopping`` holds out part of the training data instead).

    Parameters
    ----------
    X_val, y_val : array-like, default=None
        Validation data, as they would be passed to ``score``.
    scoring : str or callable, default=None
        The validation score: a scorer name or callable, or None for the
        estimator's ``score`` (accuracy, R²).
    sample_weight_val : array-like, default=None
        Weights of the validation samples.

    Attributes
    ----------
    loss_curve_ : list of float
        Training loss after each epoch of the last fit.
    validation_loss_curve_ : list of float or None
        Validation loss (the model's loss, without the L2 penalty).
    validation_scores_ : list of float or None
        Validation score.
    estimator_name_ : str
        Class name of the fitted estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_deepmlp import DeepMLPClassifier
    >>> from sk_deepmlp.callbacks import History
    >>> X, y = load_iris(return_X_y=True)
    >>> history = History(X_val=X[::5], y_val=y[::5])
    >>> clf = DeepMLPClassifier(max_iter=300, random_state=0)
    >>> clf = clf.set_callbacks(history).fit(X, y)  # doctest: +SKIP
    >>> len(history.validation_scores_) == clf.n_iter_  # doctest: +SKIP
    True
    """

    def __init__(self, *, X_val=None, y_val=None, scoring=None, sample_weight_val=None):
        super().__init__("loss", X_val, y_val, sample_weight_val)
        self.scoring = scoring

    def setup(self, estimator, context):
        self.estimator_name_ = type(estimator).__name__
        self.loss_curve_ = []
        validating = self.X_val is not None
        self.validation_loss_curve_ = [] if validating else None
        self.validation_scores_ = [] if validating else None

    def _epoch_end(self, estimator, fitted_estimator):
        self.loss_curve_.append(float(fitted_estimator.loss_))
        if self.X_val is not None:
            loss = -self._value(fitted_estimator)
            score = self._score(fitted_estimator, self.scoring)
            self.validation_loss_curve_.append(loss)
            self.validation_scores_.append(float(score))

    def plot(self, *, ax=None, name=None, **kwargs):
        """Draw the recorded curves with :class:`~sk_deepmlp.LossCurveDisplay`.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        name : str, default=None
            Name for the legend; the estimator's class name when None.
        **kwargs : dict
            Passed to every ``Axes.plot`` call.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.
        """
        from ._display import LossCurveDisplay

        if not hasattr(self, "loss_curve_"):
            raise ValueError("Nothing recorded yet: fit an estimator that has it.")
        score_name = "score" if self.scoring is not None else None
        display = LossCurveDisplay(
            loss_curve=self.loss_curve_,
            validation_loss_curve=self.validation_loss_curve_,
            validation_scores=self.validation_scores_,
            estimator_name=self.estimator_name_,
            score_name=score_name or _default_score_name(self.estimator_name_),
        )
        return display.plot(ax=ax, name=name, **kwargs)


def _default_score_name(estimator_name):
    return "R²" if estimator_name.endswith("Regressor") else "accuracy"


class EarlyStopping(_EpochCallback):
    """Stop when the watched value has not improved for ``patience`` epochs.

    Unlike the estimators' ``early_stopping=True``, which holds out
    ``validation_fraction`` of the training data and watches its accuracy
    (or loss), this callback watches data you pass, with any scorer, and
    restores the best epoch's weights (and batch normalisation's statistics)
    when the fit ends, however it ends. ``n_iter_`` and ``loss_curve_`` keep
    counting the epochs that ran, as with the built-in early stopping.

    Parameters
    ----------
    X_val, y_val : array-like, default=None
        Validation data. Without them, ``monitor='loss'`` watches the
        training loss.
    monitor : "loss", str or callable, default="loss"
        "loss": the model's loss on the validation data (lower is better);
        otherwise a scorer name or callable (higher is better).
    patience : int, default=10
        Epochs without an improvement of more than ``tol`` before stopping.
    tol : float, default=0.0
        The smallest change that counts as an improvement.
    restore_best : bool, default=True
        Put the best epoch's weights back into the estimator when the fit
        ends.
    sample_weight_val : array-like, default=None
        Weights of the validation samples.

    Attributes
    ----------
    best_epoch_ : int
        The epoch (from 1) with the best value in the last fit.
    best_value_ : float
        That value: the loss for ``monitor="loss"``, else the score.
    stopped_epoch_ : int or None
        The epoch after which the callback stopped the fit, or None.
    """

    def __init__(
        self,
        *,
        X_val=None,
        y_val=None,
        monitor="loss",
        patience=10,
        tol=0.0,
        restore_best=True,
        sample_weight_val=None,
    ):
        super().__init__(monitor, X_val, y_val, sample_weight_val)
        if patience < 1:
            raise ValueError(f"patience must be at least 1 epoch, got {patience}.")
        self.patience = patience
        self.tol = tol
        self.restore_best = restore_best

    def setup(self, estimator, context):
        self._best = -np.inf
        self._best_arrays = None
        self._epoch = self._waiting = 0
        self.best_epoch_ = self.best_value_ = self.stopped_epoch_ = None

    def _epoch_end(self, estimator, fitted_estimator):
        self._epoch += 1
        value = self._value(fitted_estimator)
        if not np.isfinite(value):
            value = -np.inf  # a diverged epoch is never the best
        if value > self._best + self.tol or self._best_arrays is None:
            self._best, self._waiting = value, 0
            self.best_epoch_ = self._epoch
            self.best_value_ = -value if self.monitor == "loss" else value
            # the snapshot's arrays are copies already: the live model's
            # training does not touch them
            self._best_arrays = {
                name: getattr(fitted_estimator, name)
                for name in fitted_estimator._model_arrays()
            }
        else:
            self._waiting += 1
        if self._waiting >= self.patience:
            self.stopped_epoch_ = self._epoch
            return True
        return False

    def _fit_end(self, estimator):
        if self.restore_best and self._best_arrays is not None:
            for name, best in self._best_arrays.items():
                for live, saved in zip(getattr(estimator, name), best):
                    if live is not None:
                        live[...] = saved  # in place: the model's own arrays
        self._best_arrays = None  # the copies are not needed any more


class Checkpoint(_EpochCallback):
    """Save the best model so far to ``path`` with joblib.

    It saves after each epoch that improves on the best.
    The saved file is a fitted estimator as of that epoch, ready to predict
    after ``joblib.load(path)``, without the callbacks of the fit that made
    it.

    Parameters
    ----------
    path : str or path-like
        The file to write (overwritten at each improvement).
    X_val, y_val : array-like, default=None
        Validation data. Without them, ``monitor='loss'`` watches the
        training loss.
    monitor : "loss", str or callable, default="loss"
        As in :class:`EarlyStopping`.
    sample_weight_val : array-like, default=None
        Weights of the validation samples.

    Attributes
    ----------
    best_epoch_ : int or None
        The epoch (from 1) saved last in the last fit.
    best_value_ : float or None
        Its watched value.
    """

    def __init__(
        self, path, *, X_val=None, y_val=None, monitor="loss", sample_weight_val=None
    ):
        super().__init__(monitor, X_val, y_val, sample_weight_val)
        self.path = path

    def setup(self, estimator, context):
        self._best = -np.inf
        self._epoch = 0
        self.best_epoch_ = self.best_value_ = None

    def _epoch_end(self, estimator, fitted_estimator):
        self._epoch += 1
        value = self._value(fitted_estimator)
        if np.isfinite(value) and value > self._best:
            self._best = value
            self.best_epoch_ = self._epoch
            self.best_value_ = -value if self.monitor == "loss" else value
            model = _without_fit_state(fitted_estimator)
            joblib.dump(model, self.path)
        return False


def _without_fit_state(fitted_estimator):
    """A shallow copy without the fit in progress's callback state."""
    model = copy.copy(fitted_estimator)
    for name in _FIT_IN_PROGRESS:
        model.__dict__.pop(name, None)
    return model
