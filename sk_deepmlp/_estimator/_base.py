"""The shared estimator base: parameters, the fit transaction, its rules.

``BaseDeepMLP`` holds what does not depend on the task: the parameters common
to every estimator here, the order in which a fit checks, initialises and
trains, and the rules for continuing a fit (``warm_start``, ``partial_fit``);
the fitted network comes from ``_fitted.FittedNetworkMixin``, running the
training loop and applying its record from ``_solve.SolverMixin``, and
prediction in bounded memory from ``_predict.PredictionMixin``. A subclass supplies the
targets:

- ``_validate_input(X, y, incremental, reset, classes)`` returns ``X`` and the
  2-D targets ``Y`` in ``X``'s dtype, and sets what it learns from ``y``;
- ``_output_activation()`` names the output layer's activation;
- ``_sample_weight(Y, sample_weight)`` folds in any per-target weighting;
- ``_scaled_targets(Y, sample_weight, reset)`` gives the targets that
  training sees (the regressor's ``scale_target``; ``reset`` sets the
  statistics);
- ``_start_output(Y, sample_weight)`` may move a new model's output
  biases (the regressor's robust losses start them at their best constant);
- ``_stratify_labels(Y)`` gives the labels of a stratified validation split,
  or None;
- ``_validation_score(logits, Y_val, sw_val)`` is the early-stopping score
  (higher is better); it must not change ``logits``.

A fit is a transaction: if it raises (bad input or parameters, a missing
optional dependency, divergence, an interrupt before the first epoch ended),
the estimator is put back exactly as it was before the call.
"""

import inspect
import types
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight

from .._network._activations import ACTIVATIONS
from .._network._fitted import FittedNetworkMixin
from .._network._front import FrontMixin
from .._network._initializers import INITIALIZERS
from .._network._network import residual_layers
from .._training._fit_tasks import CallbackSupportMixin, start_tasks
from .._training._optimizers import STOCHASTIC_OPTIMIZERS
from .._training._progress import require_tqdm
from .._training._state import restore, snapshot
from .._training._stopping import StoppingRecord, StoppingStateMixin
from . import _rules as rules
from ._columns import ColumnsMixin
from ._params import (
    batch_norm_flags,
    dropout_rates,
    hidden_activations,
    hidden_layer_sizes,
    layer_initializers,
    layer_norm_flags,
)
from ._predict import PredictionMixin
from ._solve import NEW_SCHEDULES, SolverMixin


