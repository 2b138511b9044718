"""The feed commands against a real server on 127.0.0.1: in-process through the
command's entry point, and once as a user runs them, in a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.ingest.opml import read_opml
from tests.conftest import LocalServer, Ran, run_cli


def parallax(db: Path, *args: str, env: dict[str, str] | None = None) -> Ran:
    return run_cli("--db", str(db), *args, env=env)


def parallax_process(
    db: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parallax", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("command", ["import-opml", "export-opml", "add-feed", "feeds", "fetch"])
def test_feed_commands_have_help(tmp_path: Path, command: str) -> None:
    result = parallax(tmp_path / "p.db", command, "--help")
    assert result.returncode == 0 and "Usage: parallax" in result.stdout


@pytest.mark.slow
def test_feeds_shows_failures_and_retired_feeds(tmp_path: Path, http_server: LocalServer) -> None:
    db = tmp_path / "p.db"
    http_server.serve("/broken.xml", "oops", status=500)
    http_server.serve("/gone.xml", "gone", status=410)
    http_server.serve(
        "/quiet.xml", '<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    )
    for path in ("/broken.xml", "/gone.xml", "/quiet.xml"):
        assert parallax(db, "add-feed", http_server.url + path).returncode == 0
    listed = parallax(db, "feeds").stdout
    assert listed.count("not polled yet") == 3 and "next poll now" in listed

    fetched = parallax(db, "fetch", "--allow", "127.0.0.1")
    assert fetched.returncode == 0, fetched.stderr
    assert f"failed: {http_server.url}/broken.xml: HTTP 500" in fetched.stderr
    assert "polled 3 feeds, 2 failed" in fetched.stdout

    listed = parallax(db, "feeds").stdout
    broken, gone, quiet = _blocks(listed)
    assert "failing, 1 error in a row; last success never; 0 items seen" in broken
    assert "last error: HTTP 500 Internal Server Error" in broken and "next poll 20" in broken
    assert "retired" in gone and "not polled" in gone and "next poll" not in gone
    assert "the feed is gone, so it is no longer polled" in gone
    assert "Quiet" in quiet and "ok; last success 20" in quiet and "every 22 min" in quiet

    again = parallax(db, "fetch", "--allow", "127.0.0.1")
    assert "polled 2 feeds" in again.stdout  # the retired feed is left alone
    revived = parallax(db, "add-feed", http_server.url + "/gone.xml")
    assert "re-activated retired feed 2" in revived.stdout
    assert "not polled yet" in _blocks(parallax(db, "feeds").stdout)[1]


def _blocks(listing: str) -> list[str]:
    """One block of lines per feed, as ``parallax feeds`` prints them."""
    blocks: list[str] = []
    for line in listing.splitlines():
        if not line.startswith("     "):
            blocks.append(line)
        else:
            blocks[-1] += "\n" + line
    return blocks


def test_opml_import_and_export(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="News">'
        '<outline type="rss" text="Harbour Post" xmlUrl="https://n.test/rss"/>'
        '<outline type="rss" text="Old" xmlUrl="ftp://old.test/feed"/></outline>'
        '<outline type="rss" text="Wire" xmlUrl="https://w.test/atom.xml"/></body></opml>'
    )
    first = parallax(db, "import-opml", str(opml))
    assert first.returncode == 0
    assert "added 2 feeds, 0 already subscribed, from 3" in first.stdout
    assert "failed: ftp://old.test/feed: not an http(s) URL" in first.stderr
    assert "added 0 feeds, 2 already subscribed" in parallax(db, "import-opml", str(opml)).stdout

    exported = parallax(db, "export-opml").stdout
    assert 'xmlUrl="https://n.test/rss"' in exported and 'text="Harbour Post"' in exported
    out = tmp_path / "out.opml"
    written = parallax(db, "export-opml", "-o", str(out))
    assert "wrote 2 feeds" in written.stderr
    assert read_opml(out.read_bytes()) == read_opml(exported.encode())


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<opml><body", "not valid XML"), (b"<rss/>", "not OPML")],
)
def test_bad_opml_is_one_error_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    result = parallax(tmp_path / "p.db", "import-opml", str(path))
    assert result.returncode == 1 and result.stderr.startswith("error: ")
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_bad_fetch_setting_is_one_error_line(tmp_path: Path) -> None:
    # The feed commands' contract as a user runs them: separate processes.
    db = tmp_path / "p.db"
    assert parallax_process(db, "add-feed", "https://n.test/rss").returncode == 0
    result = parallax_process(db, "fetch", env={"PARALLAX_FETCH_MAX_BYTES": "lots"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: $PARALLAX_FETCH_MAX_BYTES is 'lots'; expected a whole number, 0 or more"
    )


def test_importing_a_url_is_refused_for_private_addresses(tmp_path: Path) -> None:
    result = parallax(tmp_path / "p.db", "import", "http://10.0.0.8/story")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "failed: http://10.0.0.8/story: cannot fetch the page: "
        "refused: the non-public address 10.0.0.8; add it to the fetch allow-list"
    )


@pytest.mark.slow
def test_importing_an_article_by_url(tmp_path: Path, http_server: LocalServer) -> None:
    page = (
        "<html><head><title>Bridge reopens</title></head><body><nav>Home</nav><article>"
        "<h1>Bridge reopens after repairs</h1><p>The old river bridge reopened to traffic on "
        "Monday after eight months of repairs, the city engineer said.</p><p>Cyclists will "
        "have a lane of their own, and buses return to the route next week.</p></article>"
        "</body></html>"
    )
    http_server.serve("/bridge", page)
    db = tmp_path / "p.db"
    url = http_server.url + "/bridge"
    result = parallax(db, "import", url, "--allow", "127.0.0.1")
    assert result.returncode == 0, result.stderr
    assert "imported 1" in result.stdout
    paths = [p for p, _ in http_server.hits]
    assert paths == ["/robots.txt", "/bridge"]
    assert "imported 0, duplicates 1" in parallax(db, "import", url, "--allow", "127.0.0.1").stdout
