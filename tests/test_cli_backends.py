"""The commands that need no language model, on SQLite and on PostgreSQL: the
database named by ``--db`` or by ``$PARALLAX_DB`` (a path or a URL)."""

from __future__ import annotations

import json
from pathlib import Path

from parallax.store import Store
from tests.conftest import Ran, run_cli
from tests.web.conftest import build_store


def _cli(db_url: str, *args: str, stdin: str | None = None) -> Ran:
    ran = run_cli("--db", db_url, *args, stdin=stdin)
    assert ran.returncode == 0, ran.stderr
    return ran


def test_reading_commands_work_on_either_backend(db_url: str) -> None:
    build_store(db_url).close()
    assert "Iran-backed militias enter Syria" in _cli(db_url, "stories").stdout
    assert "Iran-backed militias enter Syria" in _cli(db_url, "show", "s1syr").stdout
    found = _cli(db_url, "search", "Bukamal").stdout
    assert "pa-1" in found or "Iran-backed fighters cross into Syria" in found
    exported = [json.loads(line) for line in _cli(db_url, "export", "stories").stdout.splitlines()]
    assert {s["id"] for s in exported} >= {"s1syria", "s2pending"}
    # The same database, named by the environment instead of --db.
    by_env = run_cli("stories", env={"PARALLAX_DB": db_url})
    assert by_env.returncode == 0 and "Storm closes ports" in by_env.stdout


def test_feed_and_account_commands_work_on_either_backend(db_url: str, tmp_path: Path) -> None:
    _cli(db_url, "add-feed", "https://news.example/rss")
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" xmlUrl="https://other.example/feed.xml" text="Other"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    _cli(db_url, "import-opml", str(opml))
    listed = _cli(db_url, "feeds").stdout
    assert "https://news.example/rss" in listed and "https://other.example/feed.xml" in listed
    assert "https://other.example/feed.xml" in _cli(db_url, "export-opml").stdout
    _cli(db_url, "remove-feed", "https://news.example/rss")

    _cli(db_url, "user", "add", "alice", "--password-stdin", stdin="correct horse battery\n")
    _cli(db_url, "token", "create", "feed reader", "--user", "alice")
    assert "alice" in _cli(db_url, "user", "list").stdout

    store = Store.open(db_url)
    try:
        assert [f.url for f in store.feeds()] == ["https://other.example/feed.xml"]
    finally:
        store.close()