class BaseDeepMLP(
    CallbackSupportMixin,
    PredictionMixin,
    SolverMixin,
    FittedNetworkMixin,
    FrontMixin,
    ColumnsMixin,
    StoppingStateMixin,
    BaseEstimator,
):
    """Base of the multilayer perceptrons; not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS)), list, tuple],
        "solver": [StrOptions({"lbfgs", *STOCHASTIC_OPTIMIZERS})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [
            StrOptions({"constant", "invscaling", "adaptive", *NEW_SCHEDULES})
        ],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "weight_init": [StrOptions(set(INITIALIZERS)), list, tuple],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "progress_bar": ["boolean"],
        "weight_decay": [Interval(Real, 0, 1, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping_monitor": [StrOptions({"score", "loss"})],
        "warmup_epochs": [Interval(Integral, 0, None, closed="left")],
        "lr_decay": [Interval(Real, 0, None, closed="neither"), None],
        "min_learning_rate": [Interval(Real, 0, None, closed="left")],
        "batch_norm": ["boolean", "array-like"],
        "batch_norm_momentum": [Interval(Real, 0, 1, closed="left")],
        "layer_norm": ["boolean", "array-like"],
        "residual": ["boolean"],
        "input_scaling": [StrOptions({"robust", "standard"}), None],
        "numeric_embedding": [StrOptions({"periodic"}), None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "embedding_frequencies": [Interval(Integral, 1, None, closed="left")],
        "embedding_scale": [Interval(Real, 0, None, closed="neither")],
        "embedding_alpha": [Interval(Real, 0, None, closed="left")],
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
        "categorical_features": [None, StrOptions({"from_dtype"}), "array-like"],
        "missing": [StrOptions({"error", "indicator"})],
        "dtype": [None, StrOptions({"float32", "float64"})],
    }

    def __setstate__(self, state):
        """Unpickle, giving a parameter added since the pickle was written
        its default: a model of an older release then loads, predicts and
        goes on training as it did (``tests/test_pickles.py``)."""
        super().__setstate__(state)
        if "_no_improvement_count" in vars(self):  # pickled before _stopping
            self._stopping = StoppingRecord(
                self.__dict__.pop("_no_improvement_count"),
                self.__dict__.pop("_best_params", None),
            )
        for name, parameter in inspect.signature(type(self)).parameters.items():
            if name not in vars(self):
                setattr(self, name, parameter.default)

    # ------------------------------------------------------------ the fit
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        # scikit-learn's callbacks (1.9+): their setup and the root task's
        # begin hook, before the snapshot so that a failed fit keeps what
        # their teardown needs (_fit_context runs it, whatever happens)
        tasks = start_tasks(self, X, y, sample_weight, incremental)
        saved = snapshot(self)
        try:
            self._fit_or_raise(X, y, sample_weight, incremental, classes, tasks)
        except BaseException:
            restore(self, saved)  # a failed fit changes nothing
            raise
        if tasks is not None:
            tasks.end()
        return self

    def _fit_or_raise(self, X, y, sample_weight, incremental, classes, tasks):
        # 1. what needs no data: parameters and optional dependencies
        layers = self._resolve_layers(incremental)
        # 2. the data
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y = self._validate_input(X, y, incremental, first_pass, classes)
        sample_weight = self._checked_sample_weight(X, Y, sample_weight)
        Y = self._scaled_targets(Y, sample_weight, first_pass)
        X = self._fit_columns(X, sample_weight, first_pass)  # codes expanded
        self._fit_front(X, sample_weight, first_pass)
        layer_units = [self._front_width(X.shape[1]), *layers.hidden, Y.shape[1]]
        rules.check(
            "data",
            self,
            layer_units=layer_units,
            dtype=X.dtype,
            n_samples=X.shape[0],
            batch_norm=layers.batch_norm,
        )
        if not first_pass:
            self._check_same_architecture(
                layer_units, layers.batch_norm, layers.layer_norm, layers.residual
            )
        # 3. the state: from here on only an exception undoes it
        net = self._start_state(layers, layer_units, X.dtype, first_pass, incremental)
        if first_pass:
            self._start_output(Y, sample_weight)
        # 4. the training (_solve), which returns its record
        self._train(net, layer_units, X, Y, sample_weight, incremental, tasks)

    def _resolve_layers(self, incremental):
        """The per-layer parameters, one value per hidden layer, checked
        against the rules that need no data; warns of parameters that this
        fit cannot use. (partial_fit's rules make the method absent: see
        ``_check_partial_fit``.)"""
        hidden = hidden_layer_sizes(self.hidden_layer_sizes)
        n_hidden = len(hidden)
        layers = types.SimpleNamespace(
            hidden=hidden,
            activations=hidden_activations(self.activation, n_hidden),
            inits=layer_initializers(self.weight_init, n_hidden),
            batch_norm=batch_norm_flags(self.batch_norm, n_hidden),
            layer_norm=layer_norm_flags(self.layer_norm, n_hidden),
            residual=residual_layers(hidden, self.residual),
            dropout=dropout_rates(self.dropout, n_hidden),
        )
        rules.check(
            "parameters",
            self,
            dropout=layers.dropout,
            hidden=hidden,
            batch_norm=layers.batch_norm,
            layer_norm=layers.layer_norm,
        )
        require_tqdm(self.progress_bar and not incremental)
        for message in rules.ineffective_parameters(self, incremental):
            warnings.warn(message, UserWarning)
        return layers

    def _start_state(self, layers, layer_units, dtype, first_pass, incremental):
        """Set the random stream, the fitted arrays (new, or the previous
        fit's) and the stopping record; return the network, whose flat
        parameters the fitted arrays become views of."""
        if not incremental or not hasattr(self, "_random_state"):
            # fit starts from the seed: the same seed gives the same model
            self._random_state = check_random_state(self.random_state)
        else:
            # partial_fit continues the stream (re-seeding would repeat the
            # same shuffles and dropout masks every call), on a copy that a
            # failed call leaves behind
            self._random_state = _copy_random_state(self._random_state)
        self._activations = layers.activations
        if first_pass:
            self._initialize(
                layer_units, dtype, self._random_state, layers.inits, layers.batch_norm
            )
            self.residual_layers_ = layers.residual
        else:
            self._continue_stopping_state()
        net = self._network(
            dtype,
            layers.dropout,
            self._exact_loss(),
            norm=layers.batch_norm,
            layer_norm=layers.layer_norm,
        )
        self._adopt(net)
        return net

    def _start_output(self, Y, sample_weight):
        pass  # the initialiser's output biases; the regressor overrides this

    def _training_targets(self, Y):
        """The targets the network is trained on (the classifier smooths its
        labels here); the validation set keeps the originals."""
        return Y

    def _exact_loss(self):
        """Whether to train on the exact loss rather than scikit-learn's
        reported form (the classifier does with soft, smoothed targets)."""
        return False

    def _validate_X_y(self, X, y, reset, **check_y):
        """``X`` and ``y`` as both estimators take them: numbers only (text and
        dates refused) but for categorical columns, which become codes
        (``_columns``), in the fitted model's dtype once there is one, sparse
        X as CSR for row slicing, and ``y`` 1-D when it has one column."""
        X, y = self._validate_columns(
            X,
            y,
            reset,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=self._training_dtype() if reset else self.coefs_[0].dtype,
            **check_y,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if sparse.issparse(X):
            X = X.tocsr()  # row slicing for batches and prediction chunks
        return X, y

    def _training_dtype(self):
        """What a first fit converts X to: ``dtype``, or, for None, X's own
        float type (float32 stays float32, anything else float64)."""
        if self.dtype is None:
            return (np.float64, np.float32)
        return np.dtype(self.dtype)

    def _scaled_targets(self, Y, sample_weight, reset):
        return Y  # the regressor's scale_target overrides this

    def _checked_sample_weight(self, X, Y, sample_weight):
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            if not sample_weight.sum() > 0:
                raise ValueError(
                    "sample_weight must not be all zero: at least one sample "
                    "needs a positive weight."
                )
        sample_weight = self._sample_weight(Y, sample_weight)
        if sample_weight is not None and not sample_weight.sum() > 0:
            raise ValueError(
                "class_weight and sample_weight together give every sample a "
                "weight of 0: nothing is left to train on."
            )
        return sample_weight

    def _initialize(self, layer_units, dtype, random_state, inits, norm):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = layer_units[-1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        # the output layer is initialised as if it had the last hidden activation
        init_acts = self._activations + self._activations[-1:]
        if not init_acts:
            init_acts = [self.activation if isinstance(self.activation, str) else ""]
        self.coefs_, self.intercepts_ = [], []
        for layer, (act, scheme) in enumerate(zip(init_acts, inits)):
            init = INITIALIZERS[scheme]
            W, b = init(layer_units[layer], layer_units[layer + 1], act, random_state)
            self.coefs_.append(W.astype(dtype))
            self.intercepts_.append(b.astype(dtype))
        self._init_embedding(dtype, random_state)
        self._init_ensemble(layer_units, dtype, random_state)
        self._forget_normalisations(norm)
        self.loss_curve_ = []
        self.__dict__.pop("_optimizer", None)  # a previous fit's
        self._reset_stopping_state()

    def _check_partial_fit(self):
        """Raise where ``partial_fit`` is unavailable (``_rules``, read when
        the method is looked up: ``hasattr`` is then False)."""
        rules.check("partial_fit", self)
        return True


def _copy_random_state(random_state):
    copy = np.random.RandomState()
    copy.set_state(random_state.get_state())
    return copy
