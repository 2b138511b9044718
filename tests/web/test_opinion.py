"""The story page tags opinion pages among a story's reports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from parallax.model import Story
from parallax.web.app import create_app
from tests.web.conftest import NOW, _article, build_store


def test_an_opinion_page_is_tagged_among_a_storys_reports(tmp_path: Path) -> None:
    store = build_store(tmp_path / "o.db")
    when = NOW - timedelta(days=1)
    column = _article(
        "col-1",
        "Valley Courier",
        "Keep the committee",
        "The committee is right. It should stay.",
        url="https://valley.example/opinion/keep-the-committee",
        published=when,
    )
    report = _article(
        "rep-1",
        "Wire",
        "House votes on committee",
        "The House voted on Tuesday.",
        url="https://wire.example/news/house-votes",
        published=when,
    )
    with store.writer() as w:
        for a in (column, report):
            a.story_id = "sop"
            w.add_article(a, "sop")
        w.save_story(
            Story(id="sop", title="Committee", created=when, updated=when), b"", [], when, when
        )
    with TestClient(create_app(store)) as c:
        page = c.get("/stories/sop").text
    store.close()
    tagged = page.split('id="source-')
    assert any("Valley Courier" in part and ">Opinion</span>" in part for part in tagged)
    assert not any(
        "House votes on committee" in part and ">Opinion</span>" in part for part in tagged
    )
