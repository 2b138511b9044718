"""Hostile records against the real pipeline and a real SQLite store (issue 19, F2-F5).

The rule they check: a bad record is recorded with where it came from and
skipped, or kept without the part that is bad; the batch around it is stored;
a date outside 1900-2100 is treated as missing, with a recorded warning.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

import parallax.pipeline
from parallax.ingest.files import read_paths
from parallax.model import Document
from parallax.pipeline import Pipeline
from parallax.store import Store, Writer
from parallax.store import schema as t
from parallax.store.database import BRIEFING_ATTEMPTS
from tests.conftest import LocalServer
from tests.test_poller import article, make_poller

pytestmark = pytest.mark.slow

TOPICS = ("harbour cranes", "river flood walls", "night trains", "apple harvest", "library")


def record(n: int, **fields: object) -> dict[str, object]:
    """A JSON Lines record of a real-looking article about topic ``n``."""
    topic = TOPICS[n]
    text = " ".join(
        [
            f"Officials announced new plans for the {topic} on Tuesday morning.",
            f"Residents said the {topic} had been discussed at length for months.",
            f"A spokesperson declined to give further details about the {topic} before Friday.",
        ]
        * 3
    )
    return {
        "id": f"r{n}",
        "source": f"Outlet {n}",
        "title": f"News of the {topic}",
        "text": text,
        **fields,
    }


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def messages(store: Store) -> list[tuple[str, str]]:
    return [(origin, message) for _, origin, message in store.recent_errors()]


def test_a_lone_surrogate_costs_one_character_not_the_import(store: Store, tmp_path: Path) -> None:
    # F3: json.loads keeps "\udfff"; every UTF-8 encode after it failed, and the
    # whole import stopped with 0 of 27 records stored.
    bad = record(1)
    bad["text"] = str(bad["text"]) + " The end of an emoji \udfff was cut off."
    bad["title"] = "Cut \udfff title"
    path = write_jsonl(tmp_path / "batch.jsonl", [record(0), bad, record(2)])
    report = Pipeline(store).run(read_paths([str(path)]))
    assert (report.imported, report.failed) == (3, 0)
    kept = store.article("r1")
    assert kept is not None and kept.title == "Cut \ufffd title"
    assert "\ufffd" in kept.text


def test_a_date_of_year_one_is_missing_with_a_warning_and_the_batch_is_stored(
    store: Store, tmp_path: Path
) -> None:
    # F4: +14:00 moves year 1 into year 0 when the date is written as UTC, and the
    # database write failed for the whole batch.
    bad = record(1, published="0001-01-01T00:00:00+14:00")
    late = record(2, published="2101-01-01T00:00:00Z")
    good = record(0, published="2026-03-04T05:06:07Z")
    path = write_jsonl(tmp_path / "dated.jsonl", [good, bad, late])
    report = Pipeline(store).run(read_paths([str(path)]))
    assert (report.imported, report.failed) == (3, 0)
    first, second = store.article("r1"), store.article("r2")
    assert first is not None and second is not None
    assert not (first.published and first.published.year < 1900)
    assert not (second.published and second.published.year > 2100)
    warnings = [(o, m) for o, m in messages(store) if m.startswith("warning:")]
    assert sorted(o for o, _ in warnings) == [f"{path}:2", f"{path}:3"]
    assert all("outside 1900-2100" in m for _, m in warnings)


def test_a_story_stored_with_year_one_gets_its_briefing(store: Store) -> None:
    # F5: a database written before dates were checked holds 0001-01-01; its
    # story failed to brief ("year 0 is out of range") on every run.
    body = str(record(0)["text"])
    docs = [
        Document(body=body, is_html=False, id="y0", source="Outlet"),
        Document(body=body + " More.", is_html=False, id="y1", source="Other"),
    ]
    Pipeline(store).run(docs)
    with store.writer() as writer:
        writer.conn.execute(update(t.articles).values(published=datetime(1, 1, 1, tzinfo=UTC)))
        writer.conn.execute(update(t.stories).values(dirty=True, briefing=None))
    Pipeline(store)  # finishes the stale briefings, as every run does
    assert not store.dirty_stories()
    assert all(s.briefing is not None for s in store.stories())
    assert not any("briefing failed" in m for _, m in messages(store))


def test_a_briefing_that_keeps_failing_is_parked_and_shown(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The failure is injected: it stands in for a bug not found yet (a real one,
    # year 1, is fixed above). The story and the store are real.
    def failing_build(articles, docs):  # type: ignore[no-untyped-def]
        raise ValueError("year 0 is out of range")

    monkeypatch.setattr(parallax.pipeline, "build_briefing", failing_build)
    Pipeline(store).run([Document(body=str(record(0)["text"]), is_html=False, id="p0")])
    story = store.stories()[0].id
    for _ in range(BRIEFING_ATTEMPTS - 1):
        assert store.dirty_stories() == [story]
        Pipeline(store)  # each run retries it
    assert store.dirty_stories() == []  # parked: the next runs leave it alone
    failures = [m for o, m in messages(store) if o == f"story {story}"]
    assert len(failures) == BRIEFING_ATTEMPTS
    assert "parked after 3 failures" in failures[0]  # newest first
    Pipeline(store)
    assert len([m for o, m in messages(store) if o == f"story {story}"]) == BRIEFING_ATTEMPTS


def test_a_record_the_database_refuses_costs_only_itself(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The refusal is injected (every known cause is now caught before the write);
    # it stands in for the next one. The other records of its batch are stored.
    real_add = Writer.add_article

    def refusing_add(self, article, content_hash, feed_id=None):  # type: ignore[no-untyped-def]
        if article.id == "r1":
            raise OverflowError("date value out of range")
        return real_add(self, article, content_hash, feed_id)

    monkeypatch.setattr(Writer, "add_article", refusing_add)
    path = write_jsonl(tmp_path / "batch.jsonl", [record(n) for n in range(4)])
    report = Pipeline(store).run(read_paths([str(path)]))
    assert (report.imported, report.failed) == (3, 1)
    assert store.article("r1") is None and store.article("r3") is not None
    assert report.errors[0].origin == f"{path}:2"
    assert "could not be stored (OverflowError" in report.errors[0].message
    assert sorted(report.new_ids) == ["r0", "r2", "r3"]


def test_a_json_feed_item_with_a_list_for_its_url_costs_only_that_field(
    store: Store, http_server: LocalServer
) -> None:
    # F2: "url": ["x"] failed the whole feed (unhashable type: 'list').
    base = http_server.url
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {"id": "bad", "url": ["x"], "title": ["t"], "content_html": {"a": 1}},
            {"id": "good", "url": f"{base}/a1", "title": "Harbour cranes idle"},
        ],
    }
    http_server.serve("/feed.json", json.dumps(feed), content_type="application/feed+json")
    http_server.serve("/a1", article(0))
    store.add_feed(f"{base}/feed.json")
    report = make_poller(store).poll_all()
    assert report.articles.imported == 1
    assert store.feeds()[0].error_count == 0
