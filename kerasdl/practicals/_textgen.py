"""The next-word text generation practicals' shared recipe (Alice, Korean text)."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kerasdl.practicals._base import RunConfig, dtype_policy, save_run_outputs
from kerasdl.utils.io import atomic_write_text


@dataclass(frozen=True)
class Recipe:
    """Sizes of one text generation practical (the full run; ``--quick`` shrinks them)."""

    epochs: int
    batch_size: int = 128
    embedding_dim: int = 100
    rnn_units: int = 150
    bidirectional: bool = True
    learning_rate: float = 1e-2
    max_len: int = 20


def embedded_text(filename: str) -> str:
    """A text shipped in ``kerasdl/resources``."""
    from kerasdl.datasets import read_text_file

    path = resources.files("kerasdl") / "resources" / filename
    with resources.as_file(path) as file:
        return read_text_file(file)


def add_generation_arguments(parser: argparse.ArgumentParser, default_seeds: list[str]) -> None:
    """The options shared by the text generation practicals."""
    parser.add_argument(
        "--seed-text", action="append", default=None,
        help=f"start of a generated line; repeat for several (default: {default_seeds})",
    )
    parser.add_argument("--generate-words", type=int, default=10, help="words added to each seed text (10)")
    parser.add_argument(
        "--temperature", type=float, default=None,
        help="sampling temperature for a second, sampled line per seed (default: greedy only)",
    )


def corpus_lines(text: str, quick: bool, max_lines: int | None = None) -> list[str]:
    """Non-empty lower-cased lines, as the course's ``data.lower().split("\\n")``."""
    lines = [line.strip() for line in text.lower().split("\n")]
    lines = [line for line in lines if line]
    if quick:
        lines = lines[:60]
    elif max_lines:
        lines = lines[:max_lines]
    return lines


def run_textgen(
    config: RunConfig,
    *,
    practical: str,
    text: str,
    source: str,
    embedded: bool,
    recipe: Recipe,
    default_seeds: list[str],
) -> dict[str, Any]:
    """Tokenize, build the n-grams, train the next-word LSTM, write outputs and print generated lines."""
    import keras

    from kerasdl.models import build_text_generator
    from kerasdl.text import NgramDataset, Tokenizer, generate_text

    keras.utils.set_random_seed(config.seed)
    options = config.options
    lines = corpus_lines(text, config.quick)
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(lines)
    vocab_size = len(tokenizer.word_index) + 1
    sequences = tokenizer.texts_to_sequences(lines)
    max_len = min(recipe.max_len, max(len(s) for s in sequences))
    batch_size = config.batch_size or recipe.batch_size
    data = NgramDataset(sequences, batch_size=batch_size, max_len=max_len, shuffle=True, seed=config.seed)
    epochs = config.epochs or (15 if config.quick else recipe.epochs)
    if config.quick:
        sizes: dict[str, Any] = {"embedding_dim": 16, "rnn_units": 16, "bidirectional": False}
    else:
        sizes = {"embedding_dim": recipe.embedding_dim, "rnn_units": recipe.rnn_units,
                 "bidirectional": recipe.bidirectional}
    print(
        f"{practical}: {len(lines)} lines of {source}, {vocab_size - 1} words, "
        f"{data.num_samples} n-grams of up to {max_len} words; training {epochs} epoch(s)"
    )
    with dtype_policy(config.mixed_precision):
        model = build_text_generator(vocab_size, max_len, **sizes)
        model.compile(
            optimizer=keras.optimizers.Adam(recipe.learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        start = time.perf_counter()
        history = model.fit(data, epochs=epochs, verbose=config.verbose)
        train_seconds = time.perf_counter() - start
        seeds = options.get("seed_text") or default_seeds
        num_words = options.get("generate_words", 10)
        temperature = options.get("temperature")
        generated = []
        for i, seed_text in enumerate(seeds):
            line = generate_text(model, tokenizer, seed_text, num_words, max_len)
            generated.append({"seed_text": seed_text, "greedy": line})
            print(f"  greedy : {line}")
            if temperature is not None:
                sampled = generate_text(
                    model, tokenizer, seed_text, num_words, max_len,
                    temperature=temperature, seed=config.seed + i,
                )
                generated[-1]["sampled"] = sampled
                print(f"  T={temperature:<5}: {sampled}")
        logs = history.history
        metrics = {
            "practical": practical,
            "data": source,
            "embedded_default": embedded,
            "backend": keras.backend.backend(),
            "dtype_policy": keras.config.dtype_policy().name,
            "epochs": epochs,
            "batch_size": batch_size,
            "lines": len(lines),
            "vocab_size": vocab_size,
            "ngrams": data.num_samples,
            "max_sequence_len": max_len,
            "train_seconds": round(train_seconds, 2),
            "loss": float(logs["loss"][-1]),
            "accuracy": float(logs["accuracy"][-1]),
            "generated": generated,
        }
        paths = save_run_outputs(config, model, history, metrics, title=f"next-word LSTM on {source}")
    atomic_write_text(config.out_dir / "tokenizer.json", tokenizer.to_json(ensure_ascii=False))
    print(
        f"final loss {metrics['loss']:.3f}, accuracy {metrics['accuracy']:.3f}; "
        f"outputs in {paths['model'].parent}"
    )
    return metrics
