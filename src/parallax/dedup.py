"""Dedup: find the article a new one is a (near-)copy of, e.g. a syndicated wire story.

MinHash LSH proposes candidates cheaply; an exact comparison of the shingle
sets decides.  Containment (the share of the *smaller* text found in the
larger) rather than Jaccard is what decides, so that a lead-only or trimmed
copy of a full story is still recognised as a copy.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SCHEME = "affine32"
"""datasketch's permutation scheme, named so that stored signatures stay comparable."""
SHINGLE = 5
"""Word 5-grams: long enough that two articles on one topic rarely share many."""

LSH_THRESHOLD = 0.3
"""Jaccard at which LSH proposes a candidate.  Low, because a trimmed copy's
Jaccard with its original falls with the trim; the exact check below decides."""

MIN_CONTAINMENT = 0.8
"""Share of the smaller text's shingles that must occur in the larger one.
Rewrites by another outlet share far fewer 5-grams (under 0.2 on the seed story)."""

MIN_SHINGLES = 40
"""Below this many shingles (about 45 words) a text is too short to call a copy
on shingle overlap alone: boilerplate and stock phrases would decide."""

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())
    grams = (" ".join(words[i : i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1)))
    return {hash_gram(g) for g in grams}


def hash_gram(gram: str) -> int:
    # Python's str hash is salted per process; shingles must be stable across runs.
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")


def signature(shingle_set: set[int]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    if shingle_set:
        m.update_batch([s.to_bytes(8, "little") for s in shingle_set])
    return m


def signature_bytes(m: MinHash) -> bytes:
    return bytes(np.asarray(m.hashvalues, dtype=np.uint64).tobytes())


def signature_from_bytes(data: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=SCHEME
    )


def containment(a: set[int], b: set[int]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return 0.0
    return len(small & large) / len(small)


@dataclass(slots=True)
class Match:
    original: str
    containment: float


class DuplicateIndex:
    """Recent articles' signatures, with a bounded cache of their shingle sets.

    ``load_text`` fetches an indexed article's text when its shingles have
    fallen out of the cache (e.g. after a restart), so that the exact check
    never has to be skipped.
    """

    def __init__(self, load_text: Callable[[str], str | None], cache_size: int = 20_000) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._cache: OrderedDict[str, set[int]] = OrderedDict()
        self._cache_size = cache_size
        self._originals: dict[str, str] = {}
        self._load_text = load_text

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._lsh

    def add(
        self,
        article_id: str,
        sig: MinHash,
        shingle_set: set[int] | None = None,
        duplicate_of: str | None = None,
    ) -> None:
        if article_id in self._lsh:
            return
        self._lsh.insert(article_id, sig)
        if shingle_set is not None:
            self._remember(article_id, shingle_set)
        if duplicate_of:
            self._originals[article_id] = duplicate_of

    def find(self, sig: MinHash, shingle_set: set[int]) -> Match | None:
        """The best original among indexed articles that ``shingle_set`` copies."""
        if len(shingle_set) < MIN_SHINGLES:
            return None
        best: Match | None = None
        for candidate in self._lsh.query(sig):
            other = self._shingles(candidate)
            if other is None or min(len(other), len(shingle_set)) < MIN_SHINGLES:
                continue
            score = containment(shingle_set, other)
            if score >= MIN_CONTAINMENT and (best is None or score > best.containment):
                # Point at the first publication, not at another copy of it.
                best = Match(self._originals.get(candidate, candidate), score)
        return best

    def _shingles(self, article_id: str) -> set[int] | None:
        cached = self._cache.get(article_id)
        if cached is not None:
            self._cache.move_to_end(article_id)
            return cached
        text = self._load_text(article_id)
        if text is None:
            return None
        found = shingles(text)
        self._remember(article_id, found)
        return found

    def _remember(self, article_id: str, shingle_set: set[int]) -> None:
        self._cache[article_id] = shingle_set
        self._cache.move_to_end(article_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
