"""story repair: ids of merged stories keep resolving to the story that absorbed them

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_aliases",
        sa.Column("alias", sa.String(length=32), nullable=False),
        sa.Column("story_id", sa.String(length=32), nullable=False),
        sa.Column("merged", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], deferrable=True, initially="DEFERRED"
        ),
        sa.PrimaryKeyConstraint("alias"),
    )
    with op.batch_alter_table("story_aliases") as batch_op:
        batch_op.create_index("ix_story_aliases_story", ["story_id"])


def downgrade() -> None:
    with op.batch_alter_table("story_aliases") as batch_op:
        batch_op.drop_index("ix_story_aliases_story")
    op.drop_table("story_aliases")
