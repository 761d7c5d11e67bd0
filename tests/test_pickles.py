"""Models pickled by the release before the block redesign still load,
predict as they did, and go on training (tests/data/make_models_before_blocks.py
wrote them; it is not to be rerun)."""

import pathlib
import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, InconsistentVersionWarning

PATH = pathlib.Path(__file__).parent / "data" / "models_before_blocks.pkl"


@pytest.fixture(scope="module")
def saved():
    with warnings.catch_warnings():
        # written by scikit-learn 1.9.1; CI also loads it under 1.6.1
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        return pickle.loads(PATH.read_bytes())


NAMES = [
    "adam",
    "batch norm dropout",
    "early stopping",
    "lbfgs",
    "multilabel rmsprop",
    "regressor sgd",
    "poisson batch norm",
]


@pytest.mark.parametrize("name", NAMES)
def test_an_old_pickle_predicts_as_it_did(saved, name):
    model, _, method, expected = saved["models"][name]
    got = getattr(model, method)(saved["X"])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_an_old_pickle_goes_on_training(saved, name):
    model, target, _, _ = saved["models"][name]
    model = pickle.loads(pickle.dumps(model))  # the fixture's stays as loaded
    X = saved["X"]
    before, epochs = [c.copy() for c in model.coefs_], len(model.loss_curve_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(warm_start=True, max_iter=3).fit(X, target)
    assert len(model.loss_curve_) > epochs
    assert all(np.isfinite(c).all() for c in model.coefs_)
    if not model.early_stopping:  # which may keep the earlier best epoch
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.coefs_))


@pytest.mark.parametrize("name", NAMES)
def test_an_old_pickles_stopping_attributes_become_its_stopping_record(saved, name):
    # before the record, the counter and the best epoch's parameters were
    # two attributes, _no_improvement_count and _best_params
    model = saved["models"][name][0]
    assert not {"_best_params"} & set(vars(model))
    record = model._stopping
    assert isinstance(record.no_improvement_count, int)
    assert record.no_improvement_count == model._no_improvement_count >= 0
    if not model.early_stopping:
        assert record.best_params is None
        return
    # a fit with early stopping ends on its best epoch's parameters: coefs
    # first, then intercepts, in the flat vector
    flat = np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])
    np.testing.assert_array_equal(record.best_params[: flat.size], flat)


FOLDERS_PATH = pathlib.Path(__file__).parent / "data" / "models_before_folders.pkl"


@pytest.fixture(scope="module")
def saved_flat():
    # written at 13e491e, when every module sat flat in sk_deepmlp/ and the
    # pickle named the classes by those paths (sk_deepmlp._classifier, ...)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        return pickle.loads(FOLDERS_PATH.read_bytes())


FLAT_NAMES = [
    "front ensemble layer norm residual",
    "cosine label smoothing early stopping",
    "regressor scale_target ensemble front",
    "regressor plateau sgd layer norm",
]


@pytest.mark.parametrize("name", FLAT_NAMES)
def test_a_pickle_of_the_flat_layout_predicts_as_it_did(saved_flat, name):
    model, _, method, expected = saved_flat["models"][name]
    got = getattr(model, method)(saved_flat["X"])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", FLAT_NAMES)
def test_a_pickle_of_the_flat_layout_goes_on_training(saved_flat, name):
    model, target, _, _ = saved_flat["models"][name]
    model = pickle.loads(pickle.dumps(model))  # the fixture's stays as loaded
    epochs = len(model.loss_curve_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(warm_start=True, max_iter=3).fit(saved_flat["X"], target)
    assert len(model.loss_curve_) == epochs + 3
    assert all(np.isfinite(c).all() for c in model.coefs_)
