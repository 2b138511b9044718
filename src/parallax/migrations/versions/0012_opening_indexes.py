"""opening indexes: what a pipeline reads when it starts, found without a table scan

Revision ID: 0012
Revises: 0011

A pipeline starts by loading the de-duplication window (articles by news time,
``coalesce(published, added)``), the hot stories (by ``last_published``) and the
stories left dirty; every one of them scanned its table, and ``article_nlp``'s
rows carry whole parses, so on a 100,000-article archive the window alone read
about a gigabyte.  ``duplicate_of`` serves a copy that turns out to predate its
original (``Writer.reroot_copies``), which otherwise scans every article.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The expression is written as the queries write it, so that either
    # backend's planner matches the one to the other.
    op.create_index("ix_articles_news_time", "articles", [sa.text("coalesce(published, added)")])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.create_index("ix_stories_last_published", "stories", ["last_published"])
    op.create_index("ix_stories_dirty", "stories", ["dirty"])


def downgrade() -> None:
    op.drop_index("ix_stories_dirty", "stories")
    op.drop_index("ix_stories_last_published", "stories")
    op.drop_index("ix_articles_duplicate_of", "articles")
    op.drop_index("ix_articles_news_time", "articles")
