"""Sample grids: watch a GAN learn, epoch by epoch."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import keras
import numpy as np

from kerasdl.utils.io import atomic_write
from kerasdl.utils.validation import check_positive_int


def save_image_grid(
    images: Any,
    path: str | os.PathLike[str],
    num_columns: int | None = None,
    title: str | None = None,
) -> Path:
    """Save images in ``[0, 1]`` as one PNG grid (atomically) and return its path.

    Args:
        images: An array ``(n, height, width)`` or ``(n, height, width, channels)``
            with 1 or 3 channels, values in ``[0, 1]``.
        path: The PNG file to write.
        num_columns: Images per row. Defaults to ``None`` (a square-ish grid).
        title: Figure title. Defaults to ``None``.

    Returns:
        The path written.

    Raises:
        ValueError: If ``images`` is not a batch of grey or RGB images.

    Example:

    >>> import tempfile, pathlib, numpy as np
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "grid.png"
    >>> save_image_grid(np.random.rand(6, 8, 8, 1), out).exists()
    True
    """
    from matplotlib.figure import Figure  # no pyplot: headless, nothing to close

    images = np.asarray(images, dtype="float32")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3) or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch (n, height, width) or (n, height, width, 1 or 3). "
            f"Received: images with shape {images.shape}"
        )
    n, height, width = images.shape[:3]
    cols = min(num_columns or math.ceil(math.sqrt(n)), n)
    rows = math.ceil(n / cols)
    # One mosaic and one imshow: a subplot per image is 50x slower for big grids.
    pad = 1
    mosaic = np.ones((rows * (height + pad) + pad, cols * (width + pad) + pad, *images.shape[3:]), "float32")
    for i, image in enumerate(np.clip(images, 0, 1)):
        top, left = pad + (i // cols) * (height + pad), pad + (i % cols) * (width + pad)
        mosaic[top : top + height, left : left + width] = image
    scale = max(1.0, 96 / max(height, width))  # at least ~1 inch per image
    size = (cols * width * scale / 96 + 0.2, rows * height * scale / 96 + (0.5 if title else 0.2))
    fig = Figure(figsize=size)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - (0.3 / fig.get_figheight() if title else 0)))
    ax.axis("off")
    ax.imshow(mosaic, cmap="gray" if images.ndim == 3 else None, vmin=0, vmax=1, interpolation="nearest")
    if title:
        fig.suptitle(title)
    with atomic_write(path, suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=80)
    return Path(path)


class GANMonitor(keras.callbacks.Callback):
    """Save a grid of samples from a fixed latent batch every ``every`` epochs.

    The same latent vectors (from ``seed``) are used each time, so the grids
    show one set of images evolving. ``path`` may contain ``{epoch}`` (for
    example ``"samples/epoch_{epoch:03d}.png"``) to keep one file per epoch;
    otherwise the file is overwritten. Works with :class:`~kerasdl.gan.GAN`
    and :class:`~kerasdl.gan.ConditionalGAN` (one class per column cycle).

    Args:
        path: The PNG file (or pattern) to write.
        every: Save after every ``every``-th epoch. Defaults to ``1``.
        num_images: Images per grid. Defaults to ``16``.
        seed: Seed of the fixed latent batch. Defaults to ``0``.

    Example:

    >>> import tempfile, pathlib, numpy as np
    >>> from kerasdl.gan import GANMonitor, build_gan
    >>> gan = build_gan(latent_dim=4, image_shape=(4, 4, 1), units=(8,))
    >>> gan.compile()
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> monitor = GANMonitor(out / "epoch_{epoch}.png", num_images=4)
    >>> _ = gan.fit(np.zeros((8, 4, 4, 1)), epochs=2, verbose=0, callbacks=[monitor])
    >>> sorted(p.name for p in out.iterdir())
    ['epoch_1.png', 'epoch_2.png']
    """

    def __init__(self, path: str | os.PathLike[str], every: int = 1, num_images: int = 16, seed: int = 0):
        super().__init__()
        self.path = str(path)
        self.every = check_positive_int(every, "every")
        self.num_images = check_positive_int(num_images, "num_images")
        self.seed = seed
        self.saved: list[Path] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if (epoch + 1) % self.every:
            return
        images = self.model.sample(self.num_images, seed=self.seed)
        path = self.path.format(epoch=epoch + 1) if "{epoch" in self.path else self.path
        self.saved.append(save_image_grid(images, path, title=f"epoch {epoch + 1}"))
