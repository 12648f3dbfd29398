"""The course's first RNN: given 'h', a character-level model learns to spell 'hello'.

Run:  python examples/char_rnn.py                    # 'hello', a SimpleRNN
      python examples/char_rnn.py --text "hello world" --cell lstm
      python examples/char_rnn.py --quick            # seconds

Each character is one-hot encoded; the model reads ``"hell"`` one character
per time step and learns the next character at every step (``"ello"``): a
many-to-many RNN. The two ``l`` need memory: after the first the answer is
``l``, after the second ``o``. No data needed.
"""

from __future__ import annotations

import argparse

import keras
import numpy as np

from kerasdl.callbacks import plot_history
from kerasdl.models import build_sequence_tagger

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--text", default="hello", help="the string to learn (default 'hello')")
parser.add_argument("--cell", default="simple_rnn", choices=("simple_rnn", "lstm", "gru"))
parser.add_argument("--epochs", type=int, default=120)
parser.add_argument("--quick", action="store_true", help="fewer epochs")
parser.add_argument("--out", default=".", help="folder for the plot and the model")
args = parser.parse_args()
keras.utils.set_random_seed(0)
if args.quick:
    args.epochs = 60

# 1. The alphabet ('h', 'e', 'l', 'o'), one-hot inputs word[:-1] and next-character targets word[1:].
chars = list(dict.fromkeys(args.text))
index = {c: i for i, c in enumerate(chars)}
eye = np.eye(len(chars), dtype="float32")
ids = np.array([index[c] for c in args.text])
x, y = eye[ids[:-1]][None], ids[1:][None]             # (1, 4, 4) and (1, 4)
print(f"alphabet {chars}; input {args.text[:-1]!r} -> targets {args.text[1:]!r}")

# 2. One RNN layer with an output at every time step (return_sequences) and a softmax per step.
model = build_sequence_tagger(num_classes=len(chars), input_dim=len(chars), rnn_units=16, cell=args.cell)
model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"])
# 16 copies in one batch: the same gradient as one example, but fewer, faster epochs.
history = model.fit(np.repeat(x, 16, axis=0), np.repeat(y, 16, axis=0), epochs=args.epochs, batch_size=16,
                    verbose=0)
print(f"after {args.epochs} epochs: loss {history.history['loss'][-1]:.4f}")
plot_history(history, path=f"{args.out}/char_rnn_history.png", title=f"char-RNN on {args.text!r}")

# 3. Generate: start from the first character and feed every prediction back in.
text = args.text[0]
while len(text) < len(args.text):
    probabilities = model.predict_on_batch(eye[[index[c] for c in text]][None])
    text += chars[int(np.argmax(probabilities[0, -1]))]      # the prediction after the last step
print(f"generated from {args.text[0]!r}: {text!r}" + (" (learned)" if text == args.text else " (not yet)"))
model.save(f"{args.out}/char_rnn.keras")
