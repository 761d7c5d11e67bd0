"""recommended_params: valid arguments, clear errors, documented ingredients.

Its accuracy is measured by benchmarks/bench_quality.py (docs/benchmarks.rst),
over data sets and seeds: a single split is too noisy to assert a gain on.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import make_classification

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, recommended_params
from sk_deepmlp._network._front import EMBEDDING


def test_every_entry_is_a_constructor_argument_that_changes_a_default(binary_data):
    X, y = binary_data
    params = recommended_params(X, y, task="classification")
    model = DeepMLPClassifier(**params)
    model._validate_params()  # every value is one the constraints accept
    defaults = DeepMLPClassifier().get_params()
    for name, value in params.items():
        assert clone(model).get_params()[name] == value
        assert defaults[name] != value, f"{name} repeats the default"


def test_a_new_dict_on_each_call(binary_data):
    X, y = binary_data
    first = recommended_params(X, y, task="classification")
    first["alpha"] = 123.0
    first["random_state"] = 0
    second = recommended_params(X, y, task="classification")
    assert second["alpha"] != 123.0 and "random_state" not in second


def test_inputs_are_left_untouched(binary_data):
    X, y = binary_data
    X_copy, y_copy = X.copy(), y.copy()
    recommended_params(X, y, task="classification")
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


@pytest.mark.parametrize(
    "make_input",
    [
        lambda X, y: (sparse.csr_matrix(X), y),
        lambda X, y: (X, np.array(["no", "yes"])[y]),
        lambda X, y: (X.tolist(), list(y)),
        lambda X, y: (X, np.column_stack([y, 1 - y, y])),  # multilabel
    ],
    ids=["sparse", "string labels", "lists", "multilabel"],
)
def test_accepts_what_fit_accepts(make_input):
    # enough rows for the embeddings (40 per column)
    X, y = make_input(*make_classification(n_samples=300, n_features=6, random_state=0))
    params = recommended_params(X, y, task="classification")
    model = DeepMLPClassifier(**{**params, "max_iter": 20}, random_state=0)
    # the cosine schedule ends at max_iter by design: no ConvergenceWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(X, y)
    assert model.predict(X).shape == np.shape(y)


@pytest.mark.parametrize("n_samples", [120, 300])  # without and with embeddings
def test_accepts_a_dataframe(n_samples):
    pd = pytest.importorskip("pandas")
    X, y = make_classification(n_samples=n_samples, n_features=6, random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    # the same recipe, but that a frame takes NaN (in later batches too)
    assert recommended_params(frame, pd.Series(y), task="classification") == {
        **recommended_params(X, y, task="classification"),
        "missing": "indicator",
    }


@pytest.mark.parametrize(
    "y, message",
    [
        (np.linspace(0, 1, 120), "for classification; y is 'continuous'"),
        (np.arange(240).reshape(120, 2) % 3, "'multiclass-multioutput'"),
    ],
    ids=["continuous", "multiclass-multioutput"],
)
def test_refuses_targets_that_are_not_classification(binary_data, y, message):
    X, _ = binary_data
    with pytest.raises(ValueError, match=message):
        recommended_params(X, y, task="classification")


def test_refuses_text_and_mismatched_lengths(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        recommended_params(X, y[:-1], task="classification")
    with pytest.raises(ValueError, match="the network needs numbers"):
        recommended_params(X.astype(str), y, task="classification")


def test_the_user_guide_gives_a_reason_for_every_ingredient():
    """The guide's list must follow the configurations when they change."""
    guide = (Path(__file__).parents[1] / "docs" / "user_guide.rst").read_text()
    section = guide.split("A recommended configuration\n")[1].split("\n---")[0]
    # enough rows for every ingredient, the embeddings' included
    X, y = make_classification(n_samples=400, n_features=6, random_state=0)
    assert "numeric_embedding" in recommended_params(X, y, task="classification")
    for task in ("classification", "regression"):
        for name in recommended_params(X, y, task=task):
            assert f"``{name}=" in section, f"the user guide does not explain {name}"


@pytest.mark.parametrize(
    "task", ["regression", DeepMLPRegressor, DeepMLPRegressor(alpha=1.0)]
)
def test_whole_number_targets_get_the_regression_recipe_when_asked(binary_data, task):
    # ages, counts, seconds: type_of_target calls them "multiclass"
    X, _ = binary_data
    ages = np.arange(len(X)) % 60 + 18
    params = recommended_params(X, ages, task=task)
    assert "label_smoothing" not in params
    model = DeepMLPRegressor(**params)
    model._validate_params()
    defaults = DeepMLPRegressor().get_params()
    assert all(defaults[name] != value for name, value in params.items())


