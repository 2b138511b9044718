"""The story page at a glance, measured in Chromium on the demo newswire's main
story as ``make demo`` builds it: its first screen on a desktop and a phone,
its height with the folded sections closed, its jump links and its badges."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Demo, shoot

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_HEIGHT = 6000
"""The issue's bound on the demo's main story page, sections closed, on a desktop."""

BOX = "e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }"
FIRST_LINE = """p => {
  const range = document.createRange();
  range.selectNodeContents(p);
  const r = range.getClientRects()[0];
  return [r.top, r.bottom];
}"""


def _open(browser: Any, demo: Demo, viewport: dict[str, int], **options: Any) -> Any:
    context = browser.new_context(viewport=viewport, device_scale_factor=1, **options)
    page = context.new_page()
    page.goto(demo.url(f"/stories/{demo.main_story}"))
    return page


def test_the_main_story_is_at_most_6000_px_tall_with_its_sections_closed(
    browser: Any, demo: Demo
) -> None:
    page = _open(browser, demo, DESKTOP)
    folds = page.locator("details.fold")
    assert folds.count() >= 5  # quotes, figures, entities, wording, reports at least
    assert page.evaluate("[...document.querySelectorAll('details.fold')].every(d => !d.open)")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"demo main story, 1366x800, sections closed: {height} px")
    assert height <= MAX_HEIGHT
    # Each folded section says how much it holds.
    for summary in folds.locator("> summary").all():
        assert re.search(r"\d+$", summary.inner_text().strip()), summary.inner_text()
    page.context.close()


@pytest.mark.parametrize(
    ("device", "viewport", "scheme"), [("desktop", DESKTOP, "light"), ("phone", PHONE, "dark")]
)
def test_the_first_screen_holds_headline_outlets_disagreements_and_summary(
    browser: Any, demo: Demo, device: str, viewport: dict[str, int], scheme: str
) -> None:
    """Its first-screen shots (tests/artifacts/demo-story-*-top.png) are the README's."""
    page = _open(browser, demo, viewport, is_mobile=device == "phone", color_scheme=scheme)
    screen = viewport["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    for selector in ["h1", "ul.outlets", "section.conflicts"]:
        top, bottom = page.locator(selector).first.evaluate(BOX)
        assert top >= 0 and bottom <= screen, (selector, top, bottom)
    summary = page.locator("section.summary").first
    sentences = summary.locator("p").first
    assert 3 <= sentences.locator("sup.cites").count() <= 5
    if device == "desktop":
        # The whole summary, beside where the outlets disagree.
        top, bottom = sentences.evaluate(BOX)
    else:
        # A phone's screen shows the summary's start; its sentences run on below.
        top, bottom = sentences.evaluate(FIRST_LINE)
    assert top >= 0 and bottom <= screen, ("summary", top, bottom)
    shoot(page, f"demo-story-{device}-{scheme}")
    page.context.close()


def test_highlights_then_jump_links_open_the_folded_sections(browser: Any, demo: Demo) -> None:
    page = _open(browser, demo, DESKTOP)
    key_quotes = page.locator("#key-quotes figure.quote")
    assert 1 <= key_quotes.count() <= 8
    speakers = key_quotes.locator(".speaker-name").all_inner_texts()
    assert len(set(speakers)) == len(speakers)  # one quote per speaker
    assert 1 <= page.locator("#key-events li").count() <= 8
    quotes = page.locator("details#quotes")
    assert not quotes.evaluate("d => d.open")
    page.locator("nav.jump").get_by_role("link", name=re.compile(r"^All quotes \(\d+\)$")).click()
    assert quotes.evaluate("d => d.open")
    assert quotes.locator("figure.quote").first.is_visible()
    # A link from elsewhere to a folded section, or to something inside one, opens it.
    page.goto(demo.url(f"/stories/{demo.main_story}#figures"))
    assert page.locator("details#figures").evaluate("d => d.open")
    copy = page.locator("details.copies li[id^='source-']").first
    page.goto(demo.url(f"/stories/{demo.main_story}#{copy.get_attribute('id')}"))
    assert copy.is_visible()
    page.context.close()


def test_without_javascript_the_sections_still_open(browser: Any, demo: Demo) -> None:
    page = _open(browser, demo, DESKTOP, java_script_enabled=False)
    reports = page.locator("details#reports")
    assert not reports.locator("ol.source-list").is_visible()
    reports.locator("> summary").click()
    assert reports.locator("ol.source-list").is_visible()
    page.context.close()


def test_no_two_outlets_share_a_badge_colour(browser: Any, demo: Demo) -> None:
    page = _open(browser, demo, DESKTOP)
    colours = page.locator(".story-head ul.outlets .badge").evaluate_all(
        "bs => bs.map(b => getComputedStyle(b).backgroundColor)"
    )
    assert len(colours) >= 5
    assert len(set(colours)) == len(colours), colours
    # The header is the key: each outlet's badge is the same colour further down.
    key = dict(
        page.locator(".story-head ul.outlets li").evaluate_all(
            "ls => ls.map(l => [l.querySelector('.outlet-name').innerText.trim(), "
            "getComputedStyle(l.querySelector('.badge')).backgroundColor])"
        )
    )
    below = page.locator("ol.source-list > li .source-outlet").evaluate_all(
        "ps => ps.map(p => [p.textContent.replace(/^\\S+\\s+/, '').trim(), "
        "getComputedStyle(p.querySelector('.badge')).backgroundColor])"
    )
    assert below and all(key[name] == colour for name, colour in below), (key, below)
    page.context.close()


def test_a_stated_range_shows_as_a_range(browser: Any, demo: Demo) -> None:
    # The demo's reports say the rains began "last week": a week, not a day.
    page = _open(browser, demo, DESKTOP)
    dates = page.locator("#key-events .timeline-date").all_inner_texts()
    assert any(re.fullmatch(r"\d+–\d+ \w{3} \d{4}", d.strip()) for d in dates), dates
    page.context.close()
