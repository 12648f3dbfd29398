"""The tf.data entries of ``benchmarks/image_pipeline.py``: ``image_dataset`` + ``augmentation_layers``.

Registers two pipelines in ``image_pipeline.PIPELINES`` and runs that script's
benchmark, so the legacy ImageDataGenerator, kerasdl's ImageDataGenerator and
the tf.data pipelines are timed side by side in one process on the same
generated folder and the course preset:

- ``tfdata``: ``kerasdl.data.image_dataset(folder, (150, 150), augment=PRESET)``
  with its defaults (decoded images cached after the first epoch, parallel
  augmentation of whole batches, prefetch) - what a training run sees from
  the second epoch on;
- ``tfdata-nocache``: the same with ``cache=False`` (every epoch decodes the
  JPEGs again, as the generators do).

Usage (all options of image_pipeline.py apply)::

    nice python benchmarks/_tfdata_pipeline.py                    # 1,024 images, 3 repeats
    nice python benchmarks/_tfdata_pipeline.py --images 256 --repeats 1

Target (issue #4): the tf.data pipeline >= 10x the legacy class's images/second.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import image_pipeline  # noqa: E402  (the sibling benchmark script)


def _dataset_epoch(dataset):
    def epoch() -> int:
        count = 0
        for images, _ in dataset:
            count += int(images.shape[0])
        return count

    return epoch


def _tfdata(cache: bool):
    def pipeline(folder: Path, args: argparse.Namespace):
        from kerasdl.data import image_dataset

        start = time.perf_counter()
        dataset = image_dataset(
            folder, image_pipeline.TARGET_SIZE, batch_size=args.batch_size, augment=dict(image_pipeline.PRESET),
            label_mode="binary", cache=cache, seed=0,
        )
        return time.perf_counter() - start, _dataset_epoch(dataset)

    return pipeline


def register() -> None:
    """Add the tf.data pipelines to ``image_pipeline.PIPELINES`` (idempotent)."""
    image_pipeline.PIPELINES.setdefault(
        "tfdata", ("kerasdl.data.image_dataset + augmentation_layers (cached)", _tfdata(cache=True))
    )
    image_pipeline.PIPELINES.setdefault(
        "tfdata-nocache", ("kerasdl.data.image_dataset + augmentation_layers, cache=False", _tfdata(cache=False))
    )


register()

if __name__ == "__main__":
    sys.exit(image_pipeline.main())
