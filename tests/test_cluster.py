from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from parallax.cluster import StoryIndex, story_id_for
from parallax.nlp import EMBEDDING_DIM


def vec(seed: int, noise: float = 0.0, base: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=EMBEDDING_DIM)
    v = v + noise * rng.normal(size=EMBEDDING_DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


DAY = datetime(2026, 10, 14, tzinfo=UTC)


def test_similar_articles_join_and_different_ones_start_stories() -> None:
    index = StoryIndex()
    a = index.assign("a", "Dam breaks", vec(1, base=100), {"tashqar"}, DAY)
    b = index.assign("b", "Dam toll rises", vec(2, 0.3, base=100), {"tashqar"}, DAY)
    c = index.assign("c", "Rates held", vec(3), {"central bank"}, DAY)
    assert a.id == b.id == story_id_for("a") and a.count == 2
    assert c.id != a.id and c.created and len(index) == 2


def test_time_gap_separates_otherwise_similar_articles() -> None:
    index = StoryIndex()
    first = index.assign("a", "Dam", vec(1, base=100), set(), DAY)
    later = index.assign("b", "Dam", vec(2, 0.1, base=100), set(), DAY + timedelta(days=30))
    assert later.id != first.id


def test_join_overrides_scoring_for_syndicated_copies() -> None:
    index = StoryIndex()
    wire = index.assign("w", "Dam", vec(1), set(), DAY)
    copy = index.assign("c", "Other headline", vec(9), set(), DAY, join=wire.id)
    assert copy.id == wire.id


def test_quiet_stories_leave_the_index() -> None:
    index = StoryIndex()
    index.assign("old", "Old", vec(1), set(), DAY)
    index.assign("new", "New", vec(2), set(), DAY + timedelta(days=10))
    index.evict_quiet(timedelta(days=3))
    assert len(index) == 1 and index.get(story_id_for("new")) is not None
