"""Export DeepMLPClassifier and DeepMLPRegressor to ONNX with skl2onnx.

Importing this module registers the converters with skl2onnx, which is how
skl2onnx learns about estimators outside scikit-learn. Then skl2onnx's own API
converts a bare estimator or a pipeline that holds one::

    import sk_deepmlp.onnx  # registers the converters
    from skl2onnx import to_onnx

    onx = to_onnx(make_pipeline(StandardScaler(), clf), X_train[:1])

What the graph holds: one ``MatMul`` and ``Add`` per layer, each hidden
activation as ONNX operators (``LeakyRelu``, ``Elu``, ``Selu``, ``Softplus``
as such; GELU as ``z * (1 + Erf(z / sqrt 2)) / 2``, SiLU as
``z * Sigmoid(z)``, which every opset that skl2onnx targets has; in a
float64 model the erf alone is taken in float32, as onnxruntime has no double
Erf, so GELU networks agree to about 1e-7 there instead of 1e-10), and the
output layer's softmax, sigmoid, identity or exp. Dropout has no place at
inference; batch normalisation is folded into its layer's weights, as
``predict`` folds it. The classifier's options are those of skl2onnx's
MLPClassifier converter: ``zipmap`` (True, False or "columns"), ``nocl`` and
``output_class_labels``.

Needs the ``onnx`` extra: ``pip install ".[onnx]"`` in a clone of sk-deepmlp.
"""

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        guess_proto_type,
    )
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
    )
    from skl2onnx.proto import onnx_proto
except ImportError as error:  # pragma: no cover - the extra is missing
    raise ImportError(
        "sk_deepmlp.onnx needs skl2onnx (and onnxruntime to run the models): "
        'install the extra with pip install ".[onnx]" in a clone of sk-deepmlp, '
        "or pip install skl2onnx onnxruntime."
    ) from error

import math

import numpy as np

from ._estimator._classifier import DeepMLPClassifier
from ._estimator._regressor import DeepMLPRegressor
from ._network._activations import SELU_ALPHA, SELU_SCALE
from ._network._fitted import ENSEMBLE
from ._network._layernorm import EPSILON as LN_EPSILON

__all__ = []  # importing registers the converters; nothing to call

# Activations that are one ONNX operator with kernels for float and double in
# onnxruntime. The others are built from such operators below (onnxruntime's
# LeakyRelu, Elu, Selu, Softplus and Erf have no double kernel).
_SINGLE_OPERATORS = {
    "identity": "Identity",
    "logistic": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
    "exp": "Exp",
}


class _Graph:
    """Adds nodes and constants to skl2onnx's container with unique names."""

    def __init__(self, scope, container, proto_dtype):
        self.scope, self.container, self.proto_dtype = scope, container, proto_dtype

    def node(self, op_type, inputs, **attributes):
        out = self.scope.get_unique_variable_name(op_type.lower())
        inputs = [inputs] if isinstance(inputs, str) else inputs
        self.container.add_node(
            op_type,
            inputs,
            out,
            name=self.scope.get_unique_operator_name(op_type),
            **attributes,
        )
        return out

    def constant(self, value):
        """A scalar, or an array (its shape kept), in the graph's dtype."""
        name = self.scope.get_unique_variable_name("constant")
        array = np.asarray(value, dtype=np.float64)
        self.container.add_initializer(
            name, self.proto_dtype, list(array.shape), array.ravel().tolist()
        )
        return name


