"""Which columns are categorical, and X with their values as codes
(``categorical_features``), before scikit-learn's validation.

``categorical_features`` takes HistGradientBoosting's values: ``"from_dtype"``
(the pandas ``category`` columns of a DataFrame; nothing in an array), column
indices, a boolean mask, or column names. Its default, None, keeps the
drop-in contract: every column is a number. The first fit (or partial_fit's
first batch) fixes the columns and their categories (``is_categorical_``,
``categories_``); later fits and prediction code their values the same way
(``_network._columns``). Codes keep X's shape and, for a DataFrame, its
column names, so that scikit-learn's checks of the number and names of the
features see X as the user passed it.

For BaseDeepMLP; not for direct use.
"""

import sys

import numpy as np
from scipy import sparse
from sklearn.utils.validation import validate_data

from .._network._columns import category_codes, fit_categories, missing_values
from ._checks import check_numeric, is_frame


def _table(X):
    """X as a frame, a sparse matrix or a 2-D array with rows and columns;
    None for anything else, which validation then refuses in scikit-learn's
    words (1-D or empty X, complex numbers)."""
    if not (is_frame(X) or sparse.issparse(X)):
        X = np.asarray(X)
        if X.dtype.kind == "c":
            return None
        if X.dtype.kind in "USO":  # values compared one by one
            X = X.astype(object)
    if len(X.shape) != 2 or 0 in X.shape:
        return None
    return X


def _column(X, j):
    """Column ``j`` of a frame or a 2-D array, as a 1-D NumPy array; a pandas
    category column as its values (object), not its codes."""
    if is_frame(X):
        column = X.iloc[:, j]
        if str(column.dtype) == "category":
            return column.astype(object).to_numpy()
        return column.to_numpy()
    return X[:, j]


def _pandas_categories(X):
    """Which columns of X are pandas ``category`` columns."""
    if not is_frame(X):
        return np.zeros(X.shape[1], dtype=bool)
    return np.array([str(dtype) == "category" for dtype in X.dtypes], dtype=bool)


