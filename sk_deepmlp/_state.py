"""Snapshots of an estimator's state, so that a failed fit can be undone.

A fit changes the estimator in many places: the validated input sets
``n_features_in_`` and ``classes_``, the network replaces ``coefs_``, each epoch
appends to ``loss_curve_``. When a fit raises (bad input, divergence, an
interrupt before the first epoch ended), everything goes back to the snapshot
taken when the call began: a fresh estimator stays unfitted, a fitted one
keeps its model. The same snapshot, taken after each epoch, is where an
interrupted fit returns to.

What the snapshot does not copy must not be changed in place by a fit: the
training works on copies of the optimiser and of ``partial_fit``'s random
stream, and on a new parameter vector whose views become ``coefs_``.
"""


def snapshot(estimator):
    """The estimator's attributes, with each list copied (fits append to them)."""
    return {
        name: list(value) if isinstance(value, list) else value
        for name, value in vars(estimator).items()
    }


def restore(estimator, saved):
    """Put back exactly the attributes of ``saved``, removing any added since."""
    state = vars(estimator)
    state.clear()
    state.update(
        {
            name: list(value) if isinstance(value, list) else value
            for name, value in saved.items()
        }
    )
