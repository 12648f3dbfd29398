"""Sentiment analysis with an LSTM: the course's IMDB many-to-one RNN practical.

Data, in order of preference:

1. ``--data-file FILE.csv``: any CSV of ``text,label`` rows (a header naming
   ``text`` and ``label`` columns, or two columns without a header). Labels
   may be 0/1 or any strings; more than two labels give a softmax classifier.
2. The Keras IMDB arrays (``imdb.npz``) found locally through
   :func:`kerasdl.datasets.load_imdb` (``--data-dir``, ``$KERASDL_DATA_DIR``,
   the Keras cache), or downloaded with ``--download``.
3. The embedded default: 240 short **synthetic** movie reviews that kerasdl
   generated from templates (``kerasdl/resources/synthetic_movie_reviews.csv``),
   clearly labelled as such; accuracy on them says nothing about IMDB.

Texts go through :class:`kerasdl.text.Tokenizer` (``num_words``,
``oov_token="<OOV>"``) and :func:`kerasdl.text.pad_sequences`, as in the
course; the model is :func:`kerasdl.models.build_text_classifier`.
"""

from __future__ import annotations

import argparse
import csv
import time
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from kerasdl.practicals._base import Practical, RunConfig, dtype_policy, save_run_outputs

#: The course's hyper-parameters (vocab_size, embedding_dim, max_length, oov_tok).
VOCAB_SIZE = 10000
EMBEDDING_DIM = 16
MAX_LENGTH = 120
OOV_TOKEN = "<OOV>"
EPOCHS = 10
BATCH_SIZE = 64
RNN_UNITS = 32
EMBEDDED_REVIEWS = "synthetic_movie_reviews.csv"

#: Sentences scored at the end of a run on text data.
EXAMPLES = ("The acting was wonderful and the story was moving.", "A boring film, a waste of time.")


