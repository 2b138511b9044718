"""The demo newswire: server behaviour and the content's promises (see newswire/manifest.json)."""

from __future__ import annotations

import html
import http.client
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest

import parallax
from parallax.demo.server import Newswire, load_manifest

MAIN_STORY = "karavia-dam"


@pytest.fixture(scope="module")
def wire() -> Iterator[Newswire]:
    with Newswire.start(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def client(wire: Newswire) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wire.base_url, timeout=5) as c:
        yield c


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest()


@pytest.fixture(scope="module")
def feeds(wire: Newswire, client: httpx.Client) -> dict[str, Any]:
    parsed = {}
    for url in wire.feed_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        parsed[url] = feedparser.parse(response.content)
    return parsed


def _article_key(link: str, base: str) -> str:
    assert link.startswith(base + "/"), link
    return link[len(base) + 1 :].removesuffix(".html")


def _page_text(client: httpx.Client, key: str) -> str:
    response = client.get(f"/{key}.html")
    assert response.status_code == 200, key
    return html.unescape(response.text)


# ------------------------------------------------------------------ server


def test_base_url_and_feed_urls(wire: Newswire, manifest: dict[str, Any]) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", wire.base_url)
    assert not wire.base_url.endswith(":0")
    assert len(wire.feed_urls) == len(manifest["outlets"]) >= 4
    assert all(u.startswith(wire.base_url + "/") for u in wire.feed_urls)


def test_feed_content_types(wire: Newswire, client: httpx.Client) -> None:
    kinds = set()
    for url in wire.feed_urls:
        response = client.get(url)
        kind = response.headers["content-type"]
        expected = "application/atom+xml" if url.endswith("atom.xml") else "application/rss+xml"
        assert kind.startswith(expected), (url, kind)
        kinds.add(expected)
    assert kinds == {"application/atom+xml", "application/rss+xml"}


def test_feeds_parse_and_reference_the_base_url(wire: Newswire, feeds: dict[str, Any]) -> None:
    for url, feed in feeds.items():
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        assert feed.feed.title
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.title and entry.link and entry.id
            assert entry.get("published_parsed"), (url, entry.link)
            assert entry.get("summary"), (url, entry.link)
            assert entry.link.startswith(wire.base_url + "/")
            assert "{base}" not in entry.link
    versions = {feed.version for feed in feeds.values()}
    assert "rss20" in versions and "atom10" in versions


def test_every_item_link_resolves_to_html(
    wire: Newswire, client: httpx.Client, feeds: dict[str, Any]
) -> None:
    for feed in feeds.values():
        for entry in feed.entries:
            response = client.get(entry.link)
            assert response.status_code == 200, entry.link
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            assert "<article" in response.text
            assert "{base}" not in response.text
            assert f'<link rel="canonical" href="{entry.link}">' in response.text


def test_index_lists_outlets_and_feeds(wire: Newswire, client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    for url in wire.feed_urls:
        assert url in response.text
    for outlet in load_manifest()["outlets"]:
        assert html.escape(outlet["name"]) in response.text
        assert client.get(f"/{outlet['slug']}/").status_code == 200


def test_sitemap_lists_every_article(client: httpx.Client, manifest: dict[str, Any]) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    for article in manifest["articles"]:
        assert article["path"] in response.text


@pytest.mark.parametrize(
    "path", ["/nope", "/meridian-wire/nope.html", "/manifest.json", "/meridian-wire", "/img/x.jpg"]
)
def test_unknown_paths_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    "raw_path",
    [
        "/../server.py",
        "/../../pyproject.toml",
        "/meridian-wire/../../__init__.py",
        "/%2e%2e/server.py",
        "/meridian-wire/%2e%2e/%2e%2e/server.py",
        "/..%2fserver.py",
        "//etc/passwd",
        "/meridian-wire/..\\..\\server.py",
    ],
)
def test_directory_traversal_is_refused(wire: Newswire, raw_path: str) -> None:
    # http.client sends the path verbatim (httpx would normalise the dots away).
    host, port = wire.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", raw_path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 404
    assert b"Newswire" not in body and b"import" not in body


def test_head_and_etag(client: httpx.Client, wire: Newswire) -> None:
    url = wire.feed_urls[0]
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    etag = head.headers["etag"]
    assert int(head.headers["content-length"]) == len(client.get(url).content)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_requests_are_not_logged(capfd: pytest.CaptureFixture[str]) -> None:
    with Newswire.start() as quiet:
        httpx.get(quiet.base_url + "/")
        httpx.get(quiet.base_url + "/missing")
    out, err = capfd.readouterr()
    assert "GET" not in err and "GET" not in out


def test_close_releases_the_port() -> None:
    wire = Newswire.start()
    url = wire.base_url
    wire.close()
    wire.close()  # idempotent
    with pytest.raises(httpx.TransportError):
        httpx.get(url + "/", timeout=1)


# ------------------------------------------------------------------ content


