"""The JSON API: shapes, 404s, agreement with ``parallax.export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from parallax import export
from parallax.store import Store

from .conftest import SLASH_ID

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "docs" / "story.schema.json"


def test_story_list(client: TestClient) -> None:
    r = client.get("/api/stories")
    assert r.status_code == 200
    body = r.json()
    assert body["limit"] == 50 and body["offset"] == 0 and body["next_offset"] is None
    stories = body["stories"]
    assert [s["id"] for s in stories] == ["s1syria", "s2pending", "s3empty", "s4hostile"]
    first = stories[0]
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
    pending = stories[1]
    assert pending["conflict"] is False and pending["summary"] is None
    assert pending["briefed"] is False


def test_story_list_paging(client: TestClient) -> None:
    body = client.get("/api/stories", params={"limit": 2, "offset": 1}).json()
    assert [s["id"] for s in body["stories"]] == ["s2pending", "s3empty"]
    assert body["next_offset"] == 3
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422
    assert client.get("/api/stories", params={"limit": 1000}).status_code == 422
    bad = client.get("/api/stories", params={"offset": "x"})
    assert bad.status_code == 422 and "detail" in bad.json()


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
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is missing: put the shared docs folder beside the repository")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
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
    assert ids == {"guardian-1"}
    hit = body["results"][0]
    assert hit["story_id"] == "s1syria"
    assert "Araghchi" in hit["snippet"]
    assert client.get("/api/search").json() == {"query": "", "results": []}


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
    ]:
        assert path in paths, path
        assert paths[path]["get"]["summary"]
    assert "/" not in paths and "/stories/{story_id}" not in paths  # HTML pages stay out
    components = schema["components"]["schemas"]
    assert {"StoryList", "StoryDocument", "ArticleDocument", "Feeds"} <= set(components)
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/api/stories/{story_id}" in docs.text and "/openapi.json" in docs.text
