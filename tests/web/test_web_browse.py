"""Entity, outlet and topic pages, search filters, and the feeds admin."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text

from parallax.store import Store

from .test_web_pages import assert_headings_in_order


def test_entity_page_shows_stories_aliases_and_timeline(client: TestClient) -> None:
    r = client.get("/entities/Abbas%20Araghchi")
    assert r.status_code == 200
    html = r.text
    assert "<h1>Abbas Araghchi</h1>" in html
    assert "Person" in html
    assert "<q>Araqchi</q>" in html and "<q>Araghchi</q>" in html
    assert 'href="/stories/s1syria"' in html
    assert_headings_in_order(html)
    # An alias leads to the same entity; the story page links its entities here.
    assert "<h1>Abbas Araghchi</h1>" in client.get("/entities/araqchi").text
    story = client.get("/stories/s1syria").text
    assert 'href="/entities/Abbas%20Araghchi"' in story
    assert client.get("/entities/Nobody%20at%20all").status_code == 404


def test_entity_timeline_holds_the_events_that_name_it(client: TestClient) -> None:
    html = client.get("/entities/Bukamal").text
    timeline = html[html.index('id="h-entity-timeline"') : html.index('id="h-entity-stories"')]
    assert "Militias cross the border at Bukamal." in timeline
    assert "Fighters gather on the Iraqi side." not in timeline  # does not name Bukamal
    # A stated range stays a range, as on the story page.
    assert '<time datetime="2024-12-02">2–8 Dec 2024</time>' in timeline


def test_outlet_page_shows_feeds_health_and_stories(client: TestClient, web_store: Store) -> None:
    feed = next(f for f in web_store.feeds() if f.url == "https://broken.example/feed.xml")
    with web_store.writer() as w:
        w.conn.execute(text("UPDATE articles SET feed_id = :f WHERE id = 'mail-1'"), {"f": feed.id})
    r = client.get("/outlets/Daily%20Mail")
    assert r.status_code == 200
    html = r.text
    assert "Daily Mail" in html and "1 article" in html
    assert "https://broken.example/feed.xml" in html
    assert "Failing: 3 errors in a row" in html
    assert "HTTP 404 Not Found" in html  # the feed's recent error
    assert 'href="/stories/s1syria"' in html
    assert 'href="/?outlet=Daily+Mail"' in html  # its stories on the ranked front page
    assert_headings_in_order(html)
    # An outlet known only by its host.
    assert "Quiet story" in client.get("/outlets/ap.example").text
    assert client.get("/outlets/Nobody").status_code == 404


def test_outlet_and_topic_directories(client: TestClient) -> None:
    outlets = client.get("/outlets").text
    assert 'href="/outlets/The%20Guardian"' in outlets and "1 article" in outlets
    topics = client.get("/topics").text
    assert 'href="/topics/world"' in topics and "2 articles" in topics
    assert 'href="/topics/uk-news"' in topics


def test_topic_page_lists_its_stories(client: TestClient) -> None:
    html = client.get("/topics/world").text
    assert "<h1>World</h1>" in html
    assert "filed as" in html and "World" in html and "world" in html
    assert "Iran-backed militias enter Syria" in html
    assert "Storm closes ports" not in html
    assert client.get("/topics/nothing-here").status_code == 404


def test_search_page_filters_and_story_results(client: TestClient) -> None:
    html = client.get("/search", params={"q": "fighters"}).text
    stories = html[html.index('id="h-found-stories"') : html.index('id="h-found-articles"')]
    assert 'href="/stories/s1syria"' in stories
    articles = html[html.index('id="h-found-articles"') :]
    assert "Daily Mail" in articles and "Press Association" in articles
    only_mail = client.get("/search", params={"q": "fighters", "outlet": "Daily Mail"}).text
    results = only_mail[only_mail.index('id="h-found-articles"') :]
    assert "Militias pour into Syria" in results
    assert "Hundreds of Iraqi militiamen" not in results
    assert "<option selected>Daily Mail</option>" in only_mail
    later = client.get("/search", params={"q": "fighters", "from": "2025-01-01", "to": ""}).text
    assert "No article matches" in later and "with these filters" in later
    assert client.get("/search", params={"q": "x", "to": "31/12/2024"}).status_code == 400


def csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/feeds").text)
    assert found is not None
    return found.group(1)


def test_feeds_admin_adds_and_removes_feeds(client: TestClient, web_store: Store) -> None:
    token = csrf(client)
    r = client.post(
        "/feeds",
        data={"url": "https://new.example/rss", "title": "New outlet", "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/feeds?notice=added"
    page = client.get(r.headers["location"]).text
    assert "Feed added" in page and "https://new.example/rss" in page and "not fetched yet" in page
    assert "https://new.example/rss" in {f.url for f in web_store.feeds()}
    again = client.post("/feeds", data={"url": "https://new.example/rss", "csrf": token})
    assert "already on the list" in again.text
    bad = client.post("/feeds", data={"url": "javascript:alert(1)", "csrf": token})
    assert "must be a full http" in bad.text
    assert "javascript:alert(1)" not in {f.url for f in web_store.feeds()}
    gone = client.post("/feeds/remove", data={"url": "https://new.example/rss", "csrf": token})
    assert "Feed removed" in gone.text
    assert "https://new.example/rss" not in {f.url for f in web_store.feeds()}


def test_feeds_admin_refuses_a_post_without_its_csrf_token(
    client: TestClient, web_store: Store
) -> None:
    csrf(client)  # the browser has a CSRF cookie, but the form carries no token
    r = client.post("/feeds", data={"url": "https://forged.example/rss"})
    assert r.status_code == 403
    r = client.post("/feeds", data={"url": "https://forged.example/rss", "csrf": "guess"})
    assert r.status_code == 403
    assert "https://forged.example/rss" not in {f.url for f in web_store.feeds()}


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="News">
    <outline text="Alpha" xmlUrl="https://alpha.example/feed.xml"/>
    <outline text="PA" xmlUrl="https://pa.example/rss"/>
    <outline text="Evil" xmlUrl="javascript:alert(1)"/>
  </outline>
</body></opml>"""


