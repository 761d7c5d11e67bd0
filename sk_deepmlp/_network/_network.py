"""The network in training: its blocks (``_blocks``), over one flat vector of
parameters, run forward and then backward.

All parameters live in one flat vector, ``coefs`` first then ``intercepts`` (the
order of MLPClassifier's packing), then batch normalisation's ``gamma`` and
``beta`` of each layer that has it, then layer normalisation's, and the
per-layer arrays are views into it. An optimiser step is then a few
whole-vector operations, L-BFGS can work on the vector directly, and the
gradient has the same layout.

Batch normalisation's running means and variances are state, not parameters:
no gradient moves them. They follow the parameters in one ``storage`` vector
(``params`` and ``stats`` are its two views), so that a checkpoint of the
model is one copy of ``storage``. Without batch normalisation ``stats`` is
empty and ``storage`` is ``params``.
"""

import math
from itertools import pairwise

import numpy as np

from ._batchnorm import fold, row_weights
from ._blocks import (
    Activation,
    Batch,
    BatchNorm,
    Block,
    Dropout,
    Linear,
    Output,
    Residual,
)
from ._embeddings import PeriodicEmbedding, embedding_shapes
from ._ensemble import EnsembleLinear, adapter_shapes
from ._inputs import InputScaling
from ._layernorm import LayerNorm
from ._losses import weighted_mean


def _views(flat, layer_units, batch_norm):
    """Split a flat vector into per-layer views: ``coefs``, ``intercepts``,
    and the pairs of ``batch_norm`` vectors (None for a layer without)."""
    coefs, intercepts, start = [], [], 0
    for n_in, n_out in pairwise(layer_units):
        coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
    for n_out in layer_units[1:]:
        intercepts.append(flat[start : start + n_out])
        start += n_out
    return (coefs, intercepts, *_pair_views(flat[start:], layer_units, batch_norm))


def _pair_views(flat, layer_units, batch_norm):
    """Two vectors per batch-normalised hidden layer, one after the other in
    ``flat``: ``(gammas, betas)`` or ``(means, vars)``, None where it is off."""
    first, second, start = [], [], 0
    for on, n in zip(batch_norm, layer_units[1:-1]):
        first.append(flat[start : start + n] if on else None)
        second.append(flat[start + n : start + 2 * n] if on else None)
        start += 2 * n if on else 0
    return first, second


def _shaped_views(flat, shapes):
    """Consecutive views of ``flat`` with the given shapes (a dict)."""
    views, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        views[name] = flat[start : start + size].reshape(shape)
        start += size
    return views


