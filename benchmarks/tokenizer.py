"""kerasdl.text.Tokenizer vs the legacy Keras Tokenizer: identical output, time ratio.

The corpus: >= 25,000 documents built from Alice's Adventures in Wonderland
(../shared/data/text/alice29.txt): every line, then random pairs and triples
of lines, some upper-cased or with extra punctuation, so counts and ties are
realistic. Both tokenizers fit and convert the same corpus in one process;
the best of ``--repeat`` runs (CPU time of the process, which is steadier
than wall time on a shared machine) is kept for each. The last line converts
a second corpus with tokenizers already fitted, so kerasdl cannot reuse the
token ids of its fit.

    python benchmarks/tokenizer.py [--docs 30000] [--repeat 3] [--alice PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")  # no TensorFlow import needed for either tokenizer
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ALICE = ROOT.parent / "shared" / "data" / "text" / "alice29.txt"


def build_corpus(path: Path, n_docs: int, seed: int = 0) -> list[str]:
    lines = [line for line in path.read_text(encoding="latin-1").replace("\r\n", "\n").split("\n") if line.strip()]
    rng = random.Random(seed)
    docs = list(lines)
    while len(docs) < n_docs:
        k = rng.choice((1, 2, 3))
        doc = " ".join(rng.choice(lines) for _ in range(k))
        roll = rng.random()
        if roll < 0.1:
            doc = doc.upper()
        elif roll < 0.2:
            doc = doc.replace(" ", ", ", 2) + "!?"
        docs.append(doc)
    return docs[:n_docs]


def run(cls, docs, kwargs, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        tokenizer = cls(**kwargs)
        tokenizer.fit_on_texts(docs)
        sequences = tokenizer.texts_to_sequences(docs)
        best = min(best, time.process_time() - start)
    return best, tokenizer, sequences


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=30000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--alice", type=Path, default=DEFAULT_ALICE)
    args = parser.parse_args(argv)
    if not args.alice.is_file():
        print(f"Alice not found at {args.alice}; pass --alice PATH", file=sys.stderr)
        return 2

    from keras.src.legacy.preprocessing.text import Tokenizer as LegacyTokenizer

    from kerasdl.text import Tokenizer

    docs = build_corpus(args.alice, args.docs)
    n_chars = sum(map(len, docs))
    print(f"corpus: {len(docs):,} documents, {n_chars:,} characters")
    configs = {
        "oov_token='<OOV>', num_words=2000": {"oov_token": "<OOV>", "num_words": 2000},
        "defaults": {},
        "char_level=True": {"char_level": True},
    }
    print(f"{'configuration':40s} {'legacy s':>9s} {'kerasdl s':>10s} {'speed-up':>9s}  identical")
    for name, kwargs in configs.items():
        t_legacy, legacy_tok, legacy_seq = run(LegacyTokenizer, docs, kwargs, args.repeat)
        t_ours, ours_tok, ours_seq = run(Tokenizer, docs, kwargs, args.repeat)
        same = (
            ours_seq == legacy_seq
            and ours_tok.word_index == legacy_tok.word_index
            and list(ours_tok.word_index) == list(legacy_tok.word_index)
            and ours_tok.word_counts == legacy_tok.word_counts
            and dict(ours_tok.word_docs) == dict(legacy_tok.word_docs)
        )
        print(f"{name:40s} {t_legacy:9.3f} {t_ours:10.3f} {t_legacy / t_ours:8.1f}x  {same}")
        if not same:
            print("OUTPUTS DIFFER", file=sys.stderr)
            return 1
    # Converting texts other than those fitted on (no reuse of the fit's token ids).
    other = build_corpus(args.alice, args.docs, seed=1)
    kwargs = {"oov_token": "<OOV>", "num_words": 2000}
    fitted = []
    for cls in (LegacyTokenizer, Tokenizer):
        tokenizer = cls(**kwargs)
        tokenizer.fit_on_texts(docs)
        tokenizer.texts_to_sequences(["warm up"])
        best, out = float("inf"), None
        for _ in range(args.repeat):
            start = time.process_time()
            out = tokenizer.texts_to_sequences(other)
            best = min(best, time.process_time() - start)
        fitted.append((best, out))
    (t_legacy, legacy_seq), (t_ours, ours_seq) = fitted
    same = legacy_seq == ours_seq
    name = "texts_to_sequences only, other texts"
    print(f"{name:40s} {t_legacy:9.3f} {t_ours:10.3f} {t_legacy / t_ours:8.1f}x  {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
