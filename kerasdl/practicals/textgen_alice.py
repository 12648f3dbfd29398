"""Next-word text generation on Alice's Adventures in Wonderland (the course's LSTM practical).

Alice (``alice29.txt``, the Canterbury corpus copy) comes from ``--data-dir``
(or ``$KERASDL_DATA_DIR``, or the Keras cache). Without it the practical
trains on traditional English nursery rhymes embedded in kerasdl
(``kerasdl/resources/nursery_rhymes.txt``), and says so.
"""

from __future__ import annotations

import argparse
from typing import Any

from kerasdl.practicals._base import Practical, RunConfig
from kerasdl.practicals._textgen import Recipe, add_generation_arguments, embedded_text, run_textgen

EMBEDDED_TEXT = "nursery_rhymes.txt"
SEEDS = ["alice was", "the queen said", "down the rabbit"]
EMBEDDED_SEEDS = ["twinkle twinkle", "mary had", "the cat and"]
#: The full run: Bi-LSTM of 150 units on 100-d embeddings, 30 epochs (about 20 s an epoch on a 2-core CPU).
RECIPE = Recipe(epochs=30, learning_rate=5e-3)
#: The embedded rhymes are tiny: more epochs, same model.
EMBEDDED_RECIPE = Recipe(epochs=100, batch_size=32)


def load_corpus(config: RunConfig) -> tuple[str, str, bool]:
    """(text, source, embedded): Alice if found, else the embedded nursery rhymes."""
    from kerasdl.datasets import DatasetNotFoundError, load_text

    try:
        return load_text("alice", config.data_dir, download=False), "alice", False
    except DatasetNotFoundError:
        if config.data_dir is not None:
            raise
    print(
        "Alice (alice29.txt) not found (pass --data-dir or set KERASDL_DATA_DIR): training on the "
        "EMBEDDED DEFAULT, traditional nursery rhymes shipped with kerasdl, not on Alice."
    )
    return embedded_text(EMBEDDED_TEXT), "embedded-nursery-rhymes", True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_generation_arguments(parser, SEEDS)


def run(config: RunConfig) -> dict[str, Any]:
    text, source, embedded = load_corpus(config)
    return run_textgen(
        config,
        practical="textgen-alice",
        text=text,
        source=source,
        embedded=embedded,
        recipe=EMBEDDED_RECIPE if embedded else RECIPE,
        default_seeds=EMBEDDED_SEEDS if embedded else SEEDS,
    )


PRACTICAL = Practical(
    name="textgen-alice",
    description="next-word LSTM on Alice in Wonderland, prints new lines (--data-dir; else embedded rhymes)",
    run=run,
    add_arguments=add_arguments,
)
