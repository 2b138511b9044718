"""Copy a whole database to another, across backends (``parallax migrate-db``).

Both ends are opened as ``Store``, so both are migrated to the same revision
first; every table of ``schema.metadata`` is then copied row by row, parents
before children, in one transaction on the target: a failure leaves the target
as empty as it was.  Each backend's search index follows by itself (FTS5
triggers on SQLite, the generated tsvector on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import JSON, Connection, Integer, MetaData, Table, func, insert, select, text

from parallax.store import schema as t
from parallax.store.database import DatabaseError, Store

BATCH = 1000
"""Rows read and written at a time: an archive does not have to fit in memory."""


@dataclass(slots=True)
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)
    """Rows copied, by table."""


def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy every row of ``source_url`` into ``target_url``, which must hold no data."""
    if source_url == target_url:
        raise DatabaseError("--from and --to name the same database")
    source = Store.open(source_url)
    try:
        target = Store.open(target_url)
        try:
            return _copy(source, target)
        finally:
            target.close()
    finally:
        source.close()


def _copy(source: Store, target: Store) -> CopyReport:
    report = CopyReport()
    tables = _for_insert(t.metadata)
    with source.engine.connect() as read, target.engine.begin() as write:
        occupied = [
            table.name
            for table in t.metadata.sorted_tables
            if write.execute(select(func.count()).select_from(table)).scalar_one()
        ]
        if occupied:
            raise DatabaseError(
                f"the target database already holds data (in {', '.join(occupied)}); "
                "copy into a new, empty database"
            )
        for table in t.metadata.sorted_tables:
            rows = read.execution_options(yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key.columns)
            )
            copied = 0
            for batch in rows.mappings().partitions():
                write.execute(insert(tables[table.name]), [dict(r) for r in batch])
                copied += len(batch)
            report.rows[table.name] = copied
        if write.dialect.name == "postgresql":
            _advance_sequences(write)
    return report


def _for_insert(metadata: MetaData) -> dict[str, Table]:
    """The tables with their JSON columns writing None as SQL NULL: the store
    leaves an unwritten briefing NULL, and the copy must not turn it into the
    JSON value ``null``, which ``IS NULL`` would no longer find."""
    copies = MetaData()
    tables: dict[str, Table] = {}
    for table in metadata.sorted_tables:
        copy = table.to_metadata(copies)
        for column in copy.columns:
            if isinstance(column.type, JSON):
                column.type = JSON(none_as_null=True)
        tables[table.name] = copy
    return tables


def _advance_sequences(conn: Connection) -> None:
    """Rows were copied with their ids, which PostgreSQL's sequences did not hand
    out: move each past the largest id, or the next insert would collide."""
    for table in t.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table.name}), 0) + 1, false)"
            )
        )