def _activation(graph, name, Z):
    """Add ``g(Z)`` to the graph; return the name of its output."""
    node, constant = graph.node, graph.constant
    if name in _SINGLE_OPERATORS:
        return node(_SINGLE_OPERATORS[name], Z)
    if name == "softmax":
        return node("Softmax", Z, axis=1)
    if name == "leaky_relu":  # max(z, 0.01 z)
        return node("Max", [Z, node("Mul", [Z, constant(0.01)])])
    if name in ("elu", "selu"):  # max(z, 0) + alpha (exp(min(z, 0)) - 1)
        alpha, scale = (1.0, 1.0) if name == "elu" else (SELU_ALPHA, SELU_SCALE)
        negative = node(
            "Sub", [node("Exp", node("Min", [Z, constant(0)])), constant(1)]
        )
        A = node("Add", [node("Relu", Z), node("Mul", [negative, constant(alpha)])])
        return A if scale == 1.0 else node("Mul", [A, constant(scale)])
    if name == "softplus":  # max(z, 0) + log(1 + exp(-|z|)), without overflow
        tail = node("Exp", node("Neg", node("Abs", Z)))
        return node(
            "Add", [node("Relu", Z), node("Log", node("Add", [tail, constant(1)]))]
        )
    if name == "silu":  # z * sigmoid(z)
        return node("Mul", [Z, node("Sigmoid", Z)])
    if name == "gelu":  # z * (1 + erf(z / sqrt 2)) / 2, the exact form
        scaled = node("Mul", [Z, constant(1 / math.sqrt(2))])
        if graph.proto_dtype == onnx_proto.TensorProto.DOUBLE:
            # onnxruntime has no double Erf: a float64 model takes the erf
            # alone in float32 (about 1e-7 relative)
            single = node("Cast", scaled, to=onnx_proto.TensorProto.FLOAT)
            erf = node("Cast", node("Erf", single), to=graph.proto_dtype)
        else:
            erf = node("Erf", scaled)
        half = node("Mul", [node("Add", [erf, constant(1)]), constant(0.5)])
        return node("Mul", [Z, half])
    raise NotImplementedError(f"No ONNX form for activation {name!r}.")


def _layer_norm(graph, Z, gamma, beta, dtype):
    """Layer normalisation of each row of ``Z`` over its units, from primitive
    operators (every opset has them; ``LayerNormalization`` came in 17): the
    means over the units are products with a matrix of ``1 / n``."""
    node, n = graph.node, len(gamma)

    def initializer(name, value):
        value = np.asarray(value, dtype)
        unique = graph.scope.get_unique_variable_name(name)
        graph.container.add_initializer(
            unique, graph.proto_dtype, value.shape, value.ravel()
        )
        return unique

    averaging = initializer("layer_norm_mean", np.full((n, n), 1.0 / n))
    centred = node("Sub", [Z, node("MatMul", [Z, averaging])])
    variance = node("MatMul", [node("Mul", [centred, centred]), averaging])
    sigma = node("Sqrt", node("Add", [variance, graph.constant(LN_EPSILON)]))
    normalised = node("Div", [centred, sigma])
    scaled = node("Mul", [normalised, initializer("layer_norm_gamma", [gamma])])
    return node("Add", [scaled, initializer("layer_norm_beta", [beta])])


def _robust_scale(graph, X, offset, factor, scaled):
    """input_scaling='robust': ``(X - offset) * factor``, then ``x / sqrt(1 +
    (x / 3)^2)`` in the scaled columns (``_inputs.robust_scale``)."""
    node, constant = graph.node, graph.constant
    x = node("Mul", [node("Sub", [X, constant([offset])]), constant([factor])])
    third = node("Div", [x, constant(3)])
    root = node("Sqrt", node("Add", [constant(1), node("Mul", [third, third])]))
    clipped = node("Div", [x, root])
    if scaled.all():
        return clipped
    mask = graph.scope.get_unique_variable_name("scaled")
    graph.container.add_initializer(
        mask, onnx_proto.TensorProto.BOOL, [1, len(scaled)], scaled.tolist()
    )
    return node("Where", [mask, clipped, x])


