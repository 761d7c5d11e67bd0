"""What the network does to X before its first layer, as fitted state: the
expansion of categorical codes and missing values (``_columns``), the
robust scaling's statistics (``_inputs``) and the periodic embedding's
columns and parameters (``_embeddings``).

Both are fixed at a first fit from its training data (the columns to leave
alone are those with at most two distinct values there); ``partial_fit`` and
warm starts keep them and refuse to add or remove either. The embedding's
parameters are trained with the rest, as views of the network's flat vector
(``_fitted``); prediction applies both (``transform_front``).
"""

import numpy as np
from scipy import sparse

from ._columns import drop_unreached, expand_columns, fill_values
from ._embeddings import embed, embedding_width, init_embedding
from ._inputs import SCALINGS, binary_columns, robust_scale

#: The fitted attributes of input_scaling, in robust_scale's order
INPUT_SCALING = ("input_offset_", "input_factor_", "input_scaled_")
#: The fitted expansion of categorical codes and missing values
COLUMNS = ("_column_fills", "_column_indicated", "_numeric_nan_ok")
#: The embedding's trained arrays, in the network's order
EMBEDDING = ("embedding_frequencies_", "embedding_coefs_", "embedding_intercepts_")

_CHANGED = (
    "{name}={value!r} does not match the fitted model, which was fitted "
    "{how} it: warm_start and partial_fit continue that model. Fit with "
    "warm_start=False to start anew."
)