class Network:
    """Parameters, gradients and blocks of one multilayer perceptron.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activations : list of str
        One activation per hidden layer.
    out_activation : {"logistic", "softmax", "identity", "exp"}
    dtype : numpy dtype
        The dtype of parameters, gradients and buffers.
    dropout : list of float, default=None
        Dropout rate of each hidden layer; None means no dropout.
    exact_loss : bool, default=False
        Return the exact loss, whose gradient the backward pass computes,
        instead of the one scikit-learn reports (clipped probabilities, a
        squared error averaged over outputs; see ``_losses``). The gradient
        is the same either way.
    batch_norm : list of bool, default=None
        Whether each hidden layer normalises its linear step over the batch
        (see ``_batchnorm``); None means no layer does.
    batch_norm_momentum : float, default=0.9
        The weight of the old value in batch normalisation's running
        averages, ``stat = momentum * stat + (1 - momentum) * batch_stat``.
    layer_norm : list of bool, default=None
        Whether each hidden layer normalises its linear step over its units,
        row by row (see ``_layernorm``); None means no layer does. Its
        ``gamma`` and ``beta`` follow batch normalisation's in ``params``.
    residual : list of bool, default=None
        Whether each hidden layer adds its input to its output (only where
        the two widths are equal, never for the first: see ``residual_layers``).
    input_scaling : tuple of ndarray, default=None
        ``(offset, factor, scaled)`` of ``_inputs.robust_scale``: a first box
        that scales the input; None feeds it as it is.
    embedding : tuple, default=None
        ``(embedded, n_frequencies, dim)``: periodic embeddings
        (``_embeddings``) of the ``embedded`` columns (a boolean mask) before
        the first layer, whose input width ``layer_units[0]`` is then the
        embedded one. Their parameters (``front_params``, a dict of views)
        come after the normalisations' in ``params``.
    n_ensemble : int, default=1
        Members of a BatchEnsemble (``_ensemble``): above 1, every linear
        step is an ``EnsembleLinear`` whose adapters (``adapters``, views
        ``R0, S0, B0, R1, ...``) come last in ``params``, and a batch of
        ``m`` rows runs as ``n_ensemble * m`` after the front boxes.
    embedding_alpha : float, default=0.0
        The L2 penalty of the embedding's frequencies (``_embeddings``).
    loss : tuple, default=None
        ``(loss, delta)`` of the output (``_losses.regression_loss``); None
        takes the canonical pair of ``out_activation``.
    """

    def __init__(
        self,
        layer_units,
        activations,
        out_activation,
        dtype,
        dropout=None,
        exact_loss=False,
        batch_norm=None,
        batch_norm_momentum=0.9,
        layer_norm=None,
        residual=None,
        input_scaling=None,
        embedding=None,
        n_ensemble=1,
        embedding_alpha=0.0,
        loss=None,
    ):
        self.layer_units = list(layer_units)
        self.embedding_alpha = float(embedding_alpha) if embedding else 0.0
        self.activations = list(activations)
        n_hidden = len(self.activations)
        self.dropout = list(dropout) if dropout else [0.0] * n_hidden
        self.batch_norm = list(batch_norm) if batch_norm else [False] * n_hidden
        self.layer_norm = list(layer_norm) if layer_norm else [False] * n_hidden
        self.residual = list(residual) if residual else [False] * n_hidden
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.track_stats = True  # fit_lbfgs sets the statistics itself
        self.out_activation = out_activation
        self.reported_loss = not exact_loss
        self.dtype = np.dtype(dtype)
        self.n_ensemble = int(n_ensemble)
        self._allocate(embedding)
        self._input_grad = embedding is not None  # the first layer's dX
        hidden = [self._hidden_block(k) for k in range(n_hidden)]
        self._drawing = [  # per hidden block: its box that draws masks, or None
            next((box for box in block.boxes if hasattr(box, "draw")), None)
            for block in hidden
        ]
        front = self._front_blocks(input_scaling, embedding)
        self._n_front = len(front)  # blocks on m rows; the others on k * m
        self.blocks = [*front, *hidden, Block([self._linear(n_hidden)])]
        self.output = Output(
            out_activation, self.layer_units[-1], self.reported_loss, self.dtype, loss
        )
        boxes = [box for block in self.blocks for box in block.boxes]
        self._weighs_rows = any(getattr(b, "uses_row_weights", 0) for b in boxes)
        self._rows = None

    def _allocate(self, embedding):
        """The flat vectors and their views, in the layout of the module's
        docstring: weights, biases, batch norm's and layer norm's pairs, then
        the tail of named arrays (the embedding's, the ensemble's adapters);
        the running statistics after the parameters, in ``storage``."""
        units, norm, ln = self.layer_units, self.batch_norm, self.layer_norm
        self.n_coefs = sum(i * o for i, o in pairwise(units))
        n_normalised = sum(n for on, n in zip(norm, units[1:]) if on)
        n_layer_normed = sum(n for on, n in zip(ln, units[1:]) if on)
        n_before_ln = self.n_coefs + sum(units[1:]) + 2 * n_normalised
        n_before_tail = n_before_ln + 2 * n_layer_normed
        front = {} if embedding is None else embedding_shapes(*embedding)
        adapters = {}
        if self.n_ensemble > 1:
            adapters = adapter_shapes(units, self.n_ensemble)
        tail = {**front, **adapters}
        self.n_params = n_before_tail + sum(map(math.prod, tail.values()))
        self.storage = np.zeros(self.n_params + 2 * n_normalised, dtype=self.dtype)
        self.params, self.stats = np.split(self.storage, [self.n_params])
        self.grad = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs, self.intercepts, self.gammas, self.betas = _views(
            self.params, units, norm
        )
        self.dcoefs, self.dintercepts, self.dgammas, self.dbetas = _views(
            self.grad, units, norm
        )
        self.means, self.vars = _pair_views(self.stats, units, norm)
        self.ln_gammas, self.ln_betas = _pair_views(
            self.params[n_before_ln:], units, ln
        )
        self.ln_dgammas, self.ln_dbetas = _pair_views(
            self.grad[n_before_ln:], units, ln
        )
        params = _shaped_views(self.params[n_before_tail:], tail)
        grads = _shaped_views(self.grad[n_before_tail:], tail)
        self.front_params = {name: params[name] for name in front}
        self.front_grads = {name: grads[name] for name in front}
        self.adapters = {name: params[name] for name in adapters}
        self.dadapters = {name: grads[name] for name in adapters}
        for gammas, on in (
            (self.gammas, norm),
            (self.vars, norm),
            (self.ln_gammas, ln),
        ):
            for layer, active in enumerate(on):
                if active:  # the identity transformation until trained
                    gammas[layer][...] = 1

    def _linear(self, k):
        if self.n_ensemble > 1:
            names = [f"{kind}{k}" for kind in "RSB"]
            return EnsembleLinear(
                self.coefs[k],
                self.dcoefs[k],
                [self.adapters[n] for n in names],
                [self.dadapters[n] for n in names],
                self.n_ensemble,
                shared_input=k == 0,
                needs_dx=k > 0 or self._input_grad,
            )
        return Linear(
            self.coefs[k],
            self.intercepts[k],
            self.dcoefs[k],
            self.dintercepts[k],
            k == 0 and not self._input_grad,  # no dX where nothing needs it
            self.dtype,
        )

    def _front_blocks(self, input_scaling, embedding):
        """The boxes before the first layer, as a block (none if empty):
        the input's scaling, then its embedding."""
        boxes = []
        if input_scaling is not None:
            boxes.append(InputScaling(*input_scaling, self.dtype))
        if embedding is not None:
            names = ("frequencies", "coefs", "intercepts")
            boxes.append(
                PeriodicEmbedding(
                    embedding[0],
                    [self.front_params[n] for n in names],
                    [self.front_grads[n] for n in names],
                )
            )
        return [Block(boxes)] if boxes else []

    def _hidden_block(self, k):
        """The boxes of hidden layer ``k``, in ``HIDDEN_BOXES``'s order, each
        where its per-layer option asks for it."""
        boxes = [self._linear(k)]
        for option, make in HIDDEN_BOXES:
            if getattr(self, option)[k]:
                boxes.append(make(self, k))
        if self.residual[k]:
            return Residual(Block(boxes), self.layer_units[k + 1], self.dtype)
        return Block(boxes)

    def load(self, coefs, intercepts, batch_norm=None, layer_norm=None):
        """Copy per-layer arrays into the flat vectors.

        ``batch_norm`` is ``(gammas, betas, means, vars)`` and ``layer_norm``
        ``(gammas, betas)``, lists with None for the layers without; None
        keeps the identity transformation that ``__init__`` set.
        """
        pairs = [
            ("coefs_", coefs, self.coefs),
            ("intercepts_", intercepts, self.intercepts),
        ]
        if batch_norm is not None:
            names = ("gamma", "beta", "mean", "var")
            owns = (self.gammas, self.betas, self.means, self.vars)
            pairs += [
                (f"batch_norm_{name}_", given, own)
                for name, given, own in zip(names, batch_norm, owns)
            ]
        if layer_norm is not None:
            owns = (self.ln_gammas, self.ln_betas)
            pairs += [
                (f"layer_norm_{name}_", given, own)
                for name, given, own in zip(("gamma", "beta"), layer_norm, owns)
            ]
        for name, given, own in pairs:
            shapes = [None if a is None else np.shape(a) for a in given]
            expected = [None if a is None else a.shape for a in own]
            if shapes != expected:
                raise ValueError(
                    f"{name} has shapes {shapes}, but this network needs {expected}."
                )
            for dst, src in zip(own, given):
                if dst is not None:
                    dst[...] = src

    def _use_rows(self, m):
        """Point every box at its buffers for a batch of ``m`` rows (allocated
        once for the largest batch; the training loop allocates none)."""
        if m != self._rows:
            for i, block in enumerate(self.blocks):
                block.use_rows(m if i < self._n_front else m * self.n_ensemble)
            self.output.use_rows(m * self.n_ensemble)
            self._rows = m

    def draw_masks(self, m, random_state):
        """Inverted-dropout masks for a batch of ``m`` rows, one per hidden layer.

        ``D = (U < keep) / keep`` with ``U ~ Uniform(0, 1)``: kept units are
        scaled by ``1 / keep`` so that the expected activation is unchanged and
        prediction needs no rescaling. Layers without dropout get None and
        draw nothing from ``random_state``.
        """
        m *= self.n_ensemble  # a mask row per member's row
        return [
            None if box is None else box.draw(m, random_state) for box in self._drawing
        ]

    def forward(self, X, masks=None, row_weights=None, stats_momentum=None):
        """Forward pass in training mode; returns the logits.

        ``masks`` come from ``draw_masks``; ``row_weights``
        (``_batchnorm.row_weights``) weight the batch statistics, and
        ``stats_momentum`` moves the running ones (None: the network's own, if it
        tracks them).
        """
        return self._forward(X, self._batch(row_weights, masks, stats_momentum))

    def _batch(self, row_weights, masks, stats_momentum=None):
        """What the boxes of one step share; the running statistics move by
        ``stats_momentum``, or by the network's own while it tracks them."""
        if stats_momentum is None and self.track_stats:
            stats_momentum = self.batch_norm_momentum
        return Batch(row_weights, masks, 0.0, stats_momentum)

    def _forward(self, X, batch):
        self._use_rows(X.shape[0])
        for block in self.blocks:
            X = block.forward(X, batch)
        return X

    def set_stats(self, X, sample_weight=None):
        """Set the running statistics to those of ``X`` (with the current
        parameters, one layer after another), as L-BFGS's full batch gives
        them: prediction then normalises exactly as training did."""
        if self._weighs_rows:
            self.forward(
                X,
                row_weights=row_weights(sample_weight, self.dtype),
                stats_momentum=0.0,
            )

    def inference_layers(self):
        """``(coefs, intercepts, steps)`` for prediction: the training arrays
        themselves, or new ones with batch normalisation folded in; ``steps``
        (``inference_steps``) is what prediction does beyond them."""
        steps = inference_steps(self.ln_gammas, self.ln_betas, self.residual)
        if not any(self.batch_norm):
            return self.coefs, self.intercepts, steps
        coefs, intercepts = fold_layers(
            self.coefs, self.intercepts, self.gammas, self.betas, self.means, self.vars
        )
        return coefs, intercepts, steps

    def loss_grad(self, X, Y, sample_weight, alpha, masks=None):
        """Loss at the current parameters; the gradient is written into ``grad``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n_features)
        Y : ndarray of shape (m, n_outputs)
            Binarised targets, in the parameters' dtype.
        sample_weight : ndarray of shape (m,) or None
        alpha : float
            L2 penalty, scaled by ``1 / sum(sample_weight)`` (or ``1 / m``).
        masks : list of (ndarray or None), default=None
            Dropout masks from ``draw_masks``; None trains without dropout.

        Returns
        -------
        loss : float
            Mean loss (see ``_losses``) plus ``alpha / (2 m) * sum ||W||^2``.
        """
        w = row_weights(sample_weight, self.dtype) if self._weighs_rows else None
        batch = self._batch(w, masks)
        logits = self._forward(X, batch)
        # the L2 term's m is the batch's, before the members' copies
        sw_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        if self.n_ensemble > 1:  # each member's rows against the targets
            Y = np.tile(Y, (self.n_ensemble, 1))
            if sample_weight is not None:
                sample_weight = np.tile(sample_weight, self.n_ensemble)
        _, losses = self.output.forward_loss(logits, Y)
        # Python floats: a NumPy float64 (an alpha from np.logspace, say) would
        # compute the float32 L2 term in float64, through a slow casting loop
        alpha = float(alpha)
        loss = weighted_mean(losses, sample_weight)
        if alpha:
            W_flat = self.params[: self.n_coefs]
            loss += 0.5 * alpha * float(np.dot(W_flat, W_flat)) / sw_sum
        if self.embedding_alpha:  # the frequencies' own penalty, in alpha's units
            batch.embedding_l2 = self.embedding_alpha / sw_sum
            c = self.front_params["frequencies"].ravel()
            loss += 0.5 * batch.embedding_l2 * float(np.dot(c, c))
        # dZ = d/dZ loss(y, out(Z)) = (out(Z) - y) / m for canonical pairs
        dZ = self.output.backward(Y, sample_weight)
        batch.l2 = alpha / sw_sum  # d/dW of alpha / (2 m) ||W||^2
        for block in reversed(self.blocks):
            if dZ is None:
                break  # below the first layer: the input's gradient is not needed
            dZ = block.backward(dZ, batch)
        return loss


