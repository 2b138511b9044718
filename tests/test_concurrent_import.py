"""Several importers and web workers on one database at once, on SQLite and on
PostgreSQL: nothing lost or stored twice, no importer dies, no page fails.

The racing importers are real ``parallax import`` processes, each loading the
models and opening the database itself, so the race test is slow.  The writers'
lock is also checked alone, on two connections, where its effect is certain
rather than a matter of timing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from parallax.model import Article, Briefing, Story
from parallax.store import Store
from parallax.store import schema as t
from tests.conftest import ROOT, bench_module, run_cli, shared_data
from tests.pg import PgServer, backends

SEEDED = 6
"""BBC reports stored before the race; two wires' copies of each then race into their stories."""


@pytest.fixture(params=backends())
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend, this module's tests being slow ones
    (which ``db_url`` keeps on SQLite) that must run on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'parallax.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.new_database()
    yield url
    server.drop(url)


def test_writers_take_turns_so_a_story_counts_every_article(any_db: str) -> None:
    """A second writer waits for the first to commit.  On PostgreSQL it did not:
    each counted the story's articles without the other's, and the story kept
    the count of whichever committed last (2 of its 3 articles)."""
    store = Store.open(any_db)
    try:
        with store.writer() as w:
            w.add_article(Article(id="a0", text="zero", source="A", story_id="s1"), "h0")
            w.save_story(Story(id="s1", title="S"), b"", [], None, None)
        started = threading.Event()

        def other_importer() -> None:
            with store.writer() as w:  # another pooled connection: another session
                started.set()
                w.add_article(Article(id="b1", text="two", source="B", story_id="s1"), "h2")
                w.save_story(Story(id="s1", title="S"), b"", [], None, None)

        with store.writer() as w:
            w.add_article(Article(id="a1", text="one", source="A", story_id="s1"), "h1")
            w.save_story(Story(id="s1", title="S"), b"", [], None, None)
            thread = threading.Thread(target=other_importer)
            thread.start()
            assert not started.wait(1.0), "a second writer started inside the first's transaction"
        thread.join(30)
        assert started.is_set()
        [row] = store.stories()
        assert (row.n_articles, row.n_sources) == (3, 2)
    finally:
        store.close()


def test_a_briefing_read_before_another_importer_added_a_report_is_not_saved(
    any_db: str,
) -> None:
    """It was saved: it overwrote the briefing the other importer wrote with the new
    report, and marked the story fresh without it, for good."""
    store = Store.open(any_db)
    try:
        with store.writer() as w:
            w.add_article(Article(id="a1", text="one", source="A", story_id="s1"), "h1")
            w.save_story(Story(id="s1", title="S"), b"", [], None, None)
        read = [a.id for a in store.story_articles("s1")]  # this importer starts a briefing
        with store.writer() as w:  # another importer adds a report and briefs the story
            w.add_article(Article(id="b1", text="two", source="B", story_id="s1"), "h2")
            w.save_story(Story(id="s1", title="S"), b"", [], None, None)
        assert store.save_briefing("s1", "S", Briefing(drawn_from=["a1", "b1"]), ["a1", "b1"])
        assert not store.save_briefing("s1", "S", Briefing(drawn_from=read), read)
        [row] = store.stories()
        assert row.briefing is not None and row.briefing.drawn_from == ["a1", "b1"]
        with store.writer() as w:  # a third report: the story waits for its briefing
            w.add_article(Article(id="c1", text="three", source="C", story_id="s1"), "h3")
            w.save_story(Story(id="s1", title="S"), b"", [], None, None)
        assert not store.save_briefing("s1", "S", Briefing(drawn_from=read), read)
        assert store.dirty_stories() == ["s1"]
    finally:
        store.close()