def read_text_label_csv(path: str | Path) -> tuple[list[str], list[str]]:
    """Read ``(texts, labels)`` from a CSV of text,label rows (header optional).

    Args:
        path: The CSV file.

    Returns:
        The texts and their labels as strings.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If a row lacks a label or the file has no rows.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text('label,text\\n1,"Great, really."\\n0,Dull.\\n')
    >>> read_text_label_csv(path)
    (['Great, really.', 'Dull.'], ['1', '0'])
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"`--data-file` must be a CSV file of text,label rows. Received: data_file={str(path)!r}"
        )
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"`--data-file` holds no rows. Received: data_file={str(path)!r}")
    header = [cell.strip().lower() for cell in rows[0]]
    text_col, label_col = 0, 1
    has_header = "text" in header and "label" in header
    if has_header:
        text_col, label_col = header.index("text"), header.index("label")
        rows = rows[1:]
    texts, labels = [], []
    for number, row in enumerate(rows, start=2 if has_header else 1):
        if len(row) <= max(text_col, label_col):
            raise ValueError(
                f"Row {number} of {str(path)!r} has no label: each row must be text,label. "
                f"Received: {row!r}"
            )
        texts.append(row[text_col])
        labels.append(row[label_col].strip())
    if not texts:
        raise ValueError(f"`--data-file` holds a header but no rows. Received: data_file={str(path)!r}")
    return texts, labels


def _encode_labels(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(labels))
    if len(names) < 2:
        raise ValueError(
            f"The labels must take at least two values to classify. Received: labels={names!r}"
        )
    if set(names) == {"0", "1"}:
        names = ["0", "1"]
    ids = {name: i for i, name in enumerate(names)}
    return np.array([ids[label] for label in labels], dtype="int32"), names


def load_texts(config: RunConfig) -> tuple[Any, str]:
    """Return ``(data, source)``: IMDB id arrays, or texts and labels from a CSV."""
    from kerasdl.datasets import DatasetNotFoundError, load_imdb

    data_file = config.options.get("data_file")
    if data_file:
        return read_text_label_csv(data_file), "csv:" + Path(data_file).name
    num_words = 2000 if config.quick else config.options.get("vocab_size") or VOCAB_SIZE
    try:
        imdb = load_imdb(config.data_dir, num_words=num_words, download=bool(config.options.get("download")))
        return imdb, "imdb"
    except DatasetNotFoundError:
        if config.data_dir is not None:
            raise
    path = resources.files("kerasdl").joinpath("resources").joinpath(EMBEDDED_REVIEWS)
    with resources.as_file(path) as file:
        return read_text_label_csv(file), "synthetic-reviews"


def _split(x: Any, y: np.ndarray, seed: int, fraction: float = 0.2) -> tuple[Any, ...]:
    order = np.random.default_rng(seed).permutation(len(y))
    cut = max(1, int(round(len(y) * fraction)))
    test, train = order[:cut], order[cut:]
    return x[train], y[train], x[test], y[test]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-file", default=None, help="a CSV of text,label rows to train on")
    parser.add_argument("--download", action="store_true", help="download IMDB if it is not found locally")
    parser.add_argument(
        "--cell", default="lstm", choices=("lstm", "gru", "simple_rnn"), help="recurrent cell (lstm)"
    )
    parser.add_argument("--bidirectional", action="store_true", help="wrap the RNN in Bidirectional")
    parser.add_argument("--vocab-size", type=int, default=None, help=f"words kept ({VOCAB_SIZE})")
    parser.add_argument("--max-length", type=int, default=None, help=f"padded length ({MAX_LENGTH})")


def run(config: RunConfig) -> dict[str, Any]:
    import keras

    from kerasdl.models import build_text_classifier
    from kerasdl.text import Tokenizer, pad_sequences
    from kerasdl.utils.io import atomic_write_text

    keras.utils.set_random_seed(config.seed)
    data, source = load_texts(config)
    max_length = config.options.get("max_length") or (60 if config.quick else MAX_LENGTH)
    tokenizer = None
    class_names = ["negative", "positive"]
    if source == "imdb":
        (x_train, y_train), (x_test, y_test) = data
        if config.quick:
            x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], y_test[:500]
        vocab_size = 2000 if config.quick else config.options.get("vocab_size") or VOCAB_SIZE
        x_train = pad_sequences(list(x_train), maxlen=max_length, truncating="post")
        x_test = pad_sequences(list(x_test), maxlen=max_length, truncating="post")
        y_train, y_test = np.asarray(y_train, "int32"), np.asarray(y_test, "int32")
    else:
        texts, labels = data
        if source == "synthetic-reviews":
            print(
                "No --data-file and no IMDB arrays found (pass --data-dir, set KERASDL_DATA_DIR or use "
                "--download): training on SYNTHETIC template reviews embedded in kerasdl. Accuracy on "
                "them is not an IMDB result."
            )
        y, class_names = _encode_labels(labels)
        texts_array = np.array(texts, dtype=object)
        train_texts, y_train, test_texts, y_test = _split(texts_array, y, config.seed)
        tokenizer = Tokenizer(num_words=config.options.get("vocab_size") or VOCAB_SIZE, oov_token=OOV_TOKEN)
        tokenizer.fit_on_texts(list(train_texts))
        assert tokenizer.num_words is not None  # always passed above
        vocab_size = min(tokenizer.num_words, len(tokenizer.word_index) + 1)
        x_train = pad_sequences(
            tokenizer.texts_to_sequences(list(train_texts)), maxlen=max_length, truncating="post"
        )
        x_test = pad_sequences(
            tokenizer.texts_to_sequences(list(test_texts)), maxlen=max_length, truncating="post"
        )
    num_classes = 1 if len(class_names) == 2 else len(class_names)
    epochs = config.epochs or (2 if config.quick else EPOCHS)
    batch_size = config.batch_size or BATCH_SIZE
    with dtype_policy(config.mixed_precision):
        model = build_text_classifier(
            vocab_size=vocab_size,
            num_classes=num_classes,
            embedding_dim=EMBEDDING_DIM,
            rnn_units=8 if config.quick else RNN_UNITS,
            cell=config.options.get("cell") or "lstm",
            bidirectional=bool(config.options.get("bidirectional")),
            sequence_length=max_length,
        )
        loss = "binary_crossentropy" if num_classes == 1 else "sparse_categorical_crossentropy"
        model.compile(optimizer=keras.optimizers.Adam(1e-2 if source != "imdb" else 1e-3), loss=loss,
                      metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(
            x_train, y_train, epochs=epochs, batch_size=batch_size, validation_data=(x_test, y_test),
            verbose=config.verbose,
        )
        train_seconds = time.perf_counter() - start
        test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
        metrics: dict[str, Any] = {
            "practical": "sentiment-lstm",
            "data": source,
            "synthetic": source == "synthetic-reviews",
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "batch_size": batch_size,
            "vocab_size": vocab_size,
            "max_length": max_length,
            "classes": class_names,
            "train_samples": len(y_train),
            "test_samples": len(y_test),
            "train_seconds": round(train_seconds, 2),
            "test_loss": float(test_loss),
            "test_accuracy": float(test_accuracy),
        }
        if tokenizer is not None:
            example_x = pad_sequences(tokenizer.texts_to_sequences(list(EXAMPLES)), maxlen=max_length)
            scores = model.predict(example_x, verbose=0)
            metrics["examples"] = {text: scores[i].tolist() for i, text in enumerate(EXAMPLES)}
            for text, score in metrics["examples"].items():
                print(f"  {score} <- {text!r}")
            atomic_write_text(config.out_dir / "tokenizer.json", tokenizer.to_json() + "\n")
        paths = save_run_outputs(config, model, history, metrics, title=f"Sentiment RNN on {source}")
    print(f"test accuracy ({source}): {test_accuracy:.4f}; outputs in {paths['model'].parent}")
    return metrics


PRACTICAL = Practical(
    name="sentiment-lstm",
    description="LSTM sentiment classifier (IMDB if found, --data-file CSV, else synthetic reviews)",
    run=run,
    add_arguments=add_arguments,
)
