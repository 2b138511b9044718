"""A one-paragraph article is an article; the comment counter under it is not."""

from __future__ import annotations

import pytest

from parallax.extract import extract
from parallax.model import Document

PARAGRAPH = (
    "The town council voted on Tuesday to approve a new footbridge over the river, with "
    "work to start in the spring and finish by the end of next year, the mayor said."
)


@pytest.mark.parametrize(
    ("body", "is_html"),
    [
        (f"{PARAGRAPH} 0 Comments", False),
        (f"{PARAGRAPH}\n\n0 Comments\n", False),
        (f"Council approves new bridge\n\n{PARAGRAPH} 12 comments\n", False),
        (f"<html><body><p>{PARAGRAPH} 0 Comments</p></body></html>", True),
        (f"<html><body><main><p>{PARAGRAPH}</p><span>0 Comments</span></main></body></html>", True),
    ],
)
def test_a_one_paragraph_article_keeps_its_paragraph_without_the_counter(
    body: str, is_html: bool
) -> None:
    assert extract(Document(body=body, is_html=is_html)).text == PARAGRAPH


def test_a_sentence_about_comments_is_kept() -> None:
    text = f"{PARAGRAPH}\n\nThe plan drew 40 comments from residents, who mostly backed it."
    assert extract(Document(body=text, is_html=False)).text == text
