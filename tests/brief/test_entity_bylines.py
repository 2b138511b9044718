"""Bylines and sign-offs name the article's staff, never the story's people."""

from __future__ import annotations

import pytest

from parallax.brief.entities import extract_entities
from parallax.model import Article

pytestmark = pytest.mark.slow

WIRE = (
    "Floodwater swept through Qaratash on Tuesday after the dam burst, Governor Yusuf "
    "Khaidarov said.\n\n"
    "Leyla Mansur, a doctor at the city hospital, said dozens were treated.\n\n"
    "(Reporting by Daniyar Sultan in Qaratash and Petra Voss in Tovrin; Editing by Alan Mercer)"
)
PAPER = (
    "By Gary Whitlock\n\n"
    "Rescuers searched Qaratash for survivors, Yusuf Khaidarov said. The city mourned. "
    "(Additional reporting by Ines Faro)\n\n"
    "Edited by Maria Lopez\n\n"
    "Tomas Brandt, a farmer, lost his herd. Hannah Kerr wrote this from the valley."
)


def test_staff_credits_are_not_people_of_the_story() -> None:
    from parallax.nlp import parse

    articles = [
        Article(id="wire", text=WIRE, source="Meridian Wire"),
        Article(id="paper", text=PAPER, source="Daily Clarion", author="Hannah Kerr"),
    ]
    names = {
        alias
        for entity in extract_entities(articles, parse([a.text for a in articles]))
        for alias in [entity.name, *entity.aliases]
    }
    for staff in (
        "Daniyar Sultan",
        "Petra Voss",
        "Alan Mercer",
        "Gary Whitlock",
        "Ines Faro",
        "Maria Lopez",
        "Hannah Kerr",
        "Tovrin",
    ):
        assert not any(staff in name for name in names), staff
    for person in ("Yusuf Khaidarov", "Tomas Brandt", "Qaratash"):
        assert person in names, person
