"""Merges and splits as the database records them: ids stay valid, articles move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from parallax.cluster import story_id_for
from parallax.dedup import fingerprint, signature_bytes
from parallax.model import Article, Briefing, Story
from parallax.nlp import EMBEDDING_DIM
from parallax.pipeline import DEDUP_DAYS, Pipeline
from parallax.store import Store, StoredNLP, now


def _vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=EMBEDDING_DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def _add(
    store: Store,
    article_id: str,
    story_id: str,
    seed: int = 0,
    published: datetime | None = None,
) -> None:
    """An article and its one-article story; ``published`` also dates the story."""
    text = f"Report {article_id} on the harbour bridge closure in Tarvik."
    with store.writer() as w:
        w.add_article(
            Article(
                id=article_id,
                text=text,
                title=f"Harbour bridge {article_id}",
                source=f"Outlet {article_id}",
                story_id=story_id,
                published=published or now(),
            ),
            content_hash=f"hash-{article_id}",
        )
        w.add_nlp(
            StoredNLP(
                article_id,
                b"doc",
                _vector(seed).tobytes(),
                signature_bytes(fingerprint(text)),
                [["Tarvik", "GPE"]],
            )
        )
        w.save_story(
            Story(id=story_id, title=f"Story {story_id}"),
            _vector(seed).tobytes(),
            [],
            published,
            published,
        )


def test_a_merged_story_id_leads_to_the_story_that_absorbed_it(store: Store) -> None:
    _add(store, "a", "sa")
    _add(store, "b", "sb")
    with store.writer() as w:
        w.merge_story("sb", into="sa")
        w.save_story(Story(id="sa", title="Story sa"), b"", [], None, None)
    row = store.story("sb")
    assert row is not None and row.id == "sa" and row.n_articles == 2
    assert {a.id for a in store.story_articles("sa")} == {"a", "b"}
    assert [s.id for s in store.stories()] == ["sa"]


def test_aliases_follow_a_story_through_a_second_merge(store: Store) -> None:
    for article_id, story_id in (("a", "sa"), ("b", "sb"), ("c", "sc")):
        _add(store, article_id, story_id)
    with store.writer() as w:
        w.merge_story("sc", into="sb")
    with store.writer() as w:
        w.merge_story("sb", into="sa")
    for old in ("sa", "sb", "sc"):
        row = store.story(old)
        assert row is not None and row.id == "sa", old


def test_a_split_moves_its_articles_and_may_revive_a_retired_id(store: Store) -> None:
    for article_id, story_id in (("a", "sa"), ("b", "sb"), ("c", "sa")):
        _add(store, article_id, story_id)
    with store.writer() as w:
        w.merge_story("sb", into="sa")
    with store.writer() as w:
        w.split_story(["b", "c"], "sb")
        w.save_story(Story(id="sb", title="Story sb"), b"", [], None, None)
        w.save_story(Story(id="sa", title="Story sa"), b"", [], None, None)
    assert {a.id for a in store.story_articles("sa")} == {"a"}
    assert {a.id for a in store.story_articles("sb")} == {"b", "c"}
    row = store.story("sb")
    assert row is not None and row.id == "sb" and row.n_articles == 2


def test_a_restarted_pipeline_holds_hot_stories_with_their_members(store: Store) -> None:
    # Repairs need each member, not only a centroid, so a pipeline opened on an
    # existing database must get them back.
    first = story_id_for("a")
    _add(store, "a", first, seed=1)
    _add(store, "b", first, seed=2)
    _add(store, "c", story_id_for("c"), seed=3)
    for story_id in store.dirty_stories():  # briefed already: the pipeline need not parse
        store.save_briefing(story_id, "Harbour bridge", Briefing())
    index = Pipeline(store).index
    story = index.get(first)
    assert story is not None
    assert [m.id for m in story.members] == ["a", "b"]
    assert story.keys["tarvik"] == 2 and story.words["harbour"] >= 2
    assert np.allclose(story.members[1].embedding, _vector(2))
    assert index.get(story_id_for("c")) is not None
    assert index.frequency.documents == 3


def test_a_restart_after_importing_an_archive_holds_what_a_running_pipeline_would(
    store: Store,
) -> None:
    # The rows were all written just now, but the news is years old: quiet is
    # news time, as while a pipeline runs, or a restart revives the whole archive
    # and its old stories take new articles.
    day = datetime(2019, 3, 1, tzinfo=UTC)
    for n, age in enumerate([0, 4, 20]):
        _add(store, f"a{age}", story_id_for(f"a{age}"), seed=n, published=day - timedelta(days=age))
    for story_id in store.dirty_stories():
        store.save_briefing(story_id, "Harbour bridge", Briefing())

    pipeline = Pipeline(store, quiet_days=3)
    hot = {s for s in map(story_id_for, ["a0", "a4", "a20"]) if pipeline.index.get(s)}
    assert hot == {story_id_for("a0")}
    assert {a for a in ["a0", "a4", "a20"] if a in pipeline.duplicates} == {"a0", "a4"}
    assert DEDUP_DAYS < 20

    longer = Pipeline(store, quiet_days=5).index
    assert longer.get(story_id_for("a4")) is not None
    assert longer.get(story_id_for("a20")) is None
