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
