"""The reader's HTML pages, against a real SQLite store (see conftest)."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app

SLASH_HREF = "/articles/reuters%2F2024%2F12%2Fmilitias"


class Outline(HTMLParser):
    """Collects headings and links, to check structure rather than exact markup."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.links: list[dict[str, str | None]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a":
            self.links.append(dict(attrs))


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def section(html: str, heading_id: str) -> str:
    """The HTML from the h2 ``heading_id`` up to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else len(html)]


def assert_headings_in_order(html: str) -> None:
    levels = outline(html).headings
    assert levels[0] == 1, levels
    assert levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}: {levels}"


def test_front_page_lists_stories_newest_first(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    titles = ["Iran-backed militias enter Syria", "Storm closes ports", "Quiet story"]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    assert 'href="/stories/s1syria"' in html
    # Summary line is the first summary sentence only.
    assert "Iran-backed Iraqi militias crossed into Syria to support President Assad." in html
    assert "Outlets disagree on how many fighters crossed." not in html
    # Outlets with initials badges, counts, disagreement flag, relative time.
    for name, letters in [("The Guardian", "Gu"), ("Daily Mail", "DM"), ("Reuters", "Re")]:
        assert name in html
        assert f">{letters}</span>" in html
    assert "5 articles" in html
    assert "4 independent outlets" in html  # the Standard's copy of PA does not count
    assert "Outlets disagree on figures" in html
    assert "3 hours ago" in html
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+"', html)
    assert_headings_in_order(html)
    tags = outline(html).tags
    assert {"header", "nav", "main", "article"} <= tags


def test_front_page_flags_only_conflicting_stories(client: TestClient) -> None:
    html = client.get("/").text
    storm = html[html.index("Storm closes ports") :]
    storm = storm[: storm.index("</article>")]
    assert "disagree" not in storm


def test_front_page_paging(web_store: Store) -> None:
    from .conftest import NOW, add_story

    for i in range(25):
        add_story(web_store, f"extra{i:02d}", f"Extra story {i:02d}", [], None, NOW)
    client = TestClient(create_app(web_store))
    first = client.get("/").text
    assert 'href="/?page=2"' in first
    assert "Newer stories" not in first
    second = client.get("/?page=2")
    assert second.status_code == 200
    assert "Older stories" not in second.text
    assert 'href="/"' in second.text and "Newer stories" in second.text
    assert "Hostile" in second.text  # the oldest story is on the last page
    empty = client.get("/?page=9")
    assert empty.status_code == 200
    assert "No stories on this page" in empty.text
    bad = client.get("/?page=0")
    assert bad.status_code == 400
    assert "text/html" in bad.headers["content-type"]


def test_front_page_when_empty(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = Store.open(str(tmp_path / "empty.db"))
    html = TestClient(create_app(store)).get("/").text
    assert "No stories yet" in html
    store.close()


def test_story_page_shows_conflict_first_with_outlets_and_sources(client: TestClient) -> None:
    r = client.get("/stories/s1syria")
    assert r.status_code == 200
    html = r.text
    conflicts = section(html, "h-conflicts")
    assert html.index("Where outlets disagree") < html.index("Summary")
    assert "fighters crossed into Syria" in conflicts
    for figure, outlet, source in [
        ("dozens of fighters", "Reuters", "two Iraqi sources"),
        ("some 200 fighters", "Press Association", "Syrian Observatory for Human Rights"),
        ("at least 300 fighters", "Daily Mail", "a Syrian army officer"),
        ("hundreds of fighters", "The Guardian", None),
    ]:
        block = conflicts[conflicts.index(figure) :]
        block = block[: block.index("</li>")]
        assert outlet in block
        assert (source or "no source given") in block
    assert f'href="{SLASH_HREF}"' in conflicts
    # The agreed figure is not presented as a disagreement.
    assert "border crossings used" not in conflicts
    assert "border crossings used" in html


def test_story_page_summary_cites_articles(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    summary = section(html, "h-summary")
    # Articles are numbered in story order: pa-1 [1], es-1 [2], guardian-1 [3], mail-1 [4] ...
    assert '<a href="/articles/pa-1" title="Press Association"' in summary
    assert '<a href="/articles/guardian-1" title="The Guardian"' in summary
    assert f'<a href="{SLASH_HREF}" title="Reuters"' in summary
    assert "[1]</a>" in summary and "[3]</a>" in summary and "[5]</a>" in summary
    assert "<sup" in summary
    # Every citation in the page resolves to an article page that exists.
    hrefs = {
        a["href"] for a in outline(html).links if (a.get("href") or "").startswith("/articles/")
    }
    assert hrefs
    for href in hrefs:
        assert href is not None
        assert client.get(href).status_code == 200, href


def test_story_page_quotes_entities_timeline_framing(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    quotes = section(html, "h-quotes")
    assert "Abbas Araghchi" in quotes
    assert "Iran will stand by Damascus" in quotes
    assert "carried by" in quotes and "The Guardian" in quotes and "Reuters" in quotes
    assert "Iran supports the Syrian government" in quotes  # the variant wording
    assert "reported speech" in quotes
    assert "Unattributed" in quotes
    assert quotes.index("Abbas Araghchi") < quotes.index("Unattributed")

    entities = section(html, "h-entities")
    assert "Abbas Araghchi" in entities and "Araqchi" in entities
    assert "Bou Kamal" in entities and "Place" in entities

    timeline = section(html, "h-timeline")
    assert timeline.index("Fighters gather") < timeline.index("Militias cross")  # date order
    assert '<time datetime="2024-12-10">' in timeline
    assert "estimated" in timeline

    framing = section(html, "h-framing")
    assert "Bashar al-Assad" in framing
    mail = framing[framing.index("Daily Mail") :]
    assert "dictator" in mail[: mail.index("</tr>")]
    guardian = framing[framing.index("The Guardian") :]
    assert "President" in guardian[: guardian.index("</tr>")]


def test_story_page_shows_extra_briefing_fields(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    assert "Distinctive terms" in html
    assert "clings on" in html
    assert "Single source facts" in html
    assert "Two Iraqi sources spoke to the agency." in html


def test_story_page_folds_syndicated_copies(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    sources = html[html.index('<section class="sources"') :]
    copies = sources[sources.index('<details class="copies">') :]
    copies = copies[: copies.index("</details>")]
    assert "1 syndicated copy" in copies
    assert "Evening Standard" in copies and 'href="/articles/es-1"' in copies
    # The copy sits inside the Press Association entry, not as its own report.
    pa_entry = sources[sources.index('href="/articles/pa-1"') :]
    assert pa_entry.index("Evening Standard") < pa_entry.index("guardian-1")
    assert "4 reports" in html and "5 articles with copies" in html
    assert "4 independent outlets" in html
    assert_headings_in_order(html)


def test_story_page_without_briefing(client: TestClient) -> None:
    r = client.get("/stories/s2pending")
    assert r.status_code == 200
    assert "has not been written yet" in r.text
    assert "Storm closes ports" in r.text
    assert 'href="/articles/bbc-1"' in r.text
    assert "Where outlets disagree" not in r.text


def test_story_page_with_empty_briefing(client: TestClient) -> None:
    r = client.get("/stories/s3empty")
    assert r.status_code == 200
    assert "has not been written yet" not in r.text
    assert "No summary could be written" in r.text
    for heading in ["Where outlets disagree", "Who said what", "Timeline", "How each outlet"]:
        assert heading not in r.text
    assert "ap.example" in r.text  # outlet falls back to the URL's host
    assert_headings_in_order(r.text)


def test_story_page_accepts_unique_id_prefix(client: TestClient) -> None:
    assert client.get("/stories/s1syr").status_code == 200


def test_article_page(client: TestClient) -> None:
    r = client.get("/articles/guardian-1")
    assert r.status_code == 200
    html = r.text
    assert "<h1>Hundreds of Iraqi militiamen enter Syria to back Assad</h1>" in html
    assert "Martin Chulov" in html and "The Guardian" in html
    assert '<time datetime="2024-12-11T11:00:00+00:00">' in html
    paragraphs = re.findall(r"<p>(.*?)</p>", html[html.index('class="reader-text"') :])
    assert paragraphs[:2] == [
        "Hundreds of fighters entered Syria on Wednesday, according to Iraqi security sources.",
        "Abbas Araghchi said Iran would stand by Damascus.",
    ]
    assert '<a href="https://guardian.example/syria" rel="noopener noreferrer nofollow">' in html
    assert 'href="/stories/s1syria"' in html
    assert "Other reports on this story" in html
    assert_headings_in_order(html)


def test_article_with_slashes_in_its_id(client: TestClient) -> None:
    r = client.get(SLASH_HREF)
    assert r.status_code == 200
    assert "Iraqi militias cross into Syria, sources say" in r.text
    # Single newlines separate paragraphs when there is no blank line.
    assert "<p>Araqchi said Iran supports the Syrian government.</p>" in r.text


def test_syndicated_article_points_to_original(client: TestClient) -> None:
    html = client.get("/articles/es-1").text
    assert "syndicated copy" in html
    assert 'href="/articles/pa-1"' in html


def test_search(client: TestClient) -> None:
    r = client.get("/search", params={"q": "Bou Kamal"})
    assert r.status_code == 200
    html = r.text
    assert 'href="/articles/mail-1"' in html
    assert "<mark>Bou</mark>" in html
    assert 'href="/stories/s1syria"' in html
    assert 'value="Bou Kamal"' in html
    none = client.get("/search", params={"q": "zzzyzzy"})
    assert "No article matches" in none.text
    blank = client.get("/search")
    assert blank.status_code == 200 and "No article matches" not in blank.text


def test_search_survives_fts_syntax(client: TestClient) -> None:
    for q in ['"', "AND OR NOT", "fighters*", "(", "NEAR(a b)", "a:b", "-", "'"]:
        assert client.get("/search", params={"q": q}).status_code == 200, q


def test_feeds_page(client: TestClient) -> None:
    r = client.get("/feeds")
    assert r.status_code == 200
    html = r.text
    assert "PA wire" in html and "https://pa.example/rss" in html
    assert "1 hour ago" in html
    assert ">42<" in html
    assert "HTTP 404 since 3 days" in html
    assert ">3<" in html
    assert "never" in html  # the broken feed never succeeded
    recent = html[html.index("Recent errors") :]
    assert "HTTP 404 Not Found" in recent and "https://broken.example/feed.xml" in recent


def test_not_found_pages_are_html(client: TestClient) -> None:
    for path in ["/stories/nope", "/articles/nope", "/no/such/page"]:
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html")
        assert "Parallax" in r.text


def test_static_stylesheet(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    css = r.text
    assert "prefers-color-scheme: dark" in css
    assert ":focus-visible" in css
    assert "@import" not in css and "url(http" not in css  # no external assets


def test_pages_load_no_external_assets_or_scripts(client: TestClient) -> None:
    for path in ["/", "/stories/s1syria", "/articles/pa-1", "/search?q=syria", "/feeds", "/docs"]:
        html = client.get(path).text
        assert "<script" not in html, path
        assert not re.search(r'<link[^>]+href="https?:', html), path
        assert "style=" not in html, path  # inline styles would be blocked by the CSP
