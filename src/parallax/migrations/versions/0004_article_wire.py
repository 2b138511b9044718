"""article wire: the news agency an article credits as the author of its text

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of ``articles`` would drop the FTS5 triggers.
    op.add_column("articles", sa.Column("wire", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite has dropped columns in place since 3.35, which keeps the triggers too.
    op.execute("ALTER TABLE articles DROP COLUMN wire")
