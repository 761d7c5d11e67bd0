"""Where one training batch's time goes, piece by piece, beside the GEMM floor.

Times each piece of one Adam training batch of bench_training.py's workload
(hidden (256, 128, 64), relu, softmax, batch_size=200; ``--loss`` takes a
regression loss instead, on real targets) on its own, with the
package's own functions: the matrix products (the GEMM floor), the bias adds,
the activations and their derivatives, ``db``, the loss and its delta, the L2
term, the Adam step, and the Python overhead of a whole batch (measured on a
network of the same depth with tiny layers). Then it times whole batches, so
that the sum of the pieces can be compared with the real thing. (Each piece
also pays its own call overhead, so with small layers, where that overhead is
most of the time, the pieces add up to more than a whole batch.)

Each figure is the best of several repetitions, in microseconds per batch.

    python benchmarks/bench_breakdown.py
    python benchmarks/bench_breakdown.py --loss quantile --n-classes 1
"""

import argparse
import timeit

import numpy as np
from bench_training import gemm_floor  # this directory is on sys.path when run

from sk_deepmlp._network._activations import ACTIVATIONS, DERIVATIVES
from sk_deepmlp._network._losses import (
    REGRESSION_LOSSES,
    canonical_loss,
    regression_loss,
)
from sk_deepmlp._network._network import Network
from sk_deepmlp._training._optimizers import AdamOptimizer


def best_us(fns, number=100, repeats=7):
    """Best time of each function in microseconds per call, interleaved so
    that a slow moment of the machine hits every function alike."""
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, fn in fns.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number) / number)
    return {name: t * 1e6 for name, t in best.items()}


#: The loss parameters the regression losses are timed with
LOSS_PARAMETERS = {"huber": {"delta": 1.0}, "quantile": {"quantile": 0.5}}


def output_loss(name):
    """``(output activation, loss, delta)`` of ``--loss``."""
    if name == "softmax":
        return ("softmax", *canonical_loss("softmax"))
    return regression_loss(name, **LOSS_PARAMETERS.get(name, {}))


def network(units, dtype, loss="softmax", seed=0):
    out, *pair = output_loss(loss)
    net = Network(units, ["relu"] * (len(units) - 2), out, dtype, loss=tuple(pair))
    rng = np.random.RandomState(seed)
    for W in net.coefs:
        W[...] = rng.uniform(-0.1, 0.1, W.shape)
    return net


def pieces(units, batch, dtype, alpha, loss="softmax"):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((batch, units[0])).astype(dtype)
    if loss == "softmax":
        Y = np.eye(units[-1], dtype=dtype)[rng.randint(0, units[-1], batch)]
    else:
        Y = rng.standard_normal((batch, units[-1])).astype(dtype)
    net = network(units, dtype, loss)
    _, loss_function, delta_function = output_loss(loss)
    # finite values: NaN or inf from np.empty would time the slow paths
    acts = [rng.standard_normal((batch, n)).astype(dtype) for n in units[1:]]
    dacts = [rng.standard_normal((batch, n)).astype(dtype) for n in units[1:-1]]
    net.grad[...] = rng.standard_normal(net.n_params)
    l2_work = [np.empty_like(W) for W in net.coefs]
    logits = rng.standard_normal((batch, units[-1])).astype(dtype)
    l2 = alpha / batch

    def bias_adds():
        for A, b in zip(acts, net.intercepts):
            A += b

    def relus():
        for A in acts[:-1]:
            ACTIVATIONS["relu"](A)

    def relu_derivatives():
        for A, dA in zip(acts[:-1], dacts):
            DERIVATIVES["relu"](A, dA)

    def db():
        ones = np.ones(batch, dtype)
        for A, db in zip(acts, net.dintercepts):
            np.matmul(ones, A, out=db)

    probabilities, delta = np.empty_like(acts[-1]), np.empty_like(acts[-1])

    def loss_and_delta():
        Z = acts[-1]
        Z[...] = logits
        A, losses = loss_function(Z, Y, out=probabilities)
        losses.sum()
        delta_function(A, Y, None, out=delta)

    def l2_term():
        W_flat = net.params[: net.n_coefs]
        float(np.dot(W_flat, W_flat))
        for W, dW, work in zip(net.coefs, net.dcoefs, l2_work):
            dW += np.multiply(W, l2, out=work)

    optimizer = AdamOptimizer([net.params])

    def adam():
        optimizer.update_params([net.params], [net.grad])

    tiny = network([2] * (len(units) - 1) + [units[-1]], dtype, loss)
    X_tiny, Y_tiny = X[:2, :2].copy(), Y[:2]
    tiny_optimizer = AdamOptimizer([tiny.params])

    def python_overhead():
        tiny.loss_grad(X_tiny, Y_tiny, None, alpha)
        tiny_optimizer.update_params([tiny.params], [tiny.grad])

    def whole_batch():
        net.loss_grad(X, Y, None, alpha)
        optimizer.update_params([net.params], [net.grad])

    return {
        # bench_training's floor, on one batch
        "matrix products (the GEMM floor)": gemm_floor(X, units, batch),
        "bias adds": bias_adds,
        "relu": relus,
        "relu derivative": relu_derivatives,
        "db (column sums)": db,
        f"{loss} loss and delta": loss_and_delta,
        "L2 penalty and gradient": l2_term,
        "Adam step": adam,
        "Python and NumPy call overhead": python_overhead,
    }, whole_batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-features", type=int, default=100)
    parser.add_argument("--n-classes", type=int, default=10)
    parser.add_argument("--hidden", default="256,128,64")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--alpha", type=float, default=1e-4)
    parser.add_argument(
        "--loss", default="softmax", choices=["softmax", *REGRESSION_LOSSES]
    )
    args = parser.parse_args()
    units = [args.n_features, *map(int, args.hidden.split(",")), args.n_classes]
    print(f"layer units {units}, batch {args.batch_size}: microseconds per batch")
    print(f"{'piece':<34}{'float64':>10}{'float32':>10}")
    rows = {}
    for dtype in (np.float64, np.float32):
        parts, whole = pieces(units, args.batch_size, dtype, args.alpha, args.loss)
        times = best_us({**parts, "whole batch (loss_grad + Adam)": whole})
        times["sum of the pieces"] = sum(times[name] for name in parts)
        for name in [*parts, "sum of the pieces", "whole batch (loss_grad + Adam)"]:
            rows.setdefault(name, []).append(times[name])
    for name, (t64, t32) in rows.items():
        if name == "sum of the pieces":
            print("-" * 54)
        print(f"{name:<34}{t64:>10.0f}{t32:>10.0f}")
    floor = rows["matrix products (the GEMM floor)"]
    whole = rows["whole batch (loss_grad + Adam)"]
    print(
        f"{'whole batch / GEMM floor':<34}"
        f"{whole[0] / floor[0]:>9.2f}x{whole[1] / floor[1]:>9.2f}x"
    )


if __name__ == "__main__":
    main()
