"""A story's headline is a news report's title, not a column's."""

from __future__ import annotations

import numpy as np

from parallax.model import Article
from parallax.pipeline import _headline
from parallax.store import StoredNLP


def _stored(article_id: str, vector: list[float]) -> StoredNLP:
    v = np.asarray(vector, dtype=np.float32)
    return StoredNLP(article_id, b"", (v / np.linalg.norm(v)).tobytes(), None, [])


def test_a_column_names_the_story_only_when_no_report_does() -> None:
    column = Article(
        id="c",
        text="...",
        title="Trump stays banned on Facebook. Keep it that way.",
        url="https://example.com/opinion/articles/keep-it-that-way",
    )
    report = Article(
        id="r", text="...", title="Facebook board upholds Trump ban", url="https://example.com/n/1"
    )
    other = Article(id="o", text="...", title="Trump still blocked from Facebook", url=None)
    # The column sits nearest the centre of the three.
    stored = {
        "c": _stored("c", [1.0, 0.0]),
        "r": _stored("r", [1.0, 0.6]),
        "o": _stored("o", [1.0, -0.7]),
    }
    assert _headline([column, report, other], stored) in (report.title, other.title)
    assert _headline([column], {"c": stored["c"]}) == column.title
