"""The Engine API, and parity: the command line, the reader's forms, the JSON API
and ``parallax.open`` do the same thing for the same operation.

Every surface runs for real: the CLI in process through Typer's runner, the web
app through its ASGI test client, each on its own SQLite database.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

import parallax
from parallax import cli
from parallax.engine import BadFeedAddress, Engine
from parallax.model import Briefing
from parallax.poller import PollingLoop, PollReport
from parallax.settings import Settings
from parallax.store import Feed, Store
from parallax.store import schema as t
from parallax.store.stories import CARD
from parallax.web import create_app
from parallax.web.auth import LOGIN_COOKIE
from tests.web.conftest import build_store

OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><body>
  <outline text="News" xmlUrl="https://news.example/rss" />
  <outline text="Folder">
    <outline text="Wire" xmlUrl="https://wire.example/atom.xml" />
    <outline text="Script" xmlUrl="javascript:alert(1)" />
    <outline text="Relative" xmlUrl="/feed.xml" />
    <outline text="No host" xmlUrl="http:///feed.xml" />
    <outline text="FTP" xmlUrl="ftp://files.example/feed" />
    <outline text="Retired" xmlUrl="https://gone.example/rss" />
  </outline>
</body></opml>"""

GONE = "https://gone.example/rss"
LIVE = "https://live.example/rss"


