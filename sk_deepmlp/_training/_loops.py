"""The training loops: stochastic epochs with early stopping, and L-BFGS.

Both take the network, the fit's ``TrainingConfig``, the data, the previous
fit's ``TrainingRecord`` (``n_iter_``, ``loss_``, ``loss_curve_``, ..., the
stopping record and the optimiser; warm start and ``partial_fit`` continue
from it) and the estimator's ``LoopHooks``, and return the record they
found, which the estimator applies in one step. They know nothing else of
the estimator. They keep the record consistent when they stop early:

- divergence (a non-finite loss, or weights so large that their squares
  overflow) raises a ``ValueError``; the estimator's ``_fit`` then puts back
  the state it had before the call (the loops have written only to the
  network's parameters, which it puts back too). With early stopping, once an epoch has
  been scored, the best epoch's weights are a usable model: divergence then
  ends the fit there with a ConvergenceWarning, the diverged epoch recorded
  with a NaN score, as MLPClassifier and MLPRegressor record it (scikit-learn's
  own test_mlp_diverging_loss checks it);
- a finite loss that exploded (over ``EXPLOSION`` times the loss the call
  began from) is divergence too when the model kept predicts its own
  training data no better than a constant (``_check_not_exploded``); with
  early stopping it is a ConvergenceWarning, as above;
- Ctrl-C (``KeyboardInterrupt``) after at least one finished epoch (L-BFGS
  iteration) keeps the record and the weights of the last finished one (the
  best one with early stopping) and warns, as MLPClassifier does; before any
  finished epoch there is nothing to keep, and the interrupt propagates after
  the previous state is put back.
"""

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._network._losses import weighted_mean
from ._epochs import EpochRows, train_epoch
from ._fit_tasks import LBFGS_TASK
from ._optimizers import minimize_lbfgs
from ._progress import deferred_warnings, progress_bar
from ._state import epoch_record, rewind
from ._stopping import is_new_best


@dataclass(frozen=True)
class LoopHooks:
    """What the loops need of the estimator, as functions.

    Attributes
    ----------
    logits : callable
        ``logits(X, coefs, intercepts, steps)``: the network's outputs before
        the output activation, as prediction computes them.
    score : callable
        ``score(logits, Y, sample_weight)``: the validation score (accuracy,
        R²), higher is better.
    constant_score : callable
        ``constant_score(Y, sample_weight)``: the score of the best constant
        prediction, below which an exploded fit counts as diverged.
    snapshot : callable
        ``snapshot(record)``: the fitted attributes as of now, with those of
        ``record``, for the callbacks' copy of each epoch's model.
    """

    logits: Callable
    score: Callable
    constant_score: Callable
    snapshot: Callable


def weight_limit(dtype):
    """Magnitude beyond which weights count as diverged.

    ``1e-4 * sqrt(max)``, about 1e150 in float64 and 2e15 in float32: the L2
    term squares the weights, and long before it overflows the model is
    useless.
    """
    return _WEIGHT_LIMITS[np.dtype(dtype)]


_WEIGHT_LIMITS = {
    np.dtype(t): 1e-4 * math.sqrt(float(np.finfo(t).max))
    for t in (np.float32, np.float64)
}


def diverged(net, loss):
    """Whether training diverged: a non-finite loss or weights, or weights
    beyond ``weight_limit`` (finite but absurd values are divergence too)."""
    limit = weight_limit(net.dtype)
    params = net.params
    # two reductions and no temporary; a NaN fails both comparisons
    return not (
        math.isfinite(loss) and params.max() <= limit and params.min() >= -limit
    )


def raise_if_diverged(net, loss, solver):
    """Raise a ``ValueError`` if training diverged."""
    if diverged(net, loss):
        raise divergence_error(net, solver)


def divergence_error(net, solver):
    limit = weight_limit(net.dtype)
    advice = "" if solver == "lbfgs" else ", or lower learning_rate_init"
    # MLPClassifier's sentence first, for code that matches on it
    return ValueError(
        "Solver produced non-finite parameter weights. The input data may "
        "contain large values and need to be preprocessed. Training diverged: "
        "the loss or the weights became inf or NaN, or absurdly large (beyond "
        f"{limit:.1e}). Scale the inputs (e.g. with StandardScaler){advice}. "
        "The estimator was left as it was before this call."
    )


