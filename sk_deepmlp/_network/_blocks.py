"""The boxes a network is built of, and the block that chains them.

A box is one step of the forward pass and its derivative. ``forward(x,
batch)`` returns its output and keeps what its backward needs;
``backward(dy, batch)`` takes the gradient of that output, writes the
gradients of the box's own parameters into its views of the network's one
flat gradient vector, and returns the gradient of its input. No box updates a
parameter: the optimiser does, on the flat vector.

A hidden block is ``linear -> [normalisation] -> activation -> [dropout]``,
with its input added to its output where it is ``Residual``; the output
block is ``linear -> output`` (the activation and loss pair). The
network runs the blocks forward and then backward, and knows no box by name:
what differs between them (a normalisation that replaces the bias, a box that
draws random masks) is a property of the box.

Boxes own their per-batch buffers, allocated once for the largest batch and
sliced for smaller ones (``use_rows``), so that a training step allocates no
more than the arithmetic itself needs. Where a box works in place (the
activation on the linear step's buffer, the derivatives on the gradient
they are given), it says so; every operation and its order is that of the
network before the boxes, so that the models are the same to the bit.

``batch`` is a ``Batch``: what the boxes of one step share (the rows'
weights, the dropout masks, the L2 factor, whether batch statistics move).
"""

import numpy as np

from ._activations import ACTIVATIONS, FROM_Z
from ._batchnorm import batch_norm_backward, batch_norm_forward
from ._layers import activation_backward, dense_backward, linear_forward
from ._losses import canonical_loss


class Batch:
    """What the boxes of one training step share.

    Attributes
    ----------
    row_weights : ndarray of shape (m,) or None
        ``s_i / sum(s)``, for the boxes that average over the batch.
    masks : list of (ndarray or None) or None
        One dropout mask per hidden block.
    l2 : float
        The factor of the L2 penalty's gradient, ``alpha / sum(s)``.
    embedding_l2 : float
        The same for the embedding's frequencies, ``embedding_alpha /
        sum(s)``.
    stats_momentum : float or None
        Weight of the old value in running statistics (batch norm's); None
        freezes them.
    """

    __slots__ = ("row_weights", "masks", "l2", "embedding_l2", "stats_momentum")

    def __init__(self, row_weights=None, masks=None, l2=0.0, stats_momentum=None):
        self.row_weights = row_weights
        self.masks = masks
        self.l2 = l2
        self.embedding_l2 = 0.0
        self.stats_momentum = stats_momentum


class _Buffers:
    """Per-batch buffers of one box: made for the largest batch seen, and
    sliced to ``m`` rows for smaller ones."""

    def __init__(self, dtype, **widths):
        self.dtype, self.widths, self.full, self.rows = dtype, widths, {}, 0

    def use_rows(self, m):
        if m > self.rows:
            self.full = {
                name: None if n is None else np.empty((m, n), self.dtype)
                for name, n in self.widths.items()
            }
            self.rows = m
        return {name: None if a is None else a[:m] for name, a in self.full.items()}


class Linear:
    """``Z = X @ W + b``; backward ``dW = X.T @ dZ + l2 W``, ``db = sum_i
    dZ_i``, ``dX = dZ @ W.T`` (not for the first layer: nothing is below).

    ``frozen_bias``: the bias is kept at 0 and its gradient is 0, because a
    normalisation after this box replaces it (its mean subtraction cancels
    the bias; its ``beta`` takes the bias's place).
    """

    def __init__(self, W, b, dW, db, first, dtype):
        self.W, self.b, self.dW, self.db = W, b, dW, db
        self.frozen_bias = False
        self._l2_work = np.empty_like(W)  # scratch for l2 * W
        n_in, n_out = W.shape
        self._buffers = _Buffers(dtype, Z=n_out, dX=None if first else n_in)

    def use_rows(self, m):
        views = self._buffers.use_rows(m)
        self._Z, self._dX = views["Z"], views["dX"]

    def forward(self, X, batch):
        self._X = X
        return linear_forward(X, self.W, self.b, out=self._Z)

    def backward(self, dZ, batch):
        dense_backward(
            dZ, self._X, self.W, self.dW, self.db, self._dX, batch.l2, self._l2_work
        )
        if self.frozen_bias:
            # 0 up to rounding (the normalisation cancels it): kept exactly 0
            self.db[...] = 0
        return self._dX


class Activation:
    """``A = g(Z)`` in place on ``Z``; backward ``dZ = dA * g'(Z)`` in place
    on ``dA``. Keeps ``A`` for the derivative, or a copy of ``Z`` for the
    activations whose derivative needs it (``FROM_Z``)."""

    def __init__(self, name, width, dtype):
        self.name = name
        self._keeps_z = name in FROM_Z
        self._g = ACTIVATIONS[name]
        self._buffers = _Buffers(dtype, Z=width if self._keeps_z else None)

    def use_rows(self, m):
        self._Z = self._buffers.use_rows(m)["Z"]

    def forward(self, Z, batch):
        if self._keeps_z:
            self._Z[...] = Z  # before the activation overwrites it
        A = self._g(Z)
        self._cache = self._Z if self._keeps_z else A
        return A

    def backward(self, dA, batch):
        return activation_backward(dA, self._cache, self.name)


