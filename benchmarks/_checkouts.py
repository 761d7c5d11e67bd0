"""Run one script's measurement with two checkouts, each in a process of its
own, and hand back both results: what compare_models.py and
compare_predictions.py share."""

import argparse
import os
import pathlib
import pickle
import subprocess
import sys
import tempfile


def results_of_two_checkouts(description, script, produce):
    """``(before, after)``: ``produce()`` run with the sk_deepmlp of each
    checkout named on the command line.

    ``script`` (the caller's ``__file__``) is started once per checkout with
    that checkout first on ``PYTHONPATH``; in those children this function
    writes ``produce()``'s result for the parent and exits.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("before", type=pathlib.Path, help="the reference checkout")
    parser.add_argument("after", type=pathlib.Path, help="the checkout to compare")
    parser.add_argument("--dump", type=pathlib.Path, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:  # a child: run with the checkout at args.source
        import sk_deepmlp

        assert pathlib.Path(sk_deepmlp.__file__).is_relative_to(args.source.resolve())
        args.dump.write_bytes(pickle.dumps(produce()))
        sys.exit(0)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for checkout in (args.before, args.after):
            dump = pathlib.Path(tmp) / f"{len(runs)}.pkl"
            source = checkout.resolve()
            child = [script, ".", ".", "--dump", dump, "--source", source]
            subprocess.run(
                [sys.executable, *child],
                check=True,
                env={**os.environ, "PYTHONPATH": str(source)},
            )
            runs.append(pickle.loads(dump.read_bytes()))
    return runs
