"""Collection rules for the doctests of the package (pytest's testpaths)."""

from importlib.util import find_spec

# sk_deepmlp.onnx imports skl2onnx, an optional extra: without it the module
# raises ImportError on purpose (tests/test_onnx.py checks that), so its
# doctests are only collected where the extra is installed
collect_ignore = []
if find_spec("skl2onnx") is None or find_spec("onnxruntime") is None:
    collect_ignore.append("sk_deepmlp/onnx.py")
