"""The documentation says what the code does."""

import inspect
import re
from pathlib import Path

import numpy as np
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


def test_parity_page_states_what_mlpclassifier_does_on_divergence():
    # the row of "At a glance": its MLPClassifier cell follows the name
    row = " ".join(PARITY.split("* - diverging fit")[1].split("* -")[0].split())
    assert "raises only when the weights end non-finite" in row
    assert "``loss_ = inf`` or NaN" in row


# ------------------------------------------------ install, extras, CI (III)
def _pyproject():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirement_name(requirement):
    return re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()


def test_install_page_lists_every_extra_with_what_it_brings():
    install = (ROOT / "docs" / "install.rst").read_text()
    table = install.split("Optional extras")[1].split("For instance")[0]
    rows = {}  # extra -> its row's text, continuation lines included
    current = None
    for line in table.splitlines():
        match = re.match(r"``(\w+)``", line)
        if match:
            current = match.group(1)
            rows[current] = ""
        if current:
            rows[current] += " " + line
    extras = _pyproject()["project"]["optional-dependencies"]
    assert set(rows) == set(extras)
    for extra, requirements in extras.items():
        for requirement in requirements:
            name = _requirement_name(requirement).split("[")[0]
            assert name in rows[extra].lower(), (extra, name)


def test_install_page_lists_every_demo_dataset():
    from sk_deepmlp.__main__ import DATASETS

    install = " ".join((ROOT / "docs" / "install.rst").read_text().split())
    sentence = install.split("``--dataset`` is one of")[1].split(";")[0]
    for name in DATASETS:
        assert f"``{name}``" in sentence, name


def test_one_install_form_everywhere():
    """The package is installed from a clone (``pip install ".[extra]"``):
    no page or message may tell users to install it from PyPI."""
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.rst")]
    files += [*(ROOT / "sk_deepmlp").rglob("*.py"), *(ROOT / "examples").glob("*.py")]
    for path in files:
        assert 'pip install "sk-deepmlp' not in path.read_text(), path.name


def test_taglines_name_both_estimators():
    description = _pyproject()["project"]["description"]
    conf = (ROOT / "docs" / "conf.py").read_text()
    sidebar = re.search(r'"description": "([^"]+)"', conf).group(1)
    for text in (description, sidebar):
        assert "regressor" in text.lower() and "classifier" in text.lower(), text


def test_extras_set_lower_bounds_only():
    """A cap would downgrade a user's environment (dask was held below
    2025.3 for one dask-ml class)."""
    for extra, requirements in _pyproject()["project"]["optional-dependencies"].items():
        for requirement in requirements:
            assert "<" not in requirement and "==" not in requirement, (
                extra,
                requirement,
            )


def test_code_blocks_wrap_rather_than_being_clipped():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert 'html_static_path = ["_static"]' in conf
    css = (ROOT / "docs" / "_static" / "custom.css").read_text()
    assert re.search(r"div\.body pre[^}]*white-space: pre-wrap", css, re.S)


def test_gallery_opens_with_the_quick_start():
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from gallery_order import QuickStartFirst
    finally:
        sys.path.remove(str(ROOT / "docs"))
    names = sorted(p.name for p in (ROOT / "examples").glob("plot_*.py"))
    ordered = sorted(names, key=QuickStartFirst(str(ROOT / "examples")))
    assert ordered[0] == "plot_quickstart.py"
    assert ordered[1:] == [n for n in names if n != "plot_quickstart.py"]


def test_api_page_summarises_methods_and_lists_the_onnx_module():
    template = (ROOT / "docs" / "_templates" / "autosummary" / "class.rst").read_text()
    assert ".. rubric:: Methods" in template and "autosummary::" in template
    assert ":inherited-members:" in template  # set_callbacks is inherited
    assert "set_callbacks" not in template  # so it is not hidden
    assert ".. automodule:: sk_deepmlp.onnx" in (ROOT / "docs" / "api.rst").read_text()


def test_same_seed_claims_carry_their_two_exceptions():
    pages = {
        "README.md": ROOT / "README.md",
        "index.rst": ROOT / "docs" / "index.rst",
        "coming_from": ROOT / "docs" / "coming_from_mlpclassifier.rst",
    }
    for name, path in pages.items():
        text = " ".join(path.read_text().split())
        claim = re.search(r"same .?.?random_state.?.? (they train )?the", text)
        assert claim, name
        after = text[claim.end() : claim.end() + 700]
        assert "partial_fit" in after and "re-seeds" in after, name
        assert "lbfgs" in after and "round-off" in after, name


