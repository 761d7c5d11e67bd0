"""The training loops: stochastic epochs with early stopping, and L-BFGS.

Both set the estimator's training record (``n_iter_``, ``loss_``,
``loss_curve_``, ...) as they go, and both keep it consistent when they stop
early:

- divergence (a non-finite loss, or weights so large that their squares
  overflow) raises a ``ValueError``; the estimator's ``_fit`` then puts back
  the state it had before the call. With early stopping, once an epoch has
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

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._network._losses import OUTPUT_LOSSES, weighted_mean
from ._epochs import EpochRows, TrainingConfig, train_epoch
from ._fit_tasks import LBFGS_TASK
from ._optimizers import minimize_lbfgs
from ._progress import deferred_warnings, progress_bar
from ._state import epoch_record, rewind
from ._stopping import is_new_best


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


def _checkpoint(estimator, params):
    """The record and the weights of a finished epoch, as one object.

    One object, bound to one name in one step: a Ctrl-C between two separate
    assignments would pair one epoch's record with another's weights.
    """
    return epoch_record(estimator), params.copy()


def _epochs_done(checkpoint):
    (values, _), _ = checkpoint
    return values["n_iter_"]


def _interrupted(estimator, net, checkpoint):
    """Return to the end of the last finished epoch after a Ctrl-C."""
    record, storage = checkpoint
    rewind(estimator, record)
    net.storage[...] = storage
    # the optimiser's moments are mid-epoch: the next partial_fit starts anew
    estimator.__dict__.pop("_optimizer", None)
    warnings.warn(
        f"Training interrupted by user after {estimator.n_iter_} finished "
        "iterations; the estimator keeps the weights of "
        + ("the best one." if estimator.validation_scores_ else "the last one.")
    )


def fit_stochastic(
    estimator, net, X, Y, sample_weight, random_state, incremental, tasks=None
):
    """Epochs of mini-batch steps, with the optimiser in ``estimator._optimizer``.

    ``tasks`` (``_fit_tasks.FitTasks`` or None) opens and closes each epoch's
    callback task; a callback may stop the training after an epoch.
    """
    est = estimator
    validation = None
    if est.early_stopping:
        X, X_val, Y, Y_val, sample_weight, sw_val = est._validation_split(
            X, Y, sample_weight, random_state
        )
        validation = X_val, Y_val, sw_val
    Y_labels = Y  # the explosion check scores the kept model on these
    Y = est._training_targets(Y)  # label smoothing; Y_val keeps the labels
    config = TrainingConfig.resolve(est, net, X.shape[0], incremental)
    rows = EpochRows(X, Y, sample_weight, config.shuffle)

    est.n_iter_ = 0
    start_loss = None  # the first batch's, before any step: where this call began
    checkpoint = _checkpoint(est, net.storage)
    bar = progress_bar(config.show_bar, config.max_iter, "epoch", type(est).__name__)
    with deferred_warnings(config.show_bar):
        try:
            for _ in range(config.max_iter):
                if tasks is not None:
                    tasks.begin_epoch(est._reconstruction_attributes)
                loss, first = train_epoch(
                    net, est._optimizer, rows, config, random_state
                )
                start_loss = first if start_loss is None else start_loss
                stop = _record_epoch(est, net, loss, rows.n_samples, validation, bar)
                if stop is None:
                    break  # diverged, after a scored epoch
                # where a Ctrl-C in the next epoch returns
                checkpoint = _checkpoint(est, net.storage)
                if tasks is not None and tasks.end_epoch(
                    est._reconstruction_attributes
                ):
                    stop = True  # a callback asked to stop after this epoch
                if stop or config.incremental:
                    break
                if est.n_iter_ == config.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            if not _epochs_done(checkpoint):
                raise  # nothing finished: _fit puts back the previous state
            _interrupted(est, net, checkpoint)
        finally:
            bar.close()
            if tasks is not None:
                tasks.close_epoch()  # an epoch left open by an interrupt or error
    best_params = est._stopping.best_params  # None if every score was NaN
    if est.early_stopping and best_params is not None:
        net.storage[...] = best_params
    if start_loss is not None and est.loss_ > EXPLOSION * start_loss:
        _check_not_exploded(est, net, X, Y_labels, sample_weight, start_loss)


def _record_epoch(est, net, loss, n_samples, validation, bar):
    """The end of an epoch: check divergence, record the loss (and the
    validation score), move the schedule, apply the stopping rule.

    Returns whether to stop, or None when the epoch diverged after a scored
    one (the best epoch's weights are then kept, with a warning).
    """
    diverging = diverged(net, loss)
    if diverging and est._stopping.best_params is None:
        raise divergence_error(net, est.solver)
    est.n_iter_ += 1
    est.loss_ = loss
    est.t_ += n_samples
    est.loss_curve_.append(loss)
    if est.verbose:
        print(f"Iteration {est.n_iter_}, loss = {loss:.8f}")
    if validation is not None:
        _update_validation(est, net, *validation, diverging)
        bar.set_postfix(loss=loss, val_score=est.validation_scores_[-1], refresh=False)
    else:
        _update_training_loss(est)
        bar.set_postfix(loss=loss, refresh=False)
    bar.update()
    est._optimizer.iteration_ends(est.t_)
    if diverging:
        warnings.warn(
            f"Training diverged in epoch {est.n_iter_} (loss {loss:.3g}); the fit "
            "ends there and keeps the weights of the best epoch. Scale the "
            "inputs or lower learning_rate_init.",
            ConvergenceWarning,
        )
        return None
    return _stop_or_lower_rate(est)


#: A fit call whose training loss ends this many times above the loss it
#: started from has exploded, if its model is also useless (see below)
EXPLOSION = 1e3


def _check_not_exploded(est, net, X, Y, sample_weight, start_loss):
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
    logits = est._logits(X, *net.inference_layers())
    score = (
        est._validation_score(logits, Y, sample_weight)
        if np.isfinite(logits).all()
        else np.nan
    )
    constant = est._constant_score(Y, sample_weight)
    if score > constant:
        return
    message = (
        f"Training diverged: the training loss grew from {start_loss:.3g} to "
        f"{est.loss_:.3g}, and the model predicts its own training data no "
        f"better than a constant ({score:.3g} against {constant:.3g}). Scale "
        "the inputs (e.g. with StandardScaler) and, for regression, the "
        "targets, or lower learning_rate_init."
    )
    if est.early_stopping:
        # scikit-learn's rule (its test_mlp_diverging_loss): with early
        # stopping a diverging fit ends without an error, on its best epoch
        warnings.warn(
            message + " The best epoch's weights are kept.", ConvergenceWarning
        )
        return
    raise ValueError(message + " The estimator was left as it was before this call.")


def _stop_or_lower_rate(est):
    """Apply the ``n_iter_no_change`` rule; True when training should stop.

    Where the schedule lowers the rate on a plateau (sgd's 'adaptive',
    'plateau'), the optimiser lowers it instead and training goes on."""
    if not est._stopping.patience_exhausted(est.n_iter_no_change):
        return False
    # MLPClassifier's wording, for users who parse verbose output
    watched = "Validation score" if est.early_stopping else "Training loss"
    msg = (
        f"{watched} did not improve more than tol={est.tol:f} for "
        f"{est.n_iter_no_change} consecutive epochs."
    )
    if est._optimizer.trigger_stopping(msg, est.verbose):
        return True
    est._stopping = est._stopping.restarted()
    return False


def _update_validation(est, net, X_val, Y_val, sw_val, diverging=False):
    """Score the held-out set; keep the best epoch's weights.

    A diverged epoch scores NaN, as in MLPClassifier, whatever its weights
    would predict: they are never kept as the best.
    """
    logits = None if diverging else est._logits(X_val, *net.inference_layers())
    if logits is None or not np.isfinite(logits).all():
        score = loss = np.nan
    else:
        score = est._validation_score(logits, Y_val, sw_val)  # reads only
        _, losses = OUTPUT_LOSSES[est.out_activation_](logits, Y_val)
        loss = weighted_mean(losses, sw_val)
    est.validation_scores_.append(score)
    est.validation_loss_curve_.append(loss)
    if est.verbose:
        print(f"Validation score: {score:f}")
    # the monitored quantity, as "higher is better": the score, or minus the loss
    if est.early_stopping_monitor == "loss":
        value, best = -loss, -est.best_validation_loss_
    else:
        value, best = score, est.best_validation_score_
    stopping = est._stopping
    # running statistics included in the copy
    best_params = net.storage.copy() if is_new_best(value, best, stopping) else None
    est._stopping = stopping.after_epoch(not value < best + est.tol, best_params)
    # both bests are recorded, whichever one is watched (NaN never is)
    est.best_validation_score_ = max(est.best_validation_score_, score)
    est.best_validation_loss_ = min(est.best_validation_loss_, loss)


def _update_training_loss(est):
    improved = not est.loss_curve_[-1] > est.best_loss_ - est.tol
    est._stopping = est._stopping.after_epoch(improved)
    est.best_loss_ = min(est.best_loss_, est.loss_curve_[-1])


def fit_lbfgs(estimator, net, X, Y, sample_weight, tasks=None):
    """Full-batch L-BFGS-B on the flat parameter vector.

    With callbacks (``tasks``), an iteration's task opens at the first loss
    evaluation after the previous iteration ended, so that none is opened
    for an iteration that scipy never starts; a callback that asks to stop
    ends the minimisation with ``StopIteration``, which scipy honours.
    """
    est = estimator
    Y = est._training_targets(Y)

    def snapshot():
        # the weights of the iteration (not of a line-search trial) and, for
        # batch normalisation, the statistics they give
        net.set_stats(X, sample_weight)
        return est._reconstruction_attributes()

    def loss_grad(x):
        net.params[...] = x
        if tasks is not None and tasks.active and tasks.epoch is None:
            tasks.begin_epoch(snapshot, task_name=LBFGS_TASK)
        loss = net.loss_grad(X, Y, sample_weight, est.alpha)
        # scipy keeps the returned gradient: hand it a copy, not our buffer
        return loss, net.grad.astype(np.float64)

    def callback(intermediate_result):
        nonlocal checkpoint
        checkpoint = _record_iteration(est, net, intermediate_result, n_before)
        bar.set_postfix(loss=est.loss_, refresh=False)
        bar.update()
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
        if tasks is not None and tasks.active:
            net.params[...] = intermediate_result.x
            if tasks.end_epoch(snapshot):
                raise StopIteration  # scipy ends the minimisation here

    n_before = len(est.loss_curve_)
    est.n_iter_ = 0
    net.track_stats = False  # each loss evaluation would move them
    checkpoint = _checkpoint(est, net.storage)
    bar = progress_bar(est.progress_bar, est.max_iter, "iteration", type(est).__name__)
    with deferred_warnings(est.progress_bar):
        try:
            result = minimize_lbfgs(
                loss_grad,
                net.params.astype(np.float64),
                max_iter=est.max_iter,
                max_fun=est.max_fun,
                tol=est.tol,
                callback=callback,
            )
            bar.set_postfix(loss=float(result.fun))  # also when no step was taken
        except KeyboardInterrupt:
            if not _epochs_done(checkpoint):
                raise  # nothing finished: _fit puts back the previous state
            _interrupted(est, net, checkpoint)
            net.set_stats(X, sample_weight)
            return
        finally:
            bar.close()
            if tasks is not None:
                tasks.close_epoch()  # opened by a line search that scipy cut short
    _finish_lbfgs(est, net, result, X, sample_weight)


def _record_iteration(est, net, intermediate_result, n_before):
    """Record an L-BFGS iteration; return the checkpoint it makes."""
    loss = float(intermediate_result.fun)
    est.loss_curve_.append(loss)
    est.n_iter_ = len(est.loss_curve_) - n_before
    est.loss_ = loss
    est.best_loss_ = min(est.best_loss_, loss)
    # the statistics do not move during L-BFGS (set_stats sets them after)
    x = intermediate_result.x.astype(net.dtype)
    return _checkpoint(est, np.concatenate([x, net.stats]))


def _finish_lbfgs(est, net, result, X, sample_weight):
    """The minimiser's result into the network and the record."""
    net.params[...] = result.x
    # batch normalisation: the full batch's statistics, which training used
    net.set_stats(X, sample_weight)
    est.n_iter_ = min(result.nit, est.max_iter)
    est.loss_ = float(result.fun)
    est.best_loss_ = min(est.best_loss_, est.loss_)
    raise_if_diverged(net, est.loss_, est.solver)
