"""Figures from syndicated copies, and figures with no counted event."""

from __future__ import annotations

from datetime import datetime

import pytest

from parallax.brief.entities import extract_entities
from parallax.brief.quantities import extract_quantities
from parallax.model import Article

pytestmark = pytest.mark.slow

WIRE = (
    "Thirty people were killed when a ferry capsized on Lake Oster on Friday, "
    "the coastguard said. The lakeside town of Pell has about 80,000 people."
)
OTHER = (
    "Some 45 people died after the ferry capsized on Lake Oster, hospital officials said. "
    "Only 12 people live on the island where it sank."
)


def _groups(articles: list[Article]):  # type: ignore[no-untyped-def]
    from parallax.nlp import parse

    docs = parse([a.text for a in articles])
    return extract_quantities(articles, docs, extract_entities(articles, docs))


def test_a_copy_does_not_repeat_its_originals_figures() -> None:
    day = datetime(2031, 5, 2, 9)
    wire = Article(id="wire", text=WIRE, source="Wire", published=day)
    copy = Article(id="copy", text=WIRE, source="Reprint", published=day, duplicate_of="wire")
    mentions = [m for g in _groups([wire, copy]) for m in g.mentions]
    assert mentions and all(m.article_id == "wire" for m in mentions)


def test_population_figures_are_not_a_conflict_but_tolls_are() -> None:
    day = datetime(2031, 5, 2, 9)
    groups = _groups(
        [
            Article(id="a", text=WIRE, source="Wire", published=day),
            Article(id="b", text=OTHER, source="Gazette", published=day),
        ]
    )
    conflicts = [g for g in groups if g.conflict]
    assert conflicts, [(g.label, [m.text for m in g.mentions]) for g in groups]
    for group in conflicts:
        texts = " ".join(m.text for m in group.mentions)
        assert "80,000" not in texts and "12 people" not in texts
