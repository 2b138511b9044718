"""assignments: the scores that placed each article in its story, for `parallax explain`

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("article_id", sa.String(128), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("story_id", sa.String(32), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("decided", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("assignments")
