"""Full-text search on a real SQLite store: the reader's query syntax, other
spellings from the stories' merged entities, and articles with a wire credit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from parallax.model import Article, Story
from parallax.store import Store
from parallax.store.query import parse
from tests.stored import store_briefing_json

DAY = datetime(2026, 10, 14, 9, tzinfo=UTC)


def _story(store: Store, story_id: str, texts: dict[str, str], briefing: dict[str, Any]) -> None:
    with store.writer() as w:
        w.save_story(Story(id=story_id, title=story_id), b"", [], None, None)
        for article_id, text in texts.items():
            w.add_article(
                Article(
                    id=article_id,
                    text=text,
                    title=f"Report {article_id}",
                    source=f"Outlet {article_id}",
                    story_id=story_id,
                    published=DAY,
                    wire="PA Media" if article_id.startswith("pa") else None,
                ),
                content_hash=f"hash-{article_id}",
            )
    # As stored, junk included: search must read what any version wrote.
    store_briefing_json(store, story_id, story_id, briefing)


@pytest.fixture
def dam(store: Store) -> Store:
    _story(
        store,
        "sdam",
        {
            "clarion": "The dam above Karatash burst on Tuesday night.",
            "dispatch": "Floodwater swept through Qaratash after the dam failed.",
            "ledger": "Anger grows in Qaratash below the dam. Dr Leyla Mansur treated the injured.",
            "pa-1": "Rescuers reached the valley, PA Media reported.",
        },
        {
            "entities": [
                {"name": "Qaratash", "type": "GPE", "aliases": ["Qaratash", "Karatash"]},
                {"name": "Leyla Mansur", "type": "PERSON", "aliases": ["Mansur"]},
                "junk a buggy stage might write",
                {"name": None, "aliases": "not a list"},
            ]
        },
    )
    _story(
        store,
        "sfarm",
        {"farm": "Karim Mansur, a farmer, lost his herd."},
        {"entities": [{"name": "Karim Mansur", "type": "PERSON", "aliases": ["Mansur"]}]},
    )
    return store


def _ids(store: Store, query: str) -> set[str]:
    return {a.id for a in store.search(query)}


def test_an_article_with_a_wire_credit_is_found(dam: Store) -> None:
    # The wire column came with a migration, so it sits last in the table:
    # reading rows by position put "PA Media" in the date column.
    found = dam.search("rescuers")
    assert [a.id for a in found] == ["pa-1"]
    assert found[0].wire == "PA Media" and found[0].added is not None


def test_a_spelling_finds_the_stories_that_spell_it_otherwise(dam: Store) -> None:
    assert _ids(dam, "Karatash") == {"clarion", "dispatch", "ledger"}
    assert _ids(dam, "qaratash") == {"clarion", "dispatch", "ledger"}
    assert set(dam.search_story_ids("Karatash")) == {"sdam"}
    assert "Qaratash" in dam.search_words("Karatash")


def test_a_shorter_alias_never_widens_a_name_to_other_people(dam: Store) -> None:
    assert _ids(dam, '"Leyla Mansur"') == {"ledger"}
    assert _ids(dam, "Mansur") == {"ledger", "farm"}


def test_or_phrases_prefixes_and_exclusions(dam: Store) -> None:
    assert _ids(dam, "farmer OR rescuers") == {"farm", "pa-1"}
    assert _ids(dam, "farmer or rescuers") == set()  # lower-case "or" is a word
    assert _ids(dam, '"dam failed"') == {"dispatch"}
    assert _ids(dam, '"failed dam"') == set()
    assert _ids(dam, "flood*") == {"dispatch"}
    assert _ids(dam, "dam -tuesday") == {"dispatch", "ledger"}
    assert _ids(dam, "dam NOT tuesday") == {"dispatch", "ledger"}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "(",
        ")",
        "*",
        "-",
        "--",
        "NEAR",
        "NEAR(dam flood)",
        "OR",
        "AND",
        "NOT",
        "dam OR",
        "OR dam",
        "dam AND OR NOT",
        "title:dam",
        "^dam",
        "dam\x00flood",
        "\x00",
        '"unclosed phrase',
        "dam*)",
        "{dam}",
        "'",
        "-dam",
        "a" * 5000,
        " ".join(["dam"] * 500),
    ],
)
def test_no_input_breaks_the_query(dam: Store, query: str) -> None:
    dam.search(query)  # a list, never an FTS5 syntax error
    dam.search_story_ids(query)


def test_operators_are_words_where_they_are_not_operators() -> None:
    assert parse("NEAR").fts5() == '("NEAR")'
    assert parse("dam OR").fts5() == '("dam")'
    assert parse("covid-19 U.S.").fts5() == '("covid 19") AND ("U S")'
    assert parse('"Leyla Mansur"* OR -x').fts5() == '(("Leyla Mansur"*)) NOT ("x")'
    assert parse("-dam").fts5() == ""  # exclusion alone: nothing to search for
    assert parse("* ( ) \x00").fts5() == ""
