"""The stopping record: what the ``n_iter_no_change`` rule and early
stopping remember from one epoch to the next.

Two things: how many epochs in a row failed to improve the watched quantity
by ``tol``, and, with early stopping, a copy of the best epoch's parameters
(with batch normalisation's statistics: the network's ``storage``).

The record is immutable. Each epoch makes a new one and the estimator binds
it in one step, so that the checkpoint an interrupted fit returns to
(``_state.epoch_record``) holds a consistent pair by reference, without a
copy: the best parameters are never written to in place.

The public best values (``best_loss_``, ``best_validation_score_``,
``best_validation_loss_``) are part of MLPClassifier's training record and
stay on the estimator, beside ``loss_curve_``.
"""

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class StoppingRecord:
    """The ``n_iter_no_change`` counter and early stopping's best epoch.

    Attributes
    ----------
    no_improvement_count : int
        Epochs in a row whose watched quantity did not improve on the best
        by more than ``tol`` (MLPClassifier's ``_no_improvement_count``).
    best_params : ndarray or None
        A copy of the network's ``storage`` at the best scored epoch; None
        before an epoch was scored (or when every score was NaN).
    """

    no_improvement_count: int = 0
    best_params: np.ndarray | None = None

    def after_epoch(self, improved, best_params=None):
        """The record after an epoch.

        Parameters
        ----------
        improved : bool
            Whether the epoch improved on the best by more than ``tol``.
        best_params : ndarray or None, default=None
            The epoch's parameters when it is the new best (the record keeps
            this array and never writes to it), else None.

        Returns
        -------
        record : StoppingRecord
        """
        return StoppingRecord(
            0 if improved else self.no_improvement_count + 1,
            self.best_params if best_params is None else best_params,
        )

    def patience_exhausted(self, n_iter_no_change):
        """Whether more than ``n_iter_no_change`` epochs failed in a row."""
        return self.no_improvement_count > n_iter_no_change

    def restarted(self):
        """The record after the rate was lowered on a plateau: the count
        starts again, the best epoch is kept."""
        return replace(self, no_improvement_count=0)


def is_new_best(value, best, record):
    """Whether an epoch's watched ``value`` ("higher is better") becomes the
    best: above the best so far, or the first that is not NaN. NaN never is."""
    return value > best or (record.best_params is None and not np.isnan(value))


class StoppingStateMixin:
    """The stopping record and the best values on the estimator, for
    BaseDeepMLP; not for direct use."""

    @property
    def _no_improvement_count(self):
        """MLPClassifier's name for the counter of epochs without
        improvement, which scikit-learn's own tests read."""
        return self._stopping.no_improvement_count

    @_no_improvement_count.setter
    def _no_improvement_count(self, count):
        # scikit-learn's test_fit sets it by hand, as on MLPClassifier
        best = getattr(self, "_stopping", StoppingRecord()).best_params
        self._stopping = StoppingRecord(count, best)

    def _early_stopping_on(self):
        return self.early_stopping and self.solver != "lbfgs"

    def _reset_stopping_state(self):
        self._stopping = StoppingRecord()
        if self._early_stopping_on():
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
            self.best_validation_loss_ = np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None
            self.best_validation_loss_ = None

    def _continue_stopping_state(self):
        """Keep the stopping record of the last fit, as MLPClassifier does,
        unless it watched something else (``early_stopping`` or ``solver``
        changed since): the record then starts anew, as a fresh fit's would,
        instead of failing on the other mode's ``None``."""
        # getattr: a model whose weights were set by hand may lack the record
        watching = getattr(self, "validation_scores_", None) is not None
        # weights set by hand, or a model pickled by an older version
        incomplete = (
            not hasattr(self, "best_loss_")
            or not hasattr(self, "_stopping")
            or (watching and not hasattr(self, "best_validation_loss_"))
        )
        if self._early_stopping_on() != watching or incomplete:
            self._reset_stopping_state()
