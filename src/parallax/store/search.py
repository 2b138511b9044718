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
from typing import Any, Protocol

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


def _filters(
    source: str | None, since: datetime | None, until: datetime | None
) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    for clause, name, value in (
        ("a.source = :source", "source", source),
        ("a.published >= :since", "since", since),
        ("a.published < :until", "until", until),
    ):
        if value is not None:
            where.append(clause)
            params[name] = value
    return where, params


def _ranked(
    conn: Connection, sql: str, params: dict[str, Any], where: list[str]
) -> Sequence[RowMapping]:
    statement = text(sql)
    dates = [bindparam(n, type_=t.UTCDateTime) for n in ("since", "until") if n in params]
    if dates:
        statement = statement.bindparams(*dates)
    return conn.execute(statement.columns(*t.articles.c), params).mappings().all()


class Fts5Index:
    """SQLite: the external-content FTS5 table ``articles_fts``, kept by triggers."""

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
        match = query.fts5()
        if not match:
            return []
        where, params = _filters(source, since, until)
        params.update(q=match, n=limit, skip=offset)
        sql = (
            f"SELECT {_COLUMNS} FROM articles_fts "
            "JOIN articles a ON a.rowid = articles_fts.rowid "
            f"WHERE {' AND '.join(['articles_fts MATCH :q', *where])} "
            "ORDER BY bm25(articles_fts) LIMIT :n OFFSET :skip"
        )
        return _ranked(conn, sql, params, where)

    def story_ids(self, conn: Connection, query: Query, limit: int) -> list[str]:
        match = query.fts5()
        if not match:
            return []
        rows = conn.execute(
            text(
                "SELECT a.story_id FROM articles_fts "
                "JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH :q AND a.story_id IS NOT NULL "
                "ORDER BY articles_fts.rowid DESC LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).scalars()
        return list(dict.fromkeys(rows))

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


class PostgresIndex:
    """PostgreSQL: the generated ``articles.search`` tsvector and its GIN index."""

    CONFIG = "parallax_search"
    """The text search configuration of migration 0011."""

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
        match = query.tsquery()
        if not match:
            return []
        where, params = _filters(source, since, until)
        params.update(q=match, n=limit, skip=offset)
        sql = (
            f"SELECT {_COLUMNS} FROM articles a, to_tsquery('{self.CONFIG}', :q) q "
            f"WHERE {' AND '.join(['a.search @@ q', *where])} "
            # rowid breaks ties, so that pages of results do not overlap.
            "ORDER BY ts_rank(a.search, q) DESC, a.rowid LIMIT :n OFFSET :skip"
        )
        return _ranked(conn, sql, params, where)

    def story_ids(self, conn: Connection, query: Query, limit: int) -> list[str]:
        match = query.tsquery()
        if not match:
            return []
        rows = conn.execute(
            text(
                "SELECT a.story_id FROM articles a "
                f"WHERE a.search @@ to_tsquery('{self.CONFIG}', :q) AND a.story_id IS NOT NULL "
                "ORDER BY a.rowid DESC LIMIT :n"
            ),
            {"q": match, "n": limit},
        ).scalars()
        return list(dict.fromkeys(rows))

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
