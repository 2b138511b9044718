"""What a pipeline reads when it starts is found through indexes, on both backends.

A scan here costs in proportion to the whole archive: on a 100,000-article
archive, loading the de-duplication window read every stored parse (about a
gigabyte) before migration 0012.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from parallax.model import Article, Briefing, Story
from parallax.store import Store, StoredNLP


def _plans(store: Store, read: Callable[[], object]) -> list[str]:
    """The query plan of every statement ``read`` runs, one string each."""
    ran: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        ran.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    try:
        read()
    finally:
        event.remove(store.engine, "before_cursor_execute", grab)
    assert ran, "the read ran no statement"
    postgres = store.engine.dialect.name == "postgresql"
    plans = []
    with store.engine.connect() as conn:
        if postgres:
            # With scans priced out, a scan in the plan means no index can serve the query.
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in ran:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(explain + statement, parameters).all()
            plans.append("\n".join(str(row[-1]) for row in rows))
    return plans


def _scans(plan: str) -> bool:
    return "Seq Scan" in plan or any(line.startswith("SCAN") for line in plan.splitlines())


@pytest.fixture
def archive(store: Store) -> Store:
    """A few dated articles in stories, one story left dirty."""
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for n in range(6):
        with store.writer() as w:
            w.add_article(
                Article(
                    id=f"a{n}",
                    text=f"Report {n}",
                    source="Outlet",
                    story_id=f"s{n % 3}",
                    published=start + timedelta(days=n),
                ),
                content_hash=f"hash-{n}",
            )
            w.add_nlp(StoredNLP(f"a{n}", b"doc", np.ones(3, np.float32).tobytes(), b"minhash", []))
            w.save_story(
                Story(id=f"s{n % 3}", title="A story"),
                b"centroid",
                [],
                start,
                start + timedelta(days=n),
            )
    store.save_briefing("s0", "A story", Briefing())
    return store


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s.recent_minhashes(timedelta(days=2)),
        lambda s: s.hot_stories(timedelta(days=2)),
        lambda s: s.dirty_stories(),
    ],
    ids=["dedup window", "hot stories", "dirty stories"],
)
def test_a_pipelines_opening_reads_scan_no_table(
    archive: Store, read: Callable[[Store], object]
) -> None:
    for plan in _plans(archive, lambda: read(archive)):
        assert not _scans(plan), plan


def test_the_opening_reads_still_find_what_they_did(archive: Store) -> None:
    window = archive.recent_minhashes(timedelta(days=2))
    assert sorted(row[0] for row in window) == ["a3", "a4", "a5"]
    assert sorted(row.id for row in archive.hot_stories(timedelta(days=2))) == ["s0", "s1", "s2"]
    assert sorted(archive.dirty_stories()) == ["s1", "s2"]
