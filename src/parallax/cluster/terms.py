"""TF-IDF of an article's title and lead, with document frequencies counted as news arrives.

Embeddings see that two articles are about the same *kind* of thing; rare
shared words (a town, a bill's name, an unusual noun) see that they are about
the same *thing*.  Document frequencies come from the articles seen so far, so
the weights fit whatever the engine is fed, in any domain, with no fitted
vocabulary shipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from spacy.lang.en.stop_words import STOP_WORDS

LEAD_CHARS = 1000
"""The title and the first paragraphs say what an article is about; the rest
drifts into background that unrelated stories share."""

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")


def terms(title: str, text: str) -> Counter[str]:
    """Counts of the content words of the title (counted twice) and the lead."""
    counts: Counter[str] = Counter()
    for weight, part in ((2, title), (1, text[:LEAD_CHARS])):
        for word in _WORD.findall(part.lower()):
            word = _stem(word)
            if len(word) > 2 and word not in STOP_WORDS:
                counts[word] += weight
    return counts


def _stem(word: str) -> str:
    """Fold possessives and plain plurals, so "strikes" meets "strike"."""
    word = word.replace("’", "'").removesuffix("'s").strip("'-")
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


class DocumentFrequency:
    """How many of the articles seen so far use each term."""

    def __init__(self) -> None:
        self.documents = 0
        self.counts: Counter[str] = Counter()

    def add(self, words: Iterable[str]) -> None:
        self.documents += 1
        self.counts.update(set(words))

    def idf(self, word: str) -> float:
        # Smoothed, so a word seen nowhere else gets the largest weight, not infinity.
        return math.log((1 + self.documents) / (1 + self.counts[word])) + 1.0

    def weights(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Unit-length TF-IDF weights (sublinear term frequency)."""
        raw = {w: (1.0 + math.log(c)) * self.idf(w) for w, c in counts.items() if c > 0}
        norm = math.sqrt(sum(v * v for v in raw.values()))
        return {w: v / norm for w, v in raw.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())
