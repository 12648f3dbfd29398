"""Sentiment classification with an LSTM (many-to-one RNN): the course's IMDB practical.

Run:  python examples/sentiment_lstm.py --data-dir DIR       # DIR holds Keras's imdb.npz
      python examples/sentiment_lstm.py --data-file reviews.csv   # any CSV with text,label columns
      python examples/sentiment_lstm.py                      # embedded synthetic reviews
      python examples/sentiment_lstm.py --quick              # seconds

Data, in order: ``--data-file`` (texts, tokenized here with the course's
``Tokenizer``); the Keras IMDB arrays (``imdb.npz``, already word ids) found by
``kerasdl.datasets.load_imdb`` in ``--data-dir``, ``KERASDL_DATA_DIR`` or the
Keras cache; otherwise the EMBEDDED DEFAULT: 240 short SYNTHETIC template
reviews shipped with kerasdl. Accuracy on them says nothing about IMDB.
"""

from __future__ import annotations

import argparse
from importlib import resources

import keras
import numpy as np
import pandas as pd

from kerasdl.callbacks import plot_history
from kerasdl.datasets import DatasetNotFoundError, load_imdb
from kerasdl.models import build_text_classifier
from kerasdl.text import Tokenizer, pad_sequences

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--data-dir", default=None, help="folder holding imdb.npz")
parser.add_argument("--data-file", default=None, help="a CSV file with 'text' and 'label' (0/1) columns")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--quick", action="store_true", help="tiny run: a small LSTM, two epochs")
parser.add_argument("--out", default=".", help="folder for the plot, the tokenizer and the model")
args = parser.parse_args()
keras.utils.set_random_seed(0)
# The course's hyper-parameters.
vocab_size, embedding_dim, max_length, oov_tok = 10000, 16, 120, "<OOV>"
if args.quick:
    args.epochs, max_length = 2, 60

# 1. Data: texts (CSV or embedded) go through the Tokenizer; the IMDB arrays are word ids already.
tokenizer = None
imdb = None
if args.data_file is None:
    try:
        imdb = load_imdb(args.data_dir, num_words=vocab_size, download=False)
    except DatasetNotFoundError:
        if args.data_dir is not None:
            raise
if imdb is not None:
    source = "IMDB"
    (x_train, y_train), (x_test, y_test) = imdb
    if args.quick:
        x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
    x_train = pad_sequences(list(x_train), maxlen=max_length, truncating="post")
    x_test = pad_sequences(list(x_test), maxlen=max_length, truncating="post")
else:
    if args.data_file is not None:
        table, source = pd.read_csv(args.data_file), args.data_file
    else:
        print("No IMDB arrays found: training on the EMBEDDED SYNTHETIC template reviews, not on IMDB.")
        with resources.as_file(resources.files("kerasdl") / "resources" / "synthetic_movie_reviews.csv") as f:
            table, source = pd.read_csv(f), "synthetic reviews"
    table = table.sample(frac=1.0, random_state=0)            # shuffle, then hold out 20 %
    cut = len(table) // 5
    train_texts, test_texts = list(table["text"][cut:]), list(table["text"][:cut])
    y_train, y_test = table["label"][cut:].to_numpy(), table["label"][:cut].to_numpy()
    tokenizer = Tokenizer(num_words=vocab_size, oov_token=oov_tok)
    tokenizer.fit_on_texts(train_texts)
    print(f"{len(tokenizer.word_index)} words; word_index starts {list(tokenizer.word_index.items())[:4]}")
    x_train = pad_sequences(tokenizer.texts_to_sequences(train_texts), maxlen=max_length, truncating="post")
    x_test = pad_sequences(tokenizer.texts_to_sequences(test_texts), maxlen=max_length, truncating="post")
    vocab_size = min(vocab_size, len(tokenizer.word_index) + 1)
y_train, y_test = np.asarray(y_train, "float32"), np.asarray(y_test, "float32")
print(f"{source}: {len(x_train)} training, {len(x_test)} test reviews, padded to {max_length} words")

# 2. Embedding -> LSTM -> Dense(1, sigmoid): a many-to-one RNN.
model = build_text_classifier(vocab_size=vocab_size, num_classes=1, embedding_dim=embedding_dim,
                              rnn_units=8 if args.quick else 32, cell="lstm", sequence_length=max_length)
model.summary()
model.compile(keras.optimizers.Adam(1e-3 if imdb is not None else 1e-2), "binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=64,
                    validation_data=(x_test, y_test), verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"{source}: test accuracy {accuracy:.4f}")
plot_history(history, path=f"{args.out}/sentiment_history.png", title=f"LSTM sentiment on {source}")
model.save(f"{args.out}/sentiment_lstm.keras")

# 3. Score new sentences (texts need the tokenizer the model was trained with).
if tokenizer is not None:
    with open(f"{args.out}/tokenizer.json", "w", encoding="utf-8") as f:
        f.write(tokenizer.to_json())
    reviews = ["The acting was wonderful and the story was moving.", "A boring film, a waste of time."]
    scores = model.predict(pad_sequences(tokenizer.texts_to_sequences(reviews), maxlen=max_length), verbose=0)
    for review, score in zip(reviews, scores[:, 0]):
        print(f"  {score:.3f} positive <- {review!r}")
