"""Behaviours of DeepMLPClassifier that MLPClassifier users rely on."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from sk_deepmlp import DeepMLPClassifier

FAST = dict(hidden_layer_sizes=(10,), max_iter=30, random_state=0)


def quiet_fit(clf, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(*args, **kwargs)


# ---------------------------------------------------------------- parity
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh", "identity"])
def test_same_model_as_mlpclassifier(multiclass_data, solver, activation):
    """Same arguments and seed: the same weights as scikit-learn's estimator."""
    X, y = multiclass_data
    params = dict(FAST, solver=solver, activation=activation, alpha=1e-3)
    ours = quiet_fit(DeepMLPClassifier(**params), X, y)
    theirs = quiet_fit(MLPClassifier(**params), X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-7)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9
    )


@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_same_model_as_mlpclassifier_for_sigmoid_outputs(
    binary_data, multilabel_data, target
):
    X, y = binary_data if target == "binary" else multilabel_data
    ours = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    theirs = quiet_fit(MLPClassifier(**FAST), X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.out_activation_ == theirs.out_activation_ == "logistic"


def test_fitted_attributes(multiclass_data):
    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(hidden_layer_sizes=(7, 5), max_iter=5), X, y)
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3
    assert [c.shape for c in clf.coefs_] == [(8, 7), (7, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(7,), (5,), (3,)]
    assert clf.n_features_in_ == 8 and clf.out_activation_ == "softmax"
    assert len(clf.loss_curve_) == clf.n_iter_ == 5
    assert clf.t_ == 5 * len(X)
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None


# --------------------------------------------------------------- methods
def test_partial_fit_only_for_stochastic_solvers():
    assert not hasattr(DeepMLPClassifier(solver="lbfgs"), "partial_fit")
    assert hasattr(DeepMLPClassifier(solver="sgd"), "partial_fit")
    assert hasattr(DeepMLPClassifier(solver="adam"), "partial_fit")


def test_predict_proba_and_log_proba(multiclass_data, binary_data):
    for X, y in (multiclass_data, binary_data):
        clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
        proba = clf.predict_proba(X)
        np.testing.assert_allclose(proba.sum(axis=1), 1)
        np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
        np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])
        assert clf.score(X, y) == np.mean(clf.predict(X) == y)


def test_coefs_are_live_parameters(binary_data):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    before = clf.predict_proba(X)
    clf.coefs_[-1] = np.zeros_like(clf.coefs_[-1])
    clf.intercepts_[-1] = np.array([5.0])
    # the output no longer depends on X: every sample gets sigmoid(5)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], 1 / (1 + np.exp(-5.0)))
    assert not np.allclose(before, clf.predict_proba(X))
    # and partial_fit starts from the assigned weights
    clf.partial_fit(X, y)
    assert np.abs(clf.coefs_[-1]).max() < 0.1
    # in-place edits are seen too
    clf.coefs_[0][...] = 0
    clf.intercepts_[0][...] = 0
    assert len(np.unique(clf.predict_proba(X)[:, 1])) == 1


def test_same_seed_same_model_and_other_seed_other_model(multiclass_data):
    X, y = multiclass_data
    a = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    b = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    c = quiet_fit(DeepMLPClassifier(**dict(FAST, random_state=1)), X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


def test_pickle_round_trip_and_continue_training(multiclass_data):
    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    clf.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.coefs_[0], clf.coefs_[0])


