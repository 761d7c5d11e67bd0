"""Recommended configurations for both estimators, better than the defaults.

The defaults train MLPClassifier's and MLPRegressor's model (the drop-in
promise), so they keep their weak spots: no regularisation to speak of
(``alpha=1e-4``), a constant learning rate, hard 0/1 targets, and a regressor
whose training depends on the targets' units. ``recommended_params`` returns
the constructor arguments that the benchmarks on real tables
(``benchmarks/bench_realdata.py``, 12 classification and 8 regression tables,
docs/benchmarks.rst) and the quality benchmark (``bench_quality.py``)
measured as better on average, each ingredient kept only where removing it
cost accuracy in the ablation.
"""

import warnings

import numpy as np
from scipy import sparse
from sklearn.utils import check_array
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length

from ._checks import check_numeric, is_frame

# Each entry is a constructor argument; the comment says why it is there. The
# reasons are measured: docs/benchmarks.rst shows the accuracy lost when each
# one is put back to its default.
_RECOMMENDED = {
    # Two hidden layers of 128 instead of one of 100: room for interactions
    # between features, and cheap enough to stay within a few times
    # MLPClassifier's fit time.
    "hidden_layer_sizes": (128, 128),
    # A larger peak rate, safe because the warm-up starts low and the cosine
    # decay ends low.
    "learning_rate_init": 2e-3,
    # Linear warm-up over 5 epochs (Adam's moment estimates are poor in the
    # first steps), then cosine decay to zero: large steps early, fine ones at
    # the end, without a patience rule to tune.
    "learning_rate": "cosine",
    "warmup_epochs": 5,
    # A placeholder: recommended_params sets max_iter from the rows, as a
    # budget of optimiser steps (_budget), and turns the tol rule off.
    "max_iter": 300,
    # L2 penalty 10 000 times the default: the largest single gain on noisy
    # and high-dimensional data, and harmless elsewhere.
    "alpha": 1.0,
    # Dropping 10% of the hidden units regularises the wider network.
    "dropout": 0.1,
    # Softened targets keep the logits from growing without bound once the
    # training data are separated.
    "label_smoothing": 0.1,
    # Each numeric column centred and divided by its standard deviation, as
    # a StandardScaler ahead would (a no-op on standardised X), so that a raw
    # DataFrame in its own units gets what the benchmarks' pipeline gives.
    # Robust scaling cost up to 1.7 R² points on some tables (one seed).
    "input_scaling": "standard",
    # Training in float32: about half the time of float64, and as accurate
    # on the twenty real tables (three seeds: +1.74 against +1.76 points over
    # MLPClassifier, +11.52 against +11.55 R² points over MLPRegressor).
    "dtype": "float32",
    # Small periodic embeddings of the numeric columns (8 frequencies, 8
    # values per column; binary and one-hot columns pass through): on the
    # real classification tables +0.15 points of mean and the worst table
    # from -2.2 to -0.9 points against MLPClassifier; the recipe with them
    # fits in 1.4x MLPClassifier's time (16 and 16 cost more and did worse).
    "numeric_embedding": "periodic",
    "embedding_dim": 8,
    "embedding_frequencies": 8,
    # An L2 penalty on the embeddings' frequencies, ten times alpha's: left
    # free, they grew until the embeddings fitted noise. On the real
    # classification tables (three seeds) +0.26 points of mean and the worst
    # table (wells) from -1.1 to -0.6 against MLPClassifier.
    "embedding_alpha": 10.0,
}


