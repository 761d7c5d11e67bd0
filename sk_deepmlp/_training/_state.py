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

Within a fit, the end of each epoch is recorded more cheaply (a full snapshot
per epoch cost 8% of a fit on small data): ``epoch_record`` keeps the few
attributes that an epoch changes and the lengths of the curves, which an
epoch only appends to, and ``rewind`` puts them back.
"""

#: The attributes that the training loops set at the end of an epoch (or of
#: an L-BFGS iteration), and the curves that they append to.
EPOCH_ATTRIBUTES = (
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "best_validation_score_",
    "best_validation_loss_",
    "_stopping",
)
EPOCH_CURVES = ("loss_curve_", "validation_scores_", "validation_loss_curve_")


def snapshot(estimator):
    """The estimator's attributes, with each list copied (fits append to them)."""
    return {
        name: list(value) if isinstance(value, list) else value
        for name, value in vars(estimator).items()
    }


def restore(estimator, saved):
    """Put back exactly the attributes of ``saved`` (a ``snapshot``), removing
    any added since."""
    state = vars(estimator)
    state.clear()
    state.update(saved)  # its lists are already copies, and it is used once


def epoch_record(estimator):
    """What an epoch changes, as it stands now."""
    state = vars(estimator)
    values = {name: state[name] for name in EPOCH_ATTRIBUTES if name in state}
    lengths = {
        name: len(state[name]) for name in EPOCH_CURVES if state.get(name) is not None
    }
    return values, lengths


def rewind(estimator, record):
    """Put back what ``epoch_record`` recorded: the attributes, and each
    curve cut back to its recorded length."""
    values, lengths = record
    state = vars(estimator)
    for name in EPOCH_ATTRIBUTES:
        state.pop(name, None)
    state.update(values)
    for name, length in lengths.items():
        del state[name][length:]
