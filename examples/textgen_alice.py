"""Next-word text generation on Alice's Adventures in Wonderland, and its Korean variant.

Run:  python examples/textgen_alice.py --data-dir ../shared/data/text    # Alice (alice29.txt)
      python examples/textgen_alice.py --text-file little_prince.txt --seed-text "어린 왕자는"
      python examples/textgen_alice.py                                   # embedded nursery rhymes
      python examples/textgen_alice.py --quick                           # seconds

Alice comes from ``--data-dir`` (or ``KERASDL_DATA_DIR``, or the Keras cache);
``--text-file`` takes any UTF-8 text, one sentence per line (the course's
Korean 'Little Prince' variant). Without either the script trains on the
EMBEDDED DEFAULT: traditional nursery rhymes shipped with kerasdl, not Alice.
"""

from __future__ import annotations

import argparse
from importlib import resources

import keras

from kerasdl.callbacks import plot_history
from kerasdl.datasets import DatasetNotFoundError, load_text
from kerasdl.models import build_text_generator
from kerasdl.text import Tokenizer, generate_text, make_ngram_sequences

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder holding alice29.txt")
parser.add_argument("--text-file", default=None, help="train on this text file instead (e.g. Korean text)")
parser.add_argument("--seed-text", action="append", default=None, help="start of a generated line (repeat)")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--quick", action="store_true", help="tiny run: 60 lines, a small LSTM")
parser.add_argument("--out", default=".", help="folder for the plot and the model")
args = parser.parse_args()
keras.utils.set_random_seed(0)

# 1. The corpus: a text file, Alice, or the embedded rhymes.
seeds = ["alice was", "the queen said", "down the rabbit"]
if args.text_file is not None:
    text, source = load_text(args.text_file), args.text_file
else:
    try:
        text, source = load_text("alice", args.data_dir, download=False), "Alice"
    except DatasetNotFoundError:
        if args.data_dir is not None:
            raise
        print("alice29.txt not found: training on the EMBEDDED DEFAULT nursery rhymes, not on Alice.")
        with resources.as_file(resources.files("kerasdl") / "resources" / "nursery_rhymes.txt") as path:
            text, source = load_text(path), "nursery rhymes"
        seeds, args.epochs = ["twinkle twinkle", "mary had", "the cat and"], max(args.epochs, 100)
seeds = args.seed_text or seeds
corpus = [line.strip() for line in text.lower().split("\n") if line.strip()]   # the course's corpus
if args.quick:
    corpus, args.epochs = corpus[:60], 15

# 2. Words -> ids, then every prefix of every line: the n-gram predictors and the next word as label.
tokenizer = Tokenizer()
tokenizer.fit_on_texts(corpus)
total_words = len(tokenizer.word_index) + 1
x, y = make_ngram_sequences(tokenizer.texts_to_sequences(corpus), max_len=20)
max_sequence_len = x.shape[1] + 1
print(f"{source}: {len(corpus)} lines, {total_words - 1} words, {len(x)} n-grams of up to {max_sequence_len}")

# 3. Embedding -> (Bi)LSTM -> softmax over the vocabulary; sparse labels need no one-hot matrix.
if args.quick:
    model = build_text_generator(total_words, max_sequence_len, embedding_dim=16, rnn_units=16)
else:
    model = build_text_generator(total_words, max_sequence_len, embedding_dim=100, rnn_units=150,
                                 bidirectional=True)
model.compile(keras.optimizers.Adam(5e-3 if source == "Alice" else 1e-2), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, epochs=args.epochs, batch_size=128 if source == "Alice" else 32, verbose=2)
plot_history(history, path=f"{args.out}/textgen_history.png", title=f"Next-word LSTM on {source}")
model.save(f"{args.out}/textgen.keras")

# 4. Generate: greedy (the most likely word each time), then sampled at temperature 0.8.
for seed_text in seeds:
    print("greedy :", generate_text(model, tokenizer, seed_text, 10, max_sequence_len))
    print("sampled:", generate_text(model, tokenizer, seed_text, 10, max_sequence_len, temperature=0.8, seed=0))
