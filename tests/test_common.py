"""scikit-learn's estimator checks over several configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_deepmlp import DeepMLPClassifier

FAST = {"max_iter": 100, "random_state": 0}

CONFIGURATIONS = [
    DeepMLPClassifier(**FAST),
    DeepMLPClassifier(solver="lbfgs", **FAST),
    DeepMLPClassifier(solver="sgd", **FAST),
    DeepMLPClassifier(solver="rmsprop", **FAST),
    DeepMLPClassifier(activation="leaky_relu", **FAST),
    DeepMLPClassifier(weight_init="he_normal", **FAST),
    DeepMLPClassifier(class_weight="balanced", **FAST),
    DeepMLPClassifier(dropout=0.2, **FAST),
    DeepMLPClassifier(
        hidden_layer_sizes=(16, 8),
        activation=["tanh", "leaky_relu"],
        dropout=[0.1, 0.0],
        weight_init="glorot_normal",
        **FAST,
    ),
]

# Dropout draws one mask per row, so a row of weight 3 gets one mask where three
# repeated rows get three: weighting equals repeating in expectation only.
# These are the only checks allowed to fail, and only for dropout > 0.
DROPOUT_IS_RANDOM_PER_ROW = dict.fromkeys(
    (
        "check_sample_weight_equivalence_on_dense_data",
        "check_sample_weight_equivalence_on_sparse_data",
    ),
    "dropout masks are drawn per row: weights equal repetitions only on average",
)


def expected_failed_checks(estimator):
    dropout = estimator.dropout
    uses_dropout = any(dropout) if hasattr(dropout, "__len__") else dropout > 0
    return DROPOUT_IS_RANDOM_PER_ROW if uses_dropout else {}


@parametrize_with_checks(CONFIGURATIONS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
