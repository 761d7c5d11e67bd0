import numpy as np
import pytest
from sklearn.datasets import make_classification


@pytest.fixture
def binary_data():
    return make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )


@pytest.fixture
def multiclass_data():
    return make_classification(
        n_samples=150, n_features=8, n_informative=5, n_classes=3, random_state=0
    )


@pytest.fixture
def multilabel_data():
    rng = np.random.RandomState(0)
    X = rng.randn(100, 5)
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] < 0.5])
    return X, Y.astype(int)


@pytest.fixture
def validation_record(monkeypatch):
    """What the early-stopping validation saw after each epoch.

    Each entry holds the validation set and a copy of the parameters (flat,
    coefs then intercepts) at which it was scored.
    """
    from sk_deepmlp._training import _loops as _training

    record = []
    original = _training._update_validation

    def spy(rec, net, config, hooks, X_val, Y_val, sw_val, *args):
        original(rec, net, config, hooks, X_val, Y_val, sw_val, *args)
        record.append(
            {
                "X_val": X_val,
                "Y_val": Y_val,
                "params": net.params.copy(),
                "stats": net.stats.copy(),  # batch normalisation's averages
            }
        )

    monkeypatch.setattr(_training, "_update_validation", spy)
    return record


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture of that name, for its own tests run on ours
    (tests/test_sklearn_mlp_suite.py): its default seed."""
    return 42