def test_opml_import_and_export(client: TestClient, web_store: Store) -> None:
    token = csrf(client)
    r = client.post(
        "/feeds/opml", data={"csrf": token}, files={"opml": ("feeds.opml", OPML, "text/xml")}
    )
    assert "1 new feed, 1 already on the list, 1 skipped" in r.text
    assert "https://alpha.example/feed.xml" in {f.url for f in web_store.feeds()}
    broken = client.post(
        "/feeds/opml", data={"csrf": token}, files={"opml": ("x.opml", b"<html>", "text/xml")}
    )
    assert "not an OPML subscription list" in broken.text
    exported = client.get("/feeds.opml")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/x-opml")
    for url in ["https://alpha.example/feed.xml", "https://pa.example/rss"]:
        assert f'xmlUrl="{url}"' in exported.text


def test_feeds_api_adds_and_removes(client: TestClient, web_store: Store) -> None:
    r = client.post("/api/feeds", json={"url": "https://api.example/feed", "title": "API"})
    assert r.status_code == 201 and r.json()["created"] is True
    assert client.post("/api/feeds", json={"url": "https://api.example/feed"}).json() == {
        "id": r.json()["id"],
        "url": "https://api.example/feed",
        "created": False,
        "outcome": "exists",
    }
    assert client.post("/api/feeds", json={"url": "ftp://x"}).status_code == 422
    # A plain-text post (what a hostile page can send without a preflight) is refused.
    form = client.post(
        "/api/feeds",
        content=b'{"url": "https://x.example/"}',
        headers={"content-type": "text/plain"},
    )
    assert form.status_code == 422
    assert "https://x.example/" not in {f.url for f in web_store.feeds()}
    assert (
        client.delete("/api/feeds", params={"url": "https://api.example/feed"}).status_code == 204
    )
    assert (
        client.delete("/api/feeds", params={"url": "https://api.example/feed"}).status_code == 404
    )


def test_outlet_api_and_ranking_docs(client: TestClient, web_store: Store) -> None:
    feed = next(f for f in web_store.feeds() if f.url == "https://pa.example/rss")
    with web_store.writer() as w:
        w.conn.execute(text("UPDATE articles SET feed_id = :f WHERE id = 'pa-1'"), {"f": feed.id})
    body = client.get("/api/outlets/Press%20Association").json()
    assert body["articles"] == 1
    assert [f["url"] for f in body["feeds"]] == ["https://pa.example/rss"]
    assert body["feeds"][0]["items_seen"] == 42
    assert [s["id"] for s in body["stories"]] == ["s1syria"]
    assert client.get("/api/outlets/Nobody").status_code == 404
    docs = client.get("/docs").text
    assert 'id="ranking"' in docs and "independent outlets" in docs
    assert 'href="/docs#ranking"' in client.get("/").text
