"""DeepMLPClassifier: validation, the training loops and prediction."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d, gen_batches
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._activations import ACTIVATIONS
from ._initializers import INITIALIZERS
from ._losses import OUTPUT_ACTIVATIONS, OUTPUT_LOSSES, weighted_mean
from ._network import Network, predict_logits
from ._optimizers import STOCHASTIC_OPTIMIZERS, minimize_lbfgs
from ._params import dropout_rates, hidden_activations, hidden_layer_sizes
from ._progress import progress_bar
from ._weights import class_sample_weight

# predict* work on chunks of about this many bytes of activations
_PREDICT_CHUNK_BYTES = 8 * 2**20


class DeepMLPClassifier(ClassifierMixin, BaseEstimator):
    """Multilayer-perceptron classifier, a drop-in replacement for MLPClassifier.

    It accepts every parameter of scikit-learn's ``MLPClassifier`` with the
    same name, default and meaning, and trains the same model: a stack of dense
    layers ``A = g(A_prev @ W + b)`` whose output layer is a softmax
    (multiclass) or independent sigmoids (binary, multilabel), fitted by
    minimising the log loss plus an L2 penalty with L-BFGS, SGD or Adam.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu'} or \
list of such str, default='relu'
        Activation of the hidden layers; a list or tuple gives one activation
        per hidden layer and must be as long as ``hidden_layer_sizes``.

        - 'identity', ``g(z) = z``: makes the whole network a linear model.
        - 'logistic', ``g(z) = 1 / (1 + exp(-z))``.
        - 'tanh', ``g(z) = tanh(z)``.
        - 'relu', ``g(z) = max(0, z)``: the usual choice.
        - 'leaky_relu', ``g(z) = max(0.01 z, z)``: like relu, but units with
          negative input keep a small gradient, so they cannot die.

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop'}, default='adam'
        The optimiser. 'adam' works well on large data sets (thousands of
        samples or more); 'lbfgs' converges faster and better on small ones;
        'sgd' is stochastic gradient descent with momentum; 'rmsprop' divides
        each step by a running RMS of the gradient (decay ``beta_2``), without
        Adam's momentum and bias correction.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / (2 m) * sum ||W||^2``.

    batch_size : int or 'auto', default='auto'
        Size of the minibatches of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd'. 'invscaling' uses
        ``learning_rate_init / t ** power_t``; 'adaptive' divides the rate by 5
        each time the loss stops improving (see ``n_iter_no_change``).

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs of the stochastic solvers, or of iterations
        of 'lbfgs'.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the early-stopping split.
        An int gives the same model at every fit.

    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement (stochastic
        solvers), or the gradient tolerance of 'lbfgs'.

    verbose : bool, default=False
        Print ``Iteration N, loss = ...`` after each epoch.

    warm_start : bool, default=False
        Start the next ``fit`` from the current weights (same classes only).

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd' and ``momentum > 0``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (a stratified
        split for binary and multiclass targets), stop when the validation
        accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs,
        and keep the weights of the best epoch. Stochastic solvers only.

    validation_fraction : float, default=0.1
        Share of the training data held out by ``early_stopping``.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of the running average of squared gradients of 'adam' and
        'rmsprop', in [0, 1). With 'rmsprop', 0.9 is the usual choice: it
        adapts faster than the default.

    epsilon : float, default=1e-8
        Numerical-stability constant of 'adam' and 'rmsprop'.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without improvement by ``tol`` after which training
        stops (or 'adaptive' lowers the rate); ``np.inf`` never stops early.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    weight_init : {'glorot_uniform', 'glorot_normal', 'he_uniform', \
'he_normal', 'small_random'}, default='glorot_uniform'
        How the weights are drawn. Never all zeros: the units of a layer would
        stay identical.

        - 'glorot_uniform': MLPClassifier's scheme, ``U(-r, r)`` with
          ``r = sqrt(6 / (fan_in + fan_out))`` (2 instead of 6 for 'logistic'),
          biases drawn too. The default, and the one to keep for parity.
        - 'glorot_normal': ``N(0, 2 / (fan_in + fan_out))``, zero biases; for
          tanh and logistic networks.
        - 'he_uniform', 'he_normal': variance ``2 / fan_in``, zero biases; for
          deep relu and leaky_relu networks, whose signal they keep at scale.
        - 'small_random': ``0.01 * N(0, 1)``, zero biases; fine for one hidden
          layer, but the signal vanishes in deep networks (a teaching
          contrast, rarely what you want).

    dropout : float or array-like of float, default=0.0
        Probability of dropping each hidden unit during training, in [0, 1);
        one value for all hidden layers or one per hidden layer. Inverted
        dropout: kept units are scaled by ``1 / (1 - dropout)``, so nothing
        changes at prediction time, which never drops units. Masks are drawn
        from ``random_state``. Use 0.1 to 0.5 against overfitting in wide
        networks; ``0.0`` trains exactly as without dropout. Stochastic
        solvers only: a deterministic L-BFGS line search cannot follow a
        loss that changes with every evaluation. The training loss reported
        in ``loss_curve_`` is that of the dropped-out network.

    progress_bar : bool, default=False
        Show a live progress bar during ``fit``: epochs (or 'lbfgs'
        iterations) done out of ``max_iter``, the current loss, the
        validation score with ``early_stopping``, and the time left. Needs
        the optional dependency tqdm (``pip install 'sk-deepmlp[progress]'``).
        ``verbose`` keeps MLPClassifier's meaning (one printed line per
        epoch); ``partial_fit`` shows no bar, as it runs a single epoch.

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, as in LogisticRegression: each sample's weight
        is multiplied by its class's weight, on top of ``sample_weight``. A
        dict ``{label: weight}`` (missing classes weigh 1) acts exactly like
        passing that weight as ``sample_weight`` for the rows of the class.
        'balanced' uses ``n_samples / (n_classes * class_count)`` (weighted
        counts when ``sample_weight`` is given), so that every class weighs
        the same in total: use it when some classes are rare and matter as
        much as frequent ones. 'balanced' is refused by ``partial_fit``, which
        cannot know the class frequencies: compute the weights up front and
        pass a dict. Not available for multilabel targets. With
        ``early_stopping`` the validation accuracy uses the same weights.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    loss_ : float
        Loss at the end of training (log loss plus L2 penalty).

    best_loss_ : float or None
        Lowest training loss reached; None when ``early_stopping`` is on.

    loss_curve_ : list of float
        Loss after each epoch (stochastic solvers) or iteration ('lbfgs').

    validation_scores_ : list of float or None
        Validation accuracy after each epoch with ``early_stopping``, else None.

    best_validation_score_ : float or None
        Best validation accuracy with ``early_stopping``, else None.

    validation_loss_curve_ : list of float or None
        Log loss of the validation set after each epoch with
        ``early_stopping`` (without the L2 penalty), else None.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer. These are the live parameters: assigning
        new arrays changes what predict returns and where the next
        ``partial_fit`` or warm-started ``fit`` starts.

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer, live like ``coefs_``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        'softmax' for multiclass targets, 'logistic' otherwise.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The estimator this one replaces.

    Notes
    -----
    ``score``, ``get_params`` and ``set_params`` are scikit-learn's, from
    ``ClassifierMixin`` and ``BaseEstimator``.

    The log loss is computed from the logits (log-sum-exp and softplus) rather
    than from probabilities clipped at machine epsilon, so ``loss_`` can differ
    from MLPClassifier's on confidently wrong samples; the gradients are the
    same. With 'lbfgs', ``loss_curve_`` and ``best_loss_`` are also set.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_deepmlp import DeepMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                         max_iter=500, random_state=0).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> bool(clf.score(X, y) > 0.95)
    True

    A deeper network with leaky ReLUs, He initialisation and dropout:

    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(32, 32),
    ...                         activation="leaky_relu", weight_init="he_normal",
    ...                         dropout=0.1, learning_rate_init=0.01,
    ...                         max_iter=300, random_state=0).fit(X, y)
    >>> clf.decision_function(X[:2]).shape
    (2, 3)
    """

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
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
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
        "weight_init": [StrOptions(set(INITIALIZERS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "progress_bar": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        weight_init="glorot_uniform",
        dropout=0.0,
        class_weight=None,
        progress_bar=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.weight_init = weight_init
        self.dropout = dropout
        self.class_weight = class_weight
        self.progress_bar = progress_bar

    # ------------------------------------------------------------------ checks
    def _sample_weight(self, Y, sample_weight):
        """``sample_weight`` multiplied by the weight of each sample's class."""
        multilabel = self._label_binarizer.y_type_ == "multilabel-indicator"
        return class_sample_weight(
            self.class_weight, self.classes_, Y, sample_weight, multilabel
        )

    def _check_partial_fit(self):
        if self.solver not in STOCHASTIC_OPTIMIZERS:
            raise AttributeError(
                f"partial_fit is only available for the stochastic solvers "
                f"{sorted(STOCHASTIC_OPTIMIZERS)}; solver={self.solver!r} is not."
            )
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise AttributeError(
                "partial_fit is not available with class_weight='balanced': it "
                "needs the class frequencies of the whole data set, which one "
                "batch does not give. Compute them up front, e.g. with "
                "sklearn.utils.class_weight.compute_class_weight, and pass "
                "class_weight as a dict."
            )
        return True

    def _validate_input(self, X, y, incremental, reset):
        dtype = (np.float64, np.float32) if reset else self.coefs_[0].dtype
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
            self._check_two_classes()
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. `y` has {classes}."
                )
        Y = self._label_binarizer.transform(y).astype(X.dtype)
        if sparse.issparse(X):
            X = X.tocsr()  # row slicing for batches and prediction chunks
        return X, Y

    def _check_two_classes(self):
        lb = self._label_binarizer
        if lb.y_type_ != "multilabel-indicator" and len(lb.classes_) < 2:
            raise ValueError(
                "DeepMLPClassifier needs samples of at least 2 classes to train; "
                f"y has only one class: {lb.classes_}."
            )

    # -------------------------------------------------------------- training
    def _initialize(self, layer_units, dtype, random_state):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = layer_units[-1]
        self.n_layers_ = len(layer_units)
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        self.out_activation_ = "softmax" if multiclass else "logistic"
        # the output layer is initialised as if it had the last hidden activation
        init_acts = self._activations + self._activations[-1:]
        if not init_acts:
            init_acts = [self.activation if isinstance(self.activation, str) else ""]
        init = INITIALIZERS[self.weight_init]
        self.coefs_, self.intercepts_ = [], []
        for layer, act in enumerate(init_acts):
            W, b = init(layer_units[layer], layer_units[layer + 1], act, random_state)
            self.coefs_.append(W.astype(dtype))
            self.intercepts_.append(b.astype(dtype))
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self.__dict__.pop("_best_params", None)  # a previous fit's, other shapes
        self._reset_stopping_state()

    def _reset_stopping_state(self):
        if self.early_stopping and self.solver != "lbfgs":
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None

    def _fit(self, X, y, sample_weight=None, incremental=False):
        hidden = hidden_layer_sizes(self.hidden_layer_sizes)
        self._activations = hidden_activations(self.activation, len(hidden))
        dropout = dropout_rates(self.dropout, len(hidden), self.solver)
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, Y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            if not sample_weight.sum() > 0:
                raise ValueError("sample_weight must not be all zero.")
        sample_weight = self._sample_weight(Y, sample_weight)
        if not incremental or not hasattr(self, "_random_state"):
            # fit starts from the seed: the same seed gives the same model
            self._random_state = check_random_state(self.random_state)
        # partial_fit continues the stream, so that each call shuffles and
        # draws dropout masks anew (re-seeding would repeat them every call)
        random_state = self._random_state
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        if first_pass:
            self._initialize(layer_units, X.dtype, random_state)
        else:
            fitted = [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]
            if fitted != layer_units:
                raise ValueError(
                    f"hidden_layer_sizes={self.hidden_layer_sizes!r} does not match "
                    f"the fitted network, whose layers have {fitted[1:-1]} units: "
                    "warm_start and partial_fit continue that network and cannot "
                    "change its architecture. Fit with warm_start=False to start anew."
                )
            if self.early_stopping and self.validation_scores_ is None:
                self._reset_stopping_state()

        # coefs_ and intercepts_ become views of the network's flat parameters
        net = Network(
            layer_units, self._activations, self.out_activation_, X.dtype, dropout
        )
        net.load(self.coefs_, self.intercepts_)
        self.coefs_, self.intercepts_ = list(net.coefs), list(net.intercepts)
        # a diverging fit is rolled back to these finite parameters
        self._last_finite = net.params.copy()

        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.solver == "lbfgs":
                self._fit_lbfgs(net, X, Y, sample_weight)
            else:
                self._fit_stochastic(
                    net, X, Y, sample_weight, random_state, incremental
                )
        self._check_finite(net, self.loss_)
        del self._last_finite
        return self

    def _check_finite(self, net, loss):
        """Roll back to the last finite parameters and raise if training diverged."""
        if np.isfinite(loss) and np.isfinite(net.params).all():
            return
        net.params[...] = self._last_finite
        self.loss_ = np.nan
        advice = "" if self.solver == "lbfgs" else ", or lower learning_rate_init"
        raise ValueError(
            "Training diverged: the loss or the weights became non-finite "
            "(inf or NaN). The weights were restored to their last finite values. "
            f"Scale the inputs (e.g. with StandardScaler){advice}."
        )

    def _fit_lbfgs(self, net, X, Y, sample_weight):
        losses = []

        def loss_grad(x):
            net.params[...] = x
            losses.append(net.loss_grad(X, Y, sample_weight, self.alpha))
            # scipy keeps the returned gradient: hand it a copy, not our buffer
            return losses[-1], net.grad.astype(np.float64)

        def callback(intermediate_result):
            self.loss_curve_.append(float(intermediate_result.fun))
            bar.set_postfix(loss=self.loss_curve_[-1], refresh=False)
            bar.update()
            if self.verbose:
                n, loss = len(self.loss_curve_), self.loss_curve_[-1]
                print(f"Iteration {n}, loss = {loss:.8f}")

        bar = progress_bar(self.progress_bar, self.max_iter, "iteration")
        try:
            result = minimize_lbfgs(
                loss_grad,
                net.params.astype(np.float64),
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                callback=callback,
            )
            bar.set_postfix(loss=float(result.fun))  # also when no step was taken
        finally:
            bar.close()
        net.params[...] = result.x
        self.n_iter_ = min(result.nit, self.max_iter)
        self.loss_ = float(result.fun)
        self.best_loss_ = min(self.loss_curve_, default=self.loss_)

    def _fit_stochastic(self, net, X, Y, sample_weight, random_state, incremental):
        params, grads = [net.params], [net.grad]
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(params)
        if self.early_stopping and incremental:
            raise ValueError(
                "partial_fit does not support early_stopping=True: it sees one "
                "batch of data at a time and has no validation set. Set "
                "early_stopping=False, or use fit."
            )
        if self.early_stopping:
            X, X_val, Y, Y_val, sample_weight, sw_val = self._validation_split(
                X, Y, sample_weight, random_state
            )
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        order = np.arange(n_samples)
        X_epoch, Y_epoch, sw_epoch = X, Y, sample_weight
        if self.shuffle:  # buffers for the shuffled copies, reused every epoch
            X_epoch, Y_epoch = _row_buffer(X), _row_buffer(Y)
            sw_epoch = None if sample_weight is None else _row_buffer(sample_weight)
        dropping = any(net.dropout)

        self.n_iter_ = 0
        bar = progress_bar(
            self.progress_bar and not incremental, self.max_iter, "epoch"
        )
        try:
            for _ in range(self.max_iter):
                if self.shuffle:
                    # one contiguous shuffled copy per epoch, so that every
                    # batch below is a cheap slice
                    random_state.shuffle(order)
                    X_epoch = _take_rows(X, order, X_epoch)
                    _take_rows(Y, order, Y_epoch)
                    if sample_weight is not None:
                        _take_rows(sample_weight, order, sw_epoch)
                accumulated_loss = 0.0
                for batch in gen_batches(n_samples, batch_size):
                    sw_batch = None if sample_weight is None else sw_epoch[batch]
                    if sw_batch is not None and not sw_batch.sum() > 0:
                        continue  # a batch of zero weight teaches nothing
                    masks = None
                    if dropping:
                        masks = net.draw_masks(batch.stop - batch.start, random_state)
                    batch_loss = net.loss_grad(
                        X_epoch[batch], Y_epoch[batch], sw_batch, self.alpha, masks
                    )
                    accumulated_loss += batch_loss * (batch.stop - batch.start)
                    self._optimizer.update_params(params, grads)

                self.n_iter_ += 1
                self.loss_ = accumulated_loss / n_samples
                self._check_finite(net, self.loss_)
                self._last_finite[...] = net.params
                self.t_ += n_samples
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")

                if self.early_stopping:
                    self._update_validation(net, X_val, Y_val, sw_val)
                    bar.set_postfix(
                        loss=self.loss_,
                        val_score=self.validation_scores_[-1],
                        refresh=False,
                    )
                else:
                    self._update_training_loss()
                    bar.set_postfix(loss=self.loss_, refresh=False)
                bar.update()
                self._optimizer.iteration_ends(self.t_)

                if self._no_improvement_count > self.n_iter_no_change:
                    # MLPClassifier's wording, for users who parse verbose output
                    watched = (
                        "Validation score" if self.early_stopping else "Training loss"
                    )
                    msg = (
                        f"{watched} did not improve more than tol={self.tol:f} for "
                        f"{self.n_iter_no_change} consecutive epochs."
                    )
                    if self._optimizer.trigger_stopping(msg, self.verbose):
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                        "reached and the optimization hasn't converged yet.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.")
        finally:
            bar.close()

        if self.early_stopping:
            net.params[...] = self._best_params

    def _make_optimizer(self, params):
        arguments = {
            "sgd": (
                self.learning_rate,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
            ),
            "adam": (self.beta_1, self.beta_2, self.epsilon),
            "rmsprop": (self.beta_2, self.epsilon),
        }
        return STOCHASTIC_OPTIMIZERS[self.solver](
            params, self.learning_rate_init, *arguments[self.solver]
        )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the number of "
                f"training samples ({n_samples}); using {n_samples}."
            )
        return min(self.batch_size, n_samples)

    def _validation_split(self, X, Y, sample_weight, random_state):
        """Hold out ``validation_fraction`` of the data, as MLPClassifier does.

        Stratified for single-output (binary) targets only, as in MLPClassifier,
        so that both draw the same validation set; unlike it, the split is not
        stratified (rather than failing) when a class has a single sample.
        """
        stratify = None
        if Y.shape[1] == 1:
            labels = Y[:, 0]
            counts = np.bincount(labels.astype(np.intp), minlength=2)
            n_val = int(np.ceil(self.validation_fraction * X.shape[0]))
            # train_test_split can only stratify when each class can go both ways
            if counts[counts > 0].min() >= 2 and n_val >= len(counts[counts > 0]):
                stratify = labels
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=random_state,
            stratify=stratify,
        )
        if split[1].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        if sample_weight is None:
            split += [None, None]
        X, X_val, Y, Y_val, sw, sw_val = split
        return X, X_val, Y, Y_val, sw, sw_val

    def _update_validation(self, net, X_val, Y_val, sw_val):
        logits = self._logits(X_val, net.coefs, net.intercepts)
        if not np.isfinite(logits).all():
            score = loss = np.nan
        else:
            correct = (self._indicator(logits) == Y_val).all(axis=1)
            score = float(np.average(correct, weights=sw_val))
            losses = OUTPUT_LOSSES[self.out_activation_](logits, Y_val)
            loss = weighted_mean(losses, sw_val)
        self.validation_scores_.append(score)
        self.validation_loss_curve_.append(loss)
        if self.verbose:
            print(f"Validation score: {score:f}")
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if score > self.best_validation_score_ or not hasattr(self, "_best_params"):
            self.best_validation_score_ = score
            self._best_params = net.params.copy()

    def _update_training_loss(self):
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to the data X and the targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. float32 data trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or a label indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; each sample's loss is weighted by
            ``s_i / sum(s)``.

        Returns
        -------
        self : DeepMLPClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_partial_fit())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('sgd', 'adam').

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The target values.
        classes : array-like of shape (n_classes,), default=None
            All the classes that y can hold across calls, e.g. ``np.unique(y_all)``.
            Required on the first call, ignored afterwards if unchanged;
            y need not contain all of them.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : DeepMLPClassifier
            The updated estimator.
        """
        first_call = not hasattr(self, "classes_")
        if first_call and classes is None and not _is_multilabel(y):
            raise ValueError(
                "classes must be passed on the first call to partial_fit, e.g. "
                "classes=np.unique(y_all)."
            )
        if classes is not None:
            classes = unique_labels(classes)
            if not first_call and not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes} is not the same as on the first call to "
                    f"partial_fit: {self.classes_}. The classes cannot change."
                )
        if first_call:
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y if classes is None else classes)
            self.classes_ = self._label_binarizer.classes_
            self._check_two_classes()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    # ------------------------------------------------------------ prediction
    def _logits(self, X, coefs=None, intercepts=None):
        """Output-layer pre-activations of already validated X, in chunks."""
        coefs = self.coefs_ if coefs is None else coefs
        intercepts = self.intercepts_ if intercepts is None else intercepts
        row_bytes = np.dtype(X.dtype).itemsize * sum(c.shape[1] for c in coefs)
        chunk_rows = max(1, _PREDICT_CHUNK_BYTES // row_bytes)
        return predict_logits(X, coefs, intercepts, self._activations, chunk_rows)

    def _validated_logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        if sparse.issparse(X):
            X = X.tocsr()
        return self._logits(X)

    def _indicator(self, logits):
        """Binarised predictions: argmax for softmax, ``p > 0.5`` (``z > 0``) else."""
        if self.out_activation_ == "softmax":
            indicator = np.zeros(logits.shape, dtype=int)
            indicator[np.arange(len(logits)), logits.argmax(axis=1)] = 1
            return indicator
        return (logits > 0).astype(int)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes, or a label indicator matrix for multilabel
            targets.
        """
        indicator = self._indicator(self._validated_logits(X))
        return self._label_binarizer.inverse_transform(indicator)

    def decision_function(self, X):
        """The logits: pre-activations of the output layer.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        logits : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per output unit; a 1-D array for binary targets, where
            positive values predict ``classes_[1]``. The softmax (multiclass)
            or sigmoid (otherwise) of it is ``predict_proba``.
        """
        logits = self._validated_logits(X)
        return logits.ravel() if self._is_binary() else logits

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
        logits = self._validated_logits(X)
        if self._is_binary():
            # [1 - p, p] = [sigmoid(-z), sigmoid(z)]
            logits = np.hstack([-logits, logits])
        return OUTPUT_ACTIVATIONS[self.out_activation_](logits)

    def predict_log_proba(self, X):
        """Log of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Equal to ``log(predict_proba(X))``, as scikit-learn requires, so a
            probability that underflows to 0 gives ``-inf``.
        """
        proba = self.predict_proba(X)
        return np.log(proba, out=proba)

    def _is_binary(self):
        return self._label_binarizer.y_type_ == "binary"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags


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


def _is_multilabel(y):
    return type_of_target(y).startswith("multilabel")
