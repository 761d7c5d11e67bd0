"""categorical_features and missing='indicator': the same model as the
expansion done by hand, categories matched by value, unseen and missing
values in defined slots, the first fit's categories kept, clear errors."""

import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

FAST = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)


@pytest.fixture(autouse=True)
def _quiet(recwarn):
    """Short fits end before convergence: that warning is expected here."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", ConvergenceWarning)


def _frame(n=240, seed=0):
    rng = np.random.RandomState(seed)
    colour = rng.choice(["red", "green", "blue"], n)
    frame = pd.DataFrame(
        {
            "size": rng.randn(n),
            "colour": pd.Categorical(colour, categories=["red", "green", "blue"]),
            "weight": rng.randn(n),
        }
    )
    y = (colour == "red") ^ (frame["weight"] > 0)
    return frame, y.to_numpy()


def _by_hand(frame, categories):
    """size, the one-hot columns of colour in sorted order, weight."""
    colour = frame["colour"].astype(object).to_numpy()
    hot = (colour[:, None] == np.asarray(categories)[None, :]).astype(float)
    return np.column_stack([frame["size"], hot, frame["weight"]])


@pytest.mark.parametrize("Estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_same_model_as_one_hot_by_hand(Estimator):
    frame, y = _frame()
    y = y if Estimator is DeepMLPClassifier else y + frame["size"].to_numpy()
    ours = Estimator(categorical_features="from_dtype", **FAST).fit(frame, y)
    hand = Estimator(**FAST).fit(_by_hand(frame, ["blue", "green", "red"]), y)
    assert ours.is_categorical_.tolist() == [False, True, False]
    assert ours.categories_[0].tolist() == ["blue", "green", "red"]
    for a, b in zip(ours.coefs_, hand.coefs_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        ours.predict(frame), hand.predict(_by_hand(frame, ["blue", "green", "red"]))
    )


def test_categories_are_matched_by_value_not_by_pandas_code():
    frame, y = _frame()
    model = DeepMLPClassifier(categorical_features="from_dtype", **FAST).fit(frame, y)
    reordered = frame.assign(
        colour=pd.Categorical(
            frame["colour"].astype(str), categories=["blue", "red", "green", "pink"]
        )
    )
    np.testing.assert_array_equal(
        model.predict_proba(reordered), model.predict_proba(frame)
    )
    as_text = frame.assign(colour=frame["colour"].astype(object))
    np.testing.assert_array_equal(
        model.predict_proba(as_text), model.predict_proba(frame)
    )


def test_unseen_and_missing_categories_take_defined_slots():
    frame, y = _frame()
    model = DeepMLPClassifier(categorical_features=["colour"], **FAST).fit(frame, y)
    odd = frame.iloc[:3].astype({"colour": object}).copy()
    odd["colour"] = ["pink", None, np.nan]  # unseen, missing, missing
    zeros = _by_hand(frame.iloc[:3], ["blue", "green", "red"])
    zeros[:, 1:4] = 0
    hand = DeepMLPClassifier(**FAST).fit(_by_hand(frame, ["blue", "green", "red"]), y)
    # no missing value at fit: no slot, so all three rows are all zeros
    np.testing.assert_allclose(
        model.predict_proba(odd), hand.predict_proba(zeros), rtol=1e-12
    )


def test_missing_category_seen_in_training_gets_its_slot():
    frame, y = _frame()
    holes = frame.astype({"colour": object}).copy()
    holes.loc[::7, "colour"] = None
    model = DeepMLPClassifier(categorical_features=[1], **FAST).fit(holes, y)
    colour = holes["colour"].to_numpy()
    slot = np.array([v is None for v in colour], dtype=float)
    by_hand = np.column_stack(
        [
            _by_hand(holes.fillna({"colour": "none"}), ["blue", "green", "red"])[:, :4],
            slot,
            holes["weight"],
        ]
    )
    hand = DeepMLPClassifier(**FAST).fit(by_hand, y)
    np.testing.assert_array_equal(model.coefs_[0], hand.coefs_[0])
    assert model.coefs_[0].shape[0] == 6  # size, 3 categories, missing, weight


def test_missing_indicator_is_median_fill_and_flag_by_hand():
    rng = np.random.RandomState(1)
    X = rng.randn(200, 3)
    X[rng.rand(200) < 0.2, 0] = np.nan
    y = X[:, 1] + np.nan_to_num(X[:, 0])
    model = DeepMLPRegressor(missing="indicator", **FAST).fit(X, y)
    hole = np.isnan(X[:, 0])
    # the median as the robust scaling takes it: the lower one of an even count
    median = np.percentile(X[~hole, 0], 50, method="inverted_cdf")
    by_hand = np.column_stack([np.where(hole, median, X[:, 0]), hole, X[:, 1], X[:, 2]])
    hand = DeepMLPRegressor(**FAST).fit(by_hand, y)
    np.testing.assert_array_equal(model.coefs_[0], hand.coefs_[0])
    np.testing.assert_allclose(model.predict(X), hand.predict(by_hand), rtol=1e-12)
    assert model.__sklearn_tags__().input_tags.allow_nan
    assert not DeepMLPRegressor().__sklearn_tags__().input_tags.allow_nan
    # NaN in a column that had none at fit: its median, no indicator
    X2 = X.copy()
    X2[:5, 1] = np.nan
    filled = by_hand.copy()[:5]
    filled[:, 2] = np.percentile(X[:, 1], 50, method="inverted_cdf")
    np.testing.assert_allclose(model.predict(X2[:5]), hand.predict(filled), rtol=1e-12)


def test_missing_error_refuses_nan_naming_the_option():
    X = np.random.RandomState(0).randn(50, 2)
    X[3, 0] = np.nan
    y = np.arange(50) % 2
    with pytest.raises(ValueError, match="contains NaN.*missing='indicator'"):
        DeepMLPClassifier(**FAST).fit(X, y)
    frame, y = _frame()
    frame.loc[4, "size"] = np.nan
    with pytest.raises(ValueError, match="NaN in the numeric column 0.*missing="):
        DeepMLPClassifier(categorical_features="from_dtype", **FAST).fit(frame, y)
    model = DeepMLPClassifier(categorical_features="from_dtype", **FAST)
    model.fit(frame.dropna(), y[frame["size"].notna()])
    with pytest.raises(ValueError, match="NaN in the numeric column 0"):
        model.predict(frame)


@pytest.mark.parametrize(
    "wanted", ["from_dtype", [1], [False, True, False], ["colour"], np.array([1])]
)
def test_every_way_of_naming_the_columns(wanted):
    frame, y = _frame()
    model = DeepMLPClassifier(categorical_features=wanted, **FAST).fit(frame, y)
    assert model.is_categorical_.tolist() == [False, True, False]


def test_from_dtype_and_none_leave_arrays_alone():
    X = np.random.RandomState(0).randn(60, 3)
    y = np.arange(60) % 2
    plain = DeepMLPClassifier(**FAST).fit(X, y)
    from_dtype = DeepMLPClassifier(categorical_features="from_dtype", **FAST).fit(X, y)
    assert plain.is_categorical_ is None and from_dtype.is_categorical_ is None
    assert not hasattr(plain, "categories_")
    np.testing.assert_array_equal(plain.coefs_[0], from_dtype.coefs_[0])


@pytest.mark.parametrize(
    "wanted, X_kind, match",
    [
        (["colour"], "array", "no column names"),
        ([5], "frame", "column index 5, but X has 3 columns"),
        ([True, False], "frame", "mask of 2 values, but X has 3 columns"),
        (["hue"], "frame", "does not have"),
        ([[0, 1]], "frame", "shape"),
        ([1.5], "frame", "takes 'from_dtype', column indices"),
    ],
)
def test_bad_categorical_features(wanted, X_kind, match):
    frame, y = _frame()
    X = frame if X_kind == "frame" else frame.assign(colour=1.0).to_numpy()
    with pytest.raises(ValueError, match=match):
        DeepMLPClassifier(categorical_features=wanted, **FAST).fit(X, y)


def test_too_many_categories_sparse_and_mixed_types_are_refused():
    rng = np.random.RandomState(0)
    X = np.column_stack([np.arange(1500.0), rng.randn(1500)])
    y = np.arange(1500) % 2
    with pytest.raises(ValueError, match="1500 distinct values; at most 1000"):
        DeepMLPClassifier(categorical_features=[0], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="no sparse X"):
        DeepMLPClassifier(categorical_features=[0], **FAST).fit(sparse.csr_matrix(X), y)
    with pytest.raises(ValueError, match="no sparse X"):
        DeepMLPClassifier(missing="indicator", **FAST).fit(sparse.csr_matrix(X), y)
    mixed = np.array([["a", 1.0], [2, 1.0], ["b", 0.0], ["a", 0.0]], dtype=object)
    with pytest.raises(TypeError, match="mixes values of types int, str"):
        DeepMLPClassifier(categorical_features=[0], **FAST).fit(mixed, [0, 1, 0, 1])


def test_text_without_categorical_features_names_the_option():
    frame, y = _frame()
    with pytest.raises(ValueError, match="categorical_features"):
        DeepMLPClassifier(**FAST).fit(frame.astype({"colour": object}), y)


def test_first_fit_fixes_the_categories():
    frame, y = _frame()
    first, rest = frame.iloc[:120], frame.iloc[120:].copy()
    model = DeepMLPClassifier(categorical_features="from_dtype", **FAST)
    model.partial_fit(
        first[first["colour"] != "blue"],
        y[:120][first["colour"] != "blue"],
        classes=[False, True],
    )
    assert model.categories_[0].tolist() == ["green", "red"]
    model.partial_fit(rest, y[120:])  # blue is unseen: all zeros, no error
    assert model.categories_[0].tolist() == ["green", "red"]
    assert model.coefs_[0].shape[0] == 4
    warm = DeepMLPClassifier(categorical_features="from_dtype", warm_start=True, **FAST)
    warm.fit(frame, y)
    before = [c.copy() for c in warm.categories_]
    warm.fit(
        rest.assign(colour=rest["colour"].astype(str).replace("red", "pink")), y[120:]
    )
    assert [c.tolist() for c in warm.categories_] == [c.tolist() for c in before]


def test_categories_in_zero_weight_rows_alone_are_dropped():
    frame, y = _frame()
    weights = np.where(frame["colour"] == "blue", 0.0, 1.0)
    model = DeepMLPClassifier(categorical_features="from_dtype", **FAST)
    model.fit(frame, y, sample_weight=weights)
    assert model.categories_[0].tolist() == ["green", "red"]
    assert model.coefs_[0].shape[0] == 4  # size, green, red, weight


def test_pickle_holds_numpy_arrays_and_predicts_the_same():
    frame, y = _frame()
    holes = frame.copy()
    holes.loc[::9, "size"] = np.nan
    model = DeepMLPClassifier(
        categorical_features="from_dtype", missing="indicator", **FAST
    ).fit(holes, y)
    for value in (*model.categories_, model._column_fills, model._column_indicated):
        assert type(value) is np.ndarray
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        loaded.predict_proba(holes), model.predict_proba(holes)
    )


def test_input_is_not_changed_and_float32_stays_float32():
    frame, y = _frame()
    frame.loc[::5, "size"] = np.nan
    copy = frame.copy()
    DeepMLPClassifier(categorical_features=[1], missing="indicator", **FAST).fit(
        frame, y
    )
    pd.testing.assert_frame_equal(frame, copy)
    X = np.column_stack([np.arange(240) % 3, np.random.RandomState(0).randn(240)])
    model = DeepMLPClassifier(categorical_features=[0], **FAST).fit(
        X.astype(np.float32), y
    )
    assert model.coefs_[0].dtype == np.float32
    assert model.categories_[0].tolist() == [0.0, 1.0, 2.0]


def test_early_stopping_validates_on_the_expanded_input():
    frame, y = _frame(600)
    settings = dict(early_stopping=True, hidden_layer_sizes=(16,), random_state=0)
    model = DeepMLPClassifier(categorical_features="from_dtype", **settings)
    model.fit(frame, y)
    hand = DeepMLPClassifier(**settings).fit(
        _by_hand(frame, ["blue", "green", "red"]), y
    )
    assert model.validation_scores_ == hand.validation_scores_
    assert len(model.validation_scores_) > 10


@pytest.mark.parametrize("Estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_dtype_sets_the_training_type_whatever_x_is(Estimator):
    frame, y = _frame()
    y = y if Estimator is DeepMLPClassifier else y.astype(float)
    X = _by_hand(frame, ["blue", "green", "red"])
    ours = Estimator(dtype="float32", **FAST).fit(X, y)
    cast = Estimator(**FAST).fit(X.astype(np.float32), y)
    for a, b in zip(ours.coefs_, cast.coefs_):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    out = ours.predict_proba if Estimator is DeepMLPClassifier else ours.predict
    assert out(X).dtype == np.float64 and out(X.astype(np.float32)).dtype == np.float32
    assert (
        Estimator(dtype="float64", **FAST).fit(X.astype(np.float32), y).coefs_[0].dtype
        == np.float64
    )
    framed = Estimator(categorical_features="from_dtype", dtype="float32", **FAST)
    assert framed.fit(frame, y).coefs_[0].dtype == np.float32


def test_wrong_number_of_columns_is_said_before_the_text_is_looked_at():
    frame, y = _frame()
    model = DeepMLPClassifier(categorical_features=["colour"], **FAST).fit(frame, y)
    with pytest.raises(ValueError, match="X has 2 features, but .* expecting 3"):
        model.predict(frame[["colour", "size"]].to_numpy())