def test_pipeline_and_grid_search(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(**dict(FAST, learning_rate_init=0.01, max_iter=200))
    pipe = make_pipeline(StandardScaler(), clf)
    grid = GridSearchCV(
        pipe,
        {"deepmlpclassifier__activation": ["relu", "leaky_relu"]},
        cv=2,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
    assert grid.best_params_["deepmlpclassifier__activation"] in ("relu", "leaky_relu")
    assert grid.score(X, y) > 0.8
    assert (
        clone(grid.best_estimator_).get_params()["deepmlpclassifier__max_iter"] == 200
    )


# -------------------------------------------------------- early stopping
def test_early_stopping_restores_the_best_weights(multiclass_data, validation_record):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate_init=0.5,
        early_stopping=True,
        n_iter_no_change=4,
        max_iter=60,
        random_state=0,
    )
    quiet_fit(clf, X, y)
    scores = clf.validation_scores_
    assert len(scores) == len(validation_record) == clf.n_iter_
    assert clf.best_validation_score_ == max(scores)
    assert clf.best_loss_ is None
    best_params = validation_record[int(np.argmax(scores))]["params"]
    final = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    np.testing.assert_array_equal(final, best_params)
    # the fit went on after the best epoch, so restoring mattered
    assert not np.array_equal(final, validation_record[-1]["params"])


@pytest.mark.parametrize(
    "labels, expected",
    [
        # binary: stratified, as MLPClassifier does
        ([0] * 180 + [1] * 20, [18, 2]),
        # multiclass: not stratified, as MLPClassifier (same validation set);
        # stratified, the rare classes would get exactly [18, 1, 1]
        ([0] * 180 + [1] * 10 + [2] * 10, [17, 2, 1]),
    ],
)
def test_early_stopping_split_stratifies_as_mlpclassifier(
    monkeypatch, labels, expected
):
    X = np.random.RandomState(0).randn(200, 3)
    y = np.array(labels)
    captured = {}
    original = DeepMLPClassifier._validation_split

    def spy(self, *args):
        split = original(self, *args)
        captured["Y_val"] = split[3]
        return split

    monkeypatch.setattr(DeepMLPClassifier, "_validation_split", spy)
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(5,),
        early_stopping=True,
        validation_fraction=0.1,
        max_iter=2,
        random_state=0,
    )
    quiet_fit(clf, X, y)
    Y_val = captured["Y_val"]
    counts = (
        Y_val.sum(axis=0)
        if Y_val.shape[1] > 1
        else [
            (Y_val == 0).sum(),
            (Y_val == 1).sum(),
        ]
    )
    np.testing.assert_array_equal(counts, expected)


def test_early_stopping_attributes_off(binary_data):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.best_loss_ is not None


def test_validation_set_too_small():
    X, y = np.random.RandomState(0).randn(10, 2), np.arange(10) % 2
    clf = DeepMLPClassifier(early_stopping=True, validation_fraction=0.05)
    with pytest.raises(ValueError, match="validation set is too small"):
        clf.fit(X, y)


# ---------------------------------------------------- stopping and output
def test_n_iter_no_change_inf_runs_every_epoch(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(5,), max_iter=15, tol=10.0, n_iter_no_change=np.inf
    )
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        clf.fit(X, y)
    assert clf.n_iter_ == 15


def test_tol_stops_training_early(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(5,), max_iter=100, tol=10.0, n_iter_no_change=2
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    # epoch 1 sets best_loss_; epochs 2, 3 and 4 fail to improve by tol
    assert clf.n_iter_ == 4


def test_verbose_prints_iterations(binary_data, capsys):
    X, y = binary_data
    quiet_fit(
        DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=3, verbose=True), X, y
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        line for line in lines[:3] if line.startswith("Iteration ")
    ] and lines[2].startswith("Iteration 3, loss = ")


def test_convergence_warning_when_max_iter_ends_the_fit(binary_data):
    X, y = binary_data
    with pytest.warns(ConvergenceWarning):
        DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=2).fit(X, y)
    with pytest.warns(ConvergenceWarning):
        DeepMLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=2).fit(X, y)


# ------------------------------------------------------------ warm start
def test_warm_start_continues_from_previous_weights(binary_data):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, max_iter=5, warm_start=True)), X, y)
    first = [c.copy() for c in clf.coefs_]
    fresh_start = quiet_fit(clone(clf).set_params(warm_start=False), X, y)
    quiet_fit(clf, X, y)
    assert len(clf.loss_curve_) == 10
    # continuing differs from starting again, and moves on from `first`
    assert not np.allclose(clf.coefs_[0], fresh_start.coefs_[0])
    assert not np.allclose(clf.coefs_[0], first[0])
    assert clf.loss_curve_[5] < clf.loss_curve_[0]


def test_warm_start_rejects_new_classes(multiclass_data):
    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, warm_start=True)), X, y)
    with pytest.raises(ValueError, match=r"Previously got \[0 1 2\], `y` has \[0 1\]"):
        clf.fit(X[y < 2], y[y < 2])


def test_warm_start_refuses_a_new_architecture(binary_data):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, warm_start=True)), X, y)
    clf.set_params(hidden_layer_sizes=(7, 3))
    with pytest.raises(ValueError, match=r"layers have \[10\] units.*warm_start=False"):
        clf.fit(X, y)
    quiet_fit(clf.set_params(warm_start=False), X, y)  # starting anew is fine
    assert [c.shape for c in clf.coefs_] == [(6, 7), (7, 3), (3, 1)]


# ------------------------------------------------------------ partial_fit
def test_partial_fit_needs_classes_first():
    X, y = np.random.RandomState(0).randn(10, 2), np.arange(10) % 2
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        DeepMLPClassifier().partial_fit(X, y)


def test_partial_fit_rejects_changed_classes(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(**FAST).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="cannot change"):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X, y + 1)


