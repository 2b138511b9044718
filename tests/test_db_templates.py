"""``tests/pg.py``'s ``Templates``: the SQLite databases several tests copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.store import Store
from tests.pg import Templates


def test_a_template_whose_build_failed_is_built_again(tmp_path: Path) -> None:
    """A build that fails half way leaves no template behind: the next test's
    database is built anew, not copied from what the failed build had written."""
    builds: list[str] = []

    def build(url: str) -> Store:
        store = Store.open(url)
        builds.append(url)
        if len(builds) == 1:
            store.add_feed("https://example.org/half.xml")
            store.close()
            raise RuntimeError("the build failed half way")
        store.add_feed("https://example.org/feed.xml")
        return store

    templates = Templates(tmp_path)
    with pytest.raises(RuntimeError):
        templates.open(f"sqlite:///{tmp_path / 'first.db'}", build)
    store = templates.open(f"sqlite:///{tmp_path / 'second.db'}", build)
    try:
        assert [f.url for f in store.feeds()] == ["https://example.org/feed.xml"]
    finally:
        store.close()
    assert len(builds) == 2