def test_check_gradients_is_not_listed_as_a_method():
    readme = (ROOT / "README.md").read_text()
    row = next(r for r in readme.splitlines() if r.startswith("| new methods"))
    methods = row.split("and module functions")[0]
    assert "check_gradients" not in methods
    assert not hasattr(DeepMLPClassifier, "check_gradients")


def test_ci_uses_the_installed_package_and_each_extra_alone():
    ci = (ROOT / ".ci" / "run").read_text()
    demo = next(line for line in ci.splitlines() if "-m sk_deepmlp" in line)
    assert demo.lstrip().startswith("(cd ")  # not from the checkout's root
    assert re.search(r"for extra in plot progress onnx dask; do", ci)
    assert '"$docs_venv/bin/python" -m pip install --quiet ".[docs]"' in ci
    assert '"$docs_venv/bin/python" -m sphinx' in ci


def test_pre_commit_hooks_are_local_and_run_ruff():
    """Nothing cloned from the network: every repo of the configuration is
    'local', and its hooks are ruff's check and format, as CI runs them."""
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    repos = re.findall(r"^\s*- repo:\s*(\S+)", config, re.M)
    assert repos == ["local"]
    entries = re.findall(r"^\s*entry:\s*(.+)$", config, re.M)
    assert any(e.startswith("ruff check") for e in entries)
    assert any(e.startswith("ruff format") for e in entries)


def test_docs_build_validates_our_docstrings():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert 'numpydoc_validation_checks = {"all"' in conf
    assert "sphinx -W" in (ROOT / ".ci" / "run").read_text()


def test_the_architecture_page_names_modules_that_exist():
    page = (ROOT / "docs" / "architecture.rst").read_text()
    named = set(re.findall(r"\b(_[a-z_]+)(?:\.py|\.\w+|``|\b)", page))
    package = ROOT / "sk_deepmlp"
    modules = {p.stem for p in package.rglob("_*.py")}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    mentioned = {name for name in named if name.strip("_") and name in modules}
    # every module of the design's layers is on the page
    layers = ("_estimator", "_training", "_network")
    for module in (*layers, "_blocks", "_epochs", "_loops", "_rules", "_base"):
        assert module in mentioned, module
    for name in re.findall(r"``(_[a-z]+)(?:\.[A-Za-z_]+)?``", page):
        assert name in modules, name


@pytest.mark.parametrize(
    "stem",
    [
        "realdata",
        "realdata44",
        "realdata44_3seeds",
        "realdata44_whole",
        "realdata44_whole_2seeds",
        "realdata44_realmlp",
    ],
)
@pytest.mark.parametrize("task", ["classification", "regression"])
def test_the_real_table_results_page_shows_consistent_generated_tables(task, stem):
    """docs/benchmarks.rst shows bench_realdata.py's --csv files: each is
    included, and its summary rows agree with its per-table rows."""
    import csv

    name = f"results/{stem}_{task}.csv"
    assert f":file: {name}" in (ROOT / "docs" / "benchmarks.rst").read_text()
    text = (ROOT / "docs" / name).read_text()
    header, *rows = list(csv.reader(text.splitlines()))
    assert header[1] == "mlp"
    tables = [r for r in rows if not r[0].startswith(("gain", "wins", "time"))]
    summary = {r[0]: r for r in rows if r not in tables}
    # the cells are rounded to 0.01, so a difference of two is off by 0.01
    for column in range(1, len(header) - 1):
        gains = [float(r[column]) - float(r[1]) for r in tables]
        mean, worst = summary["gain, mean"][column], summary["gain, worst"][column]
        assert float(mean) == pytest.approx(sum(gains) / len(gains), abs=0.0101)
        assert float(worst) == pytest.approx(min(gains), abs=0.0101)
        if "gain, s.e." in summary:  # the standard error over tables
            error = float(np.std(gains, ddof=1) / np.sqrt(len(gains)))
            assert float(summary["gain, s.e."][column]) == pytest.approx(
                error, abs=0.0101
            )
