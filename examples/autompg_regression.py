"""Auto MPG regression: overfit on purpose, then stop early and keep the best checkpoint.

Run:  python examples/autompg_regression.py --data-dir ../shared/data/auto-mpg
      python examples/autompg_regression.py             # synthetic Auto-MPG-like table
      python examples/autompg_regression.py --quick     # seconds

The course's practical: fuel efficiency (MPG) from the UCI Auto MPG table,
a network large enough to overfit, trained once without and once with early
stopping (plus a checkpoint of the best epoch, reloaded at the end); the two
loss curves are plotted side by side. Without ``auto-mpg.data`` (``--data-dir``
or ``KERASDL_DATA_DIR``) the script uses a SYNTHETIC table made by kerasdl.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import keras

from kerasdl.callbacks import SafeModelCheckpoint, early_stopping, plot_history
from kerasdl.datasets import DatasetNotFoundError, load_auto_mpg, make_auto_mpg_like
from kerasdl.models import build_regressor
from kerasdl.serialization import load_model

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder holding auto-mpg.data")
parser.add_argument("--epochs", type=int, default=300, help="epochs of the run without early stopping")
parser.add_argument("--patience", type=int, default=10)
parser.add_argument("--quick", action="store_true", help="tiny run: a few epochs")
parser.add_argument("--out", default=".", help="folder for the plot and the checkpoint")
args = parser.parse_args()
out = Path(args.out)
if args.quick:
    args.epochs, args.patience = 3, 1

# 1. The table: NaN rows dropped, origin one-hot encoded, 80/20 train/test split (the TF tutorial's).
options = dict(dropna=True, one_hot_origin=True, split=0.8, seed=0)
try:
    train, test = load_auto_mpg(args.data_dir, download=False, **options)
    source = "Auto MPG"
except DatasetNotFoundError:
    if args.data_dir is not None:
        raise
    print("auto-mpg.data not found: using a SYNTHETIC Auto-MPG-like table, not the UCI data.")
    train, test = make_auto_mpg_like(398, **options)
    source = "synthetic Auto MPG"
train, test = train.drop(columns=["Car Name"]), test.drop(columns=["Car Name"])
y_train, y_test = train.pop("MPG").to_numpy("float32"), test.pop("MPG").to_numpy("float32")
x_train, x_test = train.to_numpy("float32"), test.to_numpy("float32")
print(f"{source}: {len(x_train)} training and {len(x_test)} test cars; features {list(train.columns)}")


def train_model(callbacks):
    """Normalization (adapted to the training features) -> 3 x Dense(256): big enough to overfit."""
    keras.utils.set_random_seed(0)
    model = build_regressor(x_train, hidden_units=(256, 256, 256))
    model.compile(keras.optimizers.Adam(1e-3), loss="mean_absolute_error")
    history = model.fit(x_train, y_train, validation_split=0.2, epochs=args.epochs, batch_size=32,
                        callbacks=callbacks, verbose=0)
    return model, history


# 2. Without early stopping: the validation loss turns up while the training loss keeps falling.
overfit, history_all = train_model([])
print(f"without early stopping: {len(history_all.epoch)} epochs, "
      f"test MAE {overfit.evaluate(x_test, y_test, verbose=0):.3f} MPG")

# 3. With early stopping (best weights restored) and a checkpoint of the best epoch.
stopper = early_stopping(monitor="val_loss", patience=args.patience)
checkpoint = SafeModelCheckpoint(out / "autompg_best.keras", monitor="val_loss", save_best_only=True)
stopped, history_stop = train_model([stopper, checkpoint])
print(f"with early stopping: {len(history_stop.epoch)} epochs, best epoch {stopper.best_epoch_number}, "
      f"test MAE {stopped.evaluate(x_test, y_test, verbose=0):.3f} MPG")

# 4. The checkpoint reloads into the same model.
best = load_model(out / "autompg_best.keras")
print(f"reloaded checkpoint: test MAE {best.evaluate(x_test, y_test, verbose=0):.3f} MPG")
figure = plot_history(history_all, history_stop, labels=["no early stopping", "early stopping"],
                      title=f"{source}: MAE (MPG)")
figure.axes[0].set_ylim(0, 3 * min(history_stop.history["val_loss"]))   # zoom past the first epochs
figure.savefig(out / "autompg_history.png", dpi=90)