def test_manifest_matches_the_feeds(
    wire: Newswire, feeds: dict[str, Any], manifest: dict[str, Any]
) -> None:
    in_feeds = {
        _article_key(e.link, wire.base_url) for feed in feeds.values() for e in feed.entries
    }
    in_manifest = {a["path"].strip("/").removesuffix(".html") for a in manifest["articles"]}
    assert in_feeds == in_manifest
    by_key = {a["path"].strip("/").removesuffix(".html"): a for a in manifest["articles"]}
    for feed in feeds.values():
        for entry in feed.entries:
            article = by_key[_article_key(entry.link, wire.base_url)]
            published = datetime.fromisoformat(article["published"])
            assert published.year == 2026 and published.month == 10
            assert 13 <= published.day <= 15
            assert entry.title == article["headline"]


def test_main_event_is_told_by_five_outlets(manifest: dict[str, Any]) -> None:
    main = [a for a in manifest["articles"] if a["story"] == MAIN_STORY]
    originals = [a for a in main if not a["is_syndicated_copy_of"]]
    assert len({a["outlet"] for a in originals}) >= 5
    assert all(400 <= a["words"] <= 800 for a in originals)
    copies = [a for a in main if a["is_syndicated_copy_of"]]
    assert len(copies) == 1


def test_at_least_two_multi_outlet_stories(manifest: dict[str, Any]) -> None:
    outlets_by_story: dict[str, set[str]] = {}
    for a in manifest["articles"]:
        outlets_by_story.setdefault(a["story"], set()).add(a["outlet"])
    multi = [s for s, outlets in outlets_by_story.items() if len(outlets) >= 2]
    assert len(multi) >= 2
    assert len(outlets_by_story) >= 5
    assert set(outlets_by_story) == set(manifest["stories"])


def test_syndicated_copy(client: httpx.Client, manifest: dict[str, Any]) -> None:
    copy = next(a for a in manifest["articles"] if a["is_syndicated_copy_of"])
    original_key = copy["is_syndicated_copy_of"]
    original = next(a for a in manifest["articles"] if a["path"] == f"/{original_key}.html")
    assert copy["outlet"] != original["outlet"]
    assert copy["headline"] != original["headline"]
    assert datetime.fromisoformat(copy["published"]) > datetime.fromisoformat(original["published"])
    copy_text = _page_text(client, copy["path"].strip("/").removesuffix(".html"))
    original_text = _page_text(client, original_key)
    assert "(Meridian Wire)" in copy_text
    assert "This is a developing story." in copy_text
    assert "This is a developing story." not in original_text
    trimmed = "hiding its own negligence behind us"
    assert trimmed in original_text and trimmed not in copy_text
    shared = "Footage shared on social media showed brown water carrying cars and roofs"
    assert shared in copy_text and shared in original_text


def _planted_items(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("article"), str) and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from _planted_items(value)
    elif isinstance(node, list):
        for value in node:
            yield from _planted_items(value)


def test_every_planted_text_is_on_its_page(client: httpx.Client, manifest: dict[str, Any]) -> None:
    items = list(_planted_items(manifest["planted"]))
    assert len(items) > 60
    pages: dict[str, str] = {}
    for item in items:
        key = item["article"]
        if key not in pages:
            pages[key] = _page_text(client, key)
        assert item["text"] in pages[key], (key, item["text"])
    for variant in manifest["planted"]["spelling_variants"]:
        assert len(variant["forms"]) >= 2
        for form, articles in variant["forms"].items():
            for key in articles:
                page = pages.get(key) or _page_text(client, key)
                assert form in page, (form, key)


def test_conflicting_death_tolls_cite_different_sources(manifest: dict[str, Any]) -> None:
    figures = manifest["planted"]["death_toll_figures"]
    assert len({f["article"] for f in figures}) >= 5
    assert len({f["source"] for f in figures}) >= 5
    assert {"at least", "some", "dozens", "more than"} <= {f["qualifier"] for f in figures}
    assert any("UPDATE" in f.get("note", "") for f in figures)
    kinds = {f["kind"].split()[0] for f in manifest["planted"]["near_miss_figures"]}
    assert {"injured", "evacuated", "missing"} <= kinds


def test_quotes_cover_every_layout(manifest: dict[str, Any]) -> None:
    layouts = " | ".join(q["layout"] for q in manifest["planted"]["quotes"])
    for needed in [
        "speaker before",
        "speaker after",
        "he added",
        "two paragraphs",
        "organisation",
        "TRIMMED",
        "ALTERED",
    ]:
        assert needed in layouts, needed


def test_pages_carry_clutter_and_metadata(client: httpx.Client, manifest: dict[str, Any]) -> None:
    with_published_meta = 0
    for article in manifest["articles"]:
        response = client.get(article["path"])
        text = response.text
        for marker in [
            "<header",
            "<nav",
            "<article",
            "<aside",
            "<footer",
            "cookie-banner",
            'property="og:site_name"',
            'rel="canonical"',
            "<figcaption",
            "mail",
        ]:
            assert marker in text, (article["path"], marker)
        assert article["author"] in html.unescape(text)
        with_published_meta += 'property="article:published_time"' in text
    assert 0 < with_published_meta < len(manifest["articles"])


def test_the_engine_never_reads_the_manifest() -> None:
    package = Path(parallax.__file__).parent
    demo = package / "demo"
    for source in package.rglob("*.py"):
        if demo in source.parents:
            continue
        text = source.read_text(encoding="utf-8")
        assert "load_manifest" not in text, source
        assert not ("newswire" in text and "manifest" in text), source