def _checkpoint(record, params):
    """The record and the weights of a finished epoch, as one object.

    One object, bound to one name in one step: a Ctrl-C between two separate
    assignments would pair one epoch's record with another's weights.
    """
    return epoch_record(record), params.copy()


def _epochs_done(checkpoint):
    (values, _), _ = checkpoint
    return values["n_iter_"]


def _interrupted(record, net, checkpoint):
    """Return to the end of the last finished epoch after a Ctrl-C."""
    recorded, storage = checkpoint
    rewind(record, recorded)
    net.storage[...] = storage
    # the optimiser's moments are mid-epoch: the next partial_fit starts anew
    vars(record).pop("_optimizer", None)
    warnings.warn(
        f"Training interrupted by user after {record.n_iter_} finished "
        "iterations; the estimator keeps the weights of "
        + ("the best one." if record.validation_scores_ else "the last one.")
    )


def fit_stochastic(
    net,
    X,
    Y,
    sample_weight,
    *,
    config,
    record,
    hooks,
    random_state,
    labels=None,
    validation=None,
    tasks=None,
    name="DeepMLP",
):
    """Epochs of mini-batch steps with the optimiser ``record._optimizer``.

    ``X``, ``Y`` and ``sample_weight`` are the training rows, ``Y`` the
    targets the network trains on (smoothed labels, scaled values).
    ``labels`` are the unsmoothed targets of those rows (the explosion check
    scores on them; None: ``Y``); ``validation`` the held-out ``(X, labels,
    sample_weight)`` when early stopping; ``tasks`` (``_fit_tasks.FitTasks``)
    opens and closes each epoch's callback task (a callback may stop the
    training after an epoch); ``name`` is the progress bar's.

    Returns the record, continued.
    """
    labels = Y if labels is None else labels
    rows = EpochRows(X, Y, sample_weight, config.shuffle)
    rec = record
    rec.n_iter_ = 0
    start_loss = None  # the first batch's, before any step: where this call began
    checkpoint = _checkpoint(rec, net.storage)

    def snapshot():  # the callbacks' copy of the model as of now
        return hooks.snapshot(rec)

    bar = progress_bar(config.show_bar, config.max_iter, "epoch", name)
    with deferred_warnings(config.show_bar):
        try:
            for _ in range(config.max_iter):
                if tasks is not None:
                    tasks.begin_epoch(snapshot)
                loss, first = train_epoch(
                    net, rec._optimizer, rows, config, random_state
                )
                start_loss = first if start_loss is None else start_loss
                stop = _record_epoch(
                    rec, net, loss, rows.n_samples, config, hooks, validation, bar
                )
                if stop is None:
                    break  # diverged, after a scored epoch
                # where a Ctrl-C in the next epoch returns
                checkpoint = _checkpoint(rec, net.storage)
                if tasks is not None and tasks.end_epoch(snapshot):
                    stop = True  # a callback asked to stop after this epoch
                if stop or config.incremental:
                    break
                if rec.n_iter_ == config.max_iter and not config.planned_end:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations "
                        f"({config.max_iter}) reached and the optimization "
                        "hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            if not _epochs_done(checkpoint):
                raise  # nothing finished: _fit puts back the previous state
            _interrupted(rec, net, checkpoint)
        finally:
            bar.close()
            if tasks is not None:
                tasks.close_epoch()  # an epoch left open by an interrupt or error
    best_params = rec._stopping.best_params  # None if every score was NaN
    if config.early_stopping and best_params is not None:
        net.storage[...] = best_params
    if start_loss is not None and rec.loss_ > EXPLOSION * start_loss:
        _check_not_exploded(
            rec, net, X, labels, sample_weight, start_loss, config, hooks
        )
    return rec