def _batch_norm_box(net, k):
    views = (net.gammas, net.betas, net.dgammas, net.dbetas, net.means, net.vars)
    return BatchNorm(*(v[k] for v in views), net.dtype)


def _layer_norm_box(net, k):
    views = (net.ln_gammas, net.ln_betas, net.ln_dgammas, net.ln_dbetas)
    return LayerNorm(*(v[k] for v in views), net.dtype)


def _activation_box(net, k):
    return Activation(net.activations[k], net.layer_units[k + 1], net.dtype)


def _dropout_box(net, k):
    return Dropout(net.dropout[k], net.layer_units[k + 1], k, net.dtype)


#: The boxes after a hidden layer's linear step, in their order: the
#: network's per-layer option that asks for each (a list of one value per
#: hidden layer, true where the box goes), and the function that makes it
#: from the network's views. A new box is a module and an entry here (and its
#: parameters' views in ``Network.__init__``, if it has any).
HIDDEN_BOXES = [
    ("batch_norm", _batch_norm_box),
    ("layer_norm", _layer_norm_box),
    ("activations", _activation_box),
    ("dropout", _dropout_box),
]


def fold_layers(coefs, intercepts, gammas, betas, means, variances):
    """``coefs`` and ``intercepts`` with each batch normalisation folded into
    its layer (``_batchnorm.fold``); layers without it are passed through."""
    folded_coefs, folded_intercepts = list(coefs), list(intercepts)
    for layer, gamma in enumerate(gammas):
        if gamma is not None:
            folded_coefs[layer], folded_intercepts[layer] = fold(
                coefs[layer],
                intercepts[layer],
                gamma,
                betas[layer],
                means[layer],
                variances[layer],
            )
    return folded_coefs, folded_intercepts


def residual_layers(hidden, residual):
    """Which hidden layers add their input to their output, for
    ``residual=True``: those whose input width equals their output width.
    Never the first: its input is X, whose width is the data's, and a skip
    from it would tie the architecture to the number of features."""
    return [
        bool(residual) and k > 0 and hidden[k - 1] == hidden[k]
        for k in range(len(hidden))
    ]


def inference_steps(ln_gammas, ln_betas, residual):
    """Per hidden layer, ``(norm, skip)``: layer normalisation's ``(gamma,
    beta)`` or None, and whether the layer adds its input; None for a
    network with neither (prediction then takes the plain pass)."""
    if not any(g is not None for g in ln_gammas) and not any(residual):
        return None
    return [
        (None if g is None else (g, b), skip)
        for g, b, skip in zip(ln_gammas, ln_betas, residual)
    ]
