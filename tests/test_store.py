from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from parallax.model import Article, Story
from parallax.store import DatabaseError, Store, StoredNLP


def _add(store: Store, article_id: str, text: str, story_id: str = "s1") -> None:
    with store.writer() as w:
        w.add_article(
            Article(
                id=article_id,
                text=text,
                title=f"Title {article_id}",
                source="Outlet",
                story_id=story_id,
                published=datetime(2026, 10, 13, 9, tzinfo=UTC),
            ),
            content_hash=f"hash-{article_id}",
        )
        w.add_nlp(StoredNLP(article_id, b"doc", np.ones(3, np.float32).tobytes(), None, []))
        w.save_story(Story(id=story_id, title="A story"), b"", [], None, None)


def test_migrations_create_a_usable_database_and_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "p.db"
    store = Store.open(str(path))
    _add(store, "a1", "The flood reached the valley overnight.")
    store.close()
    reopened = Store.open(str(path))
    article = reopened.article("a1")
    assert article is not None and article.story_id == "s1"
    assert article.published == datetime(2026, 10, 13, 9, tzinfo=UTC)  # zone survives SQLite
    story = reopened.story("s1")
    assert story is not None and story.n_articles == 1 and story.n_sources == 1


def test_known_article_matches_id_url_or_text(store: Store) -> None:
    _add(store, "a1", "text")
    assert store.known_article("a1", None, "x") == "a1"
    assert store.known_article("other", None, "hash-a1") == "a1"
    assert store.known_article("other", None, "nope") is None


def test_full_text_search_uses_fts5_with_stemming(store: Store) -> None:
    _add(store, "a1", "Rescuers evacuated thousands from flooded villages.")
    _add(store, "a2", "The central bank held interest rates.", story_id="s2")
    assert [a.id for a in store.search("flood")] == ["a1"]
    assert [a.id for a in store.search("bank rates")] == ["a2"]
    assert store.search('"') == []  # FTS syntax characters never reach MATCH raw


def test_story_lookup_accepts_a_unique_prefix(store: Store) -> None:
    _add(store, "a1", "one", story_id="sabc123")
    _add(store, "a2", "two", story_id="sabd456")
    found = store.story("sabc")
    assert found is not None and found.id == "sabc123"
    assert store.story("sab") is None  # ambiguous


def test_feeds_are_unique_and_removable(store: Store) -> None:
    feed, created = store.add_feed("https://example.org/feed.xml")
    again, created_again = store.add_feed("https://example.org/feed.xml")
    assert created and not created_again and feed.id == again.id
    store.update_feed(feed.id, last_error="HTTP 404 Not Found", error_count=2)
    assert store.feeds()[0].last_error == "HTTP 404 Not Found"
    assert store.remove_feed(feed.url) and store.feeds() == []
    assert not store.remove_feed(feed.url)


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    _add(store, "a1", "kept")
    with pytest.raises(RuntimeError), store.writer() as w:
        w.add_article(Article(id="a2", text="lost", story_id="s1"), content_hash="h2")
        raise RuntimeError("killed mid-batch")
    assert store.article("a2") is None and store.article("a1") is not None


def test_an_unusable_path_is_a_readable_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError, match="--db"):
        Store.open(str(blocker / "sub" / "p.db"))
