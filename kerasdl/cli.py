"""The ``kerasdl`` command: ``kerasdl list`` and ``kerasdl run NAME``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

_RUN_USAGE = (
    "kerasdl run NAME [--epochs N] [--batch-size N] [--data-dir DIR] [--out DIR] "
    "[--mixed-precision POLICY] [--quick] [--seed N] [practical options]"
)


def _base_parser() -> argparse.ArgumentParser:
    from kerasdl.version import __version__

    parser = argparse.ArgumentParser(
        prog="kerasdl",
        description="Run the course's practicals on Keras 3 (TensorFlow, JAX or PyTorch).",
        epilog="The backend follows KERAS_BACKEND (tensorflow by default).",
    )
    parser.add_argument("--version", action="version", version=f"kerasdl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{list,run}")
    sub.add_parser("list", help="show the models and the runnable practicals")
    run = sub.add_parser("run", help="run a practical", usage=_RUN_USAGE, add_help=False)
    run.add_argument("name", nargs="?", help="the practical (see `kerasdl list`)")
    run.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    run.add_argument("--epochs", type=_positive_int, default=None, help="number of epochs")
    run.add_argument("--batch-size", type=_positive_int, default=None, help="batch size")
    run.add_argument(
        "--data-dir",
        default=None,
        help="folder of real data (default: $KERASDL_DATA_DIR, else an embedded default)",
    )
    run.add_argument("--out", default=None, help="output folder (default: kerasdl-runs/NAME)")
    run.add_argument(
        "--mixed-precision",
        default=None,
        metavar="POLICY",
        choices=("float32", "mixed_float16", "mixed_bfloat16"),
        help="Keras dtype policy: float32, mixed_float16 or mixed_bfloat16",
    )
    run.add_argument("--quick", action="store_true", help="a tiny run that takes seconds")
    run.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}")
    return value


def _cmd_list() -> int:
    from kerasdl.models.registry import get_model_entry, list_models
    from kerasdl.practicals import list_practicals

    print("Models (kerasdl.models.create_model(NAME)):")
    for name in list_models():
        entry = get_model_entry(name)
        print(f"  {name:<24} {entry.task:<22} {entry.summary}")
    print("\nPracticals (kerasdl run NAME):")
    for name, practical in list_practicals().items():
        print(f"  {name:<24} {practical.description}")
    return 0


def _cmd_run(args: argparse.Namespace, rest: list[str], parser: argparse.ArgumentParser) -> int:
    from kerasdl.practicals import RunConfig, get_practical, list_practicals

    run_parser = argparse.ArgumentParser(prog=f"kerasdl run {args.name or 'NAME'}", add_help=False)
    if args.name is None:
        names = ", ".join(list_practicals())
        parser.error(f"`kerasdl run` needs a practical name, one of: {names}")
    try:
        practical = get_practical(args.name)
    except ValueError as error:
        parser.error(str(error))
    if practical.add_arguments is not None:
        practical.add_arguments(run_parser)
    if args.help:
        print(f"usage: {_RUN_USAGE}\n\n{practical.name}: {practical.description}")
        extra = run_parser.format_help().split("\n", 2)[-1].strip()
        if extra:
            print("\npractical options:\n" + extra)
        return 0
    options = run_parser.parse_args(rest)
    config = RunConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        data_dir=args.data_dir,
        out=args.out or os.path.join("kerasdl-runs", practical.name),
        mixed_precision=None if args.mixed_precision == "float32" else args.mixed_precision,
        quick=args.quick,
        seed=args.seed,
        options=vars(options),
    )
    practical.run(config)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kerasdl`` command; returns the exit status."""
    # Quiet TensorFlow's C++ start-up logs unless the user asked for them.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = _base_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "list":
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return _cmd_list()
    if args.command == "run":
        from kerasdl.datasets import DatasetNotFoundError

        try:
            return _cmd_run(args, rest, parser)
        except (DatasetNotFoundError, ValueError, TypeError) as error:
            print(f"kerasdl: error: {error}", file=sys.stderr)
            return 2
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