class FrontMixin:
    """The fitted input scaling and embedding, for BaseDeepMLP; not for
    direct use."""

    def _accepts_sparse(self):
        """Whether fit takes sparse X: not with a scaling, an embedding or
        missing indicators, which work on every value of a column."""
        return (
            self.input_scaling is None
            and self.numeric_embedding is None
            and self.missing == "error"
        )

    def _input_scaling(self):
        """``(offset, factor, clipped)`` of input_scaling, or None."""
        if "input_scaled_" not in vars(self):
            return None
        return tuple(getattr(self, name) for name in INPUT_SCALING)

    def _embedding(self):
        """``(embedded, n_frequencies, dim)`` of the fitted embedding, or None."""
        if "embedded_features_" not in vars(self):
            return None
        _, n_frequencies, dim = self.embedding_coefs_.shape
        return self.embedded_features_, n_frequencies // 2, dim

    def _front_width(self, n_features):
        """The first layer's input width for ``n_features`` columns."""
        embedding = self._embedding()
        if embedding is None:
            return n_features
        embedded, _, dim = embedding
        return embedding_width(n_features, int(embedded.sum()), dim)

    def _fit_columns(self, X, sample_weight, reset):
        """X expanded for the network (``_columns.expand_columns``): at a
        first fit, with the fill values and the missing slots of its data
        (and a previous fit's forgotten); X itself for a model whose columns
        are all numbers and that takes no NaN."""
        if reset:
            for name in COLUMNS:
                self.__dict__.pop(name, None)
            if vars(self).get("is_categorical_") is None and self.missing == "error":
                return X
            if sparse.issparse(X):
                raise ValueError(
                    "missing='indicator' takes no sparse X: it fills and "
                    "marks the missing values column by column. Pass "
                    "X.toarray(), or missing='error'."
                )
            categorical = self._categorical_columns()
            # only rows that train count: a category or a missing value seen
            # in rows of weight 0 alone would get weights that never learn
            trained = slice(None) if sample_weight is None else sample_weight > 0
            if "categories_" in vars(self):
                X, self.categories_ = drop_unreached(
                    X, categorical, self.categories_, trained
                )
            had_missing = np.isnan(X[trained]).any(axis=0)
            self._numeric_nan_ok = self.missing == "indicator"
            self._column_fills = fill_values(X, categorical, sample_weight)
            self._column_indicated = had_missing & (categorical | self._numeric_nan_ok)
        self._check_numeric_nan(X)
        return self._expanded(X)

    def _categorical_columns(self):
        """``is_categorical_``, or a mask of no column where it is None."""
        categorical = self.is_categorical_
        if categorical is None:
            return np.zeros(self.n_features_in_, dtype=bool)
        return categorical

    def _expanded(self, X):
        """X coded as the network's input: X itself for a model that codes
        nothing (``_columns.expand_columns``)."""
        if "_column_fills" not in vars(self):
            return X
        sizes = [len(c) for c in vars(self).get("categories_", [])]
        return expand_columns(
            X,
            self._categorical_columns(),
            sizes,
            self._column_fills,
            self._column_indicated,
        )

    def _check_numeric_nan(self, X):
        """Refuse NaN in the numeric columns of a model that does not take
        them (``missing='error'``)."""
        if vars(self).get("_numeric_nan_ok", True) or sparse.issparse(X):
            return
        numeric = ~self.is_categorical_
        bad = np.isnan(X[:, numeric]).any(axis=0)
        if bad.any():
            column = int(np.flatnonzero(numeric)[np.argmax(bad)])
            raise ValueError(
                f"Input X contains NaN in the numeric column {column}. "
                f"{type(self).__name__} with missing='error' takes NaN in "
                "categorical columns only. Fit with missing='indicator' to "
                "learn from missing values, or impute them first "
                "(sklearn.impute.SimpleImputer)."
            )

    def _fit_front(self, X, sample_weight, reset):
        """At a first fit, set the scaling's statistics and the columns to
        embed (and forget those of a previous fit); a continued fit keeps
        them, and refuses to add or remove either."""
        wanted = {
            "input_scaling": (self.input_scaling, "input_scaled_"),
            "numeric_embedding": (self.numeric_embedding, "embedded_features_"),
        }
        if not reset:
            for name, (value, attribute) in wanted.items():
                fitted = attribute in vars(self)
                if (value is not None) != fitted:
                    how = "with" if fitted else "without"
                    raise ValueError(_CHANGED.format(name=name, value=value, how=how))
            return
        for name in (*INPUT_SCALING, *EMBEDDING, "embedded_features_"):
            self.__dict__.pop(name, None)
        for name, (value, _) in wanted.items():
            if value is not None and sparse.issparse(X):
                raise ValueError(
                    f"{name}={value!r} needs dense X: it works column by column "
                    "on every value (centring alone would fill every zero of a "
                    f"sparse matrix). Pass X.toarray(), or {name}=None."
                )
        if self.input_scaling is not None:
            statistics = SCALINGS[self.input_scaling](X, sample_weight)
            for name, value in zip(INPUT_SCALING, statistics):
                setattr(self, name, value)
        if self.numeric_embedding is not None:
            self.embedded_features_ = ~binary_columns(np.asarray(X))
            # shapes only: _init_embedding draws the values with the weights
            n = int(self.embedded_features_.sum())
            dim, k = self.embedding_dim, self.embedding_frequencies
            self.embedding_coefs_ = np.empty((n, 2 * k, dim))

    def _init_embedding(self, dtype, random_state):
        """Draw the embedding's parameters, after the layers' weights."""
        if "embedded_features_" in vars(self):
            arrays = init_embedding(
                int(self.embedded_features_.sum()),
                self.embedding_frequencies,
                self.embedding_dim,
                self.embedding_scale,
                random_state,
            )
            for name, value in zip(EMBEDDING, arrays):
                setattr(self, name, value.astype(dtype))

    def _transform_front(self, X, expanded=False):
        """X as the first layer sees it: expanded (unless ``expanded`` says
        it already is, as in training), scaled, then embedded."""
        if not expanded:
            X = self._expanded(X)
        scaling, embedding = self._input_scaling(), self._embedding()
        if scaling is None and embedding is None:
            return X
        if sparse.issparse(X):
            X = X.toarray()  # a model that scales or embeds was fitted dense
        if scaling is not None:
            X = robust_scale(X, *scaling)
        if embedding is not None:
            frequencies, coefs, intercepts = (getattr(self, n) for n in EMBEDDING)
            X = embed(X, embedding[0], frequencies, coefs, intercepts)
        return X
