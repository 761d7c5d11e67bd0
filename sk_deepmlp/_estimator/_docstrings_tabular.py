"""The docstring parts of the tabular parameters that both estimators
share, and of their fitted attributes: the input's scaling, embeddings,
ensemble, categorical columns and missing values (``_docstrings``)."""

from string import Template

TABULAR_PARAMETERS = Template(
    """\
    input_scaling : {None, 'robust', 'standard'}, default=None
        'robust' scales each column by its median and interquartile range
        and bends the tails smoothly, ``x' = (x - median) / (q75 - q25)``,
        then ``x' / sqrt(1 + (x' / 3)^2)`` (RealMLP's preprocessing): heavy
        tails and outliers no longer dominate the first layer. 'standard'
        centres each column on its mean and divides it by its standard
        deviation, as a StandardScaler ahead of the model would. Columns
        with at most two distinct values (flags, one-hot columns) are left
        as they are, with either. The statistics are the first fit's,
        weighted by ``sample_weight``; ``partial_fit`` and warm starts keep
        them, and prediction applies them. Needs dense X (centring would
        fill a sparse one). None feeds X to the network as it is, as
        $reference does.

    numeric_embedding : {None, 'periodic'}, default=None
        'periodic' gives each numeric column a learned embedding before the
        first layer (PLR, Gorishniy et al. 2022): ``embedding_frequencies``
        learned frequencies ``c_j``, then ``ReLU([sin(2 pi c_j x_j), cos(2
        pi c_j x_j)] L_j + b_j)``, ``embedding_dim`` values per column, with
        ``L_j`` and ``b_j`` of its own. The first layer then starts from
        learned non-linear functions of each column. Columns with at most two
        distinct values in the first fit's data pass through unchanged
        (``embedded_features_`` says which were embedded). The frequencies
        and maps are trained with the rest, without ``alpha`` or
        ``weight_decay``. Needs dense X. None feeds the columns to the first
        layer as they are, as $reference does.

    embedding_dim : int, default=16
        Values per embedded column (``numeric_embedding``).

    embedding_frequencies : int, default=16
        Learned frequencies per embedded column (``numeric_embedding``).

    embedding_scale : float, default=0.1
        Standard deviation of the frequencies' initial values, ``c ~ N(0,
        embedding_scale^2)`` (``numeric_embedding``): small values start
        from slow, nearly linear functions of standardised columns.

    embedding_alpha : float, default=0.0
        L2 penalty on the embedding's frequencies, in ``alpha``'s units
        (``embedding_alpha / (2 m) * ||c||^2`` joins the loss;
        ``numeric_embedding``). It pulls them towards 0, towards slower and
        smoother functions of each column: without it the frequencies can
        grow until the embeddings fit noise. 0 leaves them free, as in the
        papers.

    n_ensemble : int, default=1
        Members of an efficient ensemble in one network (BatchEnsemble, as
        in TabM): the members share every weight matrix, and each has, per
        layer, its own input scales, output scales and biases (``Z_r = ((A
        * R_r) W) * S_r + B_r``), the first layer's input scales starting as
        random signs so that the members differ. Training minimises the mean
        of their losses; prediction averages their probabilities
        (classification) or outputs (regression). A fit costs about
        ``n_ensemble`` times the arithmetic, in the same matrix products.
        ``intercepts_`` then stay 0 (each member's bias is in
        ``ensemble_intercepts_``), and ``alpha`` and ``weight_decay`` apply to
        the shared weights only. Not with ``batch_norm``. 1 is a plain
        network, as in $reference.

    categorical_features : {"from_dtype"}, array-like of int, bool or str, default=None
        The columns of X that hold categories rather than numbers, as
        HistGradientBoosting takes them: ``"from_dtype"``, the pandas
        ``category`` columns of a DataFrame (none in an array; name string
        columns explicitly); column indices; a boolean mask of the columns;
        or column names of a DataFrame. Each category becomes a 0/1 input
        column, whose first-layer weights are the category's learned
        embedding; the categories are the distinct values of the first fit
        (matched by value, at most 1000 per column; ``categories_``). A
        category unseen then is all zeros, and a missing one (None, NaN)
        has a slot of its own if the first fit had missing values in that
        column, zeros otherwise, whatever ``missing`` says. Needs dense X.
        None treats every column as a number, as $reference does.

    missing : {"error", "indicator"}, default="error"
        What NaN in a numeric column means. "error" refuses it, as
        $reference does. "indicator" fills it with the column's median in
        the first fit and, for each column that had NaN then, adds a 0/1
        input that marks the missing values, so that the network learns what
        a missing value means. Needs dense X.

    dtype : {"float32", "float64"}, default=None
        The float type of the weights and of the training arithmetic. None
        keeps X's: float32 X trains in float32, any other X in float64, as
        $reference does. "float32" takes about half the time and memory of
        float64, whatever X is (a DataFrame included). Prediction computes in
        the common type of X and the weights: float64 X gives float64
        outputs from a float32 model, float32 X float32 outputs.

"""
)

TABULAR_ATTRIBUTES = Template(
    """\
    input_offset_, input_factor_ : ndarray of shape (n_inputs,)
        With ``input_scaling``: each column becomes ``(x - input_offset_) *
        input_factor_``, smoothly clipped where ``input_scaled_``; a column
        left alone has offset 0 and factor 1.
        ``n_inputs`` is ``n_features_in_``, or, with categorical columns or
        missing indicators, the number of columns after their expansion.

    input_scaled_ : ndarray of bool of shape (n_inputs,)
        With ``input_scaling``: the columns smoothly clipped. With 'robust'
        those are the columns scaled (the others have at most two distinct
        values); 'standard' clips none.

    ensemble_input_scales_ : list of ndarray of shape (n_ensemble, n_in)
        With ``n_ensemble`` above 1: each layer's members' input scales
        ``R``. Live, like ``coefs_``.

    ensemble_output_scales_ : list of ndarray of shape (n_ensemble, n_units)
        With ``n_ensemble`` above 1: each layer's members' output scales
        ``S``. Live, like ``coefs_``.

    ensemble_intercepts_ : list of ndarray of shape (n_ensemble, n_units)
        With ``n_ensemble`` above 1: each layer's members' biases. Live.

    embedded_features_ : ndarray of bool of shape (n_features,)
        With ``numeric_embedding``: the columns embedded (the others pass
        through to the first layer, after the embeddings).

    embedding_frequencies_ : ndarray of shape (n_embedded, k)
        With ``numeric_embedding``: each embedded column's ``k =
        embedding_frequencies`` frequencies. Live, like ``coefs_``.

    embedding_coefs_ : ndarray of shape (n_embedded, 2 * k, embedding_dim)
        With ``numeric_embedding``: each embedded column's linear map ``L_j``
        (the sines' rows first, then the cosines'). Live, like ``coefs_``.

    embedding_intercepts_ : ndarray of shape (n_embedded, embedding_dim)
        With ``numeric_embedding``: each embedded column's ``b_j``. Live,
        like ``coefs_``.

    is_categorical_ : ndarray of bool of shape (n_features,) or None
        Which columns were taken as categorical (``categorical_features``);
        None if none was.

    categories_ : list of ndarray
        With categorical columns: the categories of each, in the order of
        the columns, sorted (float64 for numbers, object otherwise); their
        positions are those of the 0/1 input columns.

"""
)
