"""story threads: each story names the thread of events it belongs to

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("thread_id", sa.String(32), nullable=True))
    # A story stored before threads existed starts its own.
    op.execute("UPDATE stories SET thread_id = id")
    op.create_index("ix_stories_thread", "stories", ["thread_id"])


def downgrade() -> None:
    op.drop_index("ix_stories_thread", "stories")
    with op.batch_alter_table("stories") as batch_op:
        batch_op.drop_column("thread_id")
