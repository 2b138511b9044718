"""Quotations in the summary: stated only with whose they are, and whole."""

from __future__ import annotations

import pytest

from parallax.brief.summary import summarise
from parallax.model import Article

pytestmark = pytest.mark.slow

TEXT = "\n\n".join(
    [
        "The Ostrava river bridge was closed on Monday after engineers found cracks in"
        " two of its piers.",
        '"The bridge will reopen to traffic on Friday once the piers are braced," the'
        " transport minister, Ana Ruiz, said on Monday.",
        '"Nobody in this town was ever told about the cracks in those piers, not once in'
        ' ten years."',
        '"The repairs will cost far more than the ministry planned last spring. We will'
        ' ask parliament for the money next week," Ruiz told reporters at the site.',
        '"It was the most frightening drive of my life on that bridge," he said after'
        " crossing it on Sunday.",
        "Traffic between the two halves of the city was sent over the older Hradec bridge"
        " to the north.",
    ]
)


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    from parallax.nlp import parse

    article = Article(id="a", text=TEXT, source="Ostrava Courier")
    # A budget wider than the article: every sentence the summary may state.
    return [s.text for s in summarise([article], parse([TEXT]), words=1000, sentences=50)]


def test_a_quotation_is_stated_with_its_named_speaker(sentences: list[str]) -> None:
    assert any(s.startswith('"The bridge will reopen') and "Ana Ruiz" in s for s in sentences)


def test_a_quotation_that_says_no_ones_name_is_never_stated(sentences: list[str]) -> None:
    # Neither a bare quoted paragraph nor one whose speaker is only "he".
    assert not any("Nobody in this town" in s for s in sentences)
    assert not any("most frightening drive" in s for s in sentences)


def test_a_sentence_that_starts_inside_a_quotation_is_never_stated(
    sentences: list[str],
) -> None:
    # The second sentence of a two-sentence quotation has an attribution, but
    # shown alone it would open with no quotation mark and close with one.
    assert not any(s.startswith("We will ask parliament") for s in sentences)
    assert any(s.startswith("The Ostrava river bridge was closed") for s in sentences)