def _retire(store: Store, url: str) -> None:
    """What the poller does when a feed answers 410 Gone."""
    feed, _ = store.add_feed(url)
    store.update_feed(
        feed.id, retired=datetime.now(UTC), error_count=3, last_error="gone", next_poll=None
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found
    return found.group(1)


def _state(store: Store) -> list[tuple[str, str | None, bool, int]]:
    """What every surface must leave behind: each feed's address, name, whether it
    is retired, and its error count."""
    return sorted((f.url, f.title, f.retired is not None, f.error_count) for f in store.feeds())


# Each surface as the same four operations: add a feed, add a retired one, import
# an OPML list, remove a feed.  Each returns what it told its caller, in words.


def _through_cli(db: str, folder: Path) -> list[str]:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli.app, ["--db", db, *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    opml = folder / "list.opml"
    opml.write_bytes(OPML)
    return [
        run("add-feed", LIVE),
        run("add-feed", LIVE),
        run("add-feed", GONE),
        run("import-opml", str(opml)),
        run("remove-feed", LIVE),
    ]


def _through_forms(store: Store) -> list[str]:
    client = TestClient(create_app(store), follow_redirects=False)
    token = _csrf(client.get("/feeds").text)
    answers = []
    for url in (LIVE, LIVE, GONE):
        answers.append(client.post("/feeds", data={"url": url, "csrf": token}).headers["location"])
    imported = client.post(
        "/feeds/opml", data={"csrf": token}, files={"opml": ("list.opml", OPML, "text/x-opml")}
    )
    answers.append(imported.headers["location"])
    answers.append(
        client.post("/feeds/remove", data={"url": LIVE, "csrf": token}).headers["location"]
    )
    return answers


def _through_api(store: Store) -> list[str]:
    client = TestClient(create_app(store))
    answers = [
        client.post("/api/feeds", json={"url": url}).json()["outcome"] for url in (LIVE, LIVE, GONE)
    ]
    assert client.delete("/api/feeds", params={"url": LIVE}).status_code == 204
    return answers


def _through_engine(db: str) -> list[str]:
    with parallax.open(db, Settings()) as engine:
        answers = [engine.add_feed(url).outcome for url in (LIVE, LIVE, GONE)]
        done = engine.import_opml(OPML)
        answers.append(f"{done.added} {done.reactivated} {done.known} {len(done.skipped)}")
        assert engine.remove_feed(LIVE)
    return answers


def test_adding_importing_and_removing_feeds_is_the_same_on_every_surface(
    db_url: str, tmp_path: Path
) -> None:
    store = Store.open(db_url)
    said: dict[str, list[str]] = {}
    left: dict[str, list[tuple[str, str | None, bool, int]]] = {}
    surfaces: dict[str, Callable[[], list[str]]] = {
        "cli": lambda: _through_cli(db_url, tmp_path),
        "forms": lambda: _through_forms(store),
        "api": lambda: _through_api(store),
        "engine": lambda: _through_engine(db_url),
    }
    for name, run in surfaces.items():
        for feed in store.feeds():  # each surface starts from the same list:
            store.remove_feed(feed.url)
        _retire(store, GONE)  # one feed, which said 410 Gone
        said[name] = run()
        left[name] = _state(store)
    store.close()

    # The same words for the same outcomes.  Before, the forms and the API
    # answered "exists" for the retired feed and left it retired.
    assert said["engine"][:3] == said["api"] == ["added", "exists", "reactivated"]
    assert [s.split(" feed")[0] for s in said["cli"][:3]] == [
        "added",
        "already subscribed to",
        "re-activated retired",
    ]
    assert [s.split("notice=")[1].split("&")[0] for s in said["forms"][:3]] == [
        "added",
        "exists",
        "reactivated",
    ]
    # OPML: two new feeds, the third already there, four addresses that are not
    # http(s) with a host skipped by the same check (the CLI used to let
    # "http:///feed.xml" through and the forms did not).
    assert said["engine"][3] == "2 0 1 4"
    assert "added 2 feeds, 1 already subscribed, from 7 in" in said["cli"][3]
    assert "added=2&reactivated=0&known=1&skipped=4" in said["forms"][3]

    wanted = [
        (GONE, None, False, 0),
        ("https://news.example/rss", "News", False, 0),
        ("https://wire.example/atom.xml", "Wire", False, 0),
    ]
    assert left["engine"] == left["cli"] == left["forms"] == wanted
    assert left["api"] == [(GONE, None, False, 0)]  # the API made no OPML import


def test_reading_is_the_same_on_every_surface(db_url: str) -> None:
    store = build_store(db_url)
    client = TestClient(create_app(store))
    engine = Engine(store, Settings(), owns_store=False)

    exported = CliRunner().invoke(
        cli.app, ["--db", db_url, "export", "stories", "--format", "json"]
    )
    assert exported.exit_code == 0, exported.output
    by_cli = {d["id"]: d for d in json.loads(exported.stdout)}
    by_engine = {row.id: engine.story(row.id) for row in engine.stories(limit=200)}
    assert set(by_cli) == set(by_engine) and "s1syria" in by_cli
    for story_id, detail in by_engine.items():
        assert detail is not None
        document = json.loads(json.dumps(detail.document()))
        assert by_cli[story_id] == document
        assert client.get(f"/api/stories/{story_id}").json() == document
    # A listing that names the parts of the briefings it shows reads those alone.
    whole = {row.id: row.briefing for row in engine.stories(limit=200)}
    for row in engine.stories(limit=200, parts=CARD):
        full = whole[row.id]
        card = Briefing(summary=full.summary, quantities=full.quantities) if full else None
        assert row.briefing == card

    found = CliRunner().invoke(cli.app, ["--db", db_url, "search", "fighters"])
    cli_ids = [line.split()[0] for line in found.stdout.splitlines()]
    engine_ids = [a.id for a in engine.search("fighters")]
    api_ids = [
        hit["id"] for hit in client.get("/api/search", params={"q": "fighters"}).json()["results"]
    ]
    assert cli_ids and cli_ids == engine_ids == api_ids
    store.close()


def test_an_address_that_is_not_http_is_refused_everywhere(tmp_path: Path) -> None:
    with parallax.open(str(tmp_path / "p.db"), Settings()) as engine:
        for url in ("javascript:alert(1)", "/feed.xml", "http:///x", "ftp://a.example/f", " "):
            with pytest.raises(BadFeedAddress):
                engine.add_feed(url)
        assert engine.feeds() == []
        client = TestClient(create_app(engine.store))
        assert client.post("/api/feeds", json={"url": "javascript:alert(1)"}).status_code == 422
    result = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "p.db"), "add-feed", "ftp://a/f"])
    assert isinstance(result.exception, cli.CLIError)


