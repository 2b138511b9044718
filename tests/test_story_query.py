"""The one story-query builder (``store.stories.StoryQuery``), on a real store of
each backend, and the rule that the web app reaches the database only through it."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import parallax.web
from parallax.export import briefing_json
from parallax.model import (
    Article,
    Briefing,
    Entity,
    QuantityGroup,
    QuantityMention,
    Story,
    SummarySentence,
)
from parallax.store import Store, StoryQuery
from parallax.store.stories import CARD
from tests.stored import store_briefing_json

DAY = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _story(
    store: Store,
    story_id: str,
    days: list[int],
    *,
    source: str | None = "Outlet A",
    section: str | None = None,
    thread: str | None = None,
    url: str | None = None,
) -> None:
    """A story whose reports were published ``days`` after DAY."""
    dates = [DAY + timedelta(days=d) for d in days]
    story = Story(id=story_id, title=story_id.upper(), created=DAY, updated=DAY)
    with store.writer() as w:
        for i, when in enumerate(dates):
            article = Article(
                id=f"{story_id}-{i}",
                text=f"Report {i} of {story_id}.",
                title=f"{story_id} {i}",
                source=source,
                section=section,
                url=url and f"{url}/{i}",
                published=when,
                story_id=story_id,
            )
            w.add_article(article, content_hash=f"{story_id}-{i}")
        w.save_story(story, b"", [], min(dates), max(dates), thread_id=thread)


@pytest.fixture
def listed(store: Store) -> Store:
    _story(store, "old", [0, 1], section="World", thread="old")
    _story(store, "mid", [3], source="Outlet B", section="World news", thread="old")
    _story(store, "new", [5, 6], source=None, url="https://www.host.example/a")
    _story(store, "tie", [6], source="Outlet B")
    return store


def _ids(store: Store, query: StoryQuery) -> list[str]:
    return [row.id for row in store.find_stories(query)]


def test_each_filter_narrows_the_listing(listed: Store) -> None:
    everything = StoryQuery(order="activity")
    # Newest report first; "new" and "tie" share their newest moment: id breaks the tie.
    assert _ids(listed, everything) == ["new", "tie", "mid", "old"]
    assert _ids(listed, StoryQuery(outlet="Outlet B", order="activity")) == ["tie", "mid"]
    # An outlet without a stored name is its articles' host, as the reader shows it.
    assert _ids(listed, StoryQuery(outlet="host.example")) == ["new"]
    assert _ids(listed, StoryQuery(sections=("World", "World news"), order="began")) == [
        "old",
        "mid",
    ]
    assert _ids(listed, StoryQuery(sections=())) == []
    since = StoryQuery(active_since=DAY + timedelta(days=3), order="activity")
    assert _ids(listed, since) == ["new", "tie", "mid"]
    before = StoryQuery(began_before=DAY + timedelta(days=5), order="activity")
    assert _ids(listed, before) == ["mid", "old"]
    assert _ids(listed, StoryQuery(thread="old", order="began")) == ["old", "mid"]
    assert [r.id for r in listed.thread("old")] == ["old", "mid"]


def test_ids_come_back_in_the_order_asked_unless_an_order_is_given(listed: Store) -> None:
    assert _ids(listed, StoryQuery(ids=("old", "gone", "new"))) == ["old", "new"]
    assert _ids(listed, StoryQuery(ids=("old", "new"), order="activity")) == ["new", "old"]
    assert _ids(listed, StoryQuery(ids=())) == []


def test_pages_by_offset_and_by_keyset_walk_every_story_once(listed: Store) -> None:
    query = StoryQuery(order="activity")
    by_offset = [_ids(listed, query.page(limit=2, offset=o)) for o in (0, 2, 4)]
    assert by_offset == [["new", "tie"], ["mid", "old"], []]
    walked: list[str] = []
    after = None
    while keys := listed.story_keys(StoryQuery(order="activity", after=after, limit=1)):
        walked.append(keys[0].id)
        after = (keys[0].activity, keys[0].id)
    assert walked == ["new", "tie", "mid", "old"]
    assert listed.story_keys(StoryQuery(ids=("mid",)))[0].activity == DAY + timedelta(days=3)


BRIEFED = Briefing(
    summary=[SummarySentence("Two reports disagree on the count.", ["old-0", "old-1"])],
    entities=[Entity("Mira Solen", "PERSON", ["Solen"], ["old-0"])],
    quantities=[
        QuantityGroup(
            "people evacuated",
            True,
            [
                QuantityMention("old-0", "200 people", 200, 200),
                QuantityMention("old-1", "300", 300, 300),
            ],
        )
    ],
    drawn_from=["old-0", "old-1"],
)


def test_briefings_come_back_typed_and_a_listing_reads_only_its_parts(listed: Store) -> None:
    assert listed.save_briefing("old", "OLD", BRIEFED)
    whole = listed.story("old")
    assert whole is not None and whole.briefing == BRIEFED
    [card] = listed.find_stories(StoryQuery(ids=("old", "mid")), CARD)[:1]
    # The parts a card shows, typed; the rest of the briefing is not read.
    assert card.briefing == Briefing(summary=BRIEFED.summary, quantities=BRIEFED.quantities)
    assert [r.briefing for r in listed.find_stories(StoryQuery(ids=("mid",)), CARD)] == [None]
    # Every listing of the store gives typed records, whole unless it names parts.
    assert [r.briefing for r in listed.stories() if r.id == "old"] == [BRIEFED]
    assert [r.briefing for r in listed.thread("old")] == [card.briefing, None]


def test_a_briefing_in_a_newer_shape_is_not_read_by_any_listing(listed: Store) -> None:
    """A briefing a newer Parallax wrote reads as not there, not as a half-understood
    one, in a card as on the story page; one stored before versions were written
    (version 1) reads as ever."""
    newer = {**briefing_json(BRIEFED), "version": 99}
    store_briefing_json(listed, "old", "OLD", newer)
    store_briefing_json(listed, "mid", "MID", {"summary": [{"text": "Old.", "article_ids": []}]})
    assert (row := listed.story("old")) is not None and row.briefing is None
    cards = {r.id: r.briefing for r in listed.find_stories(StoryQuery(ids=("old", "mid")), CARD)}
    assert cards == {"old": None, "mid": Briefing(summary=[SummarySentence("Old.", [])])}


def test_the_web_app_never_opens_a_connection_of_its_own() -> None:
    """Every query the reader runs goes through the store: nothing in ``parallax.web``
    imports SQLAlchemy or reaches for a store's engine."""
    offenders = []
    for path in Path(parallax.web.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                offenders.append(f"{path.name}: imports {node.module}")
            if isinstance(node, ast.Import) and any(
                n.name.startswith("sqlalchemy") for n in node.names
            ):
                offenders.append(f"{path.name}: imports sqlalchemy")
            if isinstance(node, ast.Attribute) and node.attr == "engine":
                offenders.append(f"{path.name}:{node.lineno}: .engine")
    assert offenders == []


def test_the_pipeline_and_the_poller_take_storage_by_its_protocols() -> None:
    """They name the parts of storage they use (``store.protocols``: ``Importing``,
    ``Polling``), never the concrete ``Store``, so another storage needs only those."""
    import parallax.pipeline
    import parallax.poller

    for module in (parallax.pipeline, parallax.poller):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        named = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert "Store" not in named, module.__name__


def _naming_store(path: Path) -> set[str]:
    """The top-level functions and classes of a module that name the concrete
    ``Store`` (import it, call it or annotate with it); "<module>" for the rest."""
    found = set()
    for top in ast.parse(path.read_text(encoding="utf-8")).body:
        where = top.name if isinstance(top, ast.FunctionDef | ast.ClassDef) else "<module>"
        for node in ast.walk(top):
            imported = isinstance(node, ast.ImportFrom) and any(
                alias.name == "Store" for alias in node.names
            )
            if imported or (isinstance(node, ast.Name) and node.id == "Store"):
                found.add(where)
    return found


def test_the_engine_and_the_web_app_take_storage_by_its_protocols() -> None:
    """``Engine`` and the web modules are typed against ``protocols.Storage`` and its
    parts; the concrete ``Store`` is named only where a database is opened:
    ``parallax.open`` and the factory of each web worker process."""
    import parallax.engine

    engine = Path(parallax.engine.__file__ or "")
    web = sorted(Path(parallax.web.__file__).parent.glob("*.py"))
    named = {path.name: _naming_store(path) for path in [engine, *web]}
    assert named.pop("engine.py") == {"open"}
    assert named.pop("serving.py") == {"create"}
    assert {name: found for name, found in named.items() if found} == {}
