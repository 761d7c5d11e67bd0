"""One epoch of mini-batch steps, and the settings the stochastic loop runs on.

``TrainingConfig`` is resolved once per fit from the estimator's parameters
and does not change during it; the loops (``_loops``) and ``train_epoch``
take it, with the network, the optimiser and the rows, and know nothing of
the estimator.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.utils import gen_batches

from ._optimizers import clip_grad_norm, decay_weights


@dataclass(frozen=True)
class TrainingConfig:
    """The stochastic loop's settings for one fit.

    Attributes
    ----------
    max_iter : int
        Epochs at most.
    batch_rows : int
        Rows of a mini-batch (``batch_size`` resolved against the data).
    min_batch_rows : int
        A last batch smaller than this joins the one before it: 2 where a
        box needs batch statistics (batch norm), else 0 (MLPClassifier's
        batches).
    shuffle : bool
        A new order of the rows every epoch.
    alpha : float
        The L2 penalty.
    max_grad_norm : float or None
        Clip the gradient's norm to this.
    weight_decay : float
        Decoupled weight decay per unit of the base step size.
    early_stopping : bool
        Score a held-out split after every epoch.
    incremental : bool
        One epoch (``partial_fit``).
    show_bar : bool
        Draw a progress bar.
    solver : str
        The solver's name, for messages.
    tol : float
        The least improvement that counts.
    n_iter_no_change : int or float
        Epochs without improvement before training stops.
    monitor : {'score', 'loss'}
        What early stopping watches on the validation split.
    loss : callable
        The output's loss (``_losses``), for the validation loss.
    max_fun : int
        L-BFGS's budget of loss evaluations.
    verbose : bool
        Print each epoch's loss.
    planned_end : bool
        Whether the learning-rate schedule ends at ``max_iter`` ('cosine',
        which reaches its floor there): reaching it is then the plan, not a
        failure to converge, and is not warned about.
    """

    max_iter: int
    batch_rows: int
    min_batch_rows: int
    shuffle: bool
    alpha: float
    max_grad_norm: float | None
    weight_decay: float
    early_stopping: bool
    incremental: bool
    show_bar: bool
    solver: str
    tol: float
    n_iter_no_change: float
    monitor: str
    loss: Callable
    max_fun: int
    verbose: bool
    planned_end: bool = False

    @classmethod
    def resolve(cls, params, net, batch_rows, incremental):
        """The settings of a fit with the estimator parameters ``params`` (a
        mapping of names to values) and ``batch_rows`` rows per batch."""
        return cls(
            max_iter=params["max_iter"],
            batch_rows=batch_rows,
            min_batch_rows=2 if any(net.batch_norm) else 0,
            shuffle=bool(params["shuffle"]),
            alpha=params["alpha"],
            max_grad_norm=params["max_grad_norm"],
            weight_decay=float(params["weight_decay"]),
            early_stopping=bool(params["early_stopping"]),
            incremental=incremental,
            show_bar=bool(params["progress_bar"] and not incremental),
            solver=params["solver"],
            tol=params["tol"],
            n_iter_no_change=params["n_iter_no_change"],
            monitor=params["early_stopping_monitor"],
            loss=net.output.loss,
            max_fun=params["max_fun"],
            verbose=bool(params["verbose"]),
            planned_end=params["learning_rate"] == "cosine",
        )


class EpochRows:
    """The training rows in each epoch's order: the data as given, or, when
    shuffling, one contiguous shuffled copy per epoch (in buffers made once),
    so that every batch is a cheap slice."""

    def __init__(self, X, Y, sample_weight, shuffle):
        self.data = (X, Y, sample_weight)
        self.n_samples = X.shape[0]
        self.order = np.arange(self.n_samples)
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        if shuffle:
            self.X, self.Y = _row_buffer(X), _row_buffer(Y)
            if sample_weight is not None:
                self.sample_weight = _row_buffer(sample_weight)

    def reorder(self, random_state):
        """Draw a new order of the rows and copy them into it."""
        X, Y, sample_weight = self.data
        random_state.shuffle(self.order)
        self.X = _take_rows(X, self.order, self.X)
        _take_rows(Y, self.order, self.Y)
        if sample_weight is not None:
            _take_rows(sample_weight, self.order, self.sample_weight)


def train_epoch(net, optimizer, rows, config, random_state):
    """One pass of mini-batch steps over ``rows`` (an ``EpochRows``).

    Returns the epoch's loss (the batches' losses weighted by their rows, over
    all rows) and the first batch's loss, taken before its step.
    """
    if config.shuffle:
        rows.reorder(random_state)
    params, grads = [net.params], [net.grad]
    weights = net.params[: net.n_coefs]  # decayed; the biases are not
    dropping = any(net.dropout)
    X, Y, sample_weight = rows.X, rows.Y, rows.sample_weight
    accumulated_loss, first = 0.0, None
    batches = gen_batches(
        rows.n_samples, config.batch_rows, min_batch_size=config.min_batch_rows
    )
    for batch in batches:
        sw_batch = None if sample_weight is None else sample_weight[batch]
        if sw_batch is not None and not sw_batch.sum() > 0:
            continue  # a batch of zero weight teaches nothing
        masks = None
        if dropping:
            masks = net.draw_masks(batch.stop - batch.start, random_state)
        batch_loss = net.loss_grad(X[batch], Y[batch], sw_batch, config.alpha, masks)
        if first is None:
            first = batch_loss
        accumulated_loss += batch_loss * (batch.stop - batch.start)
        if config.max_grad_norm is not None:
            clip_grad_norm(net.grad, config.max_grad_norm)
        optimizer.update_params(params, grads)
        if config.weight_decay:
            decay_weights(weights, optimizer.base_rate * config.weight_decay)
    return accumulated_loss / rows.n_samples, first


def _row_buffer(A):
    """A C-ordered buffer for the rows of dense ``A``; None for sparse ``A``."""
    return None if sparse.issparse(A) else np.empty(A.shape, A.dtype)


def _take_rows(A, rows, out):
    """``A[rows]``, written into ``out`` for dense ``A``.

    ``mode="clip"`` spares NumPy the buffer it uses to check bounds before
    writing (``rows`` is a permutation, always in range).
    """
    if sparse.issparse(A):
        return A[rows]
    return np.take(A, rows, axis=0, out=out, mode="clip")
