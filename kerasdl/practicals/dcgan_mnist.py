"""A DCGAN (Conv2DTranspose generator, Conv2D discriminator) on MNIST.

Real MNIST when ``--data-dir`` (or ``$KERASDL_DATA_DIR``, or the Keras cache)
holds it; otherwise synthetic digits rendered by kerasdl, clearly labelled.
Writes the same outputs as ``gan-mnist``. A GPU helps: on a CPU, use
``--quick`` or few ``--epochs``.
"""

from __future__ import annotations

import functools
from typing import Any

from kerasdl.practicals._base import Practical, RunConfig
from kerasdl.practicals._gan import add_arguments, run_gan_practical

EPOCHS = 15
BATCH_SIZE = 128


def run(config: RunConfig) -> dict[str, Any]:
    from kerasdl.gan import build_dcgan

    build = functools.partial(build_dcgan, filters=16) if config.quick else build_dcgan
    return run_gan_practical(config, name="dcgan-mnist", build=build, epochs=EPOCHS, batch_size=BATCH_SIZE)


PRACTICAL = Practical(
    name="dcgan-mnist",
    description="A DCGAN on MNIST, with sample grids and scores (synthetic digits otherwise)",
    run=run,
    add_arguments=add_arguments,
)
