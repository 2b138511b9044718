"""postgresql search: a tsvector of each article with a GIN index, and unbounded strings

Revision ID: 0011
Revises: 0010

On PostgreSQL only; SQLite keeps the FTS5 index of revision 0001 and has
nothing to do here.

The index reads an article as FTS5's ``porter unicode61 remove_diacritics``
tokenizer does: every run of letters and digits is a token (the text's other
characters become spaces before PostgreSQL's parser sees it, so "covid-19",
"3.5" and "bbc.co.uk" split as FTS5 splits them), accents are removed when the
``unaccent`` extension is there, and words are stemmed by the English Snowball
stemmer with no stop words, as FTS5 keeps every word.  The column is generated,
so PostgreSQL itself keeps it in step with every insert and update.

String lengths: SQLite never enforced ``VARCHAR(n)``, and ids and languages come
from outside (an imported file's ids may be URLs), so a length that PostgreSQL
would enforce turns into a failed import there only.  Every ``VARCHAR`` becomes
``TEXT`` so both backends accept the same data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CONFIG = "parallax_search"
STEMMER = "parallax_english_stem"
WORD_TOKENS = "asciiword, word, numword"
"""The parser's token types left once every other character is a space."""

DOCUMENT = (
    "regexp_replace(coalesce(title, '') || ' ' || text || ' ' || coalesce(source, ''), "
    "'[^[:alnum:]]+', ' ', 'g')"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    varchars = bind.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'character varying' "
            "AND table_name <> 'alembic_version'"
        )
    ).all()
    for table, column in varchars:
        op.alter_column(table, column, type_=sa.Text())

    unaccent = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    ).scalar()
    if unaccent:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(f"CREATE TEXT SEARCH DICTIONARY {STEMMER} (TEMPLATE = snowball, LANGUAGE = english)")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    dictionaries = f"unaccent, {STEMMER}" if unaccent else STEMMER
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {WORD_TOKENS} "
        f"WITH {dictionaries}"
    )
    op.execute(
        "ALTER TABLE articles ADD COLUMN search tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}', {DOCUMENT})) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_search")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {STEMMER}")
