"""The reader's HTML pages, against a real SQLite store (see conftest)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

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


def test_front_page_cards(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    for title in ["Iran-backed militias enter Syria", "Storm closes ports", "Quiet story"]:
        assert title in html
    assert 'href="/stories/s1syria"' in html
    # Summary line is the first summary sentence only.
    assert "Iran-backed Iraqi militias crossed into Syria to support President Assad." in html
    assert "Outlets disagree on how many fighters crossed." not in html
    # Outlets with initials badges, counts, disagreement flag, relative time.
    for name, letters in [("The Guardian", "Gu"), ("Daily Mail", "DM"), ("Reuters", "Re")]:
        assert name in html
        assert f">{letters}</span>" in html
    assert 'href="/outlets/Daily%20Mail"' in html
    assert "5 articles" in html
    assert "4 independent outlets" in html  # the Standard's copy of PA does not count
    assert "Outlets disagree on figures" in html
    # The time ranking goes by (the newest report), and the last update when later.
    assert "Latest report <time" in html and ">11 Dec 2024</time>" in html
    assert "updated <time" in html and "3 hours ago" in html
    assert 'href="/topics/world"' in html  # "World" and "world" are one topic
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+"', html)
    assert_headings_in_order(html)
    tags = outline(html).tags
    assert {"header", "nav", "main", "article"} <= tags


def test_front_page_ranks_by_outlets_recency_and_growth(web_store: Store) -> None:
    from .conftest import NOW, _article, add_story

    def report(i: int, outlet: str, hours_ago: float) -> Any:
        return _article(
            f"r{outlet}{i}",
            outlet,
            "t",
            f"text {outlet} {i}",
            published=NOW - timedelta(hours=hours_ago),
        )

    # Same age, more independent outlets: ranks higher.
    add_story(
        web_store, "wide", "Wide story", [report(i, f"O{i}", 30) for i in range(4)], None, NOW
    )
    add_story(web_store, "narrow", "Narrow story", [report(0, "Solo", 30)], None, NOW)
    # One outlet, but fresh: 30 hours of decay (2.5 half-lives) outweigh 4 outlets.
    add_story(web_store, "fresh", "Fresh story", [report(0, "Quick", 1)], None, NOW)
    html = TestClient(create_app(web_store)).get("/").text
    order = [html.index(t) for t in ["Fresh story", "Wide story", "Narrow story"]]
    assert order == sorted(order)


def test_front_page_filters(client: TestClient) -> None:
    html = client.get("/", params={"outlet": "BBC"}).text
    assert "Storm closes ports" in html and "Iran-backed militias" not in html
    assert "Clear filters" in html
    html = client.get("/", params={"topic": "world", "from": "", "to": ""}).text
    assert "Iran-backed militias" in html and "Storm closes ports" not in html
    assert "<h1" in html and ">World</h1>" in html
    html = client.get("/", params={"from": "2030-01-01"}).text
    assert "No story matches these filters" in html
    bad = client.get("/", params={"from": "soon"})
    assert bad.status_code == 400 and "must be a date" in bad.text
    assert client.get("/", params={"cursor": "garbage"}).status_code == 400


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
    more = re.search(r'<a rel="next" href="([^"]+)" data-more="stories">', first)
    assert more is not None
    next_href = more.group(1).replace("&amp;", "&")
    assert next_href.startswith("/?cursor=")
    second = client.get(next_href)
    assert second.status_code == 200
    assert 'rel="next"' not in second.text  # 29 stories: the second page is the last
    titles = re.findall(r'class="story-card-title"><a href="[^"]+">([^<]+)<', first + second.text)
    assert len(titles) == len(set(titles)) == 29
    assert "Hostile" in second.text  # the oldest story is on the last page


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
    # The first screen's compact view: each value with its outlet, smallest first.
    values = ["dozens of fighters", "some 200 fighters", "hundreds of fighters", "at least 300"]
    assert [conflicts.index(v) for v in values] == sorted(conflicts.index(v) for v in values)
    # ... and all figures, folded below, each with the source its outlet credits.
    figures = section(html, "h-figures")
    for figure, outlet, source in [
        ("dozens of fighters", "Reuters", "two Iraqi sources"),
        ("some 200 fighters", "Press Association", "Syrian Observatory for Human Rights"),
        ("at least 300 fighters", "Daily Mail", "a Syrian army officer"),
        ("hundreds of fighters", "The Guardian", None),
    ]:
        chip = conflicts[conflicts.index(figure) :]
        chip = chip[: chip.index("</li>")]
        assert outlet in chip
        assert ("later report" in chip) == (outlet == "The Guardian")
        block = figures[figures.index(figure) :]
        block = block[: block.index("</li>")]
        assert outlet in block
        assert (source or "no source given") in block
        # Only the figure a later report raised is marked as such.
        assert ("later report" in block) == (outlet == "The Guardian")
    assert f'href="{SLASH_HREF}"' in figures
    # The agreed figure is not presented as a disagreement.
    assert "border crossings used" not in conflicts
    assert "border crossings used" in figures


def test_story_page_shows_a_raised_toll_as_an_update_not_a_disagreement(
    client: TestClient,
) -> None:
    html = client.get("/stories/s1syria").text
    updates = section(html, "h-updates")
    assert "people killed in the strikes" not in section(html, "h-conflicts")
    assert html.index("Where outlets disagree") < html.index("Figures that rose")
    earlier = updates[updates.index("at least 12 killed") :]
    assert "later report" not in earlier[: earlier.index("</li>")]
    later = updates[updates.index("the toll rose to 31") :]
    later = later[: later.index("</li>")]
    assert "later report" in later and "Press Association" in later


def test_story_page_summary_cites_articles(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    summary = section(html, "h-summary")
    # Articles are numbered in story order: pa-1 [1], es-1 [2], guardian-1 [3], mail-1 [4] ...
    for href, outlet, n in [
        ("/articles/pa-1", "Press Association", 1),
        ("/articles/guardian-1", "The Guardian", 3),
        (SLASH_HREF, "Reuters", 5),
    ]:
        assert re.search(
            rf'<a href="{re.escape(href)}\?s=\d+#cited" aria-label="Source {n}: {outlet}"', summary
        ), href
    assert "[1]</a>" in summary and "[3]</a>" in summary and "[5]</a>" in summary
    assert "<sup" in summary
    # Each citation reveals its outlet and the sentence it rests on.
    pop = summary[summary.index('aria-label="Source 4: Daily Mail"') :]
    pop = pop[: pop.index("</span></span>")]
    assert "<strong>Daily Mail</strong> At least 300 fighters crossed at Bou Kamal" in pop
    # Every citation in the page resolves to an article page that exists.
    hrefs = {
        a["href"] for a in outline(html).links if (a.get("href") or "").startswith("/articles/")
    }
    assert hrefs
    for href in hrefs:
        assert href is not None
        assert client.get(href).status_code == 200, href


def test_citation_opens_the_article_at_its_sentence(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    href = re.search(r'<a href="(/articles/guardian-1\?s=\d+)#cited"', html)
    assert href is not None
    article = client.get(href.group(1)).text
    cited = re.search(r'<mark id="cited">([^<]+)</mark>', article)
    assert cited is not None
    # The summary sentence is about militias crossing; the Guardian's sentence
    # on fighters entering Syria shares the most words with it.
    assert cited.group(1).startswith("Hundreds of fighters entered Syria")
    assert 'href="#cited"' in article
    plain = client.get("/articles/guardian-1").text
    assert "<mark" not in plain


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

    timeline = section(html, "h-key-events")
    assert timeline.index("Fighters gather") < timeline.index("Militias cross")  # date order
    assert '<time datetime="2024-12-10">' in timeline
    assert '<time datetime="2024-12-02">2–8 Dec 2024</time>' in timeline  # "last week"
    assert "estimated" in timeline

    framing = section(html, "h-framing")
    assert "Bashar al-Assad" in framing
    mail = framing[framing.index("Daily Mail") :]
    assert "dictator" in mail[: mail.index("</tr>")]
    guardian = framing[framing.index("The Guardian") :]
    assert "President" in guardian[: guardian.index("</tr>")]


def test_story_page_shows_wording_and_single_outlet_facts_as_sentences(
    client: TestClient,
) -> None:
    html = client.get("/stories/s1syria").text
    wording = section(html, "h-framing")
    mail = wording[wording.index("Daily Mail", wording.index("h-words")) :]
    assert "clings on" in mail[: mail.index("</li>")]
    # A label that is an article id, and the scores beside the words, never show.
    assert ">guardian-1<" not in wording and "2.5" not in wording and "0.75" not in wording
    guardian = wording[wording.index("militiamen") - 400 :]
    assert "The Guardian" in guardian[:400]
    facts = section(html, "h-facts")
    reuters = facts[facts.index("Reuters") :]
    assert "<li>Two Iraqi sources spoke to the agency." in reuters
    assert "<dl" not in facts and "<dt" not in facts
    # Fields the page has no view for are not dumped as raw data.
    assert "Notes" not in client.get("/stories/s4hostile").text


def test_story_page_leads_with_highlights_and_folds_the_rest_with_counts(
    client: TestClient,
) -> None:
    html = client.get("/stories/s1syria").text
    folds = re.findall(r'<details class="fold" id="([a-z-]+)"( open)?>', html)
    assert [f for f, _ in folds] == ["quotes", "figures", "entities", "wording", "facts", "reports"]
    assert not any(opened for _, opened in folds)  # closed until the reader opens one
    assert re.search(r'id="h-quotes">All quotes <span class="count">3</span>', html)
    assert re.search(r'id="h-sources">The reports <span class="count">4</span>', html)
    jump = html[html.index('<nav class="jump"') : html.index("</nav>", html.index('class="jump"'))]
    for fold, _ in folds:
        assert f'href="#{fold}"' in jump
    assert "All quotes (3)" in jump and "All figures (3)" in jump
    # Highlights come before the folds: key quotes from named speakers only.
    key = section(html, "h-key-quotes")
    assert html.index('id="h-key-quotes"') < html.index('id="quotes"')
    assert "Abbas Araghchi" in key and "Unattributed" not in key and "a war monitor" not in key


def test_story_page_folds_syndicated_copies(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    sources = html[html.index('<div class="sources"') :]
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


def test_pages_load_only_our_own_script_and_no_external_assets(client: TestClient) -> None:
    paths = ["/", "/stories/s1syria", "/articles/pa-1", "/search?q=syria", "/feeds", "/docs"]
    for path in [*paths, "/topics", "/outlets", "/outlets/Reuters", "/topics/world"]:
        html = client.get(path).text
        scripts = re.findall(r"<script[^>]*>", html)
        assert scripts == ['<script src="/static/reader.js" defer>'], path
        assert "</script>" in html and "<script src" in html
        assert not re.search(r"<script[^>]*>[^<]+</script>", html), path  # nothing inline
        assert not re.search(r'<link[^>]+href="https?:', html), path
        assert "style=" not in html, path  # inline styles would be blocked by the CSP
    js = client.get("/static/reader.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def test_a_long_storys_page_says_its_briefing_read_some_of_it(web_store: Store) -> None:
    from .conftest import NOW, _article, add_story

    reports = [_article(f"r{i}", f"Outlet {i}", f"Report {i}", "Ports closed.") for i in range(3)]
    add_story(web_store, "long", "Long story", reports, {"drawn_from": ["r0", "r2"]}, NOW)
    with TestClient(create_app(web_store)) as client:
        html = client.get("/stories/long").text
        assert "its briefing reads 2 of its 3 articles" in html
        assert "its briefing reads" not in client.get("/stories/s1syria").text
