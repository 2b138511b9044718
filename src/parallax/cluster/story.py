"""The records assignment works on: an article's features and a hot story's members."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import numpy as np
from numpy.typing import NDArray

from parallax.nlp import EMBEDDING_DIM

TOP_KEYS = 40
"""Entity keys kept per story in the database: enough for overlap, bounded for memory."""


def story_id_for(article_id: str) -> str:
    """A story's id derives from its first article, so rebuilding gives the same ids."""
    return "s" + hashlib.sha1(article_id.encode()).hexdigest()[:11]


@dataclass(frozen=True, slots=True)
class Item:
    """What assignment needs to know of an article."""

    id: str
    title: str
    embedding: NDArray[np.float32]
    keys: frozenset[str]
    """Entity keys of its actors and places (``parallax.enrich.entity_key``)."""
    words: Counter[str]
    """Content words of the title and lead (``parallax.cluster.terms``)."""
    when: datetime | None


@dataclass(slots=True)
class HotStory:
    id: str
    title: str
    members: list[Item] = field(default_factory=list)
    total: NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(EMBEDDING_DIM, dtype=np.float32)
    )
    """Sum of member embeddings; its direction is the centroid."""
    keys: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    created: bool = False
    """True when the article just assigned founded the story."""
    born: int = 0
    """Order in which the story entered the index: the older of two merging stories survives."""
    thread: str = ""
    """The thread the story is an event of: the id of the thread's first story (its own id
    when it starts one)."""
    checked: int = 0
    """Member count when the story was last checked for a split."""
    _weights: dict[str, float] | None = None
    _weights_at: int = 0
    _vectors: NDArray[np.float32] | None = None

    @property
    def count(self) -> int:
        return len(self.members)

    def centroid(self) -> NDArray[np.float32]:
        norm = float(np.linalg.norm(self.total))
        return self.total / norm if norm else self.total

    def top_keys(self) -> list[str]:
        return [k for k, _ in self.keys.most_common(TOP_KEYS)]

    def vectors(self) -> NDArray[np.float32]:
        if self._vectors is None or len(self._vectors) != len(self.members):
            self._vectors = np.stack([m.embedding for m in self.members])
        return self._vectors

    def add(self, item: Item) -> None:
        self.members.append(item)
        self.total = self.total + item.embedding
        self.keys.update(item.keys)
        self.words.update(item.words)
        self._weights = None
        if item.when is not None:
            self.first = min(self.first or item.when, item.when)
            self.last = max(self.last or item.when, item.when)

    def gap(self, when: datetime | None) -> timedelta:
        """How far ``when`` lies outside the span of the story's dated articles."""
        if when is None or self.first is None or self.last is None:
            return timedelta(0)
        start, end = span(when)
        return max(self.first - end, start - span(self.last)[1], timedelta(0))


def span(when: datetime) -> tuple[datetime, datetime]:
    """The time an article's date stands for.  A date given without a time of day
    (stored as midnight) says only "that day", so it covers the whole day: two
    reports dated one day apart may be hours apart."""
    if when.time() == time(0):
        return when, when + timedelta(days=1)
    return when, when


def from_members(
    story_id: str, title: str, members: Iterable[Item], born: int = 0, thread: str | None = None
) -> HotStory:
    story = HotStory(id=story_id, title=title, born=born, thread=thread or story_id)
    for item in members:
        story.add(item)
    story.checked = story.count
    return story


