"""Image pipeline throughput: the legacy ImageDataGenerator against kerasdl's pipelines.

A folder of synthetic 150x150 JPEGs (``kerasdl.datasets.make_image_folder``,
two classes) is read with the course's augmentation preset::

    rescale=1/255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
    shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode='nearest'

in batches of 32, and each pipeline's images per second over whole epochs
(decode + resize + augment + rescale, everything a training step waits for)
are printed side by side with the ratio to the legacy class. Pipelines run
interleaved (legacy, kerasdl, ..., then again) so that all see the same load
on a shared machine; the median over ``--repeats`` epochs is reported.
Building an iterator (listing and, for kerasdl, decode-checking every file)
is timed separately and not included in images/second.

Each pipeline is one function ``pipeline_<name>(folder, args) -> (setup_s,
epoch_fn)`` registered in ``PIPELINES``; ``epoch_fn()`` reads one epoch and
returns the number of images read.

Usage::

    nice python benchmarks/image_pipeline.py                 # 1,024 images, 3 repeats
    nice python benchmarks/image_pipeline.py --images 256 --repeats 1   # smoke test

Pipelines: ``legacy``, ``kerasdl`` (the default compiled warp) and
``kerasdl-numpy`` (the same generator with ``KERASDL_WARP=numpy``, the pure
NumPy warp, for comparison); select with ``--pipelines``.

Targets (issue #4): kerasdl.data.ImageDataGenerator >= 5x the legacy class.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

PRESET = dict(
    rescale=1 / 255,
    rotation_range=40,
    width_shift_range=0.2,
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True,
    fill_mode="nearest",
)
TARGET_SIZE = (150, 150)

EpochFn = Callable[[], int]


def _legacy_class() -> tuple[Any, str]:
    """The tf.keras 2.x class: tf.keras under TensorFlow, else Keras's private legacy copy."""
    try:
        import tensorflow as tf

        return tf.keras.preprocessing.image.ImageDataGenerator, "tf.keras.preprocessing.image"
    except (ImportError, AttributeError):  # pragma: no cover - other backends without TF
        from keras.src.legacy.preprocessing.image import ImageDataGenerator

        return ImageDataGenerator, "keras.src.legacy.preprocessing.image"


def _iterator_epoch(iterator: Any) -> EpochFn:
    def epoch() -> int:
        count = 0
        for i in range(len(iterator)):
            x, _ = iterator[i]
            count += len(x)
        iterator.on_epoch_end()
        return count

    return epoch


def pipeline_legacy(folder: Path, args: argparse.Namespace) -> tuple[float, EpochFn]:
    """The legacy ImageDataGenerator (per image, per channel SciPy warps)."""
    cls, _ = _legacy_class()
    start = time.perf_counter()
    iterator = cls(**PRESET).flow_from_directory(
        folder, target_size=TARGET_SIZE, batch_size=args.batch_size, class_mode="binary", seed=0
    )
    return time.perf_counter() - start, _iterator_epoch(iterator)


def pipeline_kerasdl(folder: Path, args: argparse.Namespace) -> tuple[float, EpochFn]:
    """kerasdl.data.ImageDataGenerator (thread-pool decoding, batch-vectorized warps)."""
    from kerasdl.data import ImageDataGenerator

    start = time.perf_counter()
    iterator = ImageDataGenerator(**PRESET).flow_from_directory(
        folder, target_size=TARGET_SIZE, batch_size=args.batch_size, class_mode="binary", seed=0
    )
    return time.perf_counter() - start, _iterator_epoch(iterator)


