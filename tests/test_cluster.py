from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from parallax.cluster import Item, StoryIndex, from_members, story_id_for, terms
from parallax.cluster.index import NEAREST
from parallax.nlp import EMBEDDING_DIM

DAY = datetime(2026, 10, 14, tzinfo=UTC)
HOUR = timedelta(hours=1)


def vec(seed: int, noise: float = 0.0, base: int | None = None) -> NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    v = np.random.default_rng(base if base is not None else seed).normal(size=EMBEDDING_DIM)
    v = v + noise * rng.normal(size=EMBEDDING_DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def blend(a: NDArray[np.float32], b: NDArray[np.float32], t: float) -> NDArray[np.float32]:
    """A unit vector a fraction ``t`` of the way from ``a`` to ``b``."""
    v = (1 - t) * a + t * b
    return (v / np.linalg.norm(v)).astype(np.float32)


def item(
    article_id: str,
    embedding: NDArray[np.float32],
    keys: set[str] | None = None,
    text: str = "",
    when: datetime | None = DAY,
) -> Item:
    return Item(article_id, text, embedding, frozenset(keys or ()), terms(text, ""), when)


def test_similar_articles_join_and_different_ones_start_stories() -> None:
    index = StoryIndex()
    a = index.assign(item("a", vec(1, base=100), {"tashqar"})).story
    b = index.assign(item("b", vec(2, 0.3, base=100), {"tashqar"})).story
    c = index.assign(item("c", vec(3), {"central bank"})).story
    assert a.id == b.id == story_id_for("a") and a.count == 2
    assert c.id != a.id and c.created and len(index) == 2


def test_time_gap_separates_otherwise_similar_articles() -> None:
    index = StoryIndex()
    first = index.assign(item("a", vec(1, base=100))).story
    later = index.assign(item("b", vec(2, 0.1, base=100), when=DAY + timedelta(days=30))).story
    assert later.id != first.id


def test_same_subject_a_day_later_is_the_next_event_not_the_same_story() -> None:
    # Two outlets report the committee vote on one day; the next day a report on
    # the same subject is a new event (its own story, for the thread to link),
    # though on the first day it would have joined.
    keys = {"house", "pelosi"}
    vote = "House votes to create Jan. 6 select committee"
    names = "Pelosi names members of Jan. 6 select committee"

    def week(next_day: timedelta) -> tuple[str, str, str]:
        index, nine = StoryIndex(), DAY + 9 * HOUR
        monday = index.assign(item("m1", vec(1, base=100), keys, vote, nine)).story
        same_day = index.assign(item("m2", vec(2, 0.2, base=100), keys, vote, nine + 5 * HOUR))
        later = index.assign(item("t1", vec(3, 0.8, base=100), keys, names, nine + next_day))
        return monday.id, same_day.story.id, later.story.id

    monday, same_day, tuesday = week(timedelta(days=1, hours=12))
    assert same_day == monday
    assert tuesday != monday
    assert len(set(week(8 * HOUR))) == 1


def test_the_next_event_continues_the_thread_and_an_unrelated_story_starts_one() -> None:
    keys, nine = {"house", "pelosi"}, DAY + 9 * HOUR
    index = StoryIndex()
    vote = index.assign(item("m1", vec(1, base=100), keys, "House votes on Jan. 6 panel", nine))
    names = index.assign(
        item("t1", vec(3, 0.8, base=100), keys, "Pelosi names Jan. 6 panel", nine + 36 * HOUR)
    )
    storm = index.assign(item("s1", vec(7), {"gulf"}, "Storm closes ports", nine + 36 * HOUR))
    assert names.story.id != vote.story.id and names.reason == "new"
    assert names.story.thread == vote.story.thread == vote.story.id
    assert names.continues == vote.story.id
    assert storm.story.thread == storm.story.id and storm.continues is None
    # A week later the subject is no longer news: a new thread, not a revival.
    later = index.assign(
        item("w1", vec(4, 0.8, base=100), keys, "Pelosi names Jan. 6 panel", nine + 9 * 24 * HOUR)
    )
    assert later.story.thread == later.story.id


def test_a_date_without_a_time_of_day_spans_the_whole_day() -> None:
    # Pages that give only a date are stored at midnight: a report dated the
    # next day may be minutes later, so it is no further away than the same day.
    index = StoryIndex()
    dated_only = index.assign(item("a", vec(1, base=100), when=DAY)).story
    assert dated_only.gap(DAY + timedelta(hours=20)) == timedelta(0)
    assert dated_only.gap(DAY + timedelta(days=1, hours=3)) == timedelta(hours=3)


def test_join_overrides_scoring_for_syndicated_copies() -> None:
    index = StoryIndex()
    wire = index.assign(item("w", vec(1))).story
    copy = index.assign(item("c", vec(9)), join=wire.id).story
    assert copy.id == wire.id


def test_quiet_stories_leave_the_index() -> None:
    index = StoryIndex()
    index.assign(item("old", vec(1)))
    index.assign(item("new", vec(2), when=DAY + timedelta(days=10)))
    assert index.evict_quiet(timedelta(days=3)) == [story_id_for("old")]
    assert len(index) == 1 and index.get(story_id_for("new")) is not None


def test_candidates_are_near_or_share_a_rare_word_not_the_whole_index() -> None:
    index = StoryIndex()
    for i in range(200):
        index.assign(item(f"filler{i}", vec(1000 + i), text=f"filler report number{i}"))
    target = index.assign(item("t", vec(5), text="Quarrytown landslide buries road")).story
    # "report" is in every filler story: too common to propose any of them.
    probe = item("p", vec(6), text="Landslide near Quarrytown: report")
    found = index.candidates(probe, index.frequency.weights(probe.words))
    assert target.id in found
    assert len(found) <= NEAREST + 2


def test_shared_rare_words_outweigh_a_slightly_closer_embedding() -> None:
    base = vec(1)
    index = StoryIndex()
    fire = index.assign(item("g", blend(base, vec(3), 0.45), text="Warehouse fire downtown")).story
    flood = index.assign(item("f", blend(base, vec(2), 0.55), text="Karst valley flood")).story
    assert flood.id != fire.id
    probe = index.assign(item("p", base, text="Karst valley flood waters rise")).story
    assert probe.id == flood.id


def test_a_chain_of_small_steps_does_not_become_one_story() -> None:
    # Each article is close to the one before it, but the last has nothing in
    # common with the first: single-link clustering would make one story.
    start, end = vec(1), vec(2)
    index = StoryIndex()
    stories = [
        index.assign(item(f"a{i}", blend(start, end, i / 11))).story.id for i in range(12)
    ]
    assert len(set(stories)) > 1
    assert stories[0] != stories[-1]


def test_time_proximity_decides_between_equally_close_stories() -> None:
    base = vec(1)
    index = StoryIndex()
    early = index.assign(item("e", blend(base, vec(2), 0.45), when=DAY - timedelta(days=3))).story
    today = index.assign(item("t", blend(base, vec(3), 0.46))).story
    assert early.id != today.id
    assert index.assign(item("p", base)).story.id == today.id


def test_an_article_near_a_broad_storys_centre_but_no_member_starts_its_own() -> None:
    # A story grown broad (here loaded as such): its centroid is close to
    # anything on the theme, while each member is only loosely related.
    centre, rng = vec(1), np.random.default_rng(5)

    def around(spread: float) -> NDArray[np.float32]:
        v = centre + spread * rng.normal(size=EMBEDDING_DIM) / np.sqrt(EMBEDDING_DIM)
        return (v / np.linalg.norm(v)).astype(np.float32)

    index = StoryIndex()
    members = [item(f"m{i}", around(2.0), {"x"}) for i in range(60)]
    index.load([from_members("broad", "Broad", members)])
    probe = item("p", around(0.5), {"x"})
    broad = index.get("broad")
    assert broad is not None and float(broad.centroid() @ probe.embedding) > 0.7
    assert float(np.max(broad.vectors() @ probe.embedding)) < 0.5
    [match] = index.score(probe)
    assert match.score >= index.threshold and not match.supported
    assert index.assign(probe).story.id == story_id_for("p")


def test_late_evidence_merges_two_stories_into_the_older() -> None:
    # Two reports of one event that start far enough apart to found two
    # stories; articles in between show they are one.
    left, right = vec(1), vec(2)
    index = StoryIndex()
    first = index.assign(item("a", blend(left, right, 0.15))).story
    second = index.assign(item("b", blend(left, right, 0.85))).story
    assert first.id != second.id
    merged: list[str] = []
    for i in range(3):
        done = index.assign(item(f"m{i}", blend(left, right, 0.5), text="bridge"))
        merged += done.merged
    assert merged == [second.id]
    assert index.get(second.id) is None
    survivor = index.get(first.id)
    assert survivor is not None and {m.id for m in survivor.members} >= {"a", "b"}


def test_a_story_of_two_separate_groups_splits_and_the_larger_keeps_its_id() -> None:
    index = StoryIndex()
    story = index.assign(item("a0", vec(1, base=1))).story
    for i in range(1, 4):
        index.assign(item(f"a{i}", vec(10 + i, 0.2, base=1)))
    index.assign(item("b0", vec(20, 0.2, base=2)), join=story.id)
    done = index.assign(item("b1", vec(21, 0.2, base=2)), join=story.id)
    assert done.split is not None
    assert done.story.id == story_id_for("a0")
    assert {m.id for m in done.story.members} == {"a0", "a1", "a2", "a3"}
    assert done.split.id == story_id_for("b0")
    assert {m.id for m in done.split.members} == {"b0", "b1"}
    assert index.get(done.split.id) is done.split


def test_a_cohesive_story_does_not_split() -> None:
    index = StoryIndex()
    for i in range(9):
        done = index.assign(item(f"a{i}", vec(i, 0.4, base=1)))
        assert done.split is None and done.story.id == story_id_for("a0")


def test_terms_fold_plurals_and_drop_stop_words() -> None:
    assert terms("The strikes", "Dockworkers' strike at the port") == Counter(
        {"strike": 3, "dockworker": 1, "port": 1}
    )


def test_a_weak_likeness_the_next_day_is_a_story_of_its_own_thread() -> None:
    # Same story threshold, one subject's likeness a day apart: above the story
    # bar before the days are taken off, but under the thread's higher floor.
    nine = DAY + 9 * HOUR
    index = StoryIndex()
    first = index.assign(item("r1", vec(1, base=100), set(), "Refugee cap raised", nine))
    for t in np.linspace(0.0, 1.0, 41):
        candidate = blend(vec(1, base=100), vec(9), float(t))
        score = float(candidate @ vec(1, base=100)) * 0.6
        if index.threshold <= score < index.threshold + 0.04:
            break
    else:
        raise AssertionError("no blend scores just above the story bar")
    later = index.assign(item("v1", candidate, set(), "Vaccination goal set", nine + 30 * HOUR))
    assert later.reason == "new" and later.continues is None
    assert later.story.thread == later.story.id != first.story.thread
