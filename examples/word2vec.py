"""word2vec: learn word vectors with skip-gram (or CBOW), then similarity, neighbours, analogies, a PCA plot.

Run:  python examples/word2vec.py                        # embedded synthetic sentences (4 topics)
      python examples/word2vec.py --text-file ../shared/data/text/alice29.txt --words alice queen rabbit
      python examples/word2vec.py --mode cbow
      python examples/word2vec.py --quick                # seconds

``--text-file`` is any UTF-8 text, one sentence per line works best. Without
it the script learns from the EMBEDDED DEFAULT: 600 short SYNTHETIC template
sentences about royalty, pets, fruit and vehicles, shipped with kerasdl (on
which ``king``'s neighbours should be the other royals).
"""

from __future__ import annotations

import argparse
from importlib import resources

import keras

from kerasdl.callbacks import plot_history
from kerasdl.datasets import load_text
from kerasdl.text import Tokenizer, WordVectors, build_word2vec, make_word2vec_data, skipgrams

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--text-file", default=None, help="a text file to learn word vectors from")
parser.add_argument("--mode", default="skipgram", choices=("skipgram", "cbow"))
parser.add_argument("--words", nargs="+", default=None, help="words whose nearest neighbours are printed")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--quick", action="store_true", help="tiny run: 400 sentences, 3 epochs")
parser.add_argument("--out", default=".", help="folder for the plots and the vectors")
args = parser.parse_args()
keras.utils.set_random_seed(0)

# 1. Sentences -> word ids with the course's Tokenizer.
if args.text_file is not None:
    text, source = load_text(args.text_file), args.text_file
    words = args.words or ["alice", "queen", "rabbit", "king"]
else:
    print("No --text-file: learning from the EMBEDDED SYNTHETIC sentences (royalty, pets, fruit, vehicles).")
    with resources.as_file(resources.files("kerasdl") / "resources" / "synthetic_word2vec_corpus.txt") as f:
        text, source = load_text(f), "synthetic sentences"
    words = args.words or ["king", "dog", "apple", "car"]
sentences = [line.strip() for line in text.lower().splitlines() if line.strip()]
if args.quick:
    sentences, args.epochs = sentences[:400], 3
tokenizer = Tokenizer(num_words=5000)
tokenizer.fit_on_texts(sentences)
vocab_size = min(5000, len(tokenizer.word_index) + 1)
sequences = tokenizer.texts_to_sequences(sentences)

# 2. What skip-gram training sees: (centre, context) pairs labelled 1, random (centre, word) pairs 0.
index_word = tokenizer.index_word
pairs, labels = skipgrams(sequences[0], vocab_size, window_size=2, negative_samples=1.0, seed=0)
print(f"skip-gram pairs of {sentences[0]!r}:")
for (centre, context), label in list(zip(pairs, labels))[:6]:
    print(f"  ({index_word[centre]}, {index_word.get(context, '?')}) -> {label}")

# 3. The training data for the whole corpus and the word2vec model (two embeddings and a dot product).
x, y = make_word2vec_data(sequences, vocab_size, mode=args.mode, window_size=2, negative_samples=2.0, seed=0)
model = build_word2vec(vocab_size, embedding_dim=32, mode=args.mode, negative_samples=2.0, window_size=2)
loss = "binary_crossentropy" if args.mode == "skipgram" else "sparse_categorical_crossentropy"
model.compile(keras.optimizers.Adam(1e-2), loss)
history = model.fit(x, y, epochs=args.epochs, batch_size=256, verbose=2)
plot_history(history, path=f"{args.out}/word2vec_history.png", title=f"word2vec ({args.mode}) on {source}")

# 4. The learned vectors: similarity, nearest neighbours, analogies, a 2-D picture.
vectors = WordVectors.from_embedding(model, tokenizer, num_words=vocab_size)
words = [w for w in words if w in vectors]
for word in words:
    print(f"  {word}: " + ", ".join(f"{w} ({s:.2f})" for w, s in vectors.most_similar(word, k=5)))
if {"king", "queen", "dog", "puppy", "cat"} <= set(vectors.words):
    print(f"similarity(king, queen) = {vectors.similarity('king', 'queen'):.2f}, "
          f"similarity(king, dog) = {vectors.similarity('king', 'dog'):.2f}")
    print(f"puppy - dog + cat = {vectors.analogy('puppy', 'dog', 'cat')}")   # dog is to puppy as cat is to ?
near = [w for word in words for w, _ in vectors.most_similar(word, k=3)]
vectors.plot(list(dict.fromkeys(words + near)), path=f"{args.out}/word2vec_words.png",
             title=f"word2vec ({args.mode}) on {source}, PCA")
vectors.save_text_format(f"{args.out}/vectors.txt")            # GloVe text format