def pipeline_kerasdl_numpy(folder: Path, args: argparse.Namespace) -> tuple[float, EpochFn]:
    """kerasdl.data.ImageDataGenerator with its pure NumPy warp (``KERASDL_WARP=numpy``), for comparison."""
    from kerasdl.data.transforms import WARP_ENV

    setup_s, epoch = pipeline_kerasdl(folder, args)

    def numpy_epoch() -> int:
        previous = os.environ.get(WARP_ENV)
        os.environ[WARP_ENV] = "numpy"
        try:
            return epoch()
        finally:
            if previous is None:
                del os.environ[WARP_ENV]
            else:
                os.environ[WARP_ENV] = previous

    return setup_s, numpy_epoch


#: name -> (label, function). Other pipelines (tf.data) register here too.
PIPELINES: dict[str, tuple[str, Callable[[Path, argparse.Namespace], tuple[float, EpochFn]]]] = {
    "legacy": ("legacy ImageDataGenerator", pipeline_legacy),
    "kerasdl": ("kerasdl.data.ImageDataGenerator", pipeline_kerasdl),
    "kerasdl-numpy": ("kerasdl.data.ImageDataGenerator, NumPy warp (KERASDL_WARP=numpy)", pipeline_kerasdl_numpy),
}


def make_folder(root: Path, num_images: int) -> Path:
    from kerasdl.datasets import make_image_folder

    return make_image_folder(
        root / "images", classes=("cats", "dogs"), num_per_class=num_images // 2, image_size=TARGET_SIZE,
        image_format="jpeg", seed=0,
    )


def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    import keras

    names = [n for n in args.pipelines.split(",") if n]
    unknown = [n for n in names if n not in PIPELINES]
    if unknown:
        raise SystemExit(f"unknown pipeline(s) {unknown}; valid: {', '.join(PIPELINES)}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="kerasdl-bench-"))
    try:
        start = time.perf_counter()
        folder = make_folder(workdir, args.images)
        print(f"wrote {args.images} JPEGs ({TARGET_SIZE[0]}x{TARGET_SIZE[1]}) in {time.perf_counter() - start:.1f} s")
        epochs: dict[str, EpochFn] = {}
        setup: dict[str, float] = {}
        for name in names:
            setup[name], epochs[name] = PIPELINES[name][1](folder, args)
            epochs[name]()  # warm-up epoch (imports, thread pools, tf.data tracing)
        rates: dict[str, list[float]] = {name: [] for name in names}
        cpu_ms: dict[str, list[float]] = {name: [] for name in names}
        for repeat in range(args.repeats):
            order = names if repeat % 2 == 0 else names[::-1]
            for name in order:
                start, cpu_start = time.perf_counter(), time.process_time()
                count = epochs[name]()
                rates[name].append(count / (time.perf_counter() - start))
                cpu_ms[name].append(1000 * (time.process_time() - cpu_start) / count)
        results = {
            name: {
                "images_per_s": statistics.median(rates[name]),
                "cpu_ms_per_image": statistics.median(cpu_ms[name]),
                "setup_s": setup[name],
            }
            for name in names
        }
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    _, legacy_path = _legacy_class()
    print(
        f"\nkeras {keras.__version__}, backend {keras.backend.backend()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; {args.images} images, batch {args.batch_size}, median of {args.repeats} "
        f"epoch(s); legacy = {legacy_path}"
    )
    base = results.get("legacy", {}).get("images_per_s")
    print(
        "\n| pipeline | images/s | x legacy | CPU ms/image (all threads) | iterator setup (s) |"
        "\n|---|---:|---:|---:|---:|"
    )
    for name in names:
        row = results[name]
        ratio = f"{row['images_per_s'] / base:.1f}x" if base else "-"
        print(
            f"| {PIPELINES[name][0]} | {row['images_per_s']:,.0f} | {ratio} | {row['cpu_ms_per_image']:.2f} "
            f"| {row['setup_s']:.2f} |"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=1024, help="number of JPEGs to generate (>= 1,000 for the record)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per pipeline (median reported)")
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help="comma-separated subset of " + ", ".join(PIPELINES))
    parser.add_argument("--workdir", default=None, help="keep the generated folder here (default: a temp folder)")
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
