"""Streaming clustering: each new article joins a hot story or starts one.

Only *hot* stories (ones that took an article within the window) are held in
the index, so the cost of assigning an article depends on how much news is
live, not on the size of the archive.  Quiet stories leave the index but stay
in the database, searchable.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from parallax.nlp import EMBEDDING_DIM

# Weights and threshold of the assignment score (see ``StoryIndex.score``):
# cosine of the article's lead embedding to the story centroid, plus the share
# of the article's named actors and places the story already has.  On the five
# seed articles (one event) lead-to-centroid cosines run 0.55-0.75, while
# unrelated BBC articles on the same broad topic stay under 0.45.
W_COSINE = 0.8
W_ENTITIES = 0.2
THRESHOLD = 0.5

MAX_GAP = timedelta(days=4)
"""An article more than this before or after a story's dated articles is not
news of the same event, however similar the wording (a story's anniversary)."""

TOP_KEYS = 40
"""Entity keys kept per story: enough for overlap, bounded for memory."""


def story_id_for(article_id: str) -> str:
    """A story's id derives from its first article, so rebuilding gives the same ids."""
    return "s" + hashlib.sha1(article_id.encode()).hexdigest()[:11]


@dataclass(slots=True)
class HotStory:
    id: str
    title: str
    total: NDArray[np.float32]
    """Sum of member embeddings; its direction is the centroid."""
    count: int
    keys: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    created: bool = False

    def centroid(self) -> NDArray[np.float32]:
        norm = float(np.linalg.norm(self.total))
        return self.total / norm if norm else self.total

    def top_keys(self) -> list[str]:
        return [k for k, _ in self.keys.most_common(TOP_KEYS)]


class StoryIndex:
    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._stories: dict[str, HotStory] = {}
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._stories)

    def get(self, story_id: str) -> HotStory | None:
        return self._stories.get(story_id)

    def load(self, story: HotStory) -> None:
        self._stories[story.id] = story
        self._rebuild()

    def evict_quiet(self, quiet_for: timedelta) -> None:
        """Drop stories with no article for ``quiet_for`` from the index (not from storage).

        Quiet is measured against the newest article seen, not the wall clock,
        so that importing an old archive keeps the index as small as live news does.
        """
        latest = max((s.last for s in self._stories.values() if s.last), default=None)
        if latest is None:
            return
        quiet = [s.id for s in self._stories.values() if s.last and s.last < latest - quiet_for]
        for story_id in quiet:
            del self._stories[story_id]
        if quiet:
            self._rebuild()

    def score(
        self, embedding: NDArray[np.float32], keys: set[str], when: datetime | None
    ) -> list[tuple[float, str]]:
        """(score, story id) of every hot story that could take this article, best first."""
        if not self._ids:
            return []
        cosines = self._matrix @ embedding
        ranked: list[tuple[float, str]] = []
        for i in np.argsort(-cosines)[:20]:
            story = self._stories[self._ids[int(i)]]
            if not _within_gap(story, when):
                continue
            overlap = len(keys & story.keys.keys()) / max(1, min(len(keys), TOP_KEYS))
            ranked.append((W_COSINE * float(cosines[i]) + W_ENTITIES * overlap, story.id))
        ranked.sort(reverse=True)
        return ranked

    def assign(
        self,
        article_id: str,
        title: str,
        embedding: NDArray[np.float32],
        keys: set[str],
        when: datetime | None,
        join: str | None = None,
    ) -> HotStory:
        """Put the article in the best hot story above threshold, or in a new one.

        ``join`` names a story the article must go to when it is still hot: a
        syndicated copy belongs with its original whatever its new headline says.
        """
        if join is not None and join in self._stories:
            chosen: str | None = join
        else:
            ranked = self.score(embedding, keys, when)
            chosen = ranked[0][1] if ranked and ranked[0][0] >= self.threshold else None
        if chosen is not None:
            story = self._stories[chosen]
            story.total = story.total + embedding
            story.count += 1
            story.created = False
        else:
            story = HotStory(
                id=story_id_for(article_id),
                title=title,
                total=embedding.copy(),
                count=1,
                created=True,
            )
            self._stories[story.id] = story
        story.keys.update(keys)
        if when is not None:
            story.first = min(story.first or when, when)
            story.last = max(story.last or when, when)
        self._rebuild_row(story.id)
        return story

    def _rebuild(self) -> None:
        self._ids = list(self._stories)
        self._rows = {story_id: row for row, story_id in enumerate(self._ids)}
        self._matrix = (
            np.stack([self._stories[i].centroid() for i in self._ids])
            if self._ids
            else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        )

    def _rebuild_row(self, story_id: str) -> None:
        row = self._rows.get(story_id)
        if row is not None:
            self._matrix[row] = self._stories[story_id].centroid()
        else:
            self._rows[story_id] = len(self._ids)
            self._ids.append(story_id)
            self._matrix = np.vstack([self._matrix, self._stories[story_id].centroid()])


def _within_gap(story: HotStory, when: datetime | None) -> bool:
    if when is None or story.first is None or story.last is None:
        return True
    return story.first - MAX_GAP <= when <= story.last + MAX_GAP
