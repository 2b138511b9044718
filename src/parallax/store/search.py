"""Full-text search over articles: one ``SearchIndex`` per database dialect.

SQLite searches the FTS5 table of migration 0001 (``porter unicode61
remove_diacritics``, ranked by ``bm25``); PostgreSQL searches the generated
``tsvector`` column of migration 0011 through its GIN index, ranked by
``ts_rank``.  Both take a parsed ``Query`` (``parallax.store.query``), so the
reader's syntax means the same on either.

Known differences, none of which changes which words match in ordinary text:

- Ranking: ``bm25`` and ``ts_rank`` weigh frequency and length differently, so
  the order of the matches can differ; the set of matches does not.
- Stemming: FTS5's Porter stemmer and PostgreSQL's English Snowball stemmer
  (Porter's successor) cut a few words differently; a word and its usual
  inflections land on one stem in both.
- Accents: removed on PostgreSQL only when its ``unaccent`` extension is
  installed (Debian's package has it); otherwise "Café" and "Cafe" differ there.
- Tokens: PostgreSQL classifies letters by the database's locale, so a
  database created with the ``C`` locale treats accented letters as separators.
  Create it with a UTF-8 locale, as ``initdb`` does by default on Debian.
- A phrase may span an article's title and text on PostgreSQL (one document);
  FTS5 keeps them in separate columns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection, RowMapping, bindparam, text

from parallax.store import schema as t
from parallax.store.query import Query

_COLUMNS = ", ".join(f"a.{c.name}" for c in t.articles.c)
"""Article columns by name: a column added by a migration (wire) sits last in an
upgraded table, so ``a.*`` would not line up with the table's order."""


class SearchIndex(Protocol):
    """Full-text search over article titles, texts and outlets."""

    def articles(
        self,
        conn: Connection,
        query: Query,
        *,
        limit: int,
        offset: int = 0,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[RowMapping]:
        """Matching article rows, best match first; optionally only one outlet's,
        or those published in [since, until)."""
        ...

    def story_ids(self, conn: Connection, query: Query, limit: int) -> list[str]:
        """Stories of the matching articles, most recently added article first."""
        ...

    def entities(self, conn: Connection, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The entity objects of these stories' briefings, unpacked by the database
        (a briefing is far larger than its names); malformed entries left out."""
        ...


def index_for(dialect: str) -> SearchIndex:
    if dialect == "sqlite":
        return Fts5Index()
    if dialect == "postgresql":
        return PostgresIndex()
    raise ValueError(f"no full-text search for the {dialect} database; use SQLite or PostgreSQL")


class _SqlIndex:
    """The search both dialects share: filters, paging, the article columns and
    the stories of the matches.  A dialect says only how it matches and orders:

    - ``matches``: the FROM clause, articles as ``a`` beside what the match reads;
    - ``match``: the condition on the query's expression, bound as ``:q``;
    - ``best``: the order of the best match first, ties broken so that pages of
      results do not overlap;
    - ``recent``: the order of the most recently added article first.
    """

    matches: ClassVar[str]
    match: ClassVar[str]
    best: ClassVar[str]
    recent: ClassVar[str]

    def expression(self, query: Query) -> str:
        """The query in the dialect's syntax; empty when nothing can be searched for."""
        raise NotImplementedError

    def articles(
        self,
        conn: Connection,
        query: Query,
        *,
        limit: int,
        offset: int = 0,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Sequence[RowMapping]:
        expression = self.expression(query)
        if not expression:
            return []
        where: list[str] = [self.match]
        params: dict[str, Any] = {"q": expression, "n": limit, "skip": offset}
        for clause, name, value in (
            ("a.source = :source", "source", source),
            ("a.published >= :since", "since", since),
            ("a.published < :until", "until", until),
        ):
            if value is not None:
                where.append(clause)
                params[name] = value
        statement = text(
            f"SELECT {_COLUMNS} FROM {self.matches} WHERE {' AND '.join(where)} "
            f"ORDER BY {self.best} LIMIT :n OFFSET :skip"
        )
        dates = [bindparam(n, type_=t.UTCDateTime) for n in ("since", "until") if n in params]
        if dates:
            statement = statement.bindparams(*dates)
        return conn.execute(statement.columns(*t.articles.c), params).mappings().all()

    def story_ids(self, conn: Connection, query: Query, limit: int) -> list[str]:
        expression = self.expression(query)
        if not expression:
            return []
        rows = conn.execute(
            text(
                f"SELECT a.story_id FROM {self.matches} "
                f"WHERE {self.match} AND a.story_id IS NOT NULL "
                f"ORDER BY {self.recent} LIMIT :n"
            ),
            {"q": expression, "n": limit},
        ).scalars()
        return list(dict.fromkeys(rows))


class Fts5Index(_SqlIndex):
    """SQLite: the external-content FTS5 table ``articles_fts``, kept by triggers."""

    matches = "articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
    match = "articles_fts MATCH :q"
    best = "bm25(articles_fts)"
    recent = "articles_fts.rowid DESC"

    def expression(self, query: Query) -> str:
        return query.fts5()

    def entities(self, conn: Connection, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = conn.execute(
            text(
                "SELECT e.value FROM stories s, json_each(s.briefing, '$.entities') e "
                "WHERE s.id IN :ids AND e.type = 'object'"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(story_ids)},
        ).scalars()
        # SQLite hands an object out as its JSON text.
        found = (_json_object(r) for r in rows)
        return [e for e in found if e is not None]


class PostgresIndex(_SqlIndex):
    """PostgreSQL: the generated ``articles.search`` tsvector and its GIN index."""

    CONFIG = "parallax_search"
    """The text search configuration of migration 0011."""

    matches = f"articles a, to_tsquery('{CONFIG}', :q) q"
    match = "a.search @@ q"
    best = "ts_rank(a.search, q) DESC, a.rowid"
    recent = "a.rowid DESC"

    def expression(self, query: Query) -> str:
        return query.tsquery()

    def entities(self, conn: Connection, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = conn.execute(
            text(
                "SELECT e FROM stories s, json_array_elements(CASE "
                "WHEN json_typeof(s.briefing -> 'entities') = 'array' "
                "THEN s.briefing -> 'entities' END) e "
                "WHERE s.id IN :ids AND json_typeof(e) = 'object'"
            ).bindparams(bindparam("ids", expanding=True)),
            {"ids": list(story_ids)},
        ).scalars()
        # psycopg decodes json values itself.
        return [r for r in rows if isinstance(r, dict)]


def _json_object(raw: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
