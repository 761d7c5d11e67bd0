"""The fitted network as the estimators hold it: its arrays, its shape, and
the Network that training and the gradient check build from them.

The fitted model is a set of public attributes (``coefs_``, ``intercepts_``
and, with normalisation, ``batch_norm_gamma_``, ``_beta_``, ``_mean_`` and
``_var_``, ``layer_norm_gamma_`` and ``_beta_``; ``residual_layers_``).
Training copies them into a ``Network``'s flat vectors and makes the
attributes views of those (``_adopt``), so that a fit that fails leaves the
previous arrays untouched; prediction (``_predict``) reads them directly,
with batch normalisation folded into the weights (``_inference_layers``).
"""

from ._network import Network, fold_layers, inference_steps

#: The fitted attributes of batch normalisation: batch_norm_<name>_.
BN_ATTRIBUTES = ("gamma", "beta", "mean", "var")
#: The fitted attributes of layer normalisation: layer_norm_<name>_.
LN_ATTRIBUTES = ("gamma", "beta")


class FittedNetworkMixin:
    """The fitted network's arrays, for BaseDeepMLP; not for direct use."""

    def _network(
        self, dtype, dropout=None, exact_loss=False, norm=None, layer_norm=None
    ):
        """A Network of the fitted architecture, loaded with the fitted
        arrays (the fitted model stays untouched: the network copies them).

        ``norm`` and ``layer_norm`` (one bool per hidden layer) add batch or
        layer normalisation to a new model, which has no such arrays yet: the
        network starts them as the identity transformation.
        """
        units = [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]
        net = Network(
            units,
            self._activations,
            self.out_activation_,
            dtype,
            dropout,
            exact_loss=exact_loss,
            batch_norm=self._batch_norm_layers() if norm is None else norm,
            batch_norm_momentum=self.batch_norm_momentum,
            layer_norm=self._layer_norm_layers() if layer_norm is None else layer_norm,
            residual=self._residual_layers(),
        )
        net.load(
            self.coefs_,
            self.intercepts_,
            self._batch_norm_arrays(),
            self._layer_norm_arrays(),
        )
        return net

    def _adopt(self, net):
        """Make the fitted arrays views of ``net``'s parameters and state."""
        self.coefs_, self.intercepts_ = list(net.coefs), list(net.intercepts)
        if any(net.batch_norm):
            self.batch_norm_gamma_, self.batch_norm_beta_ = net.gammas, net.betas
            self.batch_norm_mean_, self.batch_norm_var_ = net.means, net.vars
        if any(net.layer_norm):
            self.layer_norm_gamma_ = net.ln_gammas
            self.layer_norm_beta_ = net.ln_betas

    def _batch_norm_arrays(self):
        """``(gammas, betas, means, vars)`` of the fitted model, or None.

        The attributes exist only for a model with batch normalisation (on
        at least one layer); a model from before batch norm existed has none.
        """
        if "batch_norm_gamma_" not in vars(self):
            return None
        return tuple(getattr(self, f"batch_norm_{n}_") for n in BN_ATTRIBUTES)

    def _batch_norm_layers(self):
        """Which hidden layers of the fitted model have batch normalisation."""
        arrays = self._batch_norm_arrays()
        if arrays is None:
            return [False] * (len(self.coefs_) - 1)
        return [gamma is not None for gamma in arrays[0]]

    def _layer_norm_arrays(self):
        """``(gammas, betas)`` of the fitted layer normalisation, or None."""
        if "layer_norm_gamma_" not in vars(self):
            return None
        return tuple(getattr(self, f"layer_norm_{n}_") for n in LN_ATTRIBUTES)

    def _layer_norm_layers(self):
        """Which hidden layers of the fitted model have layer normalisation."""
        arrays = self._layer_norm_arrays()
        if arrays is None:
            return [False] * (len(self.coefs_) - 1)
        return [gamma is not None for gamma in arrays[0]]

    def _residual_layers(self):
        """Which hidden layers of the fitted model add their input to their
        output (``residual_layers_``; none in a model from before it)."""
        return vars(self).get("residual_layers_") or [False] * (len(self.coefs_) - 1)

    def _model_arrays(self):
        """The names of the per-layer array lists that make the model:
        weights, biases and, with them, the normalisations'."""
        names = ["coefs_", "intercepts_"]
        if self._batch_norm_arrays() is not None:
            names += [f"batch_norm_{n}_" for n in BN_ATTRIBUTES]
        if self._layer_norm_arrays() is not None:
            names += [f"layer_norm_{n}_" for n in LN_ATTRIBUTES]
        return names

    def _check_same_architecture(self, layer_units, norm, layer_norm, residual):
        fitted = [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]
        if fitted[1:-1] != layer_units[1:-1]:
            raise ValueError(
                f"hidden_layer_sizes={self.hidden_layer_sizes!r} does not match "
                f"the fitted network, whose layers have {fitted[1:-1]} units: "
                "warm_start and partial_fit continue that network and cannot "
                "change its architecture. Fit with warm_start=False to start anew."
            )
        if fitted != layer_units:
            raise ValueError(
                f"The fitted network has {fitted[0]} inputs and {fitted[-1]} "
                f"outputs; this data gives {layer_units[0]} and {layer_units[-1]}."
            )
        if norm != self._batch_norm_layers():
            raise ValueError(
                f"batch_norm={self.batch_norm!r} does not match the fitted "
                f"network, whose layers have batch_norm={self._batch_norm_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove batch normalisation. Fit with warm_start=False "
                "to start anew."
            )
        if residual != self._residual_layers():
            raise ValueError(
                f"residual={self.residual!r} gives residual layers {residual}, "
                f"but the fitted network has {self._residual_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove its skip connections. Fit with warm_start=False "
                "to start anew."
            )
        if layer_norm != self._layer_norm_layers():
            raise ValueError(
                f"layer_norm={self.layer_norm!r} does not match the fitted "
                f"network, whose layers have layer_norm={self._layer_norm_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove layer normalisation. Fit with warm_start=False "
                "to start anew."
            )

    def _forget_normalisations(self, norm):
        """Forget a previous model's batch and layer normalisation before a
        fresh fit
        (the network starts the new one, see ``_network``), and zero the bias
        of each layer that will have it: beta replaces that bias. The biases
        were drawn all the same, so that every scheme's random stream is the
        one without batch normalisation."""
        for name in (f"batch_norm_{n}_" for n in BN_ATTRIBUTES):
            self.__dict__.pop(name, None)
        for name in (f"layer_norm_{n}_" for n in LN_ATTRIBUTES):
            self.__dict__.pop(name, None)
        for layer, on in enumerate(norm):
            if on:
                self.intercepts_[layer][...] = 0

    def _reconstruction_attributes(self):
        """The fitted attributes as they stand, copied: what a callback's
        ``fitted_estimator`` needs to predict as of now, and nothing that the
        training goes on changing (the arrays are views of the live network,
        the curves lists that it appends to)."""
        names = self._model_arrays()
        attributes = {
            name: [None if a is None else a.copy() for a in getattr(self, name)]
            for name in names
        }
        for name, value in vars(self).items():
            if name.endswith("_") and not name.startswith("_") and name not in names:
                attributes[name] = list(value) if isinstance(value, list) else value
        return attributes

    def _inference_layers(self):
        """``(coefs, intercepts, steps)`` as prediction uses them: the fitted
        arrays, or new ones with batch normalisation folded in, and what
        prediction does beyond them (``_network.inference_steps``: layer
        normalisation, residual additions; None for a model without)."""
        state = vars(self)
        residual = state.get("residual_layers_")
        if (
            "batch_norm_gamma_" not in state
            and "layer_norm_gamma_" not in state
            and not (residual and True in residual)
        ):  # a plain network, as most are: a small prediction's few steps
            return self.coefs_, self.intercepts_, None
        bn, ln = self._batch_norm_arrays(), self._layer_norm_arrays()
        steps = None
        if ln is not None or (residual and any(residual)):
            hidden = len(self.coefs_) - 1
            gammas, betas = ln if ln is not None else ([None] * hidden,) * 2
            steps = inference_steps(gammas, betas, self._residual_layers())
        if bn is None:
            return self.coefs_, self.intercepts_, steps
        return (*fold_layers(self.coefs_, self.intercepts_, *bn), steps)
