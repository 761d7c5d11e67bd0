"""Every example runs headless and draws its figure."""

import runpy
from pathlib import Path

import pytest

from sk_deepmlp._training._fit_tasks import HAS_CALLBACKS

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("plot_*.py"))


def test_the_gallery_has_its_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_and_draws(path, monkeypatch):
    source = path.read_text()
    if "sklearn.callback" in source and not HAS_CALLBACKS:
        pytest.skip("the example uses sklearn.callback (scikit-learn >= 1.9)")
    if "skl2onnx" in source:
        pytest.importorskip("skl2onnx", reason="the example needs the onnx extra")
        pytest.importorskip("onnxruntime", reason="the example needs the onnx extra")
    title, underline = path.read_text().split('"""')[1].strip().splitlines()[:2]
    assert title and set(underline) == {"="} and len(underline) == len(title)
    monkeypatch.chdir(path.parent)
    plt.close("all")
    try:
        runpy.run_path(str(path), run_name="__main__")
        figures = [plt.figure(n) for n in plt.get_fignums()]
        assert figures, f"{path.name} drew no figure"
        for figure in figures:
            drawn = [
                ax
                for ax in figure.axes
                if ax.lines or ax.collections or ax.patches or ax.images
            ]
            assert drawn, f"{path.name} has an empty figure"
    finally:
        plt.close("all")
