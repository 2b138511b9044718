"""Hostile addresses, bodies and text against the real app and a real SQLite store
(issue 19, F8): a clear 400 or 413, never a 500; no control character in a page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app

from .conftest import NOW, _article, add_story

CRASHED = [
    "/search?q=%00",
    "/api/search?q=a%00b",
    "/entities/%00x",
    "/api/entities/%00",
    "/feeds/entity/%00x.atom",
    "/?to=9999-12-31",
    "/api/stories?to=9999-12-31",
    "/search?q=a&to=9999-12-31",
    "/?from=0001-01-01",
    "/stories/s1syria%01",
    "/search?q=a%E2%80%AEb",  # a right-to-left override
]


@pytest.mark.parametrize("path", CRASHED)
def test_a_control_character_or_a_far_date_is_a_clear_400(web_store: Store, path: str) -> None:
    with TestClient(create_app(web_store), raise_server_exceptions=False) as client:
        response = client.get(path)
        assert response.status_code == 400
        assert "control character" in response.text or "between 1900 and 2100" in response.text
        # The connection is still good for the next request.
        assert client.get("/api/stories").status_code == 200


def test_ordinary_filters_and_queries_still_work(client: TestClient) -> None:
    assert client.get("/?to=2100-12-31&from=1900-01-01").status_code == 200
    assert client.get("/search?q=fighters%20crossed").status_code == 200


def test_control_characters_in_article_text_never_reach_a_page(web_store: Store) -> None:
    add_story(
        web_store,
        "s9controls",
        "Controls \x00 story",
        [
            _article(
                "ctl-1",
                "Null\x00 Outlet",
                "Head\x00line with \u202eevil\u202c and \x1b[31m",
                "Body with a NUL\x00 here and an override \u202egnp.exe\u202c there.\x7f",
            )
        ],
        None,
        NOW - timedelta(hours=1),
    )
    with TestClient(create_app(web_store)) as client:
        for path in ("/articles/ctl-1", "/stories/s9controls", "/", "/outlets"):
            page = client.get(path)
            assert page.status_code == 200, path
            for character in ("\x00", "\u202e", "\u202c", "\x1b", "\x7f"):
                assert character not in page.text, (path, repr(character))
        assert "Headline with evil and [31m" in client.get("/articles/ctl-1").text


def test_request_bodies_over_the_limit_get_413(client: TestClient) -> None:
    big = b"x" * (1024 * 1024 + 1)
    response = client.post("/api/feeds", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "1 MB limit" in response.json()["detail"]

    def chunks():  # type: ignore[no-untyped-def]
        # Streamed with no declared length: refused as it passes the limit.
        for _ in range(40):
            yield b"y" * 65536

    streamed = client.post(
        "/api/feeds", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert client.get("/api/stories").status_code == 200


def test_an_opml_upload_may_be_larger_but_not_without_end(client: TestClient) -> None:
    two_mb = b"<opml>" + b" " * (2 * 1024 * 1024) + b"</opml>"
    response = client.post(
        "/feeds/opml", content=two_mb, headers={"content-type": "multipart/form-data; b=x"}
    )
    assert response.status_code != 413  # within the OPML allowance (it fails on CSRF)
    huge = b" " * (11 * 1024 * 1024)
    response = client.post("/feeds/opml", content=huge)
    assert response.status_code == 413