def _record_epoch(rec, net, loss, n_samples, config, hooks, validation, bar):
    """The end of an epoch: check divergence, record the loss (and the
    validation score), move the schedule, apply the stopping rule.

    Returns whether to stop, or None when the epoch diverged after a scored
    one (the best epoch's weights are then kept, with a warning).
    """
    diverging = diverged(net, loss)
    if diverging and rec._stopping.best_params is None:
        raise divergence_error(net, config.solver)
    rec.n_iter_ += 1
    rec.loss_ = loss
    rec.t_ += n_samples
    rec.loss_curve_.append(loss)
    if config.verbose:
        print(f"Iteration {rec.n_iter_}, loss = {loss:.8f}")
    if validation is not None:
        _update_validation(rec, net, config, hooks, *validation, diverging)
        bar.set_postfix(loss=loss, val_score=rec.validation_scores_[-1], refresh=False)
    else:
        _update_training_loss(rec, config)
        bar.set_postfix(loss=loss, refresh=False)
    bar.update()
    rec._optimizer.iteration_ends(rec.t_)
    if diverging:
        warnings.warn(
            f"Training diverged in epoch {rec.n_iter_} (loss {loss:.3g}); the fit "
            "ends there and keeps the weights of the best epoch. Scale the "
            "inputs or lower learning_rate_init.",
            ConvergenceWarning,
        )
        return None
    return _stop_or_lower_rate(rec, config)


#: A fit call whose training loss ends this many times above the loss it
#: started from has exploded, if its model is also useless (see below)
EXPLOSION = 1e3


def _check_not_exploded(rec, net, X, Y, sample_weight, start_loss, config, hooks):
    """Raise when a finite loss exploded and the model it left is useless.

    A loss far above where it began is not enough: with a learning rate far
    too high, a classifier's log loss reaches 1e10 (huge logits, a few of
    them confidently wrong) while it still classifies 98 % of its training
    data right. The model kept (the best epoch's, with early stopping) is
    therefore scored on its own training data, and only one that does no
    better than a constant prediction (the most frequent class or label
    set; the mean, R² = 0) counts as diverged. A model worse than a
    constant on the data it was trained on has no use.
    """
    logits = hooks.logits(X, *net.inference_layers())
    score = (
        hooks.score(logits, Y, sample_weight) if np.isfinite(logits).all() else np.nan
    )
    constant = hooks.constant_score(Y, sample_weight)
    if score > constant:
        return
    message = (
        f"Training diverged: the training loss grew from {start_loss:.3g} to "
        f"{rec.loss_:.3g}, and the model predicts its own training data no "
        f"better than a constant ({score:.3g} against {constant:.3g}). Scale "
        "the inputs (e.g. with StandardScaler) and, for regression, the "
        "targets, or lower learning_rate_init."
    )
    if config.early_stopping:
        # scikit-learn's rule (its test_mlp_diverging_loss): with early
        # stopping a diverging fit ends without an error, on its best epoch
        warnings.warn(
            message + " The best epoch's weights are kept.", ConvergenceWarning
        )
        return
    raise ValueError(message + " The estimator was left as it was before this call.")


def _stop_or_lower_rate(rec, config):
    """Apply the ``n_iter_no_change`` rule; True when training should stop.

    Where the schedule lowers the rate on a plateau (sgd's 'adaptive',
    'plateau'), the optimiser lowers it instead and training goes on."""
    if not rec._stopping.patience_exhausted(config.n_iter_no_change):
        return False
    # MLPClassifier's wording, for users who parse verbose output
    watched = "Validation score" if config.early_stopping else "Training loss"
    msg = (
        f"{watched} did not improve more than tol={config.tol:f} for "
        f"{config.n_iter_no_change} consecutive epochs."
    )
    if rec._optimizer.trigger_stopping(msg, config.verbose):
        return True
    rec._stopping = rec._stopping.restarted()
    return False


def _update_validation(rec, net, config, hooks, X_val, Y_val, sw_val, diverging=False):
    """Score the held-out set; keep the best epoch's weights.

    A diverged epoch scores NaN, as in MLPClassifier, whatever its weights
    would predict: they are never kept as the best.
    """
    logits = None if diverging else hooks.logits(X_val, *net.inference_layers())
    if logits is None or not np.isfinite(logits).all():
        score = loss = np.nan
    else:
        score = hooks.score(logits, Y_val, sw_val)  # reads only
        _, losses = config.loss(logits, Y_val)
        loss = weighted_mean(losses, sw_val)
    rec.validation_scores_.append(score)
    rec.validation_loss_curve_.append(loss)
    if config.verbose:
        print(f"Validation score: {score:f}")
    # the monitored quantity, as "higher is better": the score, or minus the loss
    if config.monitor == "loss":
        value, best = -loss, -rec.best_validation_loss_
    else:
        value, best = score, rec.best_validation_score_
    stopping = rec._stopping
    # running statistics included in the copy
    best_params = net.storage.copy() if is_new_best(value, best, stopping) else None
    rec._stopping = stopping.after_epoch(not value < best + config.tol, best_params)
    # both bests are recorded, whichever one is watched (NaN never is)
    rec.best_validation_score_ = max(rec.best_validation_score_, score)
    rec.best_validation_loss_ = min(rec.best_validation_loss_, loss)


