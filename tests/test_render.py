"""The terminal's story header: reports with no outlet named are not one outlet."""

from __future__ import annotations

from io import StringIO
from typing import Any

from rich.console import Console

from parallax.render import render_briefing


def _header(sources: list[str | None], independent: int) -> str:
    story: dict[str, Any] = {
        "id": "s1",
        "title": "Dam fails",
        "updated": "2031-04-09T10:00",
        "independent_sources": independent,
        "articles": [{"id": f"a{i}", "source": s} for i, s in enumerate(sources)],
    }
    # An empty briefing: the header is what is tested.
    for part in ("quantities", "summary", "quotes", "timeline", "framing", "entities"):
        story[part] = []
    story |= {"abstract": [], "distinctive_terms": [], "unique_facts": []}
    out = StringIO()
    render_briefing(story, Console(file=out, width=300))
    return out.getvalue().splitlines()[1]


def test_reports_without_an_outlet_are_counted_apart() -> None:
    header = _header(["Lake Post", None, "Lake Post", None, "Maren Times"], 4)
    assert header.startswith(
        "5 articles (4 independent): Lake Post, Maren Times, 2 whose outlet is not known"
    )
    assert "unknown outlet" not in header


def test_named_outlets_only() -> None:
    assert _header(["Lake Post", "Maren Times"], 2).startswith(
        "2 articles (2 independent): Lake Post, Maren Times  ·"
    )
