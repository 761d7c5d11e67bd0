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

The training loops do not write to the estimator. They take the previous
fit's ``TrainingRecord`` (the attributes an epoch changes, with their curves
copied, and the optimiser) and return the new one, which the estimator
applies in one step (``apply_record``): a Ctrl-C then finds either the old
record or the new one on the estimator, never half of each.

Within a fit, the end of each epoch is recorded more cheaply (a full snapshot
per epoch cost 8% of a fit on small data): ``epoch_record`` keeps the few
attributes of the record that an epoch changes and the lengths of the
curves, which an epoch only appends to, and ``rewind`` puts them back.
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
#: Everything a training record holds: the optimiser too, which a fit
#: interrupted mid-epoch drops (its moments are mid-epoch)
RECORD_ATTRIBUTES = (*EPOCH_ATTRIBUTES, *EPOCH_CURVES, "_optimizer")


def _copied(value):
    """A list copied (fits append to their curves), anything else as it is."""
    return list(value) if isinstance(value, list) else value


class TrainingRecord:
    """What the training loops find: MLPClassifier's training record
    (``n_iter_``, ``t_``, ``loss_``, the best values and the curves), the
    stopping record (``_stopping``) and the stochastic optimiser
    (``_optimizer``).

    Its attributes bear the estimator's names, and only those that the
    estimator had when the record was taken: applying it is one update.
    """

    @classmethod
    def take(cls, state):
        """The record in ``state`` (an estimator's ``vars``), its curves
        copied: the loop appends to its own lists, not the estimator's."""
        record = cls()
        vars(record).update(
            (name, _copied(state[name])) for name in RECORD_ATTRIBUTES if name in state
        )
        return record

    def public(self):
        """The record's fitted attributes (``n_iter_`` ... ``loss_curve_``),
        curves copied: what a callback's snapshot of an epoch shows."""
        return {
            name: _copied(value)
            for name, value in vars(self).items()
            if not name.startswith("_")
        }


def apply_record(estimator, record):
    """Make ``record`` the estimator's training record, in one step.

    One assignment of the whole attribute dictionary: an attribute of the
    record that the record no longer has (the optimiser after a Ctrl-C) is
    gone from the estimator in the same step.
    """
    state = {
        name: value
        for name, value in vars(estimator).items()
        if name not in RECORD_ATTRIBUTES
    }
    state.update(vars(record))
    estimator.__dict__ = state


def snapshot(estimator):
    """The estimator's attributes, with each list copied (fits append to them)."""
    return {name: _copied(value) for name, value in vars(estimator).items()}


def restore(estimator, saved):
    """Put back exactly the attributes of ``saved`` (a ``snapshot``), removing
    any added since."""
    state = vars(estimator)
    state.clear()
    state.update(saved)  # its lists are already copies, and it is used once


def epoch_record(record):
    """What an epoch changes in ``record``, as it stands now."""
    state = vars(record)
    values = {name: state[name] for name in EPOCH_ATTRIBUTES if name in state}
    lengths = {
        name: len(state[name]) for name in EPOCH_CURVES if state.get(name) is not None
    }
    return values, lengths


def rewind(record, recorded):
    """Put back in ``record`` what ``epoch_record`` recorded: the
    attributes, and each curve cut back to its recorded length."""
    values, lengths = recorded
    state = vars(record)
    for name in EPOCH_ATTRIBUTES:
        state.pop(name, None)
    state.update(values)
    for name, length in lengths.items():
        del state[name][length:]
