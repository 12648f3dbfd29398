"""N-gram training data for the next-word model on Alice: the course's way vs kerasdl's.

Anchor (the course's code): a Python list of every prefix n-gram,
``pad_sequences``, slicing, and ``to_categorical`` one-hot labels over the
whole vocabulary. kerasdl: ``make_ngram_sequences`` (all in memory, sparse or
one-hot labels) and ``NgramDataset`` (one-hot batches of 128 made on demand;
every batch is produced once, as one epoch of ``fit`` would).

Peak memory is measured with ``tracemalloc`` (NumPy reports its buffers to
it), starting from the token id lists; time is measured in a separate run
without tracing. All outputs are checked equal to the course's.

    python benchmarks/ngrams.py [--alice PATH] [--batch-size 128]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")  # pad_sequences/to_categorical need no TensorFlow
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ALICE = ROOT.parent / "shared" / "data" / "text" / "alice29.txt"


def course(sequences, total_words):
    from keras.utils import pad_sequences, to_categorical

    input_sequences = []
    for token_list in sequences:
        for i in range(1, len(token_list)):
            input_sequences.append(token_list[: i + 1])
    max_sequence_len = max(len(x) for x in input_sequences)
    input_sequences = np.array(pad_sequences(input_sequences, maxlen=max_sequence_len, padding="pre"))
    predictors, label = input_sequences[:, :-1], input_sequences[:, -1]
    label = to_categorical(label, num_classes=total_words)
    return predictors, label


def kerasdl_sparse(sequences, total_words):
    from kerasdl.text import make_ngram_sequences

    return make_ngram_sequences(sequences)


def kerasdl_one_hot(sequences, total_words):
    from kerasdl.text import make_ngram_sequences

    return make_ngram_sequences(sequences, one_hot=True, num_classes=total_words)


def kerasdl_streamed(sequences, total_words, batch_size=128, check=None):
    from kerasdl.text import NgramDataset

    data = NgramDataset(sequences, batch_size=batch_size, one_hot=True, num_classes=total_words)
    rows = 0
    for i in range(len(data)):
        x, y = data[i]
        if check is not None:
            cx, cy = check
            assert np.array_equal(x, cx[rows : rows + len(x)]) and np.array_equal(y, cy[rows : rows + len(y)])
        rows += len(x)
    return rows


def measure(fn, *args, **kwargs):
    start = time.perf_counter()
    fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return seconds, peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alice", type=Path, default=DEFAULT_ALICE)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args(argv)
    if not args.alice.is_file():
        print(f"Alice not found at {args.alice}; pass --alice PATH", file=sys.stderr)
        return 2
    from kerasdl.datasets import load_text
    from kerasdl.text import Tokenizer

    corpus = load_text(args.alice).lower().split("\n")
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(corpus)
    total_words = len(tokenizer.word_index) + 1
    sequences = tokenizer.texts_to_sequences(corpus)

    cx, cy = course(sequences, total_words)
    sx, sy = kerasdl_sparse(sequences, total_words)
    ox, oy = kerasdl_one_hot(sequences, total_words)
    assert np.array_equal(sx, cx) and np.array_equal(sy, cy.argmax(axis=1))
    assert np.array_equal(ox, cx) and np.array_equal(oy, cy)
    assert kerasdl_streamed(sequences, total_words, args.batch_size, check=(cx, cy)) == len(cx)
    print(f"Alice: {len(corpus):,} lines, {total_words:,} word ids, {len(cx):,} n-grams of {cx.shape[1] + 1} ids; "
          f"outputs identical to the course's (labels {cy.dtype} one-hot)")
    del cx, cy, sx, sy, ox, oy

    rows = [
        ("course: list of lists + pad_sequences + to_categorical", course),
        ("kerasdl make_ngram_sequences (sparse int32 labels)", kerasdl_sparse),
        ("kerasdl make_ngram_sequences(one_hot=True) (float32)", kerasdl_one_hot),
        (f"kerasdl NgramDataset one-hot, batches of {args.batch_size}", kerasdl_streamed),
    ]
    results = [(name, *measure(fn, sequences, total_words)) for name, fn in rows]
    course_seconds, course_peak = results[0][1], results[0][2]
    print(f"{'method':58s} {'time s':>7s} {'peak MiB':>9s} {'less memory':>12s}")
    for name, seconds, peak in results:
        ratio = course_peak / peak if peak else float("inf")
        print(f"{name:58s} {seconds:7.3f} {peak / 2**20:9.1f} {ratio:11.1f}x")
    print("(time ratios vs the course: " + ", ".join(f"{course_seconds / s:.1f}x" for _, s, _ in results[1:]) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
