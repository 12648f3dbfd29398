"""The course's dense GAN on MNIST (100 -> 256 -> 512 -> 1024 -> 784).

Real MNIST when ``--data-dir`` (or ``$KERASDL_DATA_DIR``, or the Keras cache)
holds it; otherwise synthetic digits rendered by kerasdl, clearly labelled.
Writes ``gan.keras``, ``generator.keras``, sample grids (``samples/`` and
``samples.png``), ``history.png`` and ``metrics.json`` with the Frechet
distance and classifier score of the samples (LeNet-5 trained on the real
images).
"""

from __future__ import annotations

from typing import Any

from kerasdl.practicals._base import Practical, RunConfig
from kerasdl.practicals._gan import add_arguments, run_gan_practical

EPOCHS = 30
BATCH_SIZE = 128


def run(config: RunConfig) -> dict[str, Any]:
    from kerasdl.gan import build_gan

    return run_gan_practical(config, name="gan-mnist", build=build_gan, epochs=EPOCHS, batch_size=BATCH_SIZE)


PRACTICAL = Practical(
    name="gan-mnist",
    description="The course's dense GAN on MNIST, with sample grids and scores (synthetic digits otherwise)",
    run=run,
    add_arguments=add_arguments,
)
