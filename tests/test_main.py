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
        assert float(row[3]) > 0 and 0 <= float(row[4]) <= 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hidden", "12,x"], "positive integers separated by commas"),
        (["--max-iter", "0"], "positive integer"),
        (["--dataset", "mnist"], "invalid choice"),
        (["--solver", "newton"], "invalid choice"),
        (["--plot", "/no/such/dir/curves.png"], "no such directory"),
        (["--plot", "curves.jpg"], "ending in .png"),
        (["--random-state", "-1"], "non-negative integer"),
        (["--random-state", "seed"], "non-negative integer"),
    ],
)
def test_demo_rejects_bad_arguments_without_traceback(argv, message):
    result = subprocess.run(
        [sys.executable, "-m", "sk_deepmlp", *argv], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "dataset", ["digits", "breast_cancer", "wine", "iris", "diabetes"]
)
def test_demo_runs_on_every_dataset(dataset, capsys):
    assert main(["--dataset", dataset, "--hidden", "8", "--max-iter", "5"]) == 0
    assert capsys.readouterr().out.startswith(f"{dataset}: ")


@pytest.mark.parametrize(
    "solver, activation, sk_solver, sk_activation",
    [
        ("rmsprop", "leaky_relu", "adam", "relu"),
        ("lbfgs", "tanh", "lbfgs", "tanh"),
        ("sgd", "logistic", "sgd", "logistic"),
    ],
)
def test_demo_options_reach_both_estimators(
    capsys, solver, activation, sk_solver, sk_activation
):
    argv = ["--dataset", "iris", "--hidden", "8,4", "--max-iter", "10"]
    main([*argv, "--solver", solver, "--activation", activation])
    lines = capsys.readouterr().out.splitlines()
    deep, sk = [line.split() for line in lines[2:4]]
    assert deep[1:3] == [activation, solver]
    assert sk[1:3] == [sk_activation, sk_solver]
    # each stand-in is said
    for ours, theirs in ((activation, sk_activation), (solver, sk_solver)):
        note = f"(MLPClassifier has no {ours}: its row runs {theirs})"
        assert (note in lines) == (ours != theirs)


@pytest.mark.parametrize("activation", ["gelu", "elu", "selu", "silu", "softplus"])
def test_demo_runs_with_activations_that_mlpclassifier_lacks(capsys, activation):
    argv = ["--dataset", "iris", "--hidden", "8", "--max-iter", "5"]
    assert main([*argv, "--activation", activation]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].split()[:2] == ["MLPClassifier", "relu"]
    assert f"(MLPClassifier has no {activation}: its row runs relu)" in lines


def test_demo_on_diabetes_shows_a_sensible_model(capsys):
    """Not R² = 0: the settings for 331 rows are chosen, and said."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import train_test_split

    assert main(["--dataset", "diabetes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("both estimators: alpha=10.0 (331 training rows")
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    ridge = Ridge().fit(X_train, y_train).score(X_test, y_test)
    for row in lines[3:5]:
        assert float(row.split()[-1]) > ridge - 0.05  # a linear model's level


def test_demo_saves_the_loss_curves(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    main(
        ["--dataset", "iris", "--hidden", "8", "--max-iter", "10", "--plot", str(path)]
    )
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"saved to {path}" in capsys.readouterr().out


def test_version_names_the_package_and_its_dependencies():
    import sklearn

    import sk_deepmlp

    result = subprocess.run(
        [sys.executable, "-m", "sk_deepmlp", "--version"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stdout.startswith(f"sk-deepmlp {sk_deepmlp.__version__} ")
    assert f"scikit-learn {sklearn.__version__}" in result.stdout


def test_random_state_changes_the_run_and_repeats_it(capsys):
    argv = ["--dataset", "iris", "--hidden", "4", "--max-iter", "30"]
    outputs = []
    for seed in ("1", "1", "2"):
        assert main([*argv, "--random-state", seed]) == 0
        outputs.append(capsys.readouterr().out.splitlines())
    accuracies = [[line.split()[-1] for line in out[2:]] for out in outputs]
    assert accuracies[0] == accuracies[1]  # the same seed, the same run
    assert outputs[0][0].endswith("random_state=1")
    assert outputs[2][0].endswith("random_state=2")


def test_regression_mode_prints_both_regressors_with_the_same_r2(capsys):
    argv = ["--dataset", "diabetes", "--hidden", "8", "--max-iter", "30"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split()[-1] == "R²"  # after the line of diabetes' settings
    rows = [line.split() for line in lines[3:]]
    assert [row[0] for row in rows] == ["DeepMLPRegressor", "MLPRegressor"]
    # the same model: the same R² to the printed digits
    assert rows[0][-1] == rows[1][-1]
