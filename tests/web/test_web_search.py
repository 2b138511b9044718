"""Search on the reader and the API, against a real SQLite store (see conftest)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parallax.model import Article
from parallax.store import Store

from .conftest import NOW, add_story


def _wired(store: Store) -> None:
    add_story(
        store,
        "s5wire",
        "Karavia dam bursts",
        [
            Article(
                id="wire-1",
                source="Evening Post",
                title="Dam bursts above Qaratash",
                text="The dam above Qaratash burst overnight, PA Media reported.",
                wire="PA Media",
            ),
            Article(
                id="clarion-9",
                source="Daily Clarion",
                title="Karatash mourns",
                text="Karatash buried its dead on Thursday.",
            ),
        ],
        {"entities": [{"name": "Qaratash", "type": "GPE", "aliases": ["Karatash"]}]},
        NOW,
    )


def test_an_article_with_a_wire_credit_is_found(web_store: Store, client: TestClient) -> None:
    _wired(web_store)
    page = client.get("/search", params={"q": "overnight dam"})
    assert page.status_code == 200 and 'href="/articles/wire-1"' in page.text
    api = client.get("/api/search", params={"q": "overnight dam"})
    assert api.status_code == 200
    assert [hit["id"] for hit in api.json()["results"]] == ["wire-1"]


def test_a_spelling_finds_its_merged_variants_and_highlights_them(
    web_store: Store, client: TestClient
) -> None:
    _wired(web_store)
    page = client.get("/search", params={"q": "Karatash"}).text
    assert 'href="/articles/wire-1"' in page and "<mark>Qaratash</mark>" in page
    hits = client.get("/api/search", params={"q": "Karatash"}).json()["results"]
    assert {hit["id"] for hit in hits} == {"wire-1", "clarion-9"}


def test_or_and_phrases(client: TestClient) -> None:
    def ids(q: str) -> set[str]:
        return {hit["id"] for hit in client.get("/api/search", params={"q": q}).json()["results"]}

    assert ids("Ports OR Araghchi") >= {"bbc-1", "guardian-1"}
    assert ids('"war monitor"') == {"pa-1", "es-1"}
    assert ids('"monitor war"') == set()


def test_no_input_gives_a_server_error(client: TestClient) -> None:
    for q in ['"', "*", "-", "NEAR", "NEAR(a b)", "(fighters", 'a"b"c*', "OR", "x\x00y", "\x00"]:
        for path in ("/search", "/api/search"):
            assert client.get(path, params={"q": q}).status_code in (200, 400), (path, q)