def test_the_engine_is_a_context_manager_that_closes_its_database(tmp_path: Path) -> None:
    with parallax.open(str(tmp_path / "p.db"), Settings()) as engine:
        added = engine.add_feed("https://news.example/rss", "News")
        assert added.created and isinstance(added.feed, Feed)
        assert engine.stories() == [] and engine.story("nothing") is None
        assert engine.search("anything") == [] and engine.explain("nothing") is None
        assert "https://news.example/rss" in engine.export_opml()
    # Closed: the pool was disposed, and a new engine reads what the first wrote.
    with parallax.open(str(tmp_path / "p.db"), Settings()) as again:
        assert [f.title for f in again.feeds()] == ["News"]


# --- the feeds page, and parked briefings (issue 19) -----------------------------------


def test_the_feeds_page_shows_remove_buttons_only_for_feeds_the_reader_may_remove(
    tmp_path: Path,
) -> None:
    store = build_store(tmp_path / "p.db")
    accounts = store.accounts
    alice = accounts.add_user("alice", "alice-correct-horse")[0]
    bob = accounts.add_user("bob", "bob-battery-staple")[0]
    store.add_feed("https://cli.example/rss")  # from the command line: the first account's
    store.add_feed("https://bob.example/rss", added_by=bob.id)

    def buttons(user_id: int) -> set[str]:
        user = next(u for u in accounts.users() if u.id == user_id)
        client = TestClient(create_app(store), follow_redirects=False)
        client.cookies.set(LOGIN_COOKIE, accounts.start_session(user)[0])
        page = client.get("/feeds").text
        assert "cli.example" in page and "bob.example" in page  # every feed is listed
        return set(re.findall(r'name="url" value="([^"]+)"><button', page))

    assert buttons(bob.id) == {"https://bob.example/rss"}
    assert {"https://cli.example/rss", "https://bob.example/rss"} <= buttons(alice.id)
    store.close()


def test_parallax_feeds_lists_parked_briefings_with_their_error(db_url: str) -> None:
    store = build_store(db_url)
    # What the pipeline does each time the story's briefing fails (pipeline.refresh).
    with store.engine.begin() as conn:
        conn.execute(update(t.stories).where(t.stories.c.id == "s2pending").values(dirty=True))
    for failures in (1, 2, 3):
        assert store.briefing_failed("s2pending") == failures
        parked = "; parked after 3 failures" if failures == 3 else ""
        store.record_error("story s2pending", f"briefing failed: ValueError('odd'){parked}")
    store.close()

    result = CliRunner().invoke(cli.app, ["--db", db_url, "feeds"])
    assert result.exit_code == 0, result.output
    assert "1 briefing parked after failing" in result.stdout
    assert "story s2pending  Storm closes ports" in result.stdout
    assert "3 failures; briefing failed: ValueError('odd'); parked after 3 failures" in (
        result.stdout
    )


# --- the polling loop --------------------------------------------------------------------


def test_the_polling_loop_reports_a_failed_round_and_goes_on_until_stopped() -> None:
    rounds: list[PollReport | Exception] = []
    three = threading.Event()

    def poll() -> PollReport:
        if not rounds:
            raise OSError("database is locked")
        return PollReport(feeds=len(rounds))

    def on_round(report: PollReport | Exception) -> None:
        rounds.append(report)
        if len(rounds) == 3:
            three.set()

    loop = PollingLoop(poll, every=0.01, on_round=on_round).start()
    assert three.wait(10)
    loop.stop()
    count = len(rounds)
    assert isinstance(rounds[0], OSError)
    assert [r.feeds for r in rounds[1:3] if isinstance(r, PollReport)] == [1, 2]
    threading.Event().wait(0.1)
    assert len(rounds) == count  # stopped means no more rounds


def test_the_engine_stops_its_polling_loop_when_it_closes(tmp_path: Path) -> None:
    engine = parallax.open(str(tmp_path / "p.db"), Settings())
    seen: list[PollReport | Exception] = []
    called: Callable[[PollReport | Exception], None] = seen.append
    # No feeds: each round polls nothing, and does not load the models.
    loop = engine.start_polling(3600, called)
    with pytest.raises(RuntimeError):
        engine.start_polling(3600, called)
    engine.close()
    assert not loop._thread.is_alive()
