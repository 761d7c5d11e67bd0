"""DeepMLPClassifier and MLPClassifier side by side: same data, same seed, same model.

The data sets here are *unscaled*, where many samples saturate the output
layer: the reported loss, and everything that the loss decides (when the
stochastic solvers stop, where L-BFGS stops), must then follow MLPClassifier's
clipped log loss, or the two estimators train different models.
"""

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
