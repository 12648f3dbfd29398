"""Next-word text generation on Korean text (the course's 'Little Prince' practical).

Any UTF-8 (or Latin-1) text file given with ``--text-file``, one sentence or
verse per line, words separated by spaces. Without it the practical trains on
a small Korean text embedded in kerasdl (``kerasdl/resources/korean_default.txt``:
two public-domain poems and simple sentences), and says so.
"""

from __future__ import annotations

import argparse
from typing import Any

from kerasdl.practicals._base import Practical, RunConfig
from kerasdl.practicals._textgen import Recipe, add_generation_arguments, embedded_text, run_textgen

EMBEDDED_TEXT = "korean_default.txt"
SEEDS = ["어린 왕자는", "나는 별을", "하늘에는"]
#: For a text file of a few thousand lines (the course used The Little Prince).
RECIPE = Recipe(epochs=40, learning_rate=5e-3)
EMBEDDED_RECIPE = Recipe(epochs=150, batch_size=32)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-file", default=None, help="a Korean text file, one sentence per line")
    add_generation_arguments(parser, SEEDS)


def run(config: RunConfig) -> dict[str, Any]:
    from kerasdl.datasets import load_text

    text_file = config.options.get("text_file")
    if text_file:
        text, source, embedded = load_text(text_file), f"file:{text_file}", False
    else:
        print(
            "No --text-file given: training on the EMBEDDED DEFAULT Korean text shipped with kerasdl "
            "(two public-domain poems and simple sentences)."
        )
        text, source, embedded = embedded_text(EMBEDDED_TEXT), "embedded-korean", True
    return run_textgen(
        config,
        practical="textgen-korean",
        text=text,
        source=source,
        embedded=embedded,
        recipe=EMBEDDED_RECIPE if embedded else RECIPE,
        default_seeds=SEEDS,
    )


PRACTICAL = Practical(
    name="textgen-korean",
    description="next-word LSTM on a Korean text file (--text-file; a small embedded Korean text otherwise)",
    run=run,
    add_arguments=add_arguments,
)