def test_partial_fit_refuses_early_stopping(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_partial_fit_learns_over_calls_and_accepts_a_subset_of_classes(
    multiclass_data,
):
    X, y = multiclass_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(10,), random_state=0)
    clf.partial_fit(X[y < 2], y[y < 2], classes=np.array([0, 1, 2]))
    assert clf.n_outputs_ == 3
    first_loss = clf.loss_
    for _ in range(20):
        clf.partial_fit(X, y)
    assert clf.loss_ < first_loss and clf.n_iter_ == 1
    assert clf.t_ == len(X[y < 2]) + 20 * len(X)


# ------------------------------------------------------------ input kinds
def test_multilabel_targets(multilabel_data):
    X, Y = multilabel_data
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, solver="lbfgs")), X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (100, 3)
    assert not np.allclose(proba.sum(axis=1), 1)  # independent sigmoids
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    np.testing.assert_array_equal(pred, (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.8


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_gives_the_dense_model(multiclass_data, fmt, solver):
    X, y = multiclass_data
    X = np.where(np.abs(X) < 0.5, 0, X)
    params = dict(FAST, solver=solver)
    dense = quiet_fit(DeepMLPClassifier(**params), X, y)
    sp = quiet_fit(DeepMLPClassifier(**params), sparse.csr_matrix(X).asformat(fmt), y)
    for a, b in zip(dense.coefs_, sp.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(
        dense.predict_proba(X), sp.predict_proba(sparse.csr_matrix(X).asformat(fmt))
    )


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_end_to_end(multiclass_data, solver):
    X, y = multiclass_data
    X32 = X.astype(np.float32)
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, solver=solver)), X32, y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X32).dtype == np.float32
    ref = quiet_fit(DeepMLPClassifier(**dict(FAST, solver=solver)), X, y)
    np.testing.assert_allclose(clf.predict_proba(X32), ref.predict_proba(X), atol=1e-2)


def test_pandas_feature_names(multiclass_data):
    X, y = multiclass_data
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = quiet_fit(DeepMLPClassifier(**FAST), df, pd.Series(y))
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)


def test_string_labels(binary_data):
    X, y = binary_data
    labels = np.array(["spam", "ham"])[y]
    clf = quiet_fit(DeepMLPClassifier(**dict(FAST, solver="lbfgs")), X, labels)
    np.testing.assert_array_equal(clf.classes_, ["ham", "spam"])
    assert set(clf.predict(X)) <= {"ham", "spam"}
    assert clf.score(X, labels) > 0.85


def test_integer_sample_weight_equals_repeated_rows_with_lbfgs(multiclass_data):
    X, y = multiclass_data
    sw = np.random.RandomState(0).randint(0, 4, len(y))
    params = dict(FAST, solver="lbfgs", max_iter=50)
    weighted = quiet_fit(DeepMLPClassifier(**params), X, y, sample_weight=sw)
    repeated = quiet_fit(DeepMLPClassifier(**params), X.repeat(sw, 0), y.repeat(sw))
    for a, b in zip(weighted.coefs_, repeated.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_sample_weight_changes_the_model(binary_data):
    X, y = binary_data
    sw = np.where(y == 1, 10.0, 1.0)
    plain = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    weighted = quiet_fit(DeepMLPClassifier(**FAST), X, y, sample_weight=sw)
    assert weighted.predict(X).mean() > plain.predict(X).mean()


def test_inputs_are_not_mutated(multiclass_data):
    X, y = multiclass_data
    sw = np.ones(len(y))
    copies = X.copy(), y.copy(), sw.copy()
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y, sample_weight=sw)
    clf.predict_proba(X)
    clf.partial_fit(X, y, sample_weight=sw)
    for before, after in zip(copies, (X, y, sw)):
        np.testing.assert_array_equal(before, after)


def test_prediction_in_chunks_equals_one_pass(multiclass_data, monkeypatch):
    from sk_deepmlp._estimator import _predict

    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    one_pass = clf.predict_proba(X)
    monkeypatch.setattr(_predict, "_PREDICT_CHUNK_BYTES", 10 * 13 * 8)
    np.testing.assert_array_equal(clf.predict_proba(X), one_pass)