@pytest.mark.parametrize("task", ["classification", DeepMLPClassifier])
def test_the_classifier_task_by_name_or_estimator(binary_data, task):
    X, y = binary_data
    assert recommended_params(X, y, task=task)["label_smoothing"] == 0.1


def test_without_a_task_it_guesses_classification_and_warns(binary_data):
    X, y = binary_data
    with pytest.warns(FutureWarning, match="pass task='classification' or"):
        guessed = recommended_params(X, y)
    assert guessed == recommended_params(X, y, task="classification")
    with pytest.raises(ValueError, match="needs the task: y is 'continuous'"):
        recommended_params(X, np.linspace(0, 1, len(y)))


@pytest.mark.parametrize(
    "task, message",
    [
        ("clustering", "task must be 'classification', 'regression' or an"),
        (object(), "is neither a classifier nor a regressor"),
    ],
)
def test_refuses_an_unknown_task(binary_data, task, message):
    X, y = binary_data
    with pytest.raises(ValueError, match=message):
        recommended_params(X, y, task=task)


def test_regression_refuses_label_matrices(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="needs real-valued targets"):
        recommended_params(X, np.column_stack([y, 1 - y]), task="regression")


EMBEDDING_KEYS = {"numeric_embedding", "embedding_dim", "embedding_frequencies"}
#: every argument that only means something with the embeddings
DENSE_ONLY = EMBEDDING_KEYS | {"embedding_alpha"}


def test_sparse_data_gets_the_recipe_without_embeddings():
    X, y = make_classification(n_samples=400, n_features=6, random_state=0)
    dense = recommended_params(X, y, task="classification")
    sparse_ = recommended_params(sparse.csr_matrix(X), y, task="classification")
    assert dense["numeric_embedding"] == "periodic"
    # the scaling too works on every value of a column
    assert set(dense) - set(sparse_) == DENSE_ONLY | {"input_scaling"}


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_embeddings_need_40_rows_per_embedded_column(task):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 6))
    y = rng.integers(0, 2, 240) if task == "classification" else rng.normal(size=240)
    assert EMBEDDING_KEYS <= set(recommended_params(X, y, task=task))
    params = recommended_params(X[:239], y[:239], task=task)
    assert not DENSE_ONLY & set(params)
    # the rest of the recipe is the same
    assert params == {
        k: v
        for k, v in recommended_params(X, y, task=task).items()
        if k not in DENSE_ONLY
    }


def test_binary_and_one_hot_columns_do_not_count_against_the_embeddings():
    rng = np.random.default_rng(0)
    numeric = rng.normal(size=(100, 2))
    flags = rng.integers(0, 2, size=(100, 30)) * 3.0 - 1.0  # any two values
    one_hot = np.eye(4)[rng.integers(0, 4, 100)]
    y = rng.integers(0, 2, 100)
    X = np.hstack([numeric, flags, one_hot])  # 36 columns, 2 embedded
    assert EMBEDDING_KEYS <= set(recommended_params(X, y, task="classification"))
    X = np.hstack([rng.normal(size=(100, 3)), flags])  # 3 embedded: 120 rows needed
    assert not DENSE_ONLY & set(recommended_params(X, y, task="classification"))


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_the_recipe_trains_in_float32_when_given_float32(task):
    # the user guide's advice for the recipe's fit time: float32 X makes every
    # trained array float32, the embeddings' included, so the whole fit is
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 6)).astype(np.float32)
    y = rng.integers(0, 2, 240) if task == "classification" else rng.normal(size=240)
    params = recommended_params(X, y, task=task)
    assert params["numeric_embedding"] == "periodic"
    cls = DeepMLPClassifier if task == "classification" else DeepMLPRegressor
    params.update(max_iter=8, random_state=0)  # beyond the warm-up
    model = cls(**params).fit(X, y)
    arrays = [
        *model.coefs_,
        *model.intercepts_,
        *(getattr(model, n) for n in EMBEDDING),
    ]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}
    predict = model.predict_proba if task == "classification" else model.predict
    assert predict(X).dtype == np.float32


