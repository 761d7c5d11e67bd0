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

from ._ensemble import init_adapters
from ._front import COLUMNS, EMBEDDING
from ._network import Network, fold_layers, inference_steps

#: The ensemble's adapters, each a list of one (n_ensemble, n) array per
#: layer: the members' input scales R, output scales S and biases B
ENSEMBLE = ("ensemble_input_scales_", "ensemble_output_scales_", "ensemble_intercepts_")

#: Each normalisation's fitted attributes, ``<kind>_<name>_``: a list per
#: name, with an array per hidden layer (None for a layer without it). They
#: exist only for a model where some layer has that normalisation.
NORMALISATIONS = {
    "batch_norm": ("gamma", "beta", "mean", "var"),
    "layer_norm": ("gamma", "beta"),
}


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
            batch_norm=self._norm_layers("batch_norm") if norm is None else norm,
            batch_norm_momentum=self.batch_norm_momentum,
            layer_norm=(
                self._norm_layers("layer_norm") if layer_norm is None else layer_norm
            ),
            residual=self._residual_layers(),
            input_scaling=self._input_scaling(),
            embedding=self._embedding(),
            n_ensemble=self._n_members(),
            embedding_alpha=self.embedding_alpha,  # training only
            loss=self._output_loss(),
        )
        net.load(
            self.coefs_,
            self.intercepts_,
            self._norm_arrays("batch_norm"),
            self._norm_arrays("layer_norm"),
        )
        if net.front_params:  # the embedding's, drawn by _init_embedding
            for name, own in zip(EMBEDDING, net.front_params.values()):
                own[...] = getattr(self, name)
        for layer_views, name in zip(self._adapter_views(net), ENSEMBLE):
            for own, given in zip(layer_views, getattr(self, name, ())):
                own[...] = given
        return net

    def _n_members(self):
        """The fitted ensemble's number of members (1: no ensemble)."""
        scales = vars(self).get("ensemble_input_scales_")
        return 1 if scales is None else scales[0].shape[0]

    @staticmethod
    def _adapter_views(net):
        """``net``'s adapters as ``(R, S, B)``, lists of per-layer views."""
        n_layers = len(net.coefs) if net.adapters else 0
        return tuple(
            [net.adapters[f"{kind}{layer}"] for layer in range(n_layers)]
            for kind in "RSB"
        )

    def _init_ensemble(self, layer_units, dtype, random_state):
        """Draw the members' adapters (after the weights and the embedding);
        their biases replace the shared ones, which stay 0."""
        for name in ENSEMBLE:
            self.__dict__.pop(name, None)
        if self.n_ensemble > 1:
            adapters = init_adapters(
                layer_units[:-1], self.intercepts_, self.n_ensemble, random_state
            )
            for name, arrays in zip(ENSEMBLE, adapters):
                setattr(self, name, [a.astype(dtype) for a in arrays])
            for b in self.intercepts_:
                b[...] = 0

    def _adopt(self, net):
        """Make the fitted arrays views of ``net``'s parameters and state."""
        self.coefs_, self.intercepts_ = list(net.coefs), list(net.intercepts)
        if any(net.batch_norm):
            self.batch_norm_gamma_, self.batch_norm_beta_ = net.gammas, net.betas
            self.batch_norm_mean_, self.batch_norm_var_ = net.means, net.vars
        if any(net.layer_norm):
            self.layer_norm_gamma_ = net.ln_gammas
            self.layer_norm_beta_ = net.ln_betas
        for name, view in zip(EMBEDDING, net.front_params.values()):
            setattr(self, name, view)
        if net.adapters:
            for name, views in zip(ENSEMBLE, self._adapter_views(net)):
                setattr(self, name, views)

    def _norm_arrays(self, kind):
        """The fitted arrays of normalisation ``kind`` (a key of
        ``NORMALISATIONS``), in its order, or None for a model without it
        (a model from before it existed included)."""
        if f"{kind}_gamma_" not in vars(self):
            return None
        return tuple(getattr(self, f"{kind}_{n}_") for n in NORMALISATIONS[kind])

    def _norm_layers(self, kind):
        """Which hidden layers of the fitted model have normalisation ``kind``."""
        arrays = self._norm_arrays(kind)
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
        for kind, parts in NORMALISATIONS.items():
            if self._norm_arrays(kind) is not None:
                names += [f"{kind}_{n}_" for n in parts]
        if self._n_members() > 1:
            names += list(ENSEMBLE)
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
        given = {"batch_norm": norm, "layer_norm": layer_norm}
        for kind, what in (("batch_norm", "batch"), ("layer_norm", "layer")):
            if given[kind] != self._norm_layers(kind):
                raise ValueError(
                    f"{kind}={getattr(self, kind)!r} does not match the fitted "
                    f"network, whose layers have {kind}={self._norm_layers(kind)}: "
                    "warm_start and partial_fit continue that network and cannot "
                    f"add or remove {what} normalisation. Fit with "
                    "warm_start=False to start anew."
                )
        if self.n_ensemble != self._n_members():
            raise ValueError(
                f"n_ensemble={self.n_ensemble} does not match the fitted "
                f"network, which has {self._n_members()} member(s): warm_start "
                "and partial_fit continue that network. Fit with "
                "warm_start=False to start anew."
            )
        if residual != self._residual_layers():
            raise ValueError(
                f"residual={self.residual!r} gives residual layers {residual}, "
                f"but the fitted network has {self._residual_layers()}: "
                "warm_start and partial_fit continue that network and cannot "
                "add or remove its skip connections. Fit with warm_start=False "
                "to start anew."
            )

    def _forget_normalisations(self, norm):
        """Forget a previous model's batch and layer normalisation before a
        fresh fit (the network starts the new one, see ``_network``), and zero
        the bias
        of each layer that will have it: beta replaces that bias. The biases
        were drawn all the same, so that every scheme's random stream is the
        one without batch normalisation."""
        for kind, parts in NORMALISATIONS.items():
            for name in parts:
                self.__dict__.pop(f"{kind}_{name}_", None)
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
                if isinstance(value, list):
                    value = list(value)
                elif name in EMBEDDING:  # views of the live network
                    value = value.copy()
                attributes[name] = value
        for name in COLUMNS:  # private, and needed to predict
            if name in vars(self):
                attributes[name] = getattr(self, name)
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
        bn, ln = self._norm_arrays("batch_norm"), self._norm_arrays("layer_norm")
        gammas, betas = ln or ([None] * (len(self.coefs_) - 1),) * 2
        steps = inference_steps(gammas, betas, self._residual_layers())
        if bn is None:
            return self.coefs_, self.intercepts_, steps
        return (*fold_layers(self.coefs_, self.intercepts_, *bn), steps)
