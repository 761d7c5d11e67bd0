"""Docstring parts that the estimators share, filled in per estimator.

The classifier and the regressor take the same parameters with the same
meanings; their docstrings differ only in a few words (the loss, the
validation score, the estimator they replace). Each part is a
``string.Template`` (``$name`` placeholders: the texts hold braces) that
``estimator_doc`` fills in.
"""

from string import Template

from ._docstrings_tabular import TABULAR_ATTRIBUTES, TABULAR_PARAMETERS

PARAMETERS = Template(
    """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', \
'elu', 'selu', 'gelu', 'silu', 'softplus'} or list of such str, default='relu'
        Activation of the hidden layers; a list or tuple gives one activation
        per hidden layer and must be as long as ``hidden_layer_sizes``.

        - 'identity', ``g(z) = z``: makes the whole network a linear model.
        - 'logistic', ``g(z) = 1 / (1 + exp(-z))``.
        - 'tanh', ``g(z) = tanh(z)``.
        - 'relu', ``g(z) = max(0, z)``: the usual choice.
        - 'leaky_relu', ``g(z) = max(0.01 z, z)``: like relu, but units with
          negative input keep a small gradient, so they cannot die.
        - 'elu', ``g(z) = z`` for ``z > 0``, ``exp(z) - 1`` otherwise: smooth,
          with negative outputs that pull the mean activation towards 0.
        - 'selu', ``1.0507 * elu_1.6733(z)``: self-normalising with
          ``weight_init='lecun_normal'`` and no dropout.
        - 'gelu', ``g(z) = z Phi(z)`` with ``Phi`` the standard normal CDF
          (the exact erf form, not the tanh approximation).
        - 'silu' (swish), ``g(z) = z / (1 + exp(-z))``.
        - 'softplus', ``g(z) = log(1 + exp(z))``: a smooth relu.

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop'}, default='adam'
        The optimiser. 'adam' works well on large data sets (thousands of
        samples or more); 'lbfgs' converges faster and better on small ones;
        'sgd' is stochastic gradient descent with momentum; 'rmsprop' divides
        each step by a running RMS of the gradient (decay ``beta_2``), without
        Adam's momentum and bias correction.

    alpha : float, default=0.0001
        Strength of the L2 penalty ``alpha / (2 m) * sum ||W||^2``, where ``m``
        is the number of samples in the batch (the sum of their weights when
        ``sample_weight`` is given), so that the penalty keeps its weight
        against the mean $loss whatever the batch size.

    batch_size : int or 'auto', default='auto'
        Size of the minibatches of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine', \
'exponential', 'inverse_time', 'plateau'}, default='constant'
        Learning-rate schedule. $reference's three are those of 'sgd' only:
        'invscaling' uses ``learning_rate_init / t ** power_t``; 'adaptive'
        divides the rate by 5 each time the loss stops improving (see
        ``n_iter_no_change``). The others apply to every stochastic solver,
        epoch by epoch, with ``eta0 = learning_rate_init`` and ``k`` the
        epochs after any warm-up:

        - 'cosine': ``floor + (eta0 - floor) (1 + cos(pi k / K)) / 2``, down
          to ``floor = min_learning_rate`` by epoch ``K = max_iter -
          warmup_epochs``;
        - 'exponential': ``eta0 * lr_decay ** k`` (``lr_decay`` 0.95 by
          default);
        - 'inverse_time': ``eta0 / (1 + lr_decay * k)`` (0.1 by default);
        - 'plateau': ``eta0``, multiplied by ``lr_decay`` (0.2 by default)
          each time the monitored quantity stops improving, as 'adaptive'
          does for 'sgd'; training stops below 1e-6.

        ``partial_fit`` continues the schedule, one epoch per call.

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd', 'adam' and 'rmsprop'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs of the stochastic solvers, or of iterations
        of 'lbfgs'.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling, the early-stopping split and
        the dropout masks. An int gives the same model at every fit, bit for
        bit; successive ``partial_fit`` calls continue one random stream.

    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement (stochastic
        solvers), or the gradient tolerance of 'lbfgs'.

    verbose : bool, default=False
        Print ``Iteration N, loss = ...`` after each epoch.

    warm_start : bool, default=False
        Start the next ``fit`` from the current weights$warm_start_note.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd' and ``momentum > 0``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data ($reference's
        split$split_note), stop when the validation $score has not improved
        by ``tol`` for ``n_iter_no_change`` epochs,
        and keep the weights of the best epoch. Stochastic solvers only; with
        it, ``partial_fit`` is not available.

    validation_fraction : float, default=0.1
        Share of the training data held out by ``early_stopping``.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of the running average of squared gradients of 'adam' and
        'rmsprop', in [0, 1). With 'rmsprop', 0.9 is the usual choice: it
        adapts faster than the default.

    epsilon : float, default=1e-8
        Numerical-stability constant of 'adam' and 'rmsprop'.

    n_iter_no_change : int or np.inf, default=10
        Number of epochs without improvement by ``tol`` after which training
        stops (or 'adaptive' lowers the rate); ``np.inf`` never stops early.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    weight_init : str or list of str, default='glorot_uniform'
        How the weights are drawn: one of 'glorot_uniform', 'glorot_normal',
        'he_uniform', 'he_normal', 'lecun_normal', 'small_random'. Never all
        zeros: the units of a layer would stay identical. A list gives one
        scheme per hidden layer, like ``activation`` (the output layer takes
        the last one), or one per weight matrix, the output layer's last.

        - 'glorot_uniform': $reference's scheme, ``U(-r, r)`` with
          ``r = sqrt(6 / (fan_in + fan_out))`` (2 instead of 6 for 'logistic'),
          biases drawn too. The default, and the one to keep for parity.
        - 'glorot_normal': ``N(0, 2 / (fan_in + fan_out))``, zero biases; for
          tanh and logistic networks.
        - 'he_uniform', 'he_normal': variance ``2 / fan_in``, zero biases; for
          deep relu and leaky_relu networks, whose signal they keep at scale.
        - 'lecun_normal': ``N(0, 1 / fan_in)``, zero biases; the scheme that
          'selu' needs to keep activations at mean 0 and variance 1.
        - 'small_random': ``0.01 * N(0, 1)``, zero biases; fine for one hidden
          layer, but the signal vanishes in deep networks (a teaching
          contrast, rarely what you want).

    dropout : float or array-like of float, default=0.0
        Probability of dropping each hidden unit during training, in [0, 1);
        one value for all hidden layers or one per hidden layer. Inverted
        dropout: kept units are scaled by ``1 / (1 - dropout)``, so nothing
        changes at prediction time, which never drops units. Masks are drawn
        from ``random_state``. Use 0.1 to 0.5 against overfitting in wide
        networks; ``0.0`` trains exactly as without dropout. Stochastic
        solvers only: a deterministic L-BFGS line search cannot follow a
        loss that changes with every evaluation. The training loss reported
        in ``loss_curve_`` is that of the dropped-out network.

    progress_bar : bool, default=False
        Show a live progress bar during ``fit``: epochs (or 'lbfgs'
        iterations) done out of ``max_iter``, the current loss, the
        validation score with ``early_stopping``, and the time left. Needs
        the optional dependency tqdm (``pip install ".[progress]"`` in a clone
        of this repository, or ``pip install tqdm``). Warnings raised during
        the fit are shown once the bar has closed.
        ``verbose`` keeps $reference's meaning (one printed line per
        epoch); ``partial_fit`` shows no bar, as it runs a single epoch.

    weight_decay : float, default=0.0
        Decoupled weight decay (as in AdamW): after each step of a stochastic
        solver, every weight matrix shrinks, ``W <- (1 - eta * weight_decay)
        W``, with ``eta`` the solver's step size (``learning_rate_init`` for
        'adam'). Biases are not decayed. Unlike ``alpha``, which adds
        ``alpha / m * W`` to the gradient and is then rescaled per weight by
        'adam' and 'rmsprop', it shrinks every weight at the same rate. 0
        (the default) leaves training as $reference's; 1e-4 to 1e-2 are usual
        with 'adam'. Not for 'lbfgs'.

    max_grad_norm : float or None, default=None
        Clip the gradient of each batch to this L2 norm, taken over all
        parameters at once: ``g <- g * min(1, max_grad_norm / ||g||)``. The
        direction of the step is kept and only its length capped, which
        tames the occasional huge step of deep networks and high learning
        rates. None (the default) never clips. Not for 'lbfgs'.

    warmup_epochs : int, default=0
        Epochs of linear warm-up before the schedule: epoch ``e`` uses
        ``learning_rate_init * (e + 1) / (warmup_epochs + 1)``, so that the
        first steps, taken with still meaningless moments and weights, are
        small. With 'constant' and the schedules of every solver.

    lr_decay : float or None, default=None
        The rate of the 'exponential', 'inverse_time' and 'plateau' schedules
        (see ``learning_rate``); None takes each one's default.

    min_learning_rate : float, default=0.0
        The floor of the 'cosine', 'exponential' and 'inverse_time' schedules.

    early_stopping_monitor : {'score', 'loss'}, default='score'
        What ``early_stopping`` watches on the validation set: the $score, as
        $reference does, or the loss (``validation_loss_curve_``), which moves
        with every epoch where the $score moves in steps. Training stops
        when it has not improved by ``tol`` for ``n_iter_no_change`` epochs,
        and the weights of the epoch where it was best are restored.

    batch_norm : bool or array-like of bool, default=False
        Batch normalisation after each hidden layer's linear step, before its
        activation (and before dropout): in training, ``z_hat = (z - mu) /
        sqrt(var + 1e-5)`` with the batch's mean and variance (weighted by
        ``sample_weight``), then ``gamma * z_hat + beta`` with learned
        ``gamma`` and ``beta``, which every solver trains (``alpha`` and
        ``weight_decay`` leave them alone). The layer's bias is dropped
        (kept at 0 in ``intercepts_``): ``beta`` replaces it. Prediction uses
        running averages of the statistics instead, folded into the layer's
        weights. True normalises every hidden layer; a list gives one bool
        per hidden layer. Batches need at least 2 samples; a last batch of
        one joins the batch before it.

    batch_norm_momentum : float, default=0.9
        Weight of the old value in the running averages, ``stat <- momentum *
        stat + (1 - momentum) * batch_stat`` after each batch: Keras's
        convention and PyTorch's default (its ``momentum=0.1`` is 0.9 here;
        Keras's default 0.99 suits data of many batches per epoch, and on
        small data leaves the averages far from the statistics after tens of
        epochs). 'lbfgs' sets them to the whole training set's statistics
        instead, which its full-batch steps used.

    layer_norm : bool or array-like of bool, default=False
        Layer normalisation after each hidden layer's linear step, before its
        activation: each *row* is normalised over the layer's units, ``z_hat
        = (z - mu_i) / sqrt(var_i + 1e-5)``, then ``gamma * z_hat + beta``
        with learned ``gamma`` and ``beta`` (one per unit), which every solver
        trains (``alpha`` and ``weight_decay`` leave them alone). Unlike
        ``batch_norm`` it has no batch statistics: prediction computes the
        same thing, row by row, and batches of any size work. The layer keeps
        its bias: normalising over the units removes only its mean across
        them. The backward pass, with ``g = gamma * dz_tilde`` per row, is
        ``dz = (g - mean(g) - z_hat * mean(g * z_hat)) / sqrt(var + 1e-5)``.
        True normalises every hidden layer; a list gives one bool per hidden
        layer. Refused on a layer of one unit (it would always output
        ``beta``) and on a layer that has ``batch_norm``.

    residual : bool, default=False
        Skip connections: every hidden layer whose input width equals its
        output width adds its input to its output, ``A_out = A_in +
        f(A_in)`` with ``f`` the layer (linear step, normalisation,
        activation, dropout), so that its gradient also flows past it. Only
        between hidden layers: never from X, whose width is the data's. A
        layer whose widths differ has no skip (a learned projection would add
        weights and change the model where the widths happen to differ):
        ``hidden_layer_sizes=(64, 64, 64)`` gives skips on the second and
        third layers, ``(64, 32, 32)`` on the third only. ``residual_layers_``
        says which.

"""
)

