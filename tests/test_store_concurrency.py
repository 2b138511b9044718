"""The writer's part in concurrent imports, on a real SQLite file (the processes
themselves race in ``test_concurrent_import.py``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parallax.model import Article, Story
from parallax.store import Store


def test_an_article_stored_already_is_skipped_not_an_error(store: Store) -> None:
    with store.writer() as w:
        assert w.add_article(Article(id="a1", text="first", story_id="s1"), content_hash="h1")
        w.save_story(Story(id="s1", title="A story"), b"", [], None, None)
    with store.writer() as w:
        # As another importer would find it: stored after its own check.
        assert not w.add_article(Article(id="a1", text="second", story_id="s1"), "h2")
    stored = store.article("a1")
    assert stored is not None and stored.text == "first"
    assert store.count_articles() == 1


def test_a_writer_holds_the_write_lock_from_its_start(tmp_path: Path) -> None:
    db = tmp_path / "parallax.db"
    store = Store.open(str(db))
    other = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        # Nothing written yet, but what the writer reads must stay true until it
        # commits: another process cannot start writing meanwhile.
        with store.writer(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the writer commits
        other.execute("ROLLBACK")
    finally:
        other.close()
        store.close()
