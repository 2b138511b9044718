# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""A fictional three-outlet story, parsed once per session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from parallax.model import Article

POST = """Rescue teams reached the flooded town of Varnholm on Monday after the Kessel River burst its banks overnight.

Some 200 soldiers were deployed to Varnholm to search for survivors, according to the Ostrian Red Cross (ORC).

Exactly 40 people were killed in the flood, the ORC said. About 100 people were injured.

Interior Minister Lena Vasquez said the government would rebuild every bridge. “We will not leave anyone behind, whatever it costs,” she said.

“The water came at night,” said Tomas Brandt, a farmer. “We had no warning at all.

“By morning the whole street was gone.”

Her deputy Karl Vasquez visited the dam. Strongman Viktor Hale blamed engineers, and the Hale regime closed the border.

Dariush Qasemi, the aid coordinator, said trucks were waiting at the border."""

LEDGER = """Floods in Varnholm have killed 100 people, the Ostrian Red Cross said on Wednesday, raising its toll.

At least 500 soldiers were deployed to Varnholm to search for survivors, two army officers said.

Minister Lena Vásquez told reporters: “We will not leave anyone behind.”

President Viktor Hale visited the town. The Hale government said in a statement that the dam had been inspected in 2029.

Dariush Ghasemi said the roads were blocked by mud and debris."""

WIRE = """13 March 2031

Dozens of volunteers arrived in Varnholm yesterday, the town's mayor said.

A statement from his office said: ‘The army is doing everything it can. We owe the soldiers our thanks.’

Mr Hale’s critics say the dam was neglected."""


@pytest.fixture(scope="session")
def story() -> tuple[list[Article], list[Any]]:
    from parallax.nlp import parse

    articles = [
        Article(id="post-1", text=POST, source="Northern Post", published=datetime(2031, 3, 12, 9)),
        Article(
            id="ledger-1", text=LEDGER, source="Daily Ledger", published=datetime(2031, 3, 13, 8)
        ),
        Article(id="wire-1", text=WIRE, source="Wire Agency", published=None),
    ]
    return articles, parse([a.text for a in articles])


@pytest.fixture(scope="session")
def briefing(story: tuple[list[Article], list[Any]]) -> Any:
    from parallax.brief import build_briefing

    return build_briefing(*story)