ATTRIBUTES = Template(
    """\
    loss_ : float
        Loss at the end of training ($loss plus L2 penalty).

    best_loss_ : float or None
        Lowest training loss reached; None when ``early_stopping`` is on.

    loss_curve_ : list of float
        Loss after each epoch (stochastic solvers) or iteration ('lbfgs').

    validation_scores_ : list of float or None
        Validation $score after each epoch with ``early_stopping``, else None.

    best_validation_score_ : float or None
        Best validation $score with ``early_stopping``, else None.

    best_validation_loss_ : float or None
        Lowest validation loss with ``early_stopping``, else None.

    validation_loss_curve_ : list of float or None
        $Loss of the validation set after each epoch with
        ``early_stopping`` (without the L2 penalty), else None.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer. These are the live parameters: assigning
        new arrays changes what predict returns and where the next
        ``partial_fit`` or warm-started ``fit`` starts.

    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer, live like ``coefs_``.

    batch_norm_gamma_, batch_norm_beta_ : list of (ndarray of shape (n_units,) or None)
        Batch normalisation's learned scale and shift of each hidden layer
        (None for a layer without it); only with ``batch_norm``. Live, like
        ``coefs_``.

    batch_norm_mean_, batch_norm_var_ : list of (ndarray of shape (n_units,) or None)
        The running mean and variance of each batch-normalised layer's linear
        step, which prediction uses; only with ``batch_norm``.

    layer_norm_gamma_, layer_norm_beta_ : list of (ndarray of shape (n_units,) or None)
        Layer normalisation's learned scale and shift of each hidden layer
        (None for a layer without it); only with ``layer_norm``. Live, like
        ``coefs_``.

    residual_layers_ : list of bool
        Whether each hidden layer adds its input to its output (see
        ``residual``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        $out_activation

"""
)

