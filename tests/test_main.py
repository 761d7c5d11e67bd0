import subprocess
import sys

import pytest

from sk_deepmlp.__main__ import main


def test_demo_prints_both_estimators(capsys):
    assert main(["--dataset", "iris", "--hidden", "8", "--max-iter", "20"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [row[0] for row in rows] == ["DeepMLPClassifier", "MLPClassifier"]
    for row in rows:
        assert float(row[2]) > 0 and 0 <= float(row[3]) <= 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", "12,x"], "positive integers separated by commas"),
        (["--max-iter", "0"], "positive integer"),
        (["--dataset", "mnist"], "invalid choice"),
    ],
)
def test_demo_rejects_bad_arguments_without_traceback(argv, message):
    result = subprocess.run(
        [sys.executable, "-m", "sk_deepmlp", *argv], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