def _serve(db: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``parallax serve`` with two worker processes on a free port, once it answers."""
    import socket
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "parallax", "--db", db, "serve", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen([*command, "--workers", "2"], stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(base + "/api/stories", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


def _copies(record: dict[str, str], wire: str) -> dict[str, str]:
    """A wire's copy of a report: the same text under another outlet, which joins the
    report's story (dedup finds it stored) without being a re-import of it."""
    return {**record, "id": f"{wire.replace(' ', '-').lower()}-{record['id']}", "source": wire}


@pytest.mark.slow
def test_three_importers_of_overlapping_files_lose_and_repeat_nothing(
    any_db: str, tmp_path: Path
) -> None:
    chaos = bench_module("chaos", "bbc")
    records = chaos.bbc_records(shared_data())[: SEEDED + 12]
    seeds, others = records[:SEEDED], records[SEEDED:]
    wire_a = [_copies(r, "Wire A") for r in seeds]
    wire_b = [_copies(r, "Wire B") for r in seeds]
    # Every racing article is in two files; the two wires' copies of one report
    # reach its story from two importers at once.
    files = [
        chaos.write_jsonl(tmp_path / "one.jsonl", others[:8] + wire_a),
        chaos.write_jsonl(tmp_path / "two.jsonl", others[4:] + wire_b),
        chaos.write_jsonl(tmp_path / "three.jsonl", others[:4] + others[8:] + wire_a + wire_b),
    ]
    seeded = run_cli("--db", any_db, "import", str(chaos.write_jsonl(tmp_path / "s.jsonl", seeds)))
    assert seeded.returncode == 0, seeded.stderr

    server, base = _serve(any_db, tmp_path / "serve.log")
    web = chaos.Web(base)
    client = threading.Thread(target=web.run)
    client.start()
    importers: list[subprocess.Popen[str]] = []
    try:
        # This checkout's code, wherever the test runner found it.
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        importers += [
            subprocess.Popen(
                [sys.executable, "-m", "parallax", "--db", any_db, "import", str(f)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for f in files
        ]
        printed = [p.communicate(timeout=600) for p in importers]
        ran = [
            (p.returncode, out, errors) for p, (out, errors) in zip(importers, printed, strict=True)
        ]
    finally:
        for importer in importers:
            if importer.poll() is None:
                importer.kill()
        web.stop()
        client.join(60)
        server.terminate()
        server.wait(30)

    summaries = [chaos.SUMMARY.search(out) for _, out, _ in ran]
    for (code, out, errors), summary in zip(ran, summaries, strict=True):
        assert code == 0 and "Traceback" not in errors, errors[-3000:]
        assert summary is not None, out
        assert summary.group(3) == "0", errors[-3000:]  # no record failed
    racing = {r["id"] for r in others + wire_a + wire_b}
    assert sum(int(s.group(1)) for s in summaries if s) == len(racing)

    state = _stored(any_db)
    assert sorted(state["articles"]) == sorted({r["id"] for r in seeds} | racing)
    assert state["without assignment, parse or story"] == []
    assert state["miscounted stories"] == []
    assert state["unbriefed stories"] == []
    assert state["stale briefings"] == []

    assert sum(web.statuses.values()) > 0
    assert web.failed == 0 and web.errors == [], (web.statuses, web.errors[:5])


def _stored(db: str) -> dict[str, Any]:
    """What the database holds, and what in it breaks a rule."""
    store = Store.open(db)
    a = t.articles.c
    try:
        with store.engine.connect() as conn:
            articles = conn.execute(select(a.id, a.story_id, a.source)).all()
            stories = {r.id: r for r in conn.execute(select(t.stories)).all()}
            assigned = set(conn.execute(select(t.assignments.c.article_id)).scalars())
            parsed = set(conn.execute(select(t.article_nlp.c.article_id)).scalars())
            counted = {
                r.story_id: (r.n, r.sources)
                for r in conn.execute(
                    select(
                        a.story_id,
                        func.count().label("n"),
                        func.count(a.source.distinct()).label("sources"),
                    ).group_by(a.story_id)
                ).all()
            }
    finally:
        store.close()
    members: dict[str, set[str]] = {}
    for row in articles:
        members.setdefault(row.story_id, set()).add(row.id)
    return {
        "articles": [r.id for r in articles],
        "without assignment, parse or story": [
            r.id
            for r in articles
            if r.id not in assigned or r.id not in parsed or r.story_id not in stories
        ],
        "miscounted stories": [
            (sid, row.n_articles, row.n_sources, counted.get(sid))
            for sid, row in stories.items()
            if counted.get(sid) != (row.n_articles, row.n_sources)
        ],
        "unbriefed stories": [sid for sid, row in stories.items() if row.dirty or not row.briefing],
        "stale briefings": [
            sid
            for sid, row in stories.items()
            if row.briefing and set(row.briefing.get("drawn_from", [])) != members.get(sid, set())
        ],
    }