def _update_training_loss(rec, config):
    improved = not rec.loss_curve_[-1] > rec.best_loss_ - config.tol
    rec._stopping = rec._stopping.after_epoch(improved)
    rec.best_loss_ = min(rec.best_loss_, rec.loss_curve_[-1])


def fit_lbfgs(
    net, X, Y, sample_weight, *, config, record, hooks, tasks=None, name="DeepMLP"
):
    """Full-batch L-BFGS-B on the flat parameter vector.

    ``Y`` holds the targets the network trains on; ``tasks`` are the
    callbacks' (or None), ``name`` the progress bar's. With callbacks, an
    iteration's task opens at the first loss evaluation after the previous
    iteration ended, so that none is opened for an iteration that scipy
    never starts; a callback that asks to stop ends the minimisation with
    ``StopIteration``, which scipy honours.

    Returns the record, continued.
    """
    rec = record

    def snapshot():
        # the weights of the iteration (not of a line-search trial) and, for
        # batch normalisation, the statistics they give
        net.set_stats(X, sample_weight)
        return hooks.snapshot(rec)

    def loss_grad(x):
        net.params[...] = x
        if tasks is not None and tasks.active and tasks.epoch is None:
            tasks.begin_epoch(snapshot, task_name=LBFGS_TASK)
        loss = net.loss_grad(X, Y, sample_weight, config.alpha)
        # scipy keeps the returned gradient: hand it a copy, not our buffer
        return loss, net.grad.astype(np.float64)

    def callback(intermediate_result):
        nonlocal checkpoint
        checkpoint = _record_iteration(rec, net, intermediate_result, n_before)
        bar.set_postfix(loss=rec.loss_, refresh=False)
        bar.update()
        if config.verbose:
            print(f"Iteration {rec.n_iter_}, loss = {rec.loss_:.8f}")
        if tasks is not None and tasks.active:
            net.params[...] = intermediate_result.x
            if tasks.end_epoch(snapshot):
                raise StopIteration  # scipy ends the minimisation here

    n_before = len(rec.loss_curve_)
    rec.n_iter_ = 0
    net.track_stats = False  # each loss evaluation would move them
    checkpoint = _checkpoint(rec, net.storage)
    bar = progress_bar(config.show_bar, config.max_iter, "iteration", name)
    with deferred_warnings(config.show_bar):
        try:
            result = minimize_lbfgs(
                loss_grad,
                net.params.astype(np.float64),
                max_iter=config.max_iter,
                max_fun=config.max_fun,
                tol=config.tol,
                callback=callback,
            )
            bar.set_postfix(loss=float(result.fun))  # also when no step was taken
        except KeyboardInterrupt:
            if not _epochs_done(checkpoint):
                raise  # nothing finished: _fit puts back the previous state
            _interrupted(rec, net, checkpoint)
            net.set_stats(X, sample_weight)
            return rec
        finally:
            bar.close()
            if tasks is not None:
                tasks.close_epoch()  # opened by a line search that scipy cut short
    _finish_lbfgs(rec, net, result, X, sample_weight, config)
    return rec


def _record_iteration(rec, net, intermediate_result, n_before):
    """Record an L-BFGS iteration; return the checkpoint it makes."""
    loss = float(intermediate_result.fun)
    rec.loss_curve_.append(loss)
    rec.n_iter_ = len(rec.loss_curve_) - n_before
    rec.loss_ = loss
    rec.best_loss_ = min(rec.best_loss_, loss)
    # the statistics do not move during L-BFGS (set_stats sets them after)
    x = intermediate_result.x.astype(net.dtype)
    return _checkpoint(rec, np.concatenate([x, net.stats]))


def _finish_lbfgs(rec, net, result, X, sample_weight, config):
    """The minimiser's result into the network and the record."""
    net.params[...] = result.x
    # batch normalisation: the full batch's statistics, which training used
    net.set_stats(X, sample_weight)
    rec.n_iter_ = min(result.nit, config.max_iter)
    rec.loss_ = float(result.fun)
    rec.best_loss_ = min(rec.best_loss_, rec.loss_)
    raise_if_diverged(net, rec.loss_, config.solver)