def _raw_frame(n=400, seed=0):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "income": rng.lognormal(10, 1, n),  # raw units, far from 0 and 1
            "age": rng.integers(18, 90, n).astype(float),
            "city": pd.Categorical(rng.choice(["Oslo", "Lima", "Pune"], n)),
            "plan": rng.choice(["basic", "pro"], n).astype(object),
        }
    )
    frame.loc[rng.random(n) < 0.1, "income"] = np.nan
    y = (frame["city"] == "Oslo").to_numpy() ^ (frame["age"] > 50).to_numpy()
    return frame, y


def test_a_raw_frame_gets_its_categories_and_missing_values_named():
    frame, y = _raw_frame()
    params = recommended_params(frame, y, task="classification")
    assert params["categorical_features"] == ["city", "plan"]
    assert params["missing"] == "indicator"
    model = DeepMLPClassifier(**params, random_state=0).fit(frame[:300], y[:300])
    assert model.is_categorical_.tolist() == [False, False, True, True]
    assert model.score(frame[300:], y[300:]) > 0.9
    # a frame always takes NaN, which a later batch may have; an array
    # without NaN keeps the default; without text, no categorical_features
    numbers = frame[["income", "age"]].fillna(1.0)
    params = recommended_params(numbers, y, task="classification")
    assert params["missing"] == "indicator" and "categorical_features" not in params
    model = DeepMLPClassifier(**params, random_state=0).fit(numbers, y)
    plain = dict(params, missing="error")
    same = DeepMLPClassifier(**plain, random_state=0).fit(numbers, y)
    np.testing.assert_array_equal(model.coefs_[0], same.coefs_[0])
    holes = numbers.copy()
    holes.iloc[0, 0] = np.nan
    assert model.predict(holes).shape == y.shape  # filled, not refused
    params = recommended_params(numbers.to_numpy(), y, task="classification")
    assert "missing" not in params


def test_the_40_row_rule_counts_the_numeric_columns_of_a_frame():
    frame, y = _raw_frame(n=79)  # 2 numeric columns need 80 rows
    assert not DENSE_ONLY & set(recommended_params(frame, y, task="classification"))
    frame, y = _raw_frame(n=80)
    assert EMBEDDING_KEYS <= set(recommended_params(frame, y, task="classification"))


def _recipes_by_rows(task, sizes):
    """recommended_params on random tables of 3 columns and each number of
    rows in ``sizes``, keyed by it."""
    rng = np.random.default_rng(0)
    params = {}
    for n in sizes:
        X = rng.normal(size=(n, 3))
        y = rng.integers(0, 2, n) if task == "classification" else rng.normal(size=n)
        params[n] = recommended_params(X, y, task=task)
    return params


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_the_budget_is_steps_and_the_schedule_runs_to_its_end(task):
    budgets = _recipes_by_rows(task, (500, 10_000, 100_000))
    epochs = [budgets[n]["max_iter"] for n in (500, 10_000, 100_000)]
    assert epochs[0] == 300 and epochs[0] > epochs[1] > epochs[2] >= 20
    if task == "classification":  # no tol rule: the cosine ends the fit
        assert all(p["n_iter_no_change"] == np.inf for p in budgets.values())
    else:  # early stopping keeps the best epoch within the budget
        assert all(p["early_stopping"] for p in budgets.values())


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_beyond_8000_rows_the_penalties_weaken_and_the_budget_grows(task):
    params = _recipes_by_rows(task, (8000, 16_000, 32_000))
    penalties = ["alpha"] + (["embedding_alpha"] if task == "classification" else [])
    assert params[8000]["alpha"] == 1.0  # the recipe's, up to 8000 rows
    for name in penalties:
        base = params[8000][name]
        assert params[16_000][name] == pytest.approx(base / 2)
        assert params[32_000][name] == pytest.approx(base / 4)
    # steps = epochs x batches of 200 rows (less the validation tenth where
    # the regression recipe stops early): 4000 at 8000 rows, twice that at
    # four times the rows
    fit_rows = {n: n - (n // 10 if task == "regression" else 0) for n in params}
    steps = {n: params[n]["max_iter"] * fit_rows[n] / 200 for n in params}
    assert steps[8000] == pytest.approx(4000, rel=0.05)
    assert steps[32_000] == pytest.approx(8000, rel=0.05)
    assert steps[16_000] == pytest.approx(4000 * np.sqrt(2), rel=0.05)
