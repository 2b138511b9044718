"""``parallax migrate-db``: a populated SQLite database copied into PostgreSQL,
and back, holds the same rows in every table; the copy searches and takes new
rows as the original would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from parallax.cli import app
from parallax.model import Article, Story
from parallax.store import DatabaseError, Store, StoredNLP
from parallax.store import schema as t
from parallax.store.accounts import Interest
from parallax.store.copy import copy_database
from tests.pg import PgServer
from tests.web.conftest import build_store


def _populate(url: str) -> None:
    """Every table gets rows: stories with briefings (and one without), feeds,
    errors, an alias, NLP records, assignments, accounts and their marks."""
    store = build_store(url)
    with store.writer() as w:
        w.save_story(Story(id="s5merged", title="Merged away"), b"c", ["k"], None, None)
        w.merge_story("s5merged", "s1syria")
        w.add_nlp(StoredNLP("pa-1", b"doc", b"\x00\x01", None, [["Bukamal", "GPE"]]))
        w.add_nlp(StoredNLP("mail-1", b"doc2", b"\x02", b"mh", []))
        w.add_assignment("pa-1", "s1syria", {"candidates": [], "score": 0.5})
        feed = store.feeds()[0]
        w.mark_entry(feed.id, "guid-1", "pa-1")
        w.mark_entry(feed.id, "guid-2", None)
    accounts = store.accounts
    alice, _ = accounts.add_user("alice", "correct horse battery")
    accounts.start_session(alice)
    accounts.create_token(alice, "feed reader")
    accounts.follow(alice, Interest("entity", "bukamal", "Bukamal"))
    accounts.mute(alice, Interest("outlet", "daily mail", "Daily Mail"))
    accounts.mark_read(alice, "s1syria")
    accounts.save(alice, "s2pending")
    accounts.signing_key()
    store.close()


def _tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, by primary key, with whether each JSON value is SQL NULL."""
    store = Store.open(url)
    found: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            nulls = [c.is_(None) for c in table.columns if isinstance(c.type, t.JSON)]
            rows = conn.execute(
                select(*table.columns, *nulls).order_by(*table.primary_key.columns)
            ).all()
            found[table.name] = [tuple(r) for r in rows]
    store.close()
    return found


@pytest.fixture
def pg(pg_server: PgServer) -> Any:
    urls: list[str] = []

    def new() -> str:
        urls.append(pg_server.new_database())
        return urls[-1]

    yield new
    for url in urls:
        pg_server.drop(url)


def test_a_copy_to_postgresql_and_back_is_identical_in_every_table(tmp_path: Path, pg: Any) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _populate(source)
    original = _tables(source)
    assert all(original[name] for name in original), "every table must hold rows to compare"

    target = pg()
    report = copy_database(source, target)
    assert report.rows == {name: len(rows) for name, rows in original.items()}
    assert _tables(target) == original

    back = f"sqlite:///{tmp_path / 'back.db'}"
    copy_database(target, back)
    assert _tables(back) == original

    original_store, copied = Store.open(source), Store.open(target)
    try:
        # The search index followed the rows, and new rows get fresh ids.
        assert {a.id for a in copied.search("Bukamal")} == {
            a.id for a in original_store.search("Bukamal")
        }
        feed, new = copied.add_feed("https://new.example/feed")
        assert new and feed.id > max(f.id for f in original_store.feeds())
        with copied.writer() as w:
            w.add_article(
                Article(id="fresh", text="A fresh report.", published=datetime.now(UTC)),
                content_hash="fresh",
            )
        assert copied.article("fresh") is not None
    finally:
        original_store.close()
        copied.close()


def test_a_target_that_holds_data_is_refused_and_left_alone(tmp_path: Path, pg: Any) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _populate(source)
    target = pg()
    store = Store.open(target)
    store.add_feed("https://already.example/feed")
    with pytest.raises(DatabaseError, match="already holds data"):
        copy_database(source, target)
    assert [f.url for f in store.feeds()] == ["https://already.example/feed"]
    store.close()


def test_the_command_copies_and_says_what_it_copied(tmp_path: Path, pg: Any) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _populate(source)
    target = pg()
    result = CliRunner().invoke(app, ["migrate-db", "--from", source, "--to", target])
    assert result.exit_code == 0, result.output
    original = _tables(source)
    assert f"articles: {len(original['articles'])}\n" in result.output
    assert _tables(target) == original
