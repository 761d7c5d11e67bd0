"""The package stays readable in one sitting: no module over 500 lines, no
function body over 60 (docstrings not counted)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "sk_deepmlp"
MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_over_500_lines(path):
    assert len(path.read_text().splitlines()) <= 500


def _body_lines(node):
    body = node.body
    first = body[0]
    docstring = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    start = body[1].lineno if docstring and len(body) > 1 else first.lineno
    return node.end_lineno - start + 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_function_body_over_60_lines(path):
    tree = ast.parse(path.read_text())
    long = [
        (node.name, _body_lines(node))
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and _body_lines(node) > 60
    ]
    assert not long
