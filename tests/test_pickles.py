"""Models pickled by earlier releases still load, predict as they did, and go
on training: before the block redesign (tests/data/make_models_before_blocks.py)
and before the modules moved into folders, when pickles named the classes by
the flat paths (make_models_before_folders.py). Neither script is to be
rerun."""

import functools
import pathlib
import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, InconsistentVersionWarning

DATA = pathlib.Path(__file__).parent / "data"
FIXTURES = {
    "models_before_blocks.pkl": [
        "adam",
        "batch norm dropout",
        "early stopping",
        "lbfgs",
        "multilabel rmsprop",
        "regressor sgd",
        "poisson batch norm",
    ],
    # 13e491e: the front, the embeddings, the ensemble, layer norm, residual
    # layers and target scaling
    "models_before_folders.pkl": [
        "front ensemble layer norm residual",
        "cosine label smoothing early stopping",
        "regressor scale_target ensemble front",
        "regressor plateau sgd layer norm",
    ],
}
CASES = [(file, name) for file, names in FIXTURES.items() for name in names]
NAMES = FIXTURES["models_before_blocks.pkl"]


@functools.cache
def _load(file):
    with warnings.catch_warnings():
        # written by scikit-learn 1.9.1; CI also loads them under 1.6.1
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        return pickle.loads((DATA / file).read_bytes())


@pytest.fixture(scope="module")
def saved():
    return _load("models_before_blocks.pkl")


@pytest.mark.parametrize("file, name", CASES)
def test_an_old_pickle_predicts_as_it_did(file, name):
    saved = _load(file)
    model, _, method, expected = saved["models"][name]
    got = getattr(model, method)(saved["X"])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("file, name", CASES)
def test_an_old_pickle_goes_on_training(file, name):
    saved = _load(file)
    model, target, _, _ = saved["models"][name]
    model = pickle.loads(pickle.dumps(model))  # the fixture's stays as loaded
    before, epochs = [c.copy() for c in model.coefs_], len(model.loss_curve_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(warm_start=True, max_iter=3).fit(saved["X"], target)
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
