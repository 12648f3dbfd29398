"""The course's dense GAN on MNIST: a generator and a discriminator trained against each other.

Run:  python examples/gan_mnist.py --data-dir ../shared/data/mnist
      python examples/gan_mnist.py --quick        # seconds, synthetic digits

Generator 100 -> 256 -> 512 -> 1024 -> 784 (tanh), discriminator
784 -> 1024 -> 512 -> 256 -> 1 (sigmoid), LeakyReLU(0.2), Adam(2e-4, 0.5),
trained with ``fit`` on any Keras backend. Without ``--data-dir`` (or
``KERASDL_DATA_DIR``) the GAN learns SYNTHETIC digits rendered by kerasdl.
The samples are scored with a LeNet-5 trained on the real images.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras

from kerasdl.callbacks import plot_history
from kerasdl.datasets import DatasetNotFoundError, load_mnist, make_digits
from kerasdl.gan import GANMonitor, build_gan, save_image_grid, score_generator, train_classifier

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder of the four MNIST IDX files")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--quick", action="store_true", help="tiny run: 256 images, one epoch")
parser.add_argument("--out", default=".", help="folder for the sample grids and the models")
args = parser.parse_args()
out = Path(args.out)
keras.utils.set_random_seed(0)

# 1. The real images, scaled to [-1, 1] like the generator's tanh output.
try:
    (x_train, y_train), (x_test, y_test) = load_mnist(args.data_dir, download=False)
    source = "MNIST"
except DatasetNotFoundError:
    if args.data_dir is not None:
        raise
    print("No MNIST files found: training on SYNTHETIC digits rendered by kerasdl, not MNIST.")
    (x_train, y_train), (x_test, y_test) = make_digits(12000, seed=0), make_digits(2000, seed=1)
    source = "synthetic digits"
if args.quick:
    x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:200], y_test[:200]
    args.epochs = 1
unit_train = x_train[..., None].astype("float32") / 255.0   # (n, 28, 28, 1) in [0, 1]
unit_test = x_test[..., None].astype("float32") / 255.0
gan_images = unit_train[:256] if args.quick else unit_train
gan_images = gan_images * 2.0 - 1.0

# 2. The GAN: both networks and both optimizers in one keras.Model (narrower with --quick).
gan = build_gan(latent_dim=100, units=(64, 128, 256) if args.quick else (256, 512, 1024), seed=0)
gan.generator.summary()
gan.compile()              # Adam(2e-4, beta_1=0.5) for each network, binary cross-entropy
monitor = GANMonitor(out / "gan_samples" / "epoch_{epoch:03d}.png", every=max(1, args.epochs // 6))
history = gan.fit(gan_images, batch_size=64 if args.quick else 128, epochs=args.epochs, verbose=2,
                  callbacks=[monitor])

# 3. Samples, losses and the saved models.
save_image_grid(gan.sample(64, seed=0), out / "gan_samples.png", title=f"dense GAN on {source}")
plot_history(history, path=out / "gan_history.png", title=f"dense GAN on {source}")
gan.save(out / "gan.keras")                         # the whole GAN, optimizers included
gan.generator.save(out / "gan_generator.keras")

# 4. Scores from a LeNet-5 trained on the real images: Frechet distance (lower is better) and
#    classifier score (1 to 10, higher is better; the real images' score is the ceiling).
classifier = train_classifier(unit_train, y_train, epochs=1 if args.quick else 3, seed=0)
scores = score_generator(gan, classifier, unit_test, num_samples=min(1000, len(unit_test)), seed=0)
print(f"{source}: Frechet distance {scores['frechet_distance']:.2f}, classifier score "
      f"{scores['classifier_score']:.2f} (real images: {scores['real_classifier_score']:.2f})")
