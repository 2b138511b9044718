"""Opinion pages are told from news by the marks outlets put on them."""

from __future__ import annotations

import pytest

from parallax.extract.kind import OPINION, article_kind


@pytest.mark.parametrize(
    ("url", "section", "title"),
    [
        ("https://www.nytimes.com/2021/05/01/opinion/democrats.html", None, None),
        ("https://www.washingtonpost.com/opinions/2021/05/27/bidens-announcement/", None, None),
        ("https://www.theguardian.com/commentisfree/2021/apr/22/earth-day", None, None),
        ("https://townhall.com/columnists/someone/2021/06/19/juneteenth-n25912", None, None),
        ("https://www.example.com/news/opinion-the-second-amendment-doesnt-shrink", None, None),
        ("https://www.example.com/opinion/cycle-of-absurdity-opinion-667999", None, None),
        ("https://www.example.com/2021/05/05/story", "Opinion", None),
        ("https://www.example.com/2021/05/05/story", " Editorials ", None),
        (None, None, "Opinion: The ban should stay"),
        (None, None, "OPINION | The ban should stay"),
    ],
)
def test_marked_pages_are_opinion(url: str | None, section: str | None, title: str | None) -> None:
    assert article_kind(url, section, title) == OPINION


@pytest.mark.parametrize(
    ("url", "section", "title"),
    [
        ("https://apnews.com/article/israel-palestinian-cease-fire-hamas", "World News", None),
        ("https://www.bbc.com/news/technology-56985583", None, "Facebook's Trump ban upheld"),
        # Words that merely contain a marker are not one.
        ("https://www.example.com/politics/public-opinion-poll-shows-split", None, None),
        ("https://www.example.com/news/comments-section-closed", "Politics", None),
        (None, None, "Poll: public opinion is split on the ban"),
        ("http://[::1", None, None),  # a broken address is no marker
        (None, None, None),
    ],
)
def test_unmarked_pages_are_news(url: str | None, section: str | None, title: str | None) -> None:
    assert article_kind(url, section, title) is None
