"""Sample grids written while training."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from kerasdl.gan import GANMonitor, build_conditional_gan, build_gan, save_image_grid


def test_save_image_grid_writes_a_png(tmp_path):
    path = save_image_grid(np.random.default_rng(0).random((5, 6, 6, 1)), tmp_path / "sub" / "grid.png", title="t")
    assert path.exists() and Image.open(path).format == "PNG"
    save_image_grid(np.random.default_rng(0).random((2, 6, 6, 3)), tmp_path / "rgb.png", num_columns=2)
    assert not list(tmp_path.glob(".*tmp*"))  # atomic: no temporary file left
    with pytest.raises(ValueError, match="non-empty batch"):
        save_image_grid(np.zeros((2, 6, 6, 2)), tmp_path / "bad.png")


@pytest.mark.multibackend
def test_monitor_saves_every_n_epochs_from_a_fixed_batch(tmp_path):
    gan = build_gan(latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0)
    gan.compile()
    monitor = GANMonitor(tmp_path / "e{epoch}.png", every=2, num_images=4, seed=1)
    gan.fit(np.zeros((8, 4, 4, 1), "float32"), batch_size=8, epochs=4, verbose=0, callbacks=[monitor])
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["e2.png", "e4.png"]
    assert monitor.saved == [tmp_path / "e2.png", tmp_path / "e4.png"]


def test_monitor_overwrites_one_file_and_handles_conditional_gans(tmp_path):
    gan = build_conditional_gan(2, latent_dim=4, image_shape=(4, 4, 1), units=(8,), seed=0)
    gan.compile()
    monitor = GANMonitor(tmp_path / "latest.png", num_images=4)
    gan.fit(np.zeros((8, 4, 4, 1)), np.arange(8) % 2, batch_size=8, epochs=2, verbose=0, callbacks=[monitor])
    assert [p.name for p in tmp_path.iterdir()] == ["latest.png"] and len(monitor.saved) == 2
    with pytest.raises(ValueError, match="`every` must be a positive integer"):
        GANMonitor(tmp_path / "x.png", every=0)
