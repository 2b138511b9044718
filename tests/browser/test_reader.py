"""The reader in Chromium: the main flows, keyboard use, the CSP as the browser
enforces it, progressive enhancement, and screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Served, shoot

VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_open_a_story_from_the_front_page(page: Any, reader: Served) -> None:
    page.goto(reader.url("/"))
    page.get_by_role("link", name="Iran-backed militias enter Syria").click()
    page.wait_for_url(re.compile(r"/stories/s1syria$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Iran-backed militias enter Syria"
    conflicts = page.locator("section.conflicts")
    assert conflicts.is_visible()
    assert "at least 300 fighters" in conflicts.inner_text()


def test_follow_a_citation_to_its_sentence(page: Any, reader: Served) -> None:
    page.goto(reader.url("/stories/s1syria"))
    cite = page.locator("section.summary").get_by_role("link", name="Source 4: Daily Mail")
    pop = page.locator(".cite-pop", has_text="At least 300 fighters crossed").first
    assert not pop.is_visible()
    cite.hover()
    assert pop.is_visible()  # the outlet and its sentence, revealed in place
    assert "Daily Mail" in pop.inner_text()
    page.keyboard.press("Escape")  # dismissible without moving the pointer (WCAG 1.4.13)
    assert not pop.is_visible()
    page.mouse.move(0, 0)
    cite.hover()
    assert pop.is_visible()
    cite.click()
    page.wait_for_url(re.compile(r"/articles/mail-1\?s=\d+#cited$"))
    cited = page.locator("mark#cited")
    assert cited.is_visible()
    assert cited.inner_text().startswith("At least 300 fighters crossed at Bou Kamal")
    assert cited.evaluate(
        "m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )


def test_search_with_a_filter(page: Any, reader: Served) -> None:
    page.goto(reader.url("/"))
    box = page.get_by_role("searchbox", name="Search articles")
    box.fill("fighters")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=fighters"))
    results = page.locator("ol.results")
    assert "Militias pour into Syria" in results.inner_text()
    assert "Hundreds of Iraqi militiamen" in results.inner_text()
    page.get_by_label("Outlet", exact=True).select_option("Daily Mail")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"outlet=Daily\+Mail"))
    assert "Militias pour into Syria" in page.locator("ol.results").inner_text()
    assert "Hundreds of Iraqi militiamen" not in page.locator("ol.results").inner_text()


def test_a_row_of_filters_is_level(page: Any, reader: Served) -> None:
    # A row of filters is aligned on its bottom edge, and Chromium draws a date
    # field taller than a select: their labels used to sit 6 px apart.
    for path in ("/search?q=fighters", "/"):
        page.goto(reader.url(path))
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        heights = page.locator(".filter-form :is(select, input)").evaluate_all(
            "els => els.map(e => Math.round(e.getBoundingClientRect().height))"
        )
        assert len(heights) >= 3 and len(set(heights)) == 1, (path, heights)


def test_add_a_feed(page: Any, reader: Served) -> None:
    page.goto(reader.url("/feeds"))
    page.get_by_label("Feed address").fill("https://added-in-a-browser.example/rss")
    page.get_by_label("Name (optional)").fill("Browser Gazette")
    page.get_by_role("button", name="Add feed").click()
    page.wait_for_url(re.compile(r"/feeds\?notice=added$"))
    assert "Feed added" in page.get_by_role("status").inner_text()
    row = page.locator("table.feeds tr", has_text="Browser Gazette")
    assert "not fetched yet" in row.inner_text()
    row.get_by_role("button", name=re.compile("Remove the feed")).click()
    page.wait_for_url(re.compile(r"notice=removed"))
    assert page.locator("table.feeds tr", has_text="Browser Gazette").count() == 0


def test_csp_blocks_injected_code_in_the_browser(page: Any, reader: Served) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(VIOLATIONS)
    # The hostile story's titles and texts carry script, event handler,
    # javascript: and CSS payloads (tests/web/conftest.py).
    for path in ["/stories/s4hostile", "/articles/evil-1", "/articles/evil-2", "/search?q=Evil"]:
        page.goto(reader.url(path))
        assert (
            page.evaluate("document.querySelectorAll('script:not([src]), style, [style]').length")
            == 0
        )
    assert dialogs == []
    # Even markup that did reach the page could not run: the policy forbids it.
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML('beforeend', '<img src="/x" onerror="window.__ran = 1">');
        const s = document.createElement('script');
        s.textContent = 'window.__ran = 2';
        document.body.appendChild(s);
        const a = document.createElement('a');
        a.href = 'javascript:window.__ran = 3';
        a.id = 'jl';
        a.textContent = 'go';
        document.body.appendChild(a);
    }"""
    )
    page.locator("#jl").click()
    # (Playwright's wait_for_function would itself be refused: it evaluates strings.)
    for _ in range(100):
        if page.evaluate("window.__violations.length") >= 3:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.__ran") is None
    violations = page.evaluate("window.__violations")
    assert all(v.startswith("script-src") for v in violations), violations


