"""Dedup: find the article a new one is a (near-)copy of, e.g. a syndicated wire story.

MinHash LSH proposes candidates cheaply; an exact comparison of the two texts'
word 5-grams decides.  What is compared is *coverage*: the share of a text's
words that lie inside a 5-gram the other text also has.  It is taken on the
better-covered side, so that a lead-only or trimmed copy of a full story is
still recognised as a copy, and it is counted in words rather than 5-grams, so
that a changed word costs one word rather than five 5-grams.

A syndicating outlet cuts wire copy from the bottom, so copies keep the lead;
a follow-up story re-uses background paragraphs under a new lead.  A copy must
therefore either cover almost all of one text, or cover most of it *and* its
lead.  The thresholds below were set on ``bench/dedup.py`` (BBC articles and
copies of them); the figures quoted are that benchmark's.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SCHEME = "affine32"
"""datasketch's permutation scheme, named so that stored signatures stay comparable."""
SHINGLE = 5
"""Word 5-grams: long enough that two articles on one topic rarely share many."""

LSH_THRESHOLD = 0.3
"""Jaccard at which LSH proposes a candidate.  Low, because a trimmed copy's
Jaccard with its original falls with the trim; the exact check decides.  At 0.2
recall rose only from 0.9949 to 0.9991, for 3x the candidates to check (10.7 vs
3.6 per query) and 2.7x the time per query (11.5 vs 4.3 ms, one run)."""

LEAD_SHINGLES = 60
"""The lead (about 64 words) gets a signature of its own, so that a lead-only copy,
whose Jaccard with the whole original is tiny, is still proposed: with the whole
text's signature alone LSH missed 215 of 391 lead-only copies."""

ALMOST_ALL = 0.9
"""Coverage at which a text is a copy whatever its lead.  Copies with edited
wording (house style, moved sentences) cover at least 0.93 of the original;
the most-covered follow-up story with a new lead in the BBC corpus covers 0.84."""

MOST = 0.5
"""Coverage that is enough when the lead is shared too: the bulk of the text.
Copies trimmed, with a paragraph of the outlet's own and its boilerplate added,
cover down to 0.57."""

LEAD_COVERED = 0.8
"""Share of a lead's first ``LEAD_WORDS`` words that must be covered.  Copies keep
at least 0.85 (house-style edits included); follow-up stories reach 0.72."""
LEAD_WORDS = 40

MIN_WORDS = 45
"""Below this many words a text is too short to call a copy on shared wording:
boilerplate and stock phrases would decide."""

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class Fingerprint:
    """What dedup keeps of a text: its 5-gram hashes in text order, and signatures."""

    grams: np.ndarray
    """uint64 hash of each word 5-gram, in order; word ``i`` is in grams ``i-4 .. i``."""
    signature: MinHash
    lead: MinHash

    @property
    def words(self) -> int:
        return len(self.grams) + SHINGLE - 1 if len(self.grams) else 0


def hash_gram(gram: str) -> int:
    # Python's str hash is salted per process; shingles must be stable across runs.
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")


def shingle_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    grams = [
        hash_gram(" ".join(words[i : i + SHINGLE])) for i in range(max(0, len(words) - SHINGLE + 1))
    ]
    return np.array(grams, dtype=np.uint64)


@cache
def _permutations() -> Any:
    """The permutation parameters every signature shares (fixed by datasketch's
    default seed).  Drawing them anew for each MinHash made up nine tenths of
    opening a pipeline: it reads back a fortnight's signatures, two an article."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def _minhash(grams: np.ndarray) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME, permutations=_permutations())
    if len(grams):
        m.update_batch([g.tobytes() for g in np.unique(grams)])
    return m


def fingerprint(text: str) -> Fingerprint:
    grams = shingle_hashes(text)
    return Fingerprint(grams, _minhash(grams), _minhash(grams[:LEAD_SHINGLES]))


def signature_bytes(fp: Fingerprint) -> bytes:
    """Both signatures, for storage; ``signatures_from_bytes`` reads them back."""
    return b"".join(
        np.asarray(m.hashvalues, dtype=np.uint64).tobytes() for m in (fp.signature, fp.lead)
    )


def signatures_from_bytes(data: bytes) -> list[MinHash]:
    values = np.frombuffer(data, dtype=np.uint64)
    return [
        MinHash(
            hashvalues=values[i : i + NUM_PERM], scheme=SCHEME, permutations=_permutations()
        )
        for i in range(0, len(values), NUM_PERM)
    ]


@dataclass(frozen=True, slots=True)
class Overlap:
    """How much of two texts' wording they share, on the better-covered side."""

    coverage: float
    """Share of that text's words inside a 5-gram the other text has."""
    lead: float
    """The same share among the first ``LEAD_WORDS`` words, on the better side."""
    words: int
    """Words in the better-covered text."""

    @property
    def is_copy(self) -> bool:
        if self.words < MIN_WORDS:
            return False
        return self.coverage >= ALMOST_ALL or (self.coverage >= MOST and self.lead >= LEAD_COVERED)


