"""DeepMLPClassifier: targets, classes, class weights and probabilities."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import validate_data

from ._base import BaseDeepMLP, available_if_allowed, check_numeric
from ._losses import OUTPUT_ACTIVATIONS
from ._weights import class_index, class_sample_weight


class DeepMLPClassifier(ClassifierMixin, BaseDeepMLP):
    """Multilayer-perceptron classifier, a drop-in replacement for MLPClassifier.

    It accepts every parameter of scikit-learn's ``MLPClassifier`` with the
    same name, default and meaning, and trains the same model: a stack of dense
    layers ``A = g(A_prev @ W + b)`` whose output layer is a softmax
    (multiclass) or independent sigmoids (binary, multilabel), fitted by
    minimising the log loss plus an L2 penalty with L-BFGS, SGD, Adam or
    RMSprop.

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
        Strength of the L2 penalty ``alpha / (2 m) * sum ||W||^2``, where ``m``
        is the number of samples in the batch (the sum of their weights when
        ``sample_weight`` is given), so that the penalty keeps its weight
        against the mean log loss whatever the batch size.

    batch_size : int or 'auto', default='auto'
        Size of the minibatches of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd'. 'invscaling' uses
        ``learning_rate_init / t ** power_t``; 'adaptive' divides the rate by 5
        each time the loss stops improving (see ``n_iter_no_change``).

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd', 'adam' and 'rmsprop'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs of the stochastic solvers, or of iterations
        of 'lbfgs'.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling, the early-stopping split and
        the dropout masks. An int gives the same model at every fit, bit for
        bit; successive ``partial_fit`` calls continue one random stream.

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
        Hold out ``validation_fraction`` of the training data (MLPClassifier's
        split: stratified for binary targets), stop when the validation
        accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs,
        and keep the weights of the best epoch. Stochastic solvers only; with
        it, ``partial_fit`` is not available.

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
        the optional dependency tqdm (``pip install ".[progress]"`` in a clone
        of this repository, or ``pip install tqdm``). Warnings raised during
        the fit are shown once the bar has closed.
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
        much as frequent ones. With 'balanced', ``partial_fit`` is not
        available (``hasattr(clf, "partial_fit")`` is False): one batch does
        not give the class frequencies of the whole data, and weights that
        changed with every batch would train a different model than ``fit``.
        Compute the weights up front (``compute_class_weight``) and pass a
        dict. Weights must be finite and non-negative, and not all zero. A
        dict is not available for multilabel targets ('balanced' is). With
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

    The reported loss is MLPClassifier's: the log loss of probabilities
    clipped to ``[eps, 1 - eps]``, so that both estimators stop at the same
    epoch. With 'lbfgs', ``loss_curve_`` and ``best_loss_`` are also set.

    A fit that raises (bad input, divergence, a missing optional dependency)
    leaves the estimator as it was before the call. Ctrl-C during a fit keeps
    the weights of the last finished epoch (the best one with
    ``early_stopping``), with a warning; before the first epoch has finished
    it leaves the estimator as it was and lets the interrupt through.

    Between a fit and a ``warm_start`` fit or a ``partial_fit``, ``solver``,
    ``activation``, ``early_stopping`` and the optimiser's settings may
    change: the weights carry over, the optimiser starts afresh, and the
    stopping record starts anew when ``early_stopping`` changed.
    ``hidden_layer_sizes`` may not change.

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
        **BaseDeepMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
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

    # ---------------------------------------------------------------- targets
    def _validate_input(self, X, y, incremental, reset, classes=None):
        dtype = (np.float64, np.float32) if reset else self.coefs_[0].dtype
        check_numeric(X)
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
        if incremental and not hasattr(self, "classes_"):
            self._label_binarizer = _first_partial_fit_binarizer(y, classes)
            self.classes_ = self._label_binarizer.classes_
            self._check_known_classes(y, incremental, None)
        elif not hasattr(self, "classes_") or not (self.warm_start or incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
        else:
            self._check_known_classes(y, incremental, classes)
        self.classes_ = self._label_binarizer.classes_
        Y = self._label_binarizer.transform(y).astype(X.dtype)
        if hasattr(X, "tocsr"):
            X = X.tocsr()  # row slicing for batches and prediction chunks
        return X, Y

    def _check_known_classes(self, y, incremental, classes):
        multilabel = self._label_binarizer.y_type_ == "multilabel-indicator"
        if multilabel != _is_multilabel(y):
            fitted = "multilabel" if multilabel else "single-label"
            raise ValueError(
                f"The model was fitted on {fitted} targets; y is "
                f"{type_of_target(y)}. Fit anew (warm_start=False) to change."
            )
        if classes is not None:
            classes = _partial_fit_classes(y, classes)
            if not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()} is not the same as on the first "
                    f"call to partial_fit: {self.classes_.tolist()}. The classes "
                    "cannot change."
                )
        if multilabel:
            return
        found = unique_labels(y)
        if self.warm_start and not incremental:
            if set(found) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    f"as in the previous call to fit. Previously got "
                    f"{self.classes_}, `y` has {found}."
                )
        elif len(np.setdiff1d(found, self.classes_)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. `y` has {found}."
            )

    def _output_activation(self):
        multiclass = self._label_binarizer.y_type_ == "multiclass"
        return "softmax" if multiclass else "logistic"

    def _sample_weight(self, Y, sample_weight):
        """``sample_weight`` multiplied by the weight of each sample's class."""
        multilabel = self._label_binarizer.y_type_ == "multilabel-indicator"
        return class_sample_weight(
            self.class_weight, self.classes_, Y, sample_weight, multilabel
        )

    def _stratify_labels(self, Y, n_val):
        """Stratify single-output (binary) targets only, as MLPClassifier does,
        so that both hold out the same validation set; unlike it, skip the
        stratification rather than fail when a class cannot go both ways."""
        if Y.shape[1] != 1:
            return None
        labels = class_index(Y)
        counts = np.bincount(labels, minlength=2)
        present = counts[counts > 0]
        n_train = len(labels) - n_val
        if present.min() >= 2 and min(n_val, n_train) >= len(present):
            return labels
        return None

    def _validation_score(self, logits, Y_val, sw_val):
        """Accuracy (subset accuracy for multilabel targets)."""
        correct = (self._indicator(logits) == Y_val).all(axis=1)
        return float(np.average(correct, weights=sw_val))

    def _check_partial_fit(self):
        super()._check_partial_fit()
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            raise AttributeError(
                "partial_fit is not available with class_weight='balanced': it "
                "needs the class frequencies of the whole data set, which one "
                "batch does not give. Compute them up front, e.g. with "
                "sklearn.utils.class_weight.compute_class_weight, and pass "
                "class_weight as a dict."
            )
        return True

    # -------------------------------------------------------------- training
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to the data X and the targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data. float32 data trains a float32 model.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or a label indicator matrix for multilabel targets.
            A single class is accepted, as by MLPClassifier: the model then
            predicts that class.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; each sample's loss is weighted by
            ``s_i / sum(s)``.

        Returns
        -------
        self : DeepMLPClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if_allowed
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('sgd', 'adam', 'rmsprop'),
        and not with ``class_weight='balanced'`` (see ``class_weight``). The
        arguments come in MLPClassifier's order.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The target values: labels, or a label indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array-like of shape (n_classes,), default=None
            All the classes that y can hold across calls, e.g.
            ``np.unique(y_all)``. Required on the first call for single-label
            targets; y need not contain all of them. For a label indicator
            matrix it may be omitted, or given as its column indices
            ``[0, 1, ..., n_labels - 1]``. Later calls may repeat it.

        Returns
        -------
        self : DeepMLPClassifier
            The updated estimator.
        """
        return self._fit(
            X, y, sample_weight=sample_weight, incremental=True, classes=classes
        )

    # ------------------------------------------------------------ prediction
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
            Probability of each class, in the order of ``classes_``. As in
            MLPClassifier, a model fitted on a single class returns two
            columns, ``[1 - p, p]``, of which the first is that class's.
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


def _is_multilabel(y):
    return type_of_target(y).startswith("multilabel")


def _partial_fit_classes(y, classes):
    """``classes`` checked against the kind of ``y``: for a label indicator
    matrix, its column indices (all that MLPClassifier accepts there too)."""
    classes = unique_labels(classes)
    if _is_multilabel(y):
        expected = np.arange(y.shape[1])
        if not np.array_equal(classes, expected):
            raise ValueError(
                f"y is a label indicator matrix of {y.shape[1]} columns, so "
                f"classes must be its column indices {expected.tolist()} (or "
                f"None); got {classes.tolist()}."
            )
    return classes


def _first_partial_fit_binarizer(y, classes):
    if classes is None and not _is_multilabel(y):
        raise ValueError(
            "classes must be passed on the first call to partial_fit, e.g. "
            "classes=np.unique(y_all)."
        )
    if classes is not None:
        classes = _partial_fit_classes(y, classes)
    # an indicator matrix defines its own labels (its columns), as in
    # MLPClassifier; a label vector's come from classes
    return LabelBinarizer().fit(y if _is_multilabel(y) else classes)
