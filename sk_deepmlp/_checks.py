"""Checks of prediction and training input that scikit-learn does not make."""

import datetime

import numpy as np
from scipy import sparse


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
    frame = hasattr(X, "dtypes") and hasattr(X, "iloc")  # a DataFrame
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
            "numbers. Encode text categories (e.g. with OneHotEncoder), convert "
            "numeric text with astype(float), and turn dates into numeric "
            "features."
        )


_TEXT_OR_TIME = ("string", "str", "datetime", "timedelta")
