"""HTML pages -> main text and metadata, and clear errors on pages that are not articles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parallax.extract import ExtractionError, extract
from parallax.model import Document

PARAGRAPHS = [
    "The Orvik Institute has mapped the night-time migration of Baltic eels using acoustic "
    "tags no bigger than a grain of rice, the first such survey in the region.",
    "Over two winters the team tagged 412 eels in three rivers and followed them to the "
    "open sea, where most travelled up to 60 kilometres a night.",
    "Lead researcher Dr Ilse Marten said the data would help fisheries agencies decide "
    "where to open river barriers during the spawning run.",
    "The institute plans to extend the survey to the Gulf of Riga next year, subject to "
    "funding from the regional fisheries council.",
]


HEAD = (
    '<meta charset="utf-8">'
    "<title>Eels mapped across the Baltic | The Coastal Herald</title>"
    '<meta property="og:title" content="Eels mapped across the Baltic">'
    '<meta property="og:site_name" content="The Coastal Herald">'
    '<meta name="author" content="Anna Lind">'
    '<meta property="article:published_time" content="2025-02-11T08:30:00+01:00">'
    '<meta property="og:image" content="https://herald.example/img/eel.jpg">'
    '<link rel="canonical" href="https://herald.example/science/eels">'
)


def page(body_paragraphs: list[str] = PARAGRAPHS, *, head: str = HEAD) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    return (
        f'<!doctype html><html lang="en-GB"><head>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/science">Science</a></nav>'
        f"<article><h1>Eels mapped across the Baltic</h1>{paragraphs}</article>"
        '<aside><h3>Most read</h3><ul><li><a href="/a">Other story</a></li></ul></aside>'
        "<footer>© The Coastal Herald</footer></body></html>"
    )


def test_article_text_and_metadata() -> None:
    result = extract(Document(body=page(), is_html=True, url="https://herald.example/s/1"))
    assert result.text.split("\n\n") == PARAGRAPHS
    assert result.title == "Eels mapped across the Baltic"
    assert result.source == "The Coastal Herald"
    assert result.author == "Anna Lind"
    assert result.published is not None and result.published.tzinfo is not None
    assert result.published.date() == datetime(2025, 2, 11, tzinfo=UTC).date()
    assert result.language == "en"
    assert result.canonical_url == "https://herald.example/science/eels"
    assert result.image == "https://herald.example/img/eel.jpg"
    assert "Most read" not in result.text and "Home" not in result.text


def test_document_metadata_wins_page_fills_gaps() -> None:
    given = datetime(2025, 2, 12, 6, 0, tzinfo=UTC)
    result = extract(
        Document(body=page(), is_html=True, title="From the feed", published=given, source="Feed")
    )
    assert (result.title, result.published, result.source) == ("From the feed", given, "Feed")
    assert result.author == "Anna Lind"


def test_broken_html_still_yields_the_article() -> None:
    broken = (
        page().replace("</p>", "").replace("</article>", "<div><span>").replace("</html>", "<p")
    )
    result = extract(Document(body=broken, is_html=True))
    assert PARAGRAPHS[1] in result.text


def test_mojibake_in_the_page_is_repaired() -> None:
    # "Élise" encoded as UTF-8 and read back as cp1252
    garbled = [p.replace("Dr Ilse", "Dr \u00c3\u2030lise") for p in PARAGRAPHS]
    result = extract(Document(body=page(garbled), is_html=True))
    assert "Dr Élise Marten" in result.text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "empty page"),
        ("  \n\t ", "empty page"),
        ("\x00\x89PNG\x1a\x0b\x01\x02" * 400, "binary"),
        (
            "<html><body><nav><a href='/'>Home</a><a href='/b'>News</a></nav>"
            "<form><input name='q'><button>Search</button></form></body></html>",
            "no article text found in page.html",
        ),
        ("just a few words", "no article text found"),
    ],
)
def test_pages_without_an_article_are_readable_errors(body: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract(Document(body=body, is_html=True, origin="page.html"))


def test_huge_page_is_refused_before_parsing() -> None:
    huge = page(PARAGRAPHS * 20_000)
    assert len(huge) > 5_000_000
    with pytest.raises(ExtractionError, match=r"too large in big\.html"):
        extract(Document(body=huge, is_html=True, origin="big.html"))


def test_page_without_metadata_still_gives_text() -> None:
    result = extract(Document(body=page(head="<title>x</title>"), is_html=True))
    assert PARAGRAPHS[0] in result.text
    assert result.source is None or isinstance(result.source, str)