#: The regression recipe: the classification one without label smoothing,
#: the frequency penalty or dropout, and with what regression on real tables
#: needed besides.
_RECOMMENDED_REGRESSION = {
    **{
        k: v
        for k, v in _RECOMMENDED.items()
        # the frequency penalty cost 0.8 R² points of mean on the regression
        # tables (one seed; 3 on the Chicago ridership); dropout cost 0.12 R²
        # points of mean (19 tables, three seeds, lower on 13 of them; the
        # Spanish food shares 0.35 points further below MLPRegressor), and
        # the early stopping below already regularises
        if k not in ("label_smoothing", "embedding_alpha", "dropout")
    },
    # Training on standardised targets: Adam's steps, the initial weights and
    # alpha all assume outputs of size about 1 (+3.7 R² points on real tables
    # called without a target wrapper).
    "scale_target": True,
    # The best epoch on a validation tenth, watched by its loss (which moves
    # every epoch) with a patience of 20 epochs: the recipe's 300 epochs
    # overfit small regression tables (birth weight: R² 2 -> 23), and large
    # ones stop early (+2.3 R² points on average, 0.7x the fit time).
    "early_stopping": True,
    "early_stopping_monitor": "loss",
    "n_iter_no_change": 20,
    # The periodic embeddings above: +0.6 R² points here, most on the tables
    # of many numeric columns.
}

_RECIPES = {"classification": _RECOMMENDED, "regression": _RECOMMENDED_REGRESSION}

#: The recipe's budget of optimiser steps (batches of 200 rows), turned into
#: epochs for the table at hand, between these bounds
_STEPS = 4000
_MIN_EPOCHS, _MAX_EPOCHS = 20, 300

#: Training rows above which the recipe's penalties weaken and its budget of
#: steps grows (_large_table): the training folds of the benchmarks'
#: 10,000-row tables, on which the recipe was chosen
_LARGE_ROWS = 8000

_CLASSIFICATION_TARGETS = ("binary", "multiclass", "multilabel-indicator")

#: The recipe's entries that need dense X
_EMBEDDING = (
    "numeric_embedding",
    "embedding_dim",
    "embedding_frequencies",
    "embedding_alpha",
)

#: Rows per embedded column (a numeric column of more than two values) below
#: which the recipe leaves the embeddings out. Each embedded column has 144
#: parameters of its own and widens the first layer's input eightfold; with
#: fewer rows than about 40 per column they fitted noise: on the 333 rows and
#: 128 numeric columns of a real Alzheimer's table they cost 2.5 points (ten
#: seeds), and on the bundled iris, wine, breast cancer and digits data (30 to
#: 22 rows per column) and the first 120 digits 0.3 to 1.1 points each, where
#: tables of 57 rows per column and more gained or were level.
_MIN_ROWS_PER_EMBEDDED_COLUMN = 40


def _task_of(task):
    """'classification' or 'regression' from a task name or an estimator
    (a class or an instance); None stays None."""
    if task is None or isinstance(task, str):
        if task not in (None, *_RECIPES):
            raise ValueError(
                f"task must be 'classification', 'regression' or an estimator; "
                f"got {task!r}."
            )
        return task
    kind = getattr(task, "_estimator_type", None)
    if kind is None and hasattr(task, "__sklearn_tags__"):
        instance = task() if isinstance(task, type) else task
        kind = instance.__sklearn_tags__().estimator_type
    if kind == "classifier":
        return "classification"
    if kind == "regressor":
        return "regression"
    raise ValueError(
        f"task must be 'classification', 'regression' or an estimator; "
        f"{task!r} is neither a classifier nor a regressor."
    )


