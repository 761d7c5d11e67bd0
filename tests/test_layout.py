"""The package stays readable in one sitting: no module over 500 lines, no
function body over 60 (docstrings not counted)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "sk_deepmlp"
# every depth: the folders _network, _training and _estimator included
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
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


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_body_over_60_lines(path):
    tree = ast.parse(path.read_text())
    long = [
        (node.name, _body_lines(node))
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and _body_lines(node) > 60
    ]
    assert not long


# the layers, lowest first: a module imports from its own layer or lower ones
LAYERS = ["_network", "_training", "_estimator"]


def _imports(path):
    """The sk_deepmlp modules that ``path`` imports, as dotted paths."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            stem = [*base, *(node.module.split(".") if node.module else [])]
            if node.module:
                found.add(".".join(stem))
            else:
                found.update(".".join([*stem, alias.name]) for alias in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) else []
            found.update(n for n in names if n and n.startswith("sk_deepmlp"))
    return found


def _layer(dotted):
    parts = dotted.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if p.parent.name in LAYERS],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_a_layer_imports_only_from_itself_and_the_layers_below(path):
    layer = LAYERS.index(path.parent.name)
    for target in _imports(path):
        assert _layer(target) is not None, (path.name, target)  # nothing public
        assert LAYERS.index(_layer(target)) <= layer, (path.name, target)


def test_the_modules_import_each_other_without_cycles():
    graph = {}
    for path in MODULES:
        dotted = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        graph[dotted.removesuffix(".__init__")] = _imports(path)
    done, active = set(), []

    def visit(node):
        assert node not in active, " -> ".join([*active, node])
        if node in done or node not in graph:
            return
        active.append(node)
        for target in graph[node]:
            if target != "sk_deepmlp":  # __main__ imports the package surface
                visit(target)
        active.pop()
        done.add(node)

    for node in graph:
        visit(node)
    assert {"sk_deepmlp._network._network", "sk_deepmlp._training._loops"} <= done
