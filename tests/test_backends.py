"""What must hold on SQLite and on PostgreSQL alike: data the schema's string
lengths would refuse on PostgreSQL, times that come back as they went in, and
search that splits, stems and folds words the same way on both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from importlib import resources

import pytest
from alembic import command
from alembic.config import Config

from parallax.model import Article, Story
from parallax.store import Store
from parallax.store.query import parse

DAY = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)


def _add(store: Store, article_id: str, text: str, **fields: object) -> None:
    with store.writer() as w:
        w.save_story(Story(id="s1", title="t"), b"", [], None, None)
        w.add_article(
            Article(id=article_id, text=text, story_id="s1", **fields),  # type: ignore[arg-type]
            content_hash=f"h-{article_id}",
        )


def test_long_ids_and_languages_from_outside_are_kept(store: Store) -> None:
    # An imported file may use URLs as ids; SQLite never enforced VARCHAR(128),
    # and PostgreSQL refused such an article until revision 0011.
    long_id = "https://example.org/" + "section/" * 30 + "story"
    _add(store, long_id, "A report.", language="en-GB-oxendict-x-private")
    found = store.article(long_id)
    assert found is not None
    assert found.language == "en-GB-oxendict-x-private"


def _migrate(store: Store, to: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(resources.files("parallax") / "migrations"))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, to)


def test_the_search_revision_indexes_articles_stored_before_it(store: Store) -> None:
    # A database that predates revision 0011 (on PostgreSQL: no tsvector yet) holds
    # articles; upgrading must make them searchable, not only the ones added later.
    _migrate(store, "0010", down=True)
    _add(store, "old", "Floodwater reached the old town.", title="Before the upgrade")
    _migrate(store, "heads")
    _add(store, "new", "Floodwater reached the new town.")
    assert {a.id for a in store.search("floodwater")} == {"old", "new"}
    assert [a.id for a in store.search('"old town"')] == ["old"]


def test_a_nul_character_never_fails_a_write(store: Store) -> None:
    # PostgreSQL's text cannot hold U+0000, which SQLite stores; scraped text and a
    # broken server's error message can carry one.  The PostgreSQL store drops it.
    _add(store, "nul", "Scraped\x00 text.", title="Title\x00 here", source="Wire\x00")
    store.record_error("https://feed.example/", "HTTP 500: \x00garbage")
    found = store.article("nul")
    assert found is not None
    assert (found.text.replace("\x00", ""), found.title) in {
        ("Scraped text.", "Title\x00 here"),  # SQLite
        ("Scraped text.", "Title here"),  # PostgreSQL
    }
    assert [m.replace("\x00", "") for _, _, m in store.recent_errors()] == ["HTTP 500: garbage"]


def test_times_come_back_as_the_same_instant_in_utc(store: Store) -> None:
    east = timezone(timedelta(hours=5, minutes=30))
    _add(store, "a1", "Dated report.", published=DAY.astimezone(east))
    found = store.article("a1")
    assert found is not None and found.published == DAY
    assert found.published.tzinfo is not None and found.published.utcoffset() == timedelta(0)
    # Filtering by date compares instants, not wall-clock readings.
    assert [a.id for a in store.search("dated", since=DAY - timedelta(minutes=1))] == ["a1"]
    assert store.search("dated", since=DAY + timedelta(minutes=1)) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("covid-19", {"hyphen"}),  # one phrase of two tokens, as FTS5 splits it
        ('"covid 19"', {"hyphen"}),
        ("bbc", {"dotted"}),  # a host name is words, not one token
        ("3.5", {"dotted"}),
        ("cafe", {"accent"}),  # accents folded on both sides
        ("Café", {"accent"}),
        ("flooding", {"stem"}),  # stemmed: "floods" and "flooding" meet
        ("the", {"hyphen", "stem"}),  # no stop words, as in FTS5
        ("flood*", {"stem"}),
        ("bbc OR cafe", {"dotted", "accent"}),
        ("the -floods", {"hyphen"}),
    ],
)
def test_search_reads_words_the_same_way_on_both_backends(
    store: Store, query: str, expected: set[str]
) -> None:
    _add(store, "hyphen", "The covid-19 cases rose.")
    _add(store, "dotted", "Figures from bbc.co.uk show 3.5 per cent.")
    _add(store, "accent", "A new café opened.")
    _add(store, "stem", "The floods receded.")
    assert {a.id for a in store.search(query)} == expected


def test_a_query_renders_to_the_same_meaning_for_fts5_and_tsquery() -> None:
    query = parse('militia* "Bou Kamal" OR Bukamal -Damascus')
    assert query.fts5() == '(("militia"*) AND ("Bou Kamal" OR "Bukamal")) NOT ("Damascus")'
    assert query.tsquery() == (
        "((('militia':*)) & (('Bou' <-> 'Kamal') | ('Bukamal'))) & !(('Damascus'))"
    )
    # Exclusion alone finds nothing on either backend, rather than everything.
    assert parse("-Damascus").tsquery() == parse("-Damascus").fts5() == ""
