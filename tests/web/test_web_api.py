"""The JSON API: shapes, 404s, agreement with ``parallax.export``."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from parallax import export
from parallax.store import Store

from .conftest import NOW, SLASH_ID, SYRIA_ARTICLES, SYRIA_BRIEFING, add_story

SCHEMA = Path(export.__file__).parent / "schema" / "story.schema.json"
"""The story contract, as the package ships it (``export.story_schema``)."""


def test_story_list(client: TestClient) -> None:
    r = client.get("/api/stories")
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 50 and body["next_cursor"] is None
    assert body["as_of"].endswith("+00:00")
    stories = {s["id"]: s for s in body["stories"]}
    assert set(stories) == {"s1syria", "s2pending", "s3empty", "s4hostile"}
    first = stories["s1syria"]
    assert first["title"] == "Iran-backed militias enter Syria"
    assert first["n_articles"] == 5
    assert first["n_sources"] == 5
    assert first["independent_sources"] == 4
    assert first["conflict"] is True
    assert first["briefed"] is True
    assert first["summary"].startswith("Iran-backed Iraqi militias crossed")
    assert "Daily Mail" in first["outlets"]
    assert first["url"] == "/api/stories/s1syria"
    assert first["updated"].endswith("+00:00")
    pending = stories["s2pending"]
    assert pending["conflict"] is False and pending["summary"] is None
    assert pending["briefed"] is False


def test_a_briefing_in_a_newer_shape_is_listed_as_not_briefed(
    web_store: Store, client: TestClient
) -> None:
    """The list reads briefings as the story page does (``Briefing.from_json``): one
    a newer Parallax wrote is not half-read into a summary and a conflict flag."""
    articles = [dataclasses.replace(a, id="n-" + a.id) for a in SYRIA_ARTICLES[:2]]
    newer = {**SYRIA_BRIEFING, "version": 99}
    add_story(web_store, "s5newer", "A story from the future", articles, newer, NOW)
    listed = {s["id"]: s for s in client.get("/api/stories").json()["stories"]}
    assert listed["s5newer"]["briefed"] is False
    assert listed["s5newer"]["summary"] is None and listed["s5newer"]["conflict"] is False


def test_story_list_cursor_walks_every_story_once(client: TestClient) -> None:
    everything = [s["id"] for s in client.get("/api/stories").json()["stories"]]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/stories", params=params).json()
        seen += [s["id"] for s in body["stories"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422
    assert client.get("/api/stories", params={"limit": 1000}).status_code == 422
    for raw in ["not-a-cursor", '[1e300, "r", 1.0, "x"]', '[1, "a", "not a date", "x"]', "[1]"]:
        cursor = base64.urlsafe_b64encode(raw.encode()).decode()
        bad = client.get("/api/stories", params={"cursor": cursor})
        assert bad.status_code == 400 and "detail" in bad.json(), raw


def test_story_list_filters(client: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        r = client.get("/api/stories", params=params)
        assert r.status_code == 200, r.text
        return {s["id"] for s in r.json()["stories"]}

    assert ids(outlet="Daily Mail") == {"s1syria"}
    assert ids(outlet="BBC") == {"s2pending"}
    assert ids(outlet="ap.example") == {"s3empty"}  # an outlet known only by its host
    assert ids(outlet="Nobody") == set()
    assert ids(topic="world") == {"s1syria"}
    assert ids(topic="no-such-topic") == set()
    # Dates: s1syria's reports are from December 2024.
    assert "s1syria" in ids(**{"from": "2024-12-01", "to": "2024-12-31"})
    assert "s1syria" not in ids(**{"from": "2025-01-01"})
    assert ids(**{"to": "2024-11-30"}) == set()
    assert client.get("/api/stories", params={"from": "yesterday"}).status_code == 400


def test_conditional_get_and_cache_headers(client: TestClient) -> None:
    r = client.get("/api/stories/s1syria")
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert r.headers["cache-control"] == "public, max-age=30, stale-while-revalidate=30"
    again = client.get("/api/stories/s1syria", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get("/api/stories/s1syria", headers={"if-none-match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    other = client.get("/api/stories/s1syria", headers={"if-none-match": '"stale"'})
    assert other.status_code == 200 and other.json()["id"] == "s1syria"
    # A different document has a different tag.
    assert client.get("/api/stories/s2pending").headers["etag"] != etag
    # Credentials make the response personal: no shared cache may keep it.
    client.cookies.set("anything", "1")
    assert client.get("/api/stories").headers["cache-control"] == "private, no-cache"
    client.cookies.clear()
    # Pages are revalidated every time; errors are not tagged.
    # (a page holding a form token is not kept at all: auth.py makes it no-store).
    page = client.get("/stories/s1syria")
    assert page.headers["cache-control"] in ("private, no-cache", "private, no-store")
    revalidated = client.get("/stories/s1syria", headers={"if-none-match": page.headers["etag"]})
    assert revalidated.status_code == 304
    assert "etag" not in client.get("/api/stories/nope").headers


def test_story_document_is_the_export(client: TestClient, web_store: Store) -> None:
    r = client.get("/api/stories/s1syria")
    assert r.status_code == 200
    assert r.json() == json.loads(json.dumps(export.story_document(web_store, "s1syria")))
    body: dict[str, Any] = r.json()
    assert body["distinctive_terms"][0]["source"] == "Daily Mail"  # extras pass through
    copy = next(a for a in body["articles"] if a["id"] == "es-1")
    assert copy["duplicate_of"] == "pa-1"


@pytest.mark.parametrize("story_id", ["s1syria", "s2pending", "s3empty", "s4hostile"])
def test_story_document_follows_schema(client: TestClient, story_id: str) -> None:
    import jsonschema  # a dev dependency: the contract is always checked

    schema = export.story_schema()
    document = client.get(f"/api/stories/{story_id}").json()
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


def test_article_document(client: TestClient, web_store: Store) -> None:
    r = client.get("/api/articles/reuters%2F2024%2F12%2Fmilitias")
    assert r.status_code == 200
    article = web_store.article(SLASH_ID)
    assert article is not None
    assert r.json() == export.article_json(article)


def test_not_found_is_json(client: TestClient) -> None:
    for path in ["/api/stories/nope", "/api/articles/nope", "/api/nothing"]:
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json"
        assert isinstance(r.json()["detail"], str)


def test_search(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Araghchi"}).json()
    assert body["query"] == "Araghchi"
    ids = {hit["id"] for hit in body["results"]}
    assert ids == {"guardian-1", SLASH_ID}  # Reuters spells it Araqchi: merged as an alias
    hit = next(h for h in body["results"] if h["id"] == "guardian-1")
    assert hit["story_id"] == "s1syria"
    assert "Araghchi" in hit["snippet"]
    assert [s["id"] for s in body["stories"]] == ["s1syria"]
    assert client.get("/api/search").json() == {
        "query": "",
        "results": [],
        "stories": [],
        "next_cursor": None,
    }


def test_search_filters_and_cursor(client: TestClient) -> None:
    def ids(**params: str) -> list[str]:
        r = client.get("/api/search", params={"q": "fighters"} | params)
        assert r.status_code == 200, r.text
        return [hit["id"] for hit in r.json()["results"]]

    everyone = ids()
    assert {"pa-1", "mail-1", "guardian-1"} <= set(everyone)
    assert ids(outlet="Daily Mail") == ["mail-1"]
    # guardian-1 was published at 11:00 on 11 Dec 2024, mail-1 at 12:00.
    assert "mail-1" in ids(**{"from": "2024-12-11", "to": "2024-12-11"})
    assert ids(**{"from": "2024-12-12"}) == []
    walked: list[str] = []
    cursor = None
    for _ in range(10):
        params = {"q": "fighters", "limit": "2"} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/search", params=params).json()
        walked += [hit["id"] for hit in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == everyone
    assert client.get("/api/search", params={"q": "x", "cursor": "!!"}).status_code == 400


def test_topics_outlets_and_entities(client: TestClient) -> None:
    topics = client.get("/api/topics").json()
    world = next(tp for tp in topics if tp["slug"] == "world")
    assert world["articles"] == 2 and sorted(world["sections"]) == ["World", "world"]
    outlets = {o["name"]: o for o in client.get("/api/outlets").json()}
    assert outlets["Reuters"]["articles"] == 1
    entity = client.get("/api/entities/Araqchi").json()  # an alias finds it
    assert entity["name"] == "Abbas Araghchi"
    assert "Araqchi" in entity["aliases"]
    assert [s["id"] for s in entity["stories"]] == ["s1syria"]
    assert client.get("/api/entities/Nobody%20Anywhere").status_code == 404


def test_feeds(client: TestClient) -> None:
    body = client.get("/api/feeds").json()
    by_url = {f["url"]: f for f in body["feeds"]}
    assert by_url["https://pa.example/rss"]["items_seen"] == 42
    broken = by_url["https://broken.example/feed.xml"]
    assert broken["error_count"] == 3
    assert broken["last_error"] == "HTTP 404 since 3 days"
    assert broken["last_success"] is None
    assert body["errors"][0]["message"] == "HTTP 404 Not Found"


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/search",
        "/api/feeds",
        "/api/topics",
        "/api/outlets",
        "/api/entities/{name}",
    ]:
        assert path in paths, path
        assert paths[path]["get"]["summary"]
    assert paths["/api/feeds"]["post"]["summary"] and paths["/api/feeds"]["delete"]["summary"]
    cursor = {p["name"] for p in paths["/api/stories"]["get"]["parameters"]}
    assert {"cursor", "limit", "topic", "outlet", "from", "to"} <= cursor
    assert "/" not in paths and "/stories/{story_id}" not in paths  # HTML pages stay out
    components = schema["components"]["schemas"]
    assert {"StoryList", "StoryDocument", "ArticleDocument", "Feeds"} <= set(components)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/api/stories/{story_id}" in docs.text and "/openapi.json" in docs.text