def _covered(grams: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per word of ``grams``' text: whether a 5-gram holding it occurs in ``other``."""
    hit = np.isin(grams, other)
    covered = np.zeros(len(grams) + SHINGLE - 1, dtype=bool)
    for k in range(SHINGLE):
        covered[k : k + len(grams)] |= hit
    return covered


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    """Compare two texts' 5-gram hashes (``Fingerprint.grams``)."""
    if not len(a) or not len(b):
        return Overlap(0.0, 0.0, 0)
    sides = [_covered(a, b), _covered(b, a)]
    best = max(sides, key=lambda c: (float(c.mean()), -len(c)))
    return Overlap(
        coverage=float(best.mean()),
        lead=max(float(c[:LEAD_WORDS].mean()) for c in sides),
        words=len(best),
    )


@dataclass(slots=True)
class Match:
    original: str
    coverage: float


class DuplicateIndex:
    """Recent articles' signatures, with a bounded cache of their 5-gram hashes.

    ``load_text`` fetches an indexed article's text when its 5-grams have
    fallen out of the cache (e.g. after a restart), so that the exact check
    never has to be skipped.
    """

    def __init__(self, load_text: Callable[[str], str | None], cache_size: int = 20_000) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._originals: dict[str, str] = {}
        self._load_text = load_text
        self._parts: dict[str, int] = {}  # signatures each article holds in the LSH
        self._dated: list[tuple[float, str]] = []  # a heap of (timestamp, article id)
        self._newest = float("-inf")

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._originals

    def add(
        self,
        article_id: str,
        fp: Fingerprint,
        duplicate_of: str | None = None,
        when: datetime | None = None,
    ) -> None:
        """Index an article; ``when`` (its publication) lets ``forget_older`` drop it."""
        self._insert(article_id, [fp.signature, fp.lead], duplicate_of, when)
        self._remember(article_id, fp.grams)

    def add_stored(
        self,
        article_id: str,
        data: bytes,
        duplicate_of: str | None = None,
        when: datetime | None = None,
    ) -> None:
        """An article indexed from its stored signatures (``signature_bytes``)."""
        self._insert(article_id, signatures_from_bytes(data), duplicate_of, when)

    def forget_older(self, age: timedelta) -> int:
        """Drop the articles dated more than ``age`` before the newest one indexed.

        Copies appear within days of the original, and without this the index
        of a long-running process would grow with the archive.  Returns how
        many were dropped; they stay in the database as the originals their
        copies point to.
        """
        cutoff = self._newest - age.total_seconds()
        dropped = 0
        while self._dated and self._dated[0][0] < cutoff:
            _, article_id = heapq.heappop(self._dated)
            for part in range(self._parts.pop(article_id, 0)):
                self._lsh.remove((article_id, part))
            self._originals.pop(article_id, None)
            self._cache.pop(article_id, None)
            dropped += 1
        return dropped

    def __len__(self) -> int:
        return len(self._originals)

    def reroot(self, old_original: str, new_original: str) -> None:
        """``old_original`` and its copies are now copies of ``new_original``."""
        for article_id, original in self._originals.items():
            if original == old_original:
                self._originals[article_id] = new_original

    def _insert(
        self,
        article_id: str,
        sigs: list[MinHash],
        duplicate_of: str | None,
        when: datetime | None,
    ) -> None:
        if article_id in self:
            return
        # One LSH holds both signatures, keyed (id, 0) for the whole text and (id, 1) the lead.
        for part, sig in enumerate(sigs):
            self._lsh.insert((article_id, part), sig)
        self._parts[article_id] = len(sigs)
        self._originals[article_id] = duplicate_of or article_id
        if when is not None:
            stamp = when.timestamp()
            heapq.heappush(self._dated, (stamp, article_id))
            self._newest = max(self._newest, stamp)

    def find(self, fp: Fingerprint) -> Match | None:
        """The best original among indexed articles that ``fp``'s text copies."""
        found = self.matches(fp)
        return found[0] if found else None

    def matches(self, fp: Fingerprint) -> list[Match]:
        """Every indexed original that ``fp``'s text copies, best first."""
        if fp.words < MIN_WORDS:
            return []
        candidates = {key[0] for sig in (fp.signature, fp.lead) for key in self._lsh.query(sig)}
        best: dict[str, Match] = {}
        for candidate in sorted(candidates):
            other = self._grams(candidate)
            if other is None:
                continue
            found = overlap(fp.grams, other)
            # Point at the first publication, not at another copy of it.
            original = self._originals[candidate]
            if found.is_copy and (original not in best or found.coverage > best[original].coverage):
                best[original] = Match(original, found.coverage)
        return sorted(best.values(), key=lambda m: (-m.coverage, m.original))

    def _grams(self, article_id: str) -> np.ndarray | None:
        cached = self._cache.get(article_id)
        if cached is not None:
            self._cache.move_to_end(article_id)
            return cached
        text = self._load_text(article_id)
        if text is None:
            return None
        found = shingle_hashes(text)
        self._remember(article_id, found)
        return found

    def _remember(self, article_id: str, grams: np.ndarray) -> None:
        self._cache[article_id] = grams
        self._cache.move_to_end(article_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