def recommended_params(X, y, task=None):
    """Constructor arguments for a DeepMLP estimator that generalises better.

    ``DeepMLPClassifier(**recommended_params(X_train, y_train,
    task="classification"))`` trains a wider, regularised network with a
    warm-up and cosine learning-rate schedule, label smoothing and small
    periodic embeddings of the numeric columns, their frequencies held back
    by a penalty. ``task="regression"`` gives
    the recipe for :class:`DeepMLPRegressor`: the same network (without
    dropout), schedule and embeddings on standardised targets
    (``scale_target``), with early stopping on the validation loss. The
    user guide gives each ingredient's measured gain. It is a starting
    point, not a tuned model: a grid search on your own data can do better.

    The training is a budget of optimiser steps: ``max_iter`` is the number
    of epochs that makes about 4000 batches of 200 rows (between 20 and
    300 epochs), and nothing stops it earlier (``n_iter_no_change=inf``;
    the regression recipe's early stopping keeps its best epoch), so the
    cosine schedule always runs to its end. Beyond 8000 rows the budget
    grows with the square root of the rows, and the penalties ``alpha`` and
    ``embedding_alpha`` shrink in proportion to them (a table of 32 000
    rows gets 8000 steps and a quarter of the penalty): more data needs
    less holding back, and a large table still costs less than
    MLPClassifier's fit, which runs up to ``max_iter`` epochs.

    A DataFrame may come raw: its text and ``category`` columns are named in
    ``categorical_features``, and it gets ``missing='indicator'`` (as does
    an array with NaN), so that NaN is taken in training and later alike.

    Nothing is fitted. ``X`` and ``y`` are checked (numbers in ``X``'s other
    columns, a target of the task in ``y``, as many rows in each). The
    recipe has no embeddings for a sparse ``X``, which they cannot take, nor
    for an ``X`` with fewer than 40 rows per column they would embed (a
    numeric column of more than two distinct values), where they fitted
    noise in the benchmarks.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The training data, as it will be passed to ``fit``.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Class labels or a label-indicator matrix for classification; real
        values for regression.
    task : {"classification", "regression"} or estimator, default=None
        The task, or the estimator (class or instance) the arguments are
        for. The target alone cannot tell: ages, counts or times in whole
        seconds look like class labels. None guesses from ``y`` as earlier
        releases did, classification only, with a FutureWarning: pass the
        task.

    Returns
    -------
    params : dict
        Constructor arguments of :class:`DeepMLPClassifier` or
        :class:`DeepMLPRegressor`; a new dict on each call, so changing it
        changes nothing else. Add ``random_state`` and any other argument to
        it, or override its entries.

    Raises
    ------
    ValueError
        If ``X`` holds text or dates, if ``X`` and ``y`` have different
        numbers of rows, if ``task`` is not one of those accepted, or if
        ``y`` is not a target of the task (continuous values for
        classification, say).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sk_deepmlp import DeepMLPClassifier, recommended_params
    >>> X, y = load_iris(return_X_y=True)
    >>> params = recommended_params(X, y, task="classification")
    >>> params["learning_rate"], params["label_smoothing"]
    ('cosine', 0.1)
    >>> model = DeepMLPClassifier(**params, random_state=0)
    """
    task = _task_of(task)
    numbers = _numeric_part(X)
    check_consistent_length(X, y)
    target = type_of_target(y, input_name="y")
    if task is None:
        if target not in _CLASSIFICATION_TARGETS:
            raise ValueError(
                f"recommended_params needs the task: y is {target!r}. Pass "
                "task='regression' (or the estimator) for a regressor."
            )
        warnings.warn(
            "recommended_params(X, y) guessed the task 'classification' from "
            "y; pass task='classification' or 'regression' (or the "
            "estimator). Whole numbers such as ages or counts look like class "
            "labels, so the guess will be removed in a future release.",
            FutureWarning,
        )
        task = "classification"
    if task == "classification" and target not in _CLASSIFICATION_TARGETS:
        raise ValueError(
            f"recommended_params is for classification; y is {target!r}. "
            "It accepts class labels (binary or multiclass) or a multilabel "
            "indicator matrix; for real values pass task='regression'."
        )
    if task == "regression" and target not in (
        "continuous",
        "continuous-multioutput",
        "binary",
        "multiclass",
        "multiclass-multioutput",
    ):
        raise ValueError(
            f"task='regression' needs real-valued targets; y is {target!r}."
        )
    params = dict(_RECIPES[task])
    params.update(_table_params(X, numbers))
    # sparse X: the embeddings need dense X; the rest takes either
    if sparse.issparse(X):
        params.pop("input_scaling")
    if sparse.issparse(X) or _too_few_rows_to_embed(numbers):
        for name in _EMBEDDING:
            params.pop(name, None)
    params.update(_large_table(_n_rows(X), params))
    return params


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _budget(n_rows, params, steps=_STEPS):
    """``max_iter`` as a budget of optimiser steps, and no stop before it
    (``n_iter_no_change=inf``; early stopping, where the recipe has it,
    still keeps the best epoch): the cosine schedule then always runs to its
    end, and a large table gets fewer epochs of more steps each."""
    if params.get("early_stopping"):
        n_rows -= int(np.ceil(0.1 * n_rows))  # the validation tenth
    steps_per_epoch = -(-max(n_rows, 1) // 200)  # batches of 200 rows
    epochs = round(steps / steps_per_epoch)
    budget = {"max_iter": int(np.clip(epochs, _MIN_EPOCHS, _MAX_EPOCHS))}
    if not params.get("early_stopping"):
        budget["n_iter_no_change"] = np.inf
    return budget


def _large_table(n_rows, params):
    """What a table of more than ``_LARGE_ROWS`` training rows gets: the
    penalties divided by ``n_rows / _LARGE_ROWS``, and the budget of steps
    multiplied by its square root. Nothing changes up to ``_LARGE_ROWS``.

    ``alpha`` weighs the squared weights against the *mean* loss of a batch,
    so its pull does not fade as rows come in, where the evidence against it
    grows with them; and a fixed budget of steps gives a large table few
    epochs. Chosen on tables of about 8000 training rows, both held the whole
    large tables back: a rodent species table of 27 000 training rows 2.7
    points below MLPClassifier, IMDb ratings and maths scores below
    MLPRegressor. On the 15 large tables whole, the penalty divided as a
    prior is against a sum of losses, and a budget growing with the square
    root of the rows, brought those three within 0.1 point of MLP or above it
    and lifted 12 of the 15 tables; a budget growing with the rows gained
    0.1 to 0.2 points of mean more at twice the time (docs/benchmarks.rst).
    """
    if n_rows <= _LARGE_ROWS:
        return _budget(n_rows, params)
    shrink = _LARGE_ROWS / n_rows
    weaker = {
        name: params[name] * shrink
        for name in ("alpha", "embedding_alpha")
        if name in params
    }
    steps = _STEPS * (n_rows / _LARGE_ROWS) ** 0.5
    return {**weaker, **_budget(n_rows, params, steps)}


def _text_positions(X):
    """The positions of a DataFrame's columns that hold categories rather
    than numbers (pandas ``category``, text or objects); [] for anything
    else."""
    if not is_frame(X):
        return []
    return [
        j
        for j, dtype in enumerate(X.dtypes)
        if str(dtype) == "category"
        or getattr(dtype, "kind", "O") in "OUS"
        or str(dtype).startswith(("string", "str"))
    ]


def _text_columns(X):
    """``_text_positions`` as column names (as positions if the names are
    not all strings), as ``categorical_features`` takes them."""
    text = _text_positions(X)
    names = list(X.columns) if text else []
    if all(isinstance(name, str) for name in names):
        return [names[j] for j in text]
    return text


def _table_params(X, numbers):
    """What a raw table needs: its text columns as ``categorical_features``,
    and ``missing='indicator'`` if its numeric columns have NaN, or if it is
    a DataFrame: a column without NaN in the training rows may have some
    later, which is then filled rather than refused (on data without NaN the
    model is the same)."""
    params = {}
    text = _text_columns(X)
    if text:
        params["categorical_features"] = text
    if is_frame(X) or (not sparse.issparse(numbers) and np.isnan(numbers).any()):
        params["missing"] = "indicator"
    return params


def _numeric_part(X):
    """X's numeric columns as a float array (text refused), for the
    recipe's counts."""
    text = _text_positions(X)
    if text:
        X = X.iloc[:, [j for j in range(X.shape[1]) if j not in text]]
    check_numeric(X)
    return check_array(
        X,
        accept_sparse=True,
        dtype="numeric",
        ensure_all_finite=False,
        ensure_min_features=0,
        input_name="X",
    )


def _too_few_rows_to_embed(X):
    """Whether X (its numeric columns) has fewer rows per column that the
    embeddings would embed than they need (``_MIN_ROWS_PER_EMBEDDED_COLUMN``);
    NaN is left out of the count of distinct values."""
    if sparse.issparse(X):
        return True
    embedded = sum(len(np.unique(c[~np.isnan(c)])) > 2 for c in X.T)
    return len(X) < _MIN_ROWS_PER_EMBEDDED_COLUMN * embedded
