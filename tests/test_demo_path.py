"""`make demo`'s path end to end: newswire, polling, stories, and the reader over HTTP."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import Demo

pytestmark = pytest.mark.slow


def test_demo_serves_a_multi_outlet_briefing(demo_server: Demo) -> None:
    text = demo_server.output
    assert "Parallax reader: http://localhost:" in text, text
    summary = re.search(r"imported (\d+).*failed (\d+), stories touched (\d+)", text)
    assert summary, text
    imported, failed, stories = map(int, summary.groups())
    assert imported >= 10 and failed == 0 and stories >= 5

    base = demo_server.base
    front = httpx.get(base + "/", timeout=5)
    assert front.status_code == 200
    api = httpx.get(base + "/api/stories", timeout=5).json()
    items = api["stories"] if isinstance(api, dict) else api
    biggest = max(items, key=lambda s: s["n_sources"])
    assert biggest["n_sources"] >= 4
    page = httpx.get(f"{base}/stories/{biggest['id']}", timeout=10)
    assert page.status_code == 200 and biggest["title"].split()[0] in page.text
    story = httpx.get(f"{base}/api/stories/{biggest['id']}", timeout=10).json()
    # The wire story's reprint is recognised and not counted as an outlet of its own.
    assert any(a["duplicate_of"] for a in story["articles"])
    assert story["independent_sources"] >= 4
    cited = {i for s in story["summary"] for i in s["article_ids"]}
    assert len({a["source"] for a in story["articles"] if a["id"] in cited}) >= 3
    assert any(len(e["aliases"]) > 1 for e in story["entities"])
    assert story["quotes"] and story["timeline"]
