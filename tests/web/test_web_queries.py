"""The reader's listing helpers on plain values and a real store."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest

from parallax.model import Article
from parallax.store import Store
from parallax.web import queries
from parallax.web.queries import Filters, Kept, Place

from .conftest import NOW, add_story


def test_kept_values_are_reused_until_they_expire() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    kept: Kept[str, int] = Kept(ttl=3600)
    assert kept.get("a", compute) == kept.get("a", compute) == 1
    assert kept.get("b", compute) == 2
    stale: Kept[str, int] = Kept(ttl=0)
    assert stale.get("a", compute) == 3 and stale.get("a", compute) == 4


def test_kept_computes_once_while_many_threads_ask() -> None:
    calls: list[int] = []
    started = threading.Barrier(8)
    release = threading.Event()

    def compute() -> int:
        calls.append(1)
        release.wait(5)  # hold the others at the gate
        return 42

    kept: Kept[str, int] = Kept(ttl=3600)
    results: list[int] = []

    def ask() -> None:
        started.wait()
        results.append(kept.get("front", compute))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    while not calls:
        time.sleep(0.01)
    time.sleep(0.1)  # the other seven are now waiting, not computing
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == [42] * 8
    assert len(calls) == 1


def test_kept_serves_the_old_value_while_it_renews_it_in_the_background() -> None:
    renewing = threading.Event()
    release = threading.Event()
    values = iter([1, 2])

    def compute() -> int:
        value = next(values)
        if value == 2:
            renewing.set()
            release.wait(5)  # a slow recompute: readers must not wait for it
        return value

    kept: Kept[str, int] = Kept(ttl=0.05, grace=60)
    assert kept.get("front", compute) == 1
    time.sleep(0.1)  # expired, within the grace
    assert kept.get("front", compute) == 1  # served at once, renewal started
    assert renewing.wait(5)
    assert kept.get("front", compute) == 1  # still renewing: the old value, no second compute
    release.set()
    deadline = time.monotonic() + 5
    while kept.get("front", compute) != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert kept.get("front", compute) == 2


def test_kept_keeps_the_old_value_when_a_renewal_fails() -> None:
    outcomes: list[int | None] = [1, None, 3]

    def compute() -> int:
        value = outcomes.pop(0)
        if value is None:
            raise RuntimeError("database busy")
        return value

    kept: Kept[str, int] = Kept(ttl=0.05, grace=60)
    assert kept.get("k", compute) == 1
    time.sleep(0.1)
    assert kept.get("k", compute) == 1  # the renewal fails in the background
    deadline = time.monotonic() + 5
    while outcomes[0] is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    assert kept.get("k", compute) in (1, 3)  # old value, or the next renewal's
    deadline = time.monotonic() + 5
    while kept.get("k", compute) != 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert kept.get("k", compute) == 3


def test_kept_computes_while_waiting_once_past_the_grace() -> None:
    values = iter([1, 2])
    kept: Kept[str, int] = Kept(ttl=0.01, grace=0.01)
    assert kept.get("k", lambda: next(values)) == 1
    time.sleep(0.05)
    assert kept.get("k", lambda: next(values)) == 2


def test_kept_stays_within_its_size() -> None:
    kept: Kept[int, int] = Kept(ttl=3600, size=3)
    for i in range(10):
        kept.get(i, lambda i=i: i)  # type: ignore[misc]
        assert len(kept._values) <= 3


@pytest.mark.parametrize(
    ("section", "slug"),
    [
        ("World", "world"),
        ("world news", "world-news"),
        ("World-News", "world-news"),
        ("  UK / Politics ", "uk-politics"),
        ("Économie", "économie"),
    ],
)
def test_topic_slug(section: str, slug: str) -> None:
    assert queries.topic_slug(section) == slug


def test_filters_round_trip_as_query_parameters() -> None:
    f = Filters(topic="world", outlet="BBC", since=date(2024, 12, 1), until=None)
    assert f.active() and not Filters().active()
    assert f.params() == {"topic": "world", "outlet": "BBC", "from": "2024-12-01"}


def test_place_round_trips_through_its_cursor() -> None:
    moment = queries.as_of_now()
    for place in [Place(moment, "r", -1.25, "s1"), Place(moment, "a", moment.isoformat(), "s/2")]:
        assert Place.decode(place.encode()) == place
    assert moment.timestamp() % queries.RANK_EVERY == 0


def test_topics_merge_spellings_and_prefer_the_capitalised_one(web_store: Store) -> None:
    world = queries.topic(web_store, "world")
    assert world is not None
    assert world.label == "World" and world.articles == 2
    assert set(world.sections) == {"World", "world"}
    assert queries.topic(web_store, "nothing") is None
    assert queries.story_topics(web_store, ["s1syria", "s2pending"]) == {
        "s1syria": [world],
        "s2pending": [queries.topic(web_store, "uk-news")],
    }


def test_the_entity_page_takes_the_newest_stories_that_name_it_a_share_at_a_time(
    web_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Candidates are read newest first, a share at a time, until enough name the
    entity; a candidate that only mentions the name in its text does not count."""
    for hours, story_id, named in (
        (1, "m1", True),
        (2, "m2", False),
        (3, "m3", True),
        (4, "m4", True),
    ):
        entities = [{"name": "Mira Solen", "type": "PERSON", "aliases": [], "article_ids": []}]
        article = Article(
            id=f"{story_id}-a", source="Ledger", title="Harbour", text="Mira Solen spoke."
        )
        add_story(
            web_store,
            story_id,
            f"Story {story_id}",
            [article],
            {"entities": entities if named else []},
            NOW - timedelta(hours=hours),
        )
    monkeypatch.setattr(queries, "SCAN_SHARE", 1)
    found = queries.entity(web_store, "Mira Solen", limit=2)
    assert found is not None and [r.id for r in found.stories] == ["m1", "m3"]
    everything = queries.entity(web_store, "mira solen")
    assert everything is not None and [r.id for r in everything.stories] == ["m1", "m3", "m4"]
    assert everything.name == "Mira Solen" and everything.kinds == ["PERSON"]
