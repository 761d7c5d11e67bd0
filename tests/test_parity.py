"""DeepMLPClassifier and MLPClassifier side by side: same data, same seed, same model.

The data sets here are *unscaled*, where many samples saturate the output
layer: the reported loss, and everything that the loss decides (when the
stochastic solvers stop, where L-BFGS stops), must then follow MLPClassifier's
clipped log loss, or the two estimators train different models.
"""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sk_deepmlp import DeepMLPClassifier

RAW = {
    "digits": load_digits,
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
}


def fit_both(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = DeepMLPClassifier(**params).fit(X, y)
        theirs = MLPClassifier(**params).fit(X, y)
    return ours, theirs


def assert_same_weights(ours, theirs, rtol=1e-6, atol=1e-9):
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
@pytest.mark.parametrize("dataset", sorted(RAW))
def test_same_stopping_and_weights_on_unscaled_data(dataset, solver):
    X, y = RAW[dataset](return_X_y=True)
    params = dict(hidden_layer_sizes=(20,), max_iter=40, random_state=0, solver=solver)
    ours, theirs = fit_both(X, y, **params)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-7)
    if solver != "lbfgs":  # MLPClassifier keeps no curve for lbfgs
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-7)
        assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-7)
    assert_same_weights(ours, theirs)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_same_early_stopping_on_unscaled_data(solver):
    X, y = load_wine(return_X_y=True)
    params = dict(
        hidden_layer_sizes=(15,),
        max_iter=60,
        random_state=0,
        solver=solver,
        early_stopping=True,
        n_iter_no_change=3,
    )
    ours, theirs = fit_both(X, y, **params)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-7)
    assert_same_weights(ours, theirs)


def test_float32_loss_clipped_at_float32_epsilon():
    """MLPClassifier clips at the eps of the data's dtype; so do we."""
    X, y = load_breast_cancer(return_X_y=True)
    X = X.astype(np.float32)
    params = dict(hidden_layer_sizes=(10,), max_iter=10, random_state=0, solver="sgd")
    ours, theirs = fit_both(X, y, **params)
    assert ours.coefs_[0].dtype == np.float32
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-4)


@pytest.mark.skipif(
    "sample_weight" not in inspect.signature(MLPClassifier.partial_fit).parameters,
    reason="MLPClassifier takes sample_weight in partial_fit from scikit-learn 1.7",
)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_positional_arguments_as_mlpclassifier(multiclass_data, solver):
    """partial_fit(X, y, sample_weight, classes): MLPClassifier's order."""
    X, y = multiclass_data
    w = np.random.RandomState(1).uniform(0.2, 2.0, len(y))
    # shuffle=False: MLPClassifier re-seeds at every partial_fit (each call
    # shuffles alike), where we continue one random stream (documented);
    # batch_size=50 makes the order of the batches matter
    params = dict(hidden_layer_sizes=(8,), random_state=0, solver=solver, batch_size=50)
    params["shuffle"] = False
    ours, theirs = DeepMLPClassifier(**params), MLPClassifier(**params)
    for _ in range(3):
        ours.partial_fit(X, y, w, [0, 1, 2])
        theirs.partial_fit(X, y, w, [0, 1, 2])
    assert_same_weights(ours, theirs)
    # and the weights were used: unweighted calls train another model
    unweighted = DeepMLPClassifier(**params)
    for _ in range(3):
        unweighted.partial_fit(X, y, None, [0, 1, 2])
    assert not np.allclose(unweighted.coefs_[0], ours.coefs_[0])


@pytest.mark.parametrize("classes", [None, [0, 1, 2]])
def test_multilabel_partial_fit_as_mlpclassifier(multilabel_data, classes):
    """With classes as MLPClassifier needs them on the first call, or without:
    an indicator matrix names its own labels, its columns."""
    X, Y = multilabel_data
    params = dict(hidden_layer_sizes=(8,), random_state=0)
    ours, theirs = DeepMLPClassifier(**params), MLPClassifier(**params)
    ours.partial_fit(X, Y, classes=classes)
    theirs.partial_fit(X, Y, classes=[0, 1, 2])
    for _ in range(2):
        ours.partial_fit(X, Y, classes=classes)
        theirs.partial_fit(X, Y)
    assert_same_weights(ours, theirs)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_multilabel_partial_fit_refuses_classes_that_are_not_its_columns(
    multilabel_data,
):
    X, Y = multilabel_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    with pytest.raises(ValueError, match=r"column indices \[0, 1, 2\]"):
        clf.partial_fit(X, Y, classes=["a", "b", "c"])
    assert not hasattr(clf, "classes_")  # and nothing was left half-set
    clf.partial_fit(X, Y).partial_fit(X, Y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="multilabel"):
        clf.partial_fit(X, Y[:, 0])


def test_warm_start_with_early_stopping_keeps_the_weights_of_the_best_score():
    """A difference on purpose: MLPClassifier keeps weights that are not its best.

    After a warm-started fit in which no epoch beats the previous best
    validation score, MLPClassifier returns the last epoch's weights (its copy
    of the best weights is the live weights since the previous fit ended),
    while ``best_validation_score_`` still reports the old best. We return
    the weights that scored it.
    """
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    params = dict(
        hidden_layer_sizes=(8,),
        max_iter=10,
        random_state=0,
        early_stopping=True,
        warm_start=True,
        learning_rate_init=0.05,
    )
    ours, theirs = fit_both(X, y, **params)
    assert_same_weights(ours, theirs)  # the first fit: the same model
    best = [w.copy() for w in ours.coefs_ + ours.intercepts_]
    ours.set_params(n_iter_no_change=2).fit(X, y)
    theirs.set_params(n_iter_no_change=2).fit(X, y)
    assert ours.best_validation_score_ == theirs.best_validation_score_
    assert max(ours.validation_scores_[-3:]) <= ours.best_validation_score_
    for a, b in zip(ours.coefs_ + ours.intercepts_, best):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(theirs.coefs_[0], best[0])  # MLPClassifier's last epoch
