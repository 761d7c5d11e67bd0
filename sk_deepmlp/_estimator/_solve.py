"""How an estimator runs the training loop: the optimiser and its schedule,
the batch size, the early-stopping split, the loop's hooks, and the record
that the loop returns, applied in one step.

For ``BaseDeepMLP``; not for direct use.
"""

import functools
import warnings

import numpy as np
from sklearn.model_selection import train_test_split

from .._training._epochs import TrainingConfig
from .._training._loops import LoopHooks, fit_lbfgs, fit_stochastic
from .._training._optimizers import STOCHASTIC_OPTIMIZERS
from .._training._schedules import DEFAULT_DECAY, Schedule
from .._training._state import TrainingRecord, apply_record
from .._training._threads import training_threads

#: learning_rate values that MLPClassifier rejects: schedules of every
#: stochastic solver, where its own ('invscaling', 'adaptive') are sgd's only
NEW_SCHEDULES = set(DEFAULT_DECAY) - {"constant"}


class SolverMixin:
    """Runs ``fit_stochastic`` or ``fit_lbfgs`` for the estimator."""

    def _train(self, net, layer_units, X, Y, sample_weight, incremental, tasks):
        """Train ``net`` on the validated data and apply the record the loop
        returns. The loop trains on one BLAS thread where the products are
        too small for more to pay (``_threads``)."""
        record = TrainingRecord.take(vars(self))
        lbfgs = self.solver == "lbfgs"
        rows = X.shape[0] if lbfgs else self._batch_rows(X.shape[0])
        name = type(self).__name__
        with (
            training_threads(layer_units, rows),
            np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        ):
            if lbfgs:
                config = TrainingConfig.resolve(vars(self), net, rows, False)
                record = fit_lbfgs(
                    net,
                    X,
                    self._training_targets(Y),
                    sample_weight,
                    config=config,
                    record=record,
                    hooks=self._loop_hooks(),
                    tasks=tasks,
                    name=name,
                )
            else:
                record._optimizer = self._optimizer_for(net, incremental)
                record = self._train_stochastic(
                    net,
                    X,
                    Y,
                    sample_weight,
                    incremental,
                    record,
                    tasks=tasks,
                    name=name,
                )
        apply_record(self, record)

    def _train_stochastic(self, net, X, Y, sample_weight, incremental, record, **data):
        """``fit_stochastic`` on the training part of the early-stopping
        split, if any; ``data`` goes on to it (``tasks``, ``name``)."""
        random_state = self._random_state
        if self.early_stopping:
            X, X_val, Y, Y_val, sample_weight, sw_val = self._validation_split(
                X, Y, sample_weight, random_state
            )
            data["validation"] = X_val, Y_val, sw_val
        targets = self._training_targets(Y)  # label smoothing; Y_val keeps labels
        batch_rows = self._batch_size(X.shape[0])  # warns as MLPClassifier
        config = TrainingConfig.resolve(vars(self), net, batch_rows, incremental)
        return fit_stochastic(
            net,
            X,
            targets,
            sample_weight,
            config=config,
            record=record,
            hooks=self._loop_hooks(),
            random_state=random_state,
            labels=Y,
            **data,
        )

    def _loop_hooks(self):
        return LoopHooks(
            logits=functools.partial(self._logits, expanded=True),
            score=self._validation_score,
            constant_score=self._constant_score,
            snapshot=self._epoch_snapshot,
        )

    def _epoch_snapshot(self, record):
        """The fitted attributes as of an epoch, for the callbacks: the
        network's arrays and the record the loop holds so far."""
        attributes = self._reconstruction_attributes()
        attributes.update(record.public())
        return attributes

    def _schedule(self):
        """The learning-rate schedule that the optimiser follows, or None for
        MLPClassifier's behaviour (its 'invscaling' and 'adaptive' are sgd's
        own, inside SGDOptimizer)."""
        kind = self.learning_rate
        if kind not in NEW_SCHEDULES and not (
            kind == "constant" and self.warmup_epochs
        ):
            return None
        return Schedule(
            kind,
            self.learning_rate_init,
            warmup=self.warmup_epochs,
            decay=self.lr_decay,
            floor=self.min_learning_rate,
            horizon=self.max_iter,
        )

    def _optimizer_for(self, net, incremental):
        """The stochastic optimiser: ``partial_fit`` continues the previous one
        (on a copy, in writeable memory) unless its solver or settings
        changed; ``fit``, warm-started or not, starts a fresh one, as
        MLPClassifier does."""
        # keywords: rmsprop's decay rate is the estimator's beta_2
        arguments = {
            "sgd": dict(
                lr_schedule=self.learning_rate,
                momentum=self.momentum,
                nesterov=self.nesterovs_momentum,
                power_t=self.power_t,
            ),
            "adam": dict(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon),
            "rmsprop": dict(rho=self.beta_2, epsilon=self.epsilon),
        }[self.solver]
        schedule = (
            self.learning_rate,
            self.warmup_epochs,
            self.lr_decay,
            self.min_learning_rate,
        )
        # the values in the order of the key that older releases pickled
        key = (
            self.solver,
            self.learning_rate_init,
            tuple(arguments.values()),
            schedule,
        )
        previous = self.__dict__.get("_optimizer")
        # getattr: a model pickled by an older version has no key
        same = getattr(self, "_optimizer_key", None) == key
        if incremental and previous is not None and same:
            return previous.copy()
        self._optimizer_key = key
        optimizer = STOCHASTIC_OPTIMIZERS[self.solver](
            [net.params], self.learning_rate_init, **arguments
        )
        schedule = self._schedule()
        return optimizer if schedule is None else optimizer.follow(schedule)

    def _batch_rows(self, n_samples):
        """The rows of a mini-batch, as ``_batch_size`` gives them, silently."""
        size = 200 if self.batch_size == "auto" else self.batch_size
        return min(size, n_samples)

    def _batch_size(self, n_samples):
        """``_batch_rows``, warning as MLPClassifier does when batch_size is
        larger than the data."""
        if self.batch_size != "auto" and self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the number of "
                f"training samples ({n_samples}); using {n_samples}."
            )
        return self._batch_rows(n_samples)

    def _validation_split(self, X, Y, sample_weight, random_state):
        """Hold out ``validation_fraction`` of the data, as MLPClassifier does."""
        n_val = int(np.ceil(self.validation_fraction * X.shape[0]))
        n_train = X.shape[0] - n_val
        if min(n_val, n_train) < 2:
            part = "validation" if n_val < 2 else "training"
            raise ValueError(
                f"The {part} set is too small: "
                f"validation_fraction={self.validation_fraction} of {X.shape[0]} "
                f"samples leaves {n_train} for training and {n_val} for "
                "validation; early_stopping needs at least 2 in each. Change "
                "validation_fraction, or use more samples."
            )
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=random_state,
            stratify=self._stratify_labels(Y, n_val),
        )
        if sample_weight is None:
            split += [None, None]
        X, X_val, Y, Y_val, sw, sw_val = split
        for part, weights in (("training", sw), ("validation", sw_val)):
            if weights is not None and not weights.sum() > 0:
                raise ValueError(
                    f"Every sample of the {part} part of the early-stopping "
                    "split has a weight of 0 (after class_weight): it can "
                    "neither train nor score. Give more samples a positive "
                    "weight, change validation_fraction or random_state, or "
                    "set early_stopping=False."
                )
        return X, X_val, Y, Y_val, sw, sw_val
