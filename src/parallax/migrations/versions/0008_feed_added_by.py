"""feed added_by: the account that added a feed, which may remove it (besides the first account)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign key: removing an account must not be blocked by the feeds it added.
    op.add_column("sources", sa.Column("added_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch_op:
        batch_op.drop_column("added_by")
