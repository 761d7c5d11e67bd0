"""Checks of prediction and training input that scikit-learn does not make."""

import datetime

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_array


def is_frame(X):
    """Whether X is a DataFrame: a Series has ``iloc`` too, but no columns."""
    return hasattr(X, "columns") and hasattr(X, "iloc")


def check_numeric(X):
    """Refuse text and dates in X, at fit and at predict alike.

    NumPy would turn numeric strings and dates into numbers silently (a date
    becomes a count of days), so a model fitted on numbers would predict on
    them without a word. Object arrays (and object columns) are searched for
    strings and dates, one Python check per value: they are slow to convert
    anyway.
    """
    if sparse.issparse(X):
        return
    # a Series goes on as an array, for validate_data to refuse as 1-D
    frame = is_frame(X)
    array = None if frame else (X if hasattr(X, "dtype") else np.asarray(X))
    bad = set()
    for column, dtype in enumerate(X.dtypes if frame else [array.dtype]):
        name, kind = str(dtype), getattr(dtype, "kind", "O")
        if kind in "USMm" or name.startswith(_TEXT_OR_TIME):
            bad.add(name)
        elif kind == "O":  # only then are the values looked at
            values = X.iloc[:, column] if frame else array
            bad.update(
                type(v).__name__
                for v in np.ravel(np.asarray(values, dtype=object))
                if isinstance(v, (str, bytes, datetime.date, np.datetime64))
            )
    if bad:
        raise ValueError(
            f"X holds data of type {', '.join(sorted(bad))}; the network needs "
            "numbers. Name text categories in categorical_features (or encode "
            "them, e.g. with OneHotEncoder), convert numeric text with "
            "astype(float), and turn dates into numeric features."
        )


_TEXT_OR_TIME = ("string", "str", "datetime", "timedelta")


def check_label_kinds(y, name="y"):
    """Refuse class labels that mix strings with numbers.

    Sorting them, which every label routine of scikit-learn does, fails deep
    inside with ``'<' not supported between instances of 'int' and 'str'``.
    Only object arrays can mix them, so only those are looked at.
    """
    if y is None or sparse.issparse(y):
        return
    values = y if hasattr(y, "dtype") else np.asarray(y)
    if getattr(values.dtype, "kind", "") != "O":
        return
    text = number = None
    for value in np.ravel(np.asarray(values, dtype=object)):
        if isinstance(value, (str, bytes)):
            text = value if text is None else text
        else:
            number = value if number is None else number
        if text is not None and number is not None:
            raise ValueError(
                f"{name} mixes strings and other values (for example {text!r} "
                f"and {number!r}): class labels must be all strings or all "
                f"numbers. Convert them to one type first, e.g. with "
                f"{name}.astype(str)."
            )


def check_no_missing_targets(y, name="y"):
    """Refuse None (and pandas' NA) among the targets.

    Only object arrays can hold them. Neither scikit-learn's finiteness check
    (None equals itself, so it is not taken for NaN) nor its label routines
    look for them: a regressor's targets then became NaN on the way to
    floats and the fit ended in the divergence message, and a classifier's
    labels failed to sort with NumPy's ``'<' not supported`` error.
    """
    if y is None or sparse.issparse(y):
        return
    values = y if hasattr(y, "dtype") else np.asarray(y, dtype=object)
    if getattr(values.dtype, "kind", "") != "O":
        return
    flat = np.ravel(np.asarray(values, dtype=object))
    missing = [i for i, v in enumerate(flat) if v is None or _is_pandas_na(v)]
    if missing:
        raise ValueError(
            f"{name} is missing {len(missing)} of its {flat.size} values (None "
            f"or NA; the first at position {missing[0]}): every sample needs "
            f"its target. Drop those samples, or fill in their targets, "
            f"before calling this method."
        )


def _is_pandas_na(value):
    # pandas.NA, without importing pandas (optional at run time)
    return type(value).__name__ == "NAType"


def check_score_arguments(y, sample_weight):
    """Refuse what ``score`` would hand to the metric to fail on: a missing
    ``y``, missing or non-finite targets, or weights that are not numbers.
    The metric's own error would name its parameters (``y_true`` of
    ``accuracy_score``), not ``score``'s."""
    if y is None:
        raise ValueError(
            "score needs the true targets: y is None. Call score(X, y) with y "
            "of shape (n_samples,) or (n_samples, n_outputs)."
        )
    check_no_missing_targets(y)
    # the metrics' own check says "Input contains NaN." or names y_true
    check_array(y, accept_sparse=True, ensure_2d=False, dtype=None, input_name="y")
    if sample_weight is None:
        return
    # a string, dict or set would become a 0-d object or text array
    scalar_like = isinstance(sample_weight, (str, bytes, dict, set))
    if scalar_like or np.asarray(sample_weight).dtype.kind not in "biuf":
        raise ValueError(
            "sample_weight must be None or an array of numbers, one per sample; "
            f"got {sample_weight!r:.80}."
        )
