"""Signing in, following an entity, and finding its story in For you, in Chromium
(the accounts themselves are tested in tests/web/test_accounts.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..web.conftest import build_store
from .conftest import Served

PASSWORD = "a-long-browser-password"


@pytest.fixture()
def shared_reader(tmp_path: Path) -> Iterator[Served]:
    """A reader with accounts: every page asks to sign in first."""
    store = build_store(tmp_path / "accounts.db")
    store.accounts.add_user("reader", PASSWORD)
    served = Served(store)
    yield served
    served.close()
    store.close()


def test_sign_in_follow_an_entity_and_see_it_in_for_you(page: Any, shared_reader: Served) -> None:
    page.goto(shared_reader.url("/stories/s1syria"))
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Name").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/stories/s1syria$"))  # back where the reader was going

    entities = page.locator("details#entities")  # folded until the reader opens it
    entities.locator("> summary").click()
    entities.get_by_role("link", name="Abbas Araghchi").click()
    page.wait_for_url(re.compile(r"/entities/Abbas%20Araghchi$"))
    page.get_by_role("button", name="Follow Abbas Araghchi").click()
    # The click posts a form and loads the page again: an is_visible() at once could
    # still see the old page on a busy machine; wait_for() fails if it never shows.
    page.get_by_role("button", name="Stop following Abbas Araghchi").wait_for(state="visible")

    page.get_by_role("link", name="For you").first.click()
    page.wait_for_url(re.compile(r"/for-you"))
    story = page.get_by_role("link", name="Iran-backed militias enter Syria")
    assert story.is_visible()
    assert "Abbas Araghchi" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Storm closes ports").count() == 0
    story.click()
    page.wait_for_url(re.compile(r"/stories/s1syria$"))
