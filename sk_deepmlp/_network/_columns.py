"""Categorical columns and missing values, as numbers the network can take
(``categorical_features`` and ``missing='indicator'``).

Two steps, each fixed at the first fit:

1. **Codes.** A categorical column's values become the positions of its
   categories (``category_codes``): the distinct values seen in the first
   fit, sorted, matched by value (never by a pandas code, which depends on
   the frame). A value not seen then codes -1, a missing one NaN.
2. **Expansion** (``expand_columns``), on the validated codes. Each
   categorical column becomes one 0/1 column per category, plus a missing
   slot if the first fit had missing values there; an unseen category, or a
   missing one without a slot, is all zeros, so no weight that training never
   reached is used. A one-hot column times the first layer's weights is the
   category's learned embedding, of the first layer's width. A numeric
   column's NaN becomes the column's median in the first fit, and with
   ``missing='indicator'`` a column that had NaN then gains a 0/1 column
   that says which values were missing, so the first layer learns what a
   missing value means instead of reading it as the median.

The columns keep X's order, each followed by its own new ones; robust
scaling and the periodic embeddings then see 0/1 columns, which they leave
alone (``_inputs.binary_columns``).
"""

import numpy as np

from ._inputs import weighted_quantiles

#: The most categories a column may have: one-hot columns beyond this make
#: the first layer a lookup table of rows that few training samples reach
MAX_CATEGORIES = 1000


def missing_values(values):
    """Which entries of a 1-D array are missing: NaN, None, pandas.NA or NaT
    (any value not equal to itself)."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind != "O":
        return np.zeros(values.shape, dtype=bool)
    # NA == NA is NA, whose truth value raises: ask for identity first
    return np.fromiter(
        (v is None or _unequal_to_itself(v) for v in values),
        dtype=bool,
        count=len(values),
    )


def _unequal_to_itself(value):
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA
        return True


def fit_categories(values, name):
    """The distinct non-missing values of a column, sorted, as a NumPy array
    (float64 for numbers, object otherwise); ``name`` labels the errors."""
    kept = values[~missing_values(values)]
    if kept.dtype.kind in "biuf":
        categories = np.unique(kept.astype(np.float64))
    else:
        try:
            categories = np.array(sorted(set(kept.tolist())), dtype=object)
        except TypeError:
            kinds = sorted({type(v).__name__ for v in kept.tolist()})
            raise TypeError(
                f"The categorical column {name} mixes values of types "
                f"{', '.join(kinds)}, which cannot be sorted into categories. "
                "Give each categorical column values of one type."
            ) from None
    if len(categories) > MAX_CATEGORIES:
        raise ValueError(
            f"The categorical column {name} has {len(categories)} distinct "
            f"values; at most {MAX_CATEGORIES} are accepted. Leave it out of "
            "categorical_features if it is numeric, or group its rare values."
        )
    return categories


def category_codes(values, categories):
    """Positions of ``values`` in ``categories`` as float64: -1 for a value
    not among them, NaN for a missing one."""
    missing = missing_values(values)
    if not len(categories):
        codes = np.full(len(values), -1.0)
    elif categories.dtype.kind == "f" and values.dtype.kind in "biuf":
        numbers = values.astype(np.float64)
        positions = np.searchsorted(categories, numbers).clip(0, len(categories) - 1)
        found = categories[positions] == numbers
        codes = np.where(found, positions, -1).astype(np.float64)
    else:  # by value, whatever the types: an unseen type is an unseen value
        lookup = {v: i for i, v in enumerate(categories.tolist())}
        codes = np.fromiter(
            (lookup.get(v, -1) if _hashable(v) else -1 for v in values.tolist()),
            dtype=np.float64,
            count=len(values),
        )
    codes[missing] = np.nan
    return codes


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def drop_unreached(X, categorical, categories, trained):
    """The codes and categories without the categories that no ``trained``
    row holds (rows of weight 0): those are coded as unseen, -1. X is
    copied only if a category goes."""
    kept, original = [], X
    for j, values in zip(np.flatnonzero(categorical), categories):
        present = X[trained, j]
        reached = np.zeros(len(values), dtype=bool)
        reached[present[present >= 0].astype(np.intp)] = True
        if not reached.all():
            if X is original:
                X = X.copy()
            new = np.where(reached, np.cumsum(reached) - 1, -1)
            column = X[:, j]
            known = column >= 0  # False for NaN
            column[known] = new[column[known].astype(np.intp)]
        kept.append(values[reached])
    return X, kept


def fill_values(X, categorical, sample_weight=None):
    """Each numeric column's median over its non-missing values (weighted;
    0 for a column with none); NaN for the categorical ones."""
    fills = np.full(X.shape[1], np.nan)
    for j in np.flatnonzero(~categorical):
        present = ~np.isnan(X[:, j])
        if not present.any():
            fills[j] = 0.0
            continue
        weights = None if sample_weight is None else sample_weight[present]
        if weights is not None and not weights.sum() > 0:
            weights = None
        column = X[present, j : j + 1].astype(np.float64)
        fills[j] = weighted_quantiles(column, (0.5,), weights)[0, 0]
    return fills


def expanded_width(categorical, n_categories, indicated):
    """The expansion's number of columns."""
    return int((~categorical).sum() + np.sum(n_categories) + indicated.sum())


def expand_columns(X, categorical, n_categories, fills, indicated):
    """The codes ``X`` as the network's input, in X's dtype: categorical
    columns one-hot (with a missing slot where ``indicated``), numeric NaN
    filled, and an indicator after each ``indicated`` numeric column."""
    n = X.shape[0]
    width = expanded_width(categorical, n_categories, indicated)
    out = np.zeros((n, width), dtype=X.dtype)
    rows = np.arange(n)
    at, k = 0, 0
    for j in range(X.shape[1]):
        column = X[:, j]
        missing = np.isnan(column)
        if categorical[j]:
            size = int(n_categories[k])
            k += 1
            known = (column >= 0) & ~missing
            out[rows[known], at + column[known].astype(np.intp)] = 1
            at += size
        else:
            out[:, at] = np.where(missing, fills[j], column)
            at += 1
        if indicated[j]:
            out[:, at] = missing
            at += 1
    return out