class ColumnsMixin:
    """``categorical_features`` and ``missing`` at the input, for
    BaseDeepMLP; not for direct use."""

    def _takes_columns(self):
        """Whether the fitted model codes its input's columns (categorical
        ones, or numeric NaN): then X is coded, and may hold NaN."""
        return "_column_fills" in vars(self)

    def _validate_columns(self, X, y, reset, **check):
        """``validate_data`` on X coded (``_coded``), letting NaN through
        where the model takes it; refusing it elsewhere with a message that
        names ``missing``."""
        X = self._coded(X, reset)
        allowed = self._nan_allowed(reset)
        try:
            return validate_data(
                self,
                X,
                y,
                reset=reset,
                ensure_all_finite="allow-nan" if allowed else True,
                **check,
            )
        except ValueError as error:
            if allowed or not str(error).startswith("Input X contains NaN"):
                raise
            raise ValueError(
                f"Input X contains NaN. {type(self).__name__} learns from "
                "missing values with missing='indicator' (a learned indicator "
                "per column); or impute them first, with "
                "sklearn.impute.SimpleImputer in a pipeline."
            ) from error

    def _nan_allowed(self, reset):
        """Whether validation lets NaN through: into a model that codes
        its columns (which then refuses NaN where it must,
        ``_check_numeric_nan``), or into a first fit that will."""
        if reset:
            return self.is_categorical_ is not None or self.missing == "indicator"
        return self._takes_columns()

    def _categorical_mask(self, X):
        """``categorical_features`` resolved on X: a boolean mask, or None
        when no column is categorical."""
        wanted = self.categorical_features
        if wanted is None:
            return None
        n = X.shape[1]
        if isinstance(wanted, str):  # "from_dtype", the only string accepted
            mask = _pandas_categories(X)
        else:
            mask = self._named_columns(X, np.asarray(wanted), n)
        if not mask.any():
            return None
        if sparse.issparse(X):
            raise ValueError(
                "categorical_features takes no sparse X: its columns are "
                "coded value by value. Pass X.toarray(), or a DataFrame."
            )
        return mask

    def _named_columns(self, X, wanted, n):
        """A mask from indices, a boolean mask or column names."""
        accepted = (
            "categorical_features takes 'from_dtype', column indices, a "
            "boolean mask of the columns, or column names"
        )
        if wanted.ndim != 1:
            raise ValueError(f"{accepted}; got an array of shape {wanted.shape}.")
        if wanted.dtype.kind == "b":
            if len(wanted) != n:
                raise ValueError(
                    f"categorical_features is a mask of {len(wanted)} values, "
                    f"but X has {n} columns."
                )
            return wanted.copy()
        mask = np.zeros(n, dtype=bool)
        if wanted.dtype.kind in "iu" or len(wanted) == 0:
            indices = wanted.astype(np.intp)
            bad = indices[(indices < 0) | (indices >= n)]
            if len(bad):
                raise ValueError(
                    f"categorical_features holds the column index {bad[0]}, "
                    f"but X has {n} columns (indices 0 to {n - 1})."
                )
            mask[indices] = True
            return mask
        if wanted.dtype.kind not in "UO" or not all(isinstance(v, str) for v in wanted):
            raise ValueError(f"{accepted}; got {wanted.tolist()!r}.")
        if not is_frame(X):
            raise ValueError(
                "categorical_features names columns, but X has no column "
                "names: pass a DataFrame, or column indices."
            )
        names = [str(c) for c in X.columns]
        for name in wanted:
            if name not in names:
                raise ValueError(
                    f"categorical_features names the column {name!r}, which X "
                    f"does not have; its columns are {names[:10]}"
                    f"{'...' if len(names) > 10 else ''}."
                )
            mask[names.index(name)] = True
        return mask

    def _fit_categories(self, X):
        """At a first fit: the categorical columns and their categories, or
        ``is_categorical_ = None``; a previous fit's are forgotten."""
        self.__dict__.pop("categories_", None)
        self.is_categorical_ = mask = None if X is None else self._categorical_mask(X)
        if mask is not None:
            names = _column_names(X)
            self.categories_ = [
                fit_categories(_column(X, j), names[j]) for j in np.flatnonzero(mask)
            ]

    def _coded(self, X, reset):
        """X with each categorical column's values as their codes (a float
        array, or a frame of the same names), its numeric columns checked to
        be numbers; X itself when the model has no categorical column."""
        if reset:
            wanted = self.categorical_features is not None
            self._fit_categories(_table(X) if wanted else None)
        mask = vars(self).get("is_categorical_")
        table = None if mask is None else _table(X)
        if table is None:  # no categories, or no table for validate_data
            check_numeric(X)
            return X
        if table.shape[1] != len(mask):  # scikit-learn's words
            raise ValueError(
                f"X has {table.shape[1]} features, but {type(self).__name__} "
                f"is expecting {len(mask)} features as input."
            )
        X = table
        numeric = np.flatnonzero(~mask)
        check_numeric(X.iloc[:, numeric] if is_frame(X) else X[:, numeric])
        as_float32 = getattr(X, "dtype", None) == np.float32
        codes = np.empty((X.shape[0], X.shape[1]), np.float32 if as_float32 else float)
        categories = iter(self.categories_)
        for j in range(X.shape[1]):
            column = _column(X, j)
            if mask[j]:
                codes[:, j] = category_codes(column, next(categories))
            else:
                codes[:, j] = _numbers(column)
        if is_frame(X):
            return sys.modules["pandas"].DataFrame(
                codes, columns=X.columns, index=X.index
            )
        return codes


def _column_names(X):
    if is_frame(X):
        return [repr(str(c)) for c in X.columns]
    return [str(j) for j in range(X.shape[1])]


def _numbers(column):
    """A numeric column as float64, missing values (None, NA) as NaN."""
    if column.dtype.kind == "O":
        column = column.copy()
        column[missing_values(column)] = np.nan
    return np.asarray(column, dtype=np.float64)
