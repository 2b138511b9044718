"""The one sentence splitter: abbreviations, initials and dotted short forms are
not sentence ends; measured on the real allsides-dev texts."""

from __future__ import annotations

import json
import re

import pytest

from parallax import sentences
from parallax.brief.abstractive import sentences as written_sentences
from parallax.web import view
from tests.conftest import shared_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Democrats want a panel with subpoena power to investigate the Jan. 6 assault "
            "on the U.S. Capitol. The vote is Thursday.",
            [
                "Democrats want a panel with subpoena power to investigate the Jan. 6 assault "
                "on the U.S. Capitol.",
                "The vote is Thursday.",
            ],
        ),
        (
            "South Dakota Gov. Kristi Noem signed it. Sen. Joe Manchin (D-W.Va.) and Rep. "
            "Liz Cheney did not.",
            [
                "South Dakota Gov. Kristi Noem signed it.",
                "Sen. Joe Manchin (D-W.Va.) and Rep. Liz Cheney did not.",
            ],
        ),
        (
            "Mr. Smith met Dr. J. R. Jones at No. 10 at 3 p.m. on Monday. He said no. "
            "Then he left.",
            [
                "Mr. Smith met Dr. J. R. Jones at No. 10 at 3 p.m. on Monday.",
                "He said no.",
                "Then he left.",
            ],
        ),
        (
            'Was it 2019? 10 people died. "We will rebuild." Officials agreed! It was Jan. A '
            "new month began.",
            [
                "Was it 2019?",
                "10 people died.",
                '"We will rebuild."',
                "Officials agreed!",
                "It was Jan.",
                "A new month began.",
            ],
        ),
        ("He fell ill. Doctors came.", ["He fell ill.", "Doctors came."]),
        ("  One   sentence\nonly ", ["One sentence only"]),
        ("", []),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sentences.split(text) == expected
    assert sentences.first(text) == (expected[0] if expected else "")


def test_every_cut_uses_it() -> None:
    text = "South Dakota Gov. Kristi Noem signed the bill on Jan. 6 in Pierre. Critics objected."
    assert view.first_sentence(text) == text.split(" Critics")[0]
    assert view.sentences(text) == sentences.split(text)
    assert written_sentences(text) == sentences.split(text)


def test_no_one_line_summary_stops_at_an_abbreviation_on_allsides_dev() -> None:
    texts = []
    with shared_data("allsides-dev", "roundups.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            story = json.loads(line)
            texts += story["roundup"]
            texts += [p for side in story["news"].values() for p in side.get("newBody") or []]
    # The stops the issue reported, and their kin: these end no first sentence.
    cut_off = re.compile(r"\b(?:Jan|Feb|Oct|Gov|Sen|Sens|Rep|Reps|Jr|U\.S|[A-Z])\.$")
    stopped = [
        first
        for text in texts
        if (first := view.first_sentence(text, limit=10**6)) != " ".join(text.split())
        and cut_off.search(first)
    ]
    assert len(texts) > 2000
    assert stopped == []  # 146 of 2,111 texts before the shared splitter