NOTES = Template(
    """\
    A fit that raises (bad input, divergence, a missing optional dependency)
    leaves the estimator as it was before the call. A parameter added to
    $reference's that this fit cannot use (``lr_decay`` with
    ``learning_rate='constant'``, ``early_stopping_monitor`` without
    ``early_stopping``, ``warmup_epochs >= max_iter``...) gives a
    ``UserWarning`` that names it and says why. Ctrl-C during a fit keeps
    the weights of the last finished epoch (the best one with
    ``early_stopping``), with a warning; before the first epoch has finished
    it leaves the estimator as it was and lets the interrupt through.

    Between a fit and a ``warm_start`` fit or a ``partial_fit``, ``solver``,
    ``activation``, ``early_stopping`` and the optimiser's settings may
    change: the weights carry over, the optimiser starts afresh, and the
    stopping record starts anew when ``early_stopping`` changed.
    ``hidden_layer_sizes`` may not change.

"""
)


def estimator_doc(
    summary,
    *,
    see_also,
    notes,
    examples,
    first_parameters="",
    extra_parameters="",
    extra_attributes="",
    **words,
):
    """A whole class docstring in numpydoc's order.

    The estimator's summary; its first parameters, the shared ones filled
    with ``words``, its extra ones; its own attributes, then the shared ones;
    See Also; its notes, then the shared ones; its examples. Each part is
    indented by four spaces and ends with a blank line.
    """
    return (
        summary
        + "    Parameters\n    ----------\n"
        + first_parameters
        + PARAMETERS.substitute(words)
        + TABULAR_PARAMETERS.substitute(words)
        + extra_parameters
        + "    Attributes\n    ----------\n"
        + extra_attributes
        + ATTRIBUTES.substitute(words)
        + TABULAR_ATTRIBUTES.substitute(words)
        + "    See Also\n    --------\n"
        + see_also
        + "    Notes\n    -----\n"
        + notes
        + NOTES.substitute(words)
        + "    Examples\n    --------\n"
        + examples
    )
