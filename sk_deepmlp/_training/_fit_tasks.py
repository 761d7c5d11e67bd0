"""The bridge to scikit-learn's callback framework (``sklearn.callback``, 1.9+).

scikit-learn's callbacks see a fit as a tree of tasks: ``fit`` is the root,
and here each epoch (each L-BFGS iteration) is a subtask; ``partial_fit`` is
a root task of its own, a leaf. ``FitTasks`` opens the root, opens and closes
one subtask per epoch, and tells the training loop when a callback asked it
to stop. With no callback set it only opens and closes the root (which
meta-estimators need to link their task trees), and the epoch hooks cost one
attribute test.

Before scikit-learn 1.9 there is no framework: ``set_callbacks`` then raises
an error that names the version needed, and nothing else changes.
"""

import sklearn

try:
    from sklearn.callback import CallbackSupportMixin

    HAS_CALLBACKS = True
except ImportError:  # scikit-learn < 1.9
    HAS_CALLBACKS = False

    class CallbackSupportMixin:
        """What remains of callback support before scikit-learn 1.9."""

        def set_callbacks(self, *callbacks):
            """Not available: scikit-learn's callbacks need scikit-learn 1.9.

            Raises
            ------
            RuntimeError
                Always, naming the version needed.
            """
            raise RuntimeError(
                "set_callbacks needs scikit-learn >= 1.9, whose sklearn.callback "
                f"framework runs the callbacks; this is scikit-learn "
                f"{sklearn.__version__}. Upgrade scikit-learn, or use "
                "progress_bar=True and early_stopping=True, which work with "
                "every supported version."
            )


#: The task names of one epoch, by solver family.
EPOCH_TASK = "epoch"
LBFGS_TASK = "lbfgs-iteration"


class FitTasks:
    """The callback tasks of one ``fit`` or ``partial_fit`` call.

    Parameters
    ----------
    estimator : BaseDeepMLP
        The estimator being fitted; its ``_init_callback_context`` calls the
        callbacks' ``setup``.
    X, y, sample_weight
        The data as the user passed them: what the hooks hand to the
        callbacks (a scorer needs the original labels, not the binarised
        targets).
    task_name : {"fit", "partial_fit"}
    max_subtasks : int
        The most epochs (subtasks) the fit can run; 0 for a leaf.
    """

    def __init__(self, estimator, X, y, sample_weight, task_name, max_subtasks):
        self.estimator = estimator
        self.root = estimator._init_callback_context(
            task_name=task_name, max_subtasks=max_subtasks
        )
        # the epoch hooks only run when some callback will receive them
        self.active = bool(self.root._callbacks) and max_subtasks > 0
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.hook_data = dict(X=X, y=y, metadata=metadata)
        self.epoch = None
        self.root.call_on_fit_task_begin(estimator=estimator, **self.hook_data)

    def begin_epoch(self, snapshot, task_name=EPOCH_TASK):
        """Open the next epoch's task; ``snapshot()`` gives the fitted
        attributes as the epoch starts (called only if a callback wants a
        ``fitted_estimator``)."""
        if not self.active:
            return
        self.epoch = self.root.subcontext(task_name=task_name)
        self.epoch.call_on_fit_task_begin(
            estimator=self.estimator,
            reconstruction_attributes=snapshot,
            **self.hook_data,
        )

    def end_epoch(self, snapshot):
        """Close the open epoch's task; True if a callback asks to stop."""
        if not self.active or self.epoch is None:
            return False
        epoch, self.epoch = self.epoch, None
        return epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=snapshot,
            **self.hook_data,
        )

    def close_epoch(self):
        """Close an epoch that did not finish (an interrupt, divergence, or an
        L-BFGS iteration that never ran) as an empty task, so that every
        begin hook has its end hook."""
        if self.epoch is not None:
            epoch, self.epoch = self.epoch, None
            epoch.call_on_fit_task_end(estimator=self.estimator)

    def end(self):
        """Close the root task: the fitted estimator is the estimator itself."""
        self.close_epoch()
        self.root.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes={}, **self.hook_data
        )


def start_tasks(estimator, X, y, sample_weight, incremental):
    """``FitTasks`` for this call, or None before scikit-learn 1.9."""
    if not HAS_CALLBACKS:
        return None
    if incremental:
        return FitTasks(estimator, X, y, sample_weight, "partial_fit", 0)
    # L-BFGS may open one iteration that scipy then does not run (see
    # fit_lbfgs), hence one spare subtask, as LogisticRegression keeps
    spare = 1 if estimator.solver == "lbfgs" else 0
    return FitTasks(estimator, X, y, sample_weight, "fit", estimator.max_iter + spare)