def _embed(graph, X, model, dtype):
    """numeric_embedding='periodic' (``_embeddings.embed``): the embedded
    columns feature-major as (n_embedded, N, 1), their angles, sines and
    cosines, one batched MatMul per step, then back to (N, n_embedded * dim)
    followed by the columns that pass through."""
    node, container = graph.node, graph.container
    embedded = model.embedded_features_
    n, k2, dim = model.embedding_coefs_.shape

    def tensor(name, value, kind=None):
        value = np.asarray(value)
        unique = graph.scope.get_unique_variable_name(name)
        kind = graph.proto_dtype if kind is None else kind
        container.add_initializer(
            unique, kind, list(value.shape), value.ravel().tolist()
        )
        return unique

    int64 = onnx_proto.TensorProto.INT64
    columns = node(
        "Gather", [X, tensor("embedded", np.flatnonzero(embedded), int64)], axis=1
    )
    x = node(
        "Reshape",
        [node("Transpose", columns, perm=[1, 0]), tensor("shape", [n, -1, 1], int64)],
    )
    omega = 2 * np.pi * model.embedding_frequencies_.astype(dtype)
    theta = node("Mul", [x, tensor("frequencies", omega.reshape(n, 1, k2 // 2))])
    V = node("Concat", [node("Sin", theta), node("Cos", theta)], axis=2)
    H = node(
        "MatMul", [V, tensor("embedding_coefs", model.embedding_coefs_.astype(dtype))]
    )
    b = model.embedding_intercepts_.astype(dtype).reshape(n, 1, dim)
    E = node("Relu", node("Add", [H, tensor("embedding_intercepts", b)]))
    E = node(
        "Reshape",
        [node("Transpose", E, perm=[1, 0, 2]), tensor("shape", [0, n * dim], int64)],
    )
    if embedded.all():
        return E
    rest = node(
        "Gather", [X, tensor("passed", np.flatnonzero(~embedded), int64)], axis=1
    )
    return node("Concat", [E, rest], axis=1)


def _expand(graph, X, model):
    """Categorical columns and missing values (``_columns.expand_columns``):
    each categorical column compared with its categories (``Equal``, which
    gives the one-hot columns, all False for an unseen value or NaN), a
    missing slot from ``IsNaN``, and each numeric column's NaN filled
    (``Where``), followed by its indicator where it has one."""
    node, constant = graph.node, graph.constant
    categorical = model._categorical_columns()
    categories = iter(vars(model).get("categories_", []))
    parts = []
    for j in range(model.n_features_in_):
        column = node("Gather", [X, _ints(graph, [j])], axis=1)
        missing = node("IsNaN", column)
        if categorical[j]:
            hot = node("Equal", [column, constant([next(categories)])])
            parts.append(node("Cast", hot, to=graph.proto_dtype))
        else:
            fill = constant([[model._column_fills[j]]])
            parts.append(node("Where", [missing, fill, column]))
        if model._column_indicated[j]:
            parts.append(node("Cast", missing, to=graph.proto_dtype))
    return node("Concat", parts, axis=1)


def _forward(graph, model, input_name):
    """The network from the input to the output activation, with the weights
    as prediction uses them; returns the output's name."""
    double = graph.proto_dtype == onnx_proto.TensorProto.DOUBLE
    dtype = np.float64 if double else np.float32
    A = graph.node("Cast", input_name, to=graph.proto_dtype)
    if "_column_fills" in vars(model):
        A = _expand(graph, A, model)
    scaling = model._input_scaling()
    if scaling is not None:
        A = _robust_scale(graph, A, *scaling)
    if model._embedding() is not None:
        A = _embed(graph, A, model, dtype)
    coefs, intercepts, steps = model._inference_layers()
    last = len(coefs) - 1
    A_in = None
    members = model._n_members()
    for layer, (W, b) in enumerate(zip(coefs, intercepts)):
        W_name = graph.scope.get_unique_variable_name("coefficient")
        b_name = graph.scope.get_unique_variable_name("intercepts")
        graph.container.add_initializer(
            W_name, graph.proto_dtype, W.shape, np.asarray(W, dtype).ravel()
        )
        graph.container.add_initializer(
            b_name, graph.proto_dtype, [1, len(b)], np.asarray(b, dtype).ravel()
        )
        if members > 1:  # each member's adapters around the shared product
            Z = _ensemble_linear(graph, A, W_name, layer, model, dtype)
        else:
            Z = graph.node("Add", [graph.node("MatMul", [A, W_name]), b_name])
        norm, skip = (None, False) if steps is None or layer == last else steps[layer]
        if norm is not None:
            Z = _layer_norm(graph, Z, *norm, dtype)
        name = model.out_activation_ if layer == last else model._activations[layer]
        A_in, A = A, _activation(graph, name, Z)
        if skip:  # a residual layer adds its input
            A = graph.node("Add", [A, A_in])
    if members > 1:  # the members' mean, as a (1, k) product: any opset has it
        n_out = coefs[-1].shape[1]
        stacked = graph.node("Reshape", [A, _ints(graph, [members, -1])])
        mean = graph.node(
            "MatMul", [graph.constant(np.full((1, members), 1 / members)), stacked]
        )
        A = graph.node("Reshape", [mean, _ints(graph, [-1, n_out])])
    return A


def _ints(graph, values):
    """An int64 constant (a shape)."""
    name = graph.scope.get_unique_variable_name("shape")
    graph.container.add_initializer(
        name, onnx_proto.TensorProto.INT64, [len(values)], list(values)
    )
    return name


def _ensemble_linear(graph, A, W_name, layer, model, dtype):
    """``((A_r * R_r) W) * S_r + B_r`` for every member ``r`` (``_ensemble``):
    the (k * N) rows in, member after member; the first layer's N rows are
    the same for every member."""
    node, constant = graph.node, graph.constant
    R, S, B = (np.asarray(getattr(model, name)[layer], dtype) for name in ENSEMBLE)
    k, n_in = R.shape
    shaped = node("Reshape", [A, _ints(graph, [1 if layer == 0 else k, -1, n_in])])
    AR = node("Mul", [shaped, constant(R[:, None, :])])
    P = node("MatMul", [node("Reshape", [AR, _ints(graph, [-1, n_in])]), W_name])
    P = node("Reshape", [P, _ints(graph, [k, -1, S.shape[1]])])
    Z = node(
        "Add", [node("Mul", [P, constant(S[:, None, :])]), constant(B[:, None, :])]
    )
    return node("Reshape", [Z, _ints(graph, [-1, S.shape[1]])])


def _proto_dtype(operator):
    proto_dtype = guess_proto_type(operator.inputs[0].type)
    if proto_dtype != onnx_proto.TensorProto.DOUBLE:
        proto_dtype = onnx_proto.TensorProto.FLOAT
    return proto_dtype


def _check_numeric_categories(model):
    """Refuse a model whose categories are not numbers: the graph takes one
    numeric tensor, and compares each categorical column with numbers."""
    if vars(model).get("is_categorical_") is None:
        return
    for j, values in zip(np.flatnonzero(model.is_categorical_), model.categories_):
        if values.dtype.kind != "f":
            raise ValueError(
                f"Column {j} of this {type(model).__name__} holds categories "
                f"that are not numbers ({values[:3].tolist()}...); the ONNX "
                "graph takes one numeric tensor. Code the categories as "
                "numbers ahead of the model, in a pipeline that skl2onnx "
                "converts whole: make_pipeline(ColumnTransformer([('codes', "
                "OrdinalEncoder(), columns)], remainder='passthrough'), "
                "model) with categorical_features naming the coded columns."
            )


def _classifier_shapes(operator):
    _check_numeric_categories(operator.raw_operator)
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if model._label_binarizer.y_type_ == "multilabel-indicator":
        N = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType(shape=[N, len(model.classes_)]))


def _convert_classifier(scope, operator, container):
    """Labels and probabilities, as ``predict`` and ``predict_proba`` give them."""
    model = operator.raw_operator
    graph = _Graph(scope, container, _proto_dtype(operator))
    zipmap = container.get_options(model, dict(zipmap=True))["zipmap"]
    if zipmap is not False and graph.proto_dtype == onnx_proto.TensorProto.DOUBLE:
        raise ValueError(
            "ONNX's ZipMap takes float probabilities only, and this model is "
            "converted in float64 (DoubleTensorType): pass "
            "options={'zipmap': False} (probabilities as a float64 tensor), or "
            "convert with float32 input (FloatTensorType)."
        )
    output = _forward(graph, model, operator.inputs[0].full_name)
    label_name, proba_name = (out.full_name for out in operator.outputs[:2])

    def name_as(result, final):
        container.add_node(
            "Identity", result, final, name=scope.get_unique_operator_name("Identity")
        )

    if model._label_binarizer.y_type_ == "multilabel-indicator":
        # one sigmoid per label, and a label is on above 0.5, as in predict
        name_as(output, proba_name)
        on = graph.node("Greater", [output, graph.constant(0.5)])
        name_as(graph.node("Cast", on, to=onnx_proto.TensorProto.INT64), label_name)
        return
    if len(model.classes_) == 2:  # one sigmoid output p: [1 - p, p]
        negative = graph.node("Sub", [graph.constant(1), output])
        name_as(graph.node("Concat", [negative, output], axis=1), proba_name)
    else:
        name_as(output, proba_name)

    # the class of the largest probability, the first one on a tie, as predict
    classes = model.classes_
    if container.get_options(model, dict(nocl=False))["nocl"]:
        classes = np.arange(len(classes))  # nocl: class indices, not labels
    if np.issubdtype(classes.dtype, np.number) or classes.dtype == np.bool_:
        class_type, classes = onnx_proto.TensorProto.INT64, classes.astype(np.int64)
    else:
        class_type = onnx_proto.TensorProto.STRING
        classes = np.array([str(c).encode("utf-8") for c in classes])
    classes_name = scope.get_unique_variable_name("classes")
    container.add_initializer(classes_name, class_type, classes.shape, classes)
    index = graph.node("ArgMax", proba_name, axis=1)
    picked = graph.node(
        "ArrayFeatureExtractor", [classes_name, index], op_domain="ai.onnx.ml"
    )
    shape = scope.get_unique_variable_name("shape")
    container.add_initializer(shape, onnx_proto.TensorProto.INT64, [1], [-1])
    name_as(graph.node("Reshape", [picked, shape]), label_name)


def _regressor_shapes(operator):
    _check_numeric_categories(operator.raw_operator)
    N = operator.inputs[0].get_first_dimension()
    kind = operator.inputs[0].type
    tensor = DoubleTensorType if isinstance(kind, DoubleTensorType) else FloatTensorType
    operator.outputs[0].type = tensor([N, operator.raw_operator.n_outputs_])


def _convert_regressor(scope, operator, container):
    """The predictions, shaped (n_samples, n_outputs)."""
    graph = _Graph(scope, container, _proto_dtype(operator))
    model = operator.raw_operator
    output = _forward(graph, model, operator.inputs[0].full_name)
    if "target_scale_" in vars(model):  # scale_target: back to the data's units
        scaled = graph.node("Mul", [output, graph.constant([model.target_scale_])])
        output = graph.node("Add", [scaled, graph.constant([model.target_offset_])])
    quantiles = model._several_quantiles()
    if quantiles is not None:  # each row in increasing order, as predict sorts
        if container.target_opset < 11:  # TopK's `largest` came in opset 11
            raise RuntimeError(
                f"A model of several quantiles sorts its outputs with TopK, "
                f"which needs target_opset >= 11; this conversion targets "
                f"{container.target_opset}."
            )
        k = scope.get_unique_variable_name("k")
        container.add_initializer(
            k, onnx_proto.TensorProto.INT64, [1], [len(quantiles)]
        )
        values = scope.get_unique_variable_name("sorted")
        container.add_node(
            "TopK",
            [output, k],
            [values, scope.get_unique_variable_name("order")],
            name=scope.get_unique_operator_name("TopK"),
            axis=1,
            largest=0,
            sorted=1,
        )
        output = values
    container.add_node(
        "Identity",
        output,
        operator.outputs[0].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )


update_registered_converter(
    DeepMLPClassifier,
    "SkDeepMLPClassifier",
    _classifier_shapes,
    _convert_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "nocl": [True, False],
        "output_class_labels": [False, True],
    },
)
update_registered_converter(
    DeepMLPRegressor, "SkDeepMLPRegressor", _regressor_shapes, _convert_regressor
)