class Dropout:
    """Inverted dropout: ``A * D`` with the block's mask ``D`` (drawn by
    ``draw``: kept units scaled by ``1 / keep``); backward ``dA * D``."""

    def __init__(self, rate, width, index, dtype):
        self.rate, self.width, self.index, self.dtype = rate, width, index, dtype

    def use_rows(self, m):
        pass

    def draw(self, m, random_state):
        """The mask for a batch of ``m`` rows: ``(U < keep) / keep``."""
        keep = 1.0 - self.rate
        kept = random_state.random_sample((m, self.width)) < keep
        return kept.astype(self.dtype) / self.dtype.type(keep)

    def forward(self, A, batch):
        masks = batch.masks
        self._mask = None if masks is None else masks[self.index]
        return A if self._mask is None else A * self._mask

    def backward(self, dA, batch):
        if self._mask is not None:
            dA *= self._mask  # dropped units pass no gradient
        return dA


class BatchNorm:
    """Batch normalisation (``_batchnorm``), in place on ``Z``: the batch's
    weighted statistics in training, which move the running averages unless
    ``batch.stats_momentum`` is None. It replaces the bias of the linear box
    before it."""

    replaces_bias = True
    uses_row_weights = True

    def __init__(self, gamma, beta, dgamma, dbeta, mean, var, dtype):
        self.gamma, self.beta, self.dgamma, self.dbeta = gamma, beta, dgamma, dbeta
        self.mean, self.var = mean, var
        self._buffers = _Buffers(dtype, z_hat=gamma.shape[0])

    def use_rows(self, m):
        self._z_hat = self._buffers.use_rows(m)["z_hat"]

    def forward(self, Z, batch):
        w = batch.row_weights
        mean, var, self._sigma = batch_norm_forward(
            Z, self.gamma, self.beta, w, self._z_hat
        )
        if batch.stats_momentum is not None:
            momentum = batch.stats_momentum
            for running, value in ((self.mean, mean), (self.var, var)):
                running *= momentum
                running += (1 - momentum) * value
        return Z

    def backward(self, dZ, batch):
        return batch_norm_backward(
            dZ,
            self._z_hat,
            self.gamma,
            self._sigma,
            batch.row_weights,
            self.dgamma,
            self.dbeta,
        )


class Output:
    """The output activation and its loss (``_losses``): forward returns the
    predictions, in a buffer of its own, and keeps them; ``loss`` gives the
    per-sample losses; backward returns the loss's delta (``dZ = (A - Y) /
    m`` for the canonical pairs), weighted by the rows' weights, in a second
    buffer. The logits are left untouched. ``loss``: a ``(loss, delta)``
    pair of ``_losses.regression_loss``; None takes the canonical pair of
    the activation ``name``."""

    def __init__(self, name, width, reported, dtype, loss=None):
        self.name, self.reported = name, reported
        self.loss, self._delta = loss or canonical_loss(name)
        self._buffers = _Buffers(dtype, A=width, dZ=width)

    def use_rows(self, m):
        views = self._buffers.use_rows(m)
        self._A_buffer, self._dZ = views["A"], views["dZ"]

    def forward_loss(self, Z, Y):
        """The predictions and the per-sample losses of the logits ``Z``."""
        self._A, losses = self.loss(Z, Y, self.reported, out=self._A_buffer)
        return self._A, losses

    def backward(self, Y, sample_weight):
        return self._delta(self._A, Y, sample_weight, out=self._dZ)


class Block:
    """A sequence of boxes run forward in order and backward in reverse."""

    def __init__(self, boxes):
        self.boxes = list(boxes)
        # a normalisation replaces the bias of the linear box before it
        for before, box in zip(self.boxes, self.boxes[1:]):
            if getattr(box, "replaces_bias", False):
                before.frozen_bias = True

    def use_rows(self, m):
        for box in self.boxes:
            box.use_rows(m)

    def forward(self, x, batch):
        for box in self.boxes:
            x = box.forward(x, batch)
        return x

    def backward(self, dy, batch):
        for box in reversed(self.boxes):
            dy = box.backward(dy, batch)
        return dy


class Residual:
    """A block with its input added to its output: ``A_out = A_in +
    f(A_in)``; backward ``dA_in = dA_out + f'(dA_out)``. Both sums go into
    buffers of its own: the block's boxes keep their outputs (the activation's
    derivative needs them) and work in place on the gradient they are given.
    Only between hidden layers of equal widths (the network decides where)."""

    def __init__(self, block, width, dtype):
        self.block, self.boxes = block, block.boxes
        self._buffers = _Buffers(dtype, out=width, skip=width)

    def use_rows(self, m):
        views = self._buffers.use_rows(m)
        self._out, self._skip = views["out"], views["skip"]
        self.block.use_rows(m)

    def forward(self, x, batch):
        return np.add(self.block.forward(x, batch), x, out=self._out)

    def backward(self, dy, batch):
        np.copyto(self._skip, dy)  # the boxes below work in place on dy
        dx = self.block.backward(dy, batch)
        dx += self._skip
        return dx
