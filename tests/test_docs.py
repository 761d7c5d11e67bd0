"""The documentation says what the code does."""

import inspect
import re
from pathlib import Path

import pytest
from sklearn.neural_network import MLPClassifier

from sk_deepmlp import DeepMLPClassifier

ROOT = Path(__file__).parents[1]
PARITY = (ROOT / "docs" / "coming_from_mlpclassifier.rst").read_text()


def _parameter_doc(name):
    """The text of one parameter's entry in DeepMLPClassifier's docstring."""
    doc = inspect.getdoc(DeepMLPClassifier)
    match = re.search(rf"^{name} : .*?(?=^\w+ : |\nAttributes\n)", doc, re.S | re.M)
    assert match, name
    return match.group(0)


def test_parity_table_shows_the_real_partial_fit_signature():
    ours = inspect.signature(DeepMLPClassifier.partial_fit)
    shown = re.search(r"``partial_fit(\(.*?\))``", PARITY).group(1)
    assert shown == str(ours).replace("self, ", "")
    theirs = inspect.signature(MLPClassifier.partial_fit)
    if "sample_weight" in theirs.parameters:  # scikit-learn >= 1.7
        assert list(ours.parameters) == list(theirs.parameters)


@pytest.mark.parametrize(
    "parameter, words",
    [
        ("alpha", ["number of samples in the batch", "sum of their weights"]),
        ("learning_rate_init", ["'rmsprop'"]),
        ("random_state", ["dropout"]),
        ("class_weight", ["partial_fit", "class frequencies"]),
        ("early_stopping", ["MLPClassifier's", "partial_fit"]),
    ],
)
def test_docstring_explains(parameter, words):
    text = " ".join(_parameter_doc(parameter).split())
    for word in words:
        assert word in text, (parameter, word)


def test_docstrings_name_every_solver():
    summary = inspect.getdoc(DeepMLPClassifier).split("Parameters")[0]
    partial_fit = inspect.getdoc(DeepMLPClassifier.partial_fit)
    for solver in ("sgd", "adam", "rmsprop"):
        assert solver in partial_fit
    assert "RMSprop" in summary


def test_readme_states_what_mlpclassifier_does_on_divergence():
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| diverging"))
    assert "raises only when the weights end non-finite" in row
    assert "`loss_ = inf` or NaN" in row