def test_our_own_script_runs_under_the_csp(page: Any, reader: Served) -> None:
    page.add_init_script(VIOLATIONS)
    # The click scrolls the link into view, and infinite scroll (tested below)
    # may load the page first and remove the link the click still waits for:
    # without the observer, only the click can load it.
    page.add_init_script("delete window.IntersectionObserver;")
    page.goto(reader.url("/"))
    cards = page.locator("ol.story-list > li")
    first_count = cards.count()
    assert first_count == 20
    more = page.get_by_role("link", name=re.compile("More stories"))
    more.click()
    page.locator("ol.story-list > li").nth(20).wait_for()
    assert page.url == reader.url("/")  # loaded in place, no navigation
    assert cards.count() == 28
    titles = cards.locator("h2").all_inner_texts()
    assert len(set(titles)) == len(titles)
    assert page.get_by_role("link", name=re.compile("More stories")).count() == 0
    assert page.evaluate("window.__violations") == []


def test_infinite_scroll_loads_the_next_page(page: Any, reader: Served) -> None:
    page.goto(reader.url("/"))
    page.mouse.wheel(0, 20000)
    page.locator("ol.story-list > li").nth(20).wait_for()
    assert page.url == reader.url("/")


def test_without_javascript_paging_is_a_plain_link(browser: Any, reader: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(reader.url("/"))
    page.get_by_role("link", name=re.compile("More stories")).click()
    page.wait_for_url(re.compile(r"/\?cursor="))
    assert page.locator("ol.story-list > li").count() == 8
    page.goto(reader.url("/stories/s1syria"))
    cite = page.locator("section.summary").get_by_role("link", name="Source 4: Daily Mail")
    cite.focus()
    assert page.locator(".cite-pop", has_text="At least 300 fighters").first.is_visible()
    context.close()


def test_keyboard_navigation(page: Any, reader: Served) -> None:
    page.goto(reader.url("/"))
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to content"
    assert page.locator("a.skip").evaluate("a => a.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    # "/" jumps to the search box from anywhere but a text field.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("Araghchi")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Araghchi"))
    # Tab until the first result's link, then open it with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.result-title') !== null"):
            break
    else:
        pytest.fail("the first result is not reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/guardian-1$"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_at_desktop_and_phone_widths(browser: Any, reader: Served, scheme: str) -> None:
    for device, width in [("desktop", 1280), ("phone", 390)]:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, device_scale_factor=1
        )
        page = context.new_page()
        for name, path in [("front", "/"), ("story", "/stories/s1syria")]:
            page.goto(reader.url(path))
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            saved = shoot(page, f"{name}-{device}-{scheme}")
            assert saved.stat().st_size > 10_000
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        dark = background == "rgb(19, 20, 22)"
        assert dark == (scheme == "dark"), background
        context.close()


def test_a_long_disagreeing_figure_stays_inside_its_box_on_a_phone(
    browser: Any, reader: Served
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(reader.url("/stories/s1syria"))
    # A figure as long as real reports give them ("dozens of Iranian-backed
    # Iraqi Hashd al Shaabi fighters"), set in place of the first value.
    page.locator("section.conflicts .chips strong").first.evaluate(
        "s => { s.textContent = 'dozens of Iranian-backed Iraqi Hashd al Shaabi fighters'; }"
    )
    box = page.locator("section.conflicts").evaluate("e => e.getBoundingClientRect().right")
    rights = page.locator("section.conflicts .chips li").evaluate_all(
        "lis => lis.map(li => li.getBoundingClientRect().right)"
    )
    assert max(rights) <= box, (rights, box)
    context.close()
