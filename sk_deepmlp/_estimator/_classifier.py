"""DeepMLPClassifier: targets, classes, class weights and probabilities."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)

from .._network._losses import OUTPUT_ACTIVATIONS
from ._api import available_if_allowed, store_arguments
from ._base import BaseDeepMLP
from ._checks import (
    check_label_kinds,
    check_no_missing_targets,
    check_score_arguments,
)
from ._class_weights import class_index, class_sample_weight
from ._docstrings import estimator_doc


class DeepMLPClassifier(ClassifierMixin, BaseDeepMLP):
    __doc__ = estimator_doc(
        """Multilayer-perceptron classifier, a drop-in replacement for MLPClassifier.

    It accepts every parameter of scikit-learn's ``MLPClassifier`` with the
    same name, default and meaning, and trains the same model: a stack of dense
    layers ``A = g(A_prev @ W + b)`` whose output layer is a softmax
    (multiclass) or independent sigmoids (binary, multilabel), fitted by
    minimising the log loss plus an L2 penalty with L-BFGS, SGD, Adam or
    RMSprop.

""",
        extra_parameters="""\
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

    label_smoothing : float, default=0.0
        Train on softened targets, ``(1 - label_smoothing) y +
        label_smoothing / K``, with ``K`` the number of classes (2 for each
        output of binary and multilabel targets), so that the network is not
        pushed towards infinitely confident logits. 0.05 to 0.1 is usual; 0
        (the default) trains on the labels, as MLPClassifier does. The
        reported training loss is then the exact cross-entropy with the
        smoothed targets; the validation loss and score use the labels.

""",
        extra_attributes="""\
    classes_ : ndarray of shape (n_classes,)
        Class labels.

""",
        see_also="""\
    DeepMLPRegressor : The regression sibling.
    sklearn.neural_network.MLPClassifier : The estimator this one replaces.

""",
        notes="""\
    ``score``, ``get_params`` and ``set_params`` are scikit-learn's, from
    ``ClassifierMixin`` and ``BaseEstimator``.

    The reported loss is MLPClassifier's: the log loss of probabilities
    clipped to ``[eps, 1 - eps]``, so that both estimators stop at the same
    epoch. With 'lbfgs', ``loss_curve_`` and ``best_loss_`` are also set.

""",
        examples="""\
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
    """,
        reference="MLPClassifier",
        loss="log loss",
        Loss="Log loss",
        score="accuracy",
        split_note=": stratified for binary targets",
        warm_start_note=" (same classes only)",
        out_activation="'softmax' for multiclass targets, 'logistic' otherwise.",
    )

    _parameter_constraints: dict = {
        **BaseDeepMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
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
        progress_bar=False,
        weight_decay=0.0,
        max_grad_norm=None,
        warmup_epochs=0,
        lr_decay=None,
        min_learning_rate=0.0,
        early_stopping_monitor="score",
        batch_norm=False,
        batch_norm_momentum=0.9,
        layer_norm=False,
        residual=False,
        input_scaling=None,
        numeric_embedding=None,
        embedding_dim=16,
        embedding_frequencies=16,
        embedding_scale=0.1,
        embedding_alpha=0.0,
        n_ensemble=1,
        categorical_features=None,
        missing="error",
        dtype=None,
        class_weight=None,
        label_smoothing=0.0,
    ):
        # scikit-learn's rule: store each argument under its name, nothing else
        store_arguments(self, locals())

    # ---------------------------------------------------------------- targets
    def _validate_input(self, X, y, incremental, reset, classes=None):
        check_no_missing_targets(y)
        check_label_kinds(y)
        X, y = self._validate_X_y(X, y, reset)
        check_classification_targets(y)
        fresh = not hasattr(self, "classes_")
        if fresh and incremental:
            # the first partial_fit: the labels come from classes, checked there
            self._label_binarizer = _first_partial_fit_binarizer(y, classes)
            classes = None
        elif fresh or not (self.warm_start or incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
        self.classes_ = self._label_binarizer.classes_
        if incremental or (self.warm_start and not fresh):
            self._check_known_classes(y, incremental, classes)
        return X, self._label_binarizer.transform(y).astype(X.dtype)

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

    def _training_targets(self, Y):
        """Label smoothing: ``Y <- (1 - eps) Y + eps / K``.

        ``K`` is the number of classes for a softmax output, and 2 for each
        sigmoid output (binary and multilabel targets: each output is a
        two-class problem of its own). The output delta stays
        ``dZ = (A - Y) / m`` with the smoothed ``Y``: the derivative of the
        cross-entropy ``-sum_k y_k log a_k`` of a softmax (or of
        ``log(1 + e^z) - y z`` for a sigmoid) is ``a - y`` for any targets
        that sum to 1 (lie in [0, 1]).
        """
        eps = float(self.label_smoothing)
        if not eps:
            return Y
        k = Y.shape[1] if self.out_activation_ == "softmax" else 2
        return Y * (1.0 - eps) + eps / k

    def _exact_loss(self):
        # MLPClassifier's clipped form assumes 0/1 targets: soft ones need
        # the exact cross-entropy (no MLPClassifier counterpart to match)
        return self.label_smoothing > 0

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

    def _constant_score(self, Y, sample_weight):
        """The accuracy of always predicting the most frequent class (for
        sigmoid outputs, each label's more frequent value)."""
        frequencies = np.average(Y, axis=0, weights=sample_weight)
        if self.out_activation_ == "softmax":
            constant = frequencies == frequencies.max()
            constant &= np.cumsum(constant) == 1  # one class, the first on a tie
        else:
            constant = frequencies > 0.5
        return float(np.average((Y == constant).all(axis=1), weights=sample_weight))

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
        logits = self._validated_logits(X)
        kind, classes = self._label_binarizer.y_type_, self.classes_
        # LabelBinarizer.inverse_transform's results, without its checks of
        # an indicator that is ours: a tenth of a small batch's time
        if kind == "multiclass":
            return classes.take(logits.argmax(axis=1), mode="clip")
        if kind == "binary" and len(classes) == 2:
            return classes[(logits > 0).astype(int).ravel()]
        return self._label_binarizer.inverse_transform(self._indicator(logits))

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

    def score(self, X, y, sample_weight=None):
        """Return the accuracy on the given test data and labels.

        For multilabel targets this is the subset accuracy: each sample's
        labels must all be right.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels for ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy of ``self.predict(X)`` with respect to ``y``.
        """
        check_score_arguments(y, sample_weight)
        check_label_kinds(y)
        return super().score(X, y, sample_weight=sample_weight)

    def _is_binary(self):
        return self._label_binarizer.y_type_ == "binary"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = self._accepts_sparse()
        tags.input_tags.allow_nan = self.missing == "indicator"
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