# --------------------------------------------------------------- bad input
def test_unfitted():
    with pytest.raises(NotFittedError):
        DeepMLPClassifier().predict(np.zeros((2, 2)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input(binary_data, bad):
    X, y = binary_data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        DeepMLPClassifier(**FAST).fit(X, y)


def test_wrong_number_of_features_at_predict(binary_data):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    with pytest.raises(
        ValueError,
        match="X has 5 features, but DeepMLPClassifier is expecting 6 features",
    ):
        clf.predict(X[:, :5])


def test_one_dimensional_and_empty_input():
    with pytest.raises(ValueError, match="Expected 2D array"):
        DeepMLPClassifier().fit(np.arange(5.0), np.arange(5) % 2)
    with pytest.raises(ValueError, match="0 sample"):
        DeepMLPClassifier().fit(np.zeros((0, 3)), np.zeros(0))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_single_class_as_mlpclassifier(solver):
    """One class: fitted, predicts it, and predict_proba as MLPClassifier's."""
    rng = np.random.RandomState(0)
    X, X_test = rng.randn(10, 3), rng.randn(7, 3)
    y = np.full(10, "only")
    ours = quiet_fit(DeepMLPClassifier(solver=solver, random_state=0), X, y)
    theirs = quiet_fit(MLPClassifier(solver=solver, random_state=0), X, y)
    np.testing.assert_array_equal(ours.classes_, ["only"])
    np.testing.assert_array_equal(ours.predict(X_test), np.full(7, "only"))
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    proba = ours.predict_proba(X_test)
    assert proba.shape == theirs.predict_proba(X_test).shape == (7, 2)
    np.testing.assert_allclose(proba, theirs.predict_proba(X_test), atol=1e-9)


def test_continuous_target():
    X = np.random.RandomState(0).randn(10, 3)
    with pytest.raises(ValueError, match="Unknown label type"):
        DeepMLPClassifier().fit(X, np.linspace(0, 1, 10))


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "newton"},
        {"activation": "swish"},
        {"alpha": -1.0},
        {"learning_rate_init": 0.0},
        {"batch_size": 0},
        {"max_iter": 0},
        {"momentum": 1.5},
        {"beta_1": 1.0},
        {"validation_fraction": 1.0},
        {"n_iter_no_change": 0},
        {"learning_rate": "fast"},
    ],
)
def test_invalid_parameters(binary_data, params):
    X, y = binary_data
    with pytest.raises(InvalidParameterError):
        DeepMLPClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": (5, 0)}, "hidden_layer_sizes must hold positive"),
        ({"hidden_layer_sizes": (5, 2.5)}, "hidden_layer_sizes must hold positive"),
        (
            {"hidden_layer_sizes": (5, 4), "activation": ["relu"]},
            "activation has 1 entries but hidden_layer_sizes has 2",
        ),
        (
            {"hidden_layer_sizes": (5,), "activation": ["swish"]},
            r"Unknown activation\(s\) \['swish'\]",
        ),
    ],
)
def test_invalid_architecture(binary_data, params, match):
    X, y = binary_data
    with pytest.raises(ValueError, match=match):
        DeepMLPClassifier(**params).fit(X, y)


def test_negative_or_zero_sample_weight(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="Negative values"):
        DeepMLPClassifier(**FAST).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="[Ss]ample.weight.*(non-zero|all zero)"):
        DeepMLPClassifier(**FAST).fit(X, y, sample_weight=np.zeros(len(y)))


@pytest.mark.parametrize(
    "solver, learning_rate_init, scale, advice",
    [
        ("sgd", 10.0, 1e150, "lower learning_rate_init"),
        ("adam", 1e250, 1.0, "lower learning_rate_init"),
        ("lbfgs", 0.001, 1e300, "StandardScaler"),
    ],
)
def test_diverging_fit_raises_and_changes_nothing(
    binary_data, solver, learning_rate_init, scale, advice
):
    X, y = binary_data
    params = dict(hidden_layer_sizes=(5,), solver=solver, max_iter=5, random_state=0)
    fresh = DeepMLPClassifier(**params, learning_rate_init=learning_rate_init)
    fitted = quiet_fit(DeepMLPClassifier(**params, warm_start=True), X, y)
    before = [a.copy() for a in fitted.coefs_ + fitted.intercepts_]
    fitted.set_params(learning_rate_init=learning_rate_init)
    for clf in (fresh, fitted):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            with pytest.raises(
                ValueError, match=f"non-finite.*Scale the inputs.*{advice}"
            ):
                clf.fit(X * scale, y)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    for a, b in zip(fitted.coefs_ + fitted.intercepts_, before):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(fitted.predict_proba(X)).all()


def test_verbose_stopping_message_matches_mlpclassifier(binary_data, capsys):
    X, y = binary_data
    params = dict(hidden_layer_sizes=(5,), tol=10.0, n_iter_no_change=2, verbose=True)
    DeepMLPClassifier(**params).fit(X, y)
    ours = capsys.readouterr().out.splitlines()[-1]
    MLPClassifier(**params).fit(X, y)
    theirs = capsys.readouterr().out.splitlines()[-1]
    assert ours == theirs
    assert ours.startswith("Training loss did not improve more than tol=10.000000")
