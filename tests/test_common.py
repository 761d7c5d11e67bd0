"""scikit-learn's estimator checks over several configurations, none may fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_deepmlp import DeepMLPClassifier

CONFIGURATIONS = [
    DeepMLPClassifier(max_iter=100, random_state=0),
    DeepMLPClassifier(solver="lbfgs", max_iter=100, random_state=0),
    DeepMLPClassifier(solver="sgd", max_iter=100, random_state=0),
    DeepMLPClassifier(activation="leaky_relu", max_iter=100, random_state=0),
    DeepMLPClassifier(
        hidden_layer_sizes=(16, 8),
        activation=["tanh", "leaky_relu"],
        max_iter=100,
        random_state=0,
    ),
]


@parametrize_with_checks(CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
