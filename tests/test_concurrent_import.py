"""Several importers on one database at once: nothing lost, nothing twice, none dies.

Real processes (``python -m parallax import``) on one real SQLite file, as an
operator would start them: each loads the models, so the test is slow.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.model import Article
from parallax.store import Store
from tests.conftest import shared_data

pytestmark = pytest.mark.slow

SUMMARY = re.compile(r"imported (\d+).*, duplicates (\d+), failed (\d+)")


def bbc_records(count: int) -> list[dict[str, str]]:
    """``count`` BBC articles as JSON Lines records, taken round the topics in turn."""
    topics = sorted(p for p in shared_data("bbc", "articles").iterdir() if p.is_dir())
    files = [sorted(topic.glob("*.txt")) for topic in topics]
    records = []
    for i in range(count):
        path = files[i % len(files)][i // len(files)]
        title, _, body = path.read_bytes().decode("latin-1").strip().partition("\n")
        records.append(
            {
                "id": f"bbc-{path.parent.name}-{path.stem}",
                "title": title.strip(),
                "text": body.strip(),
                "source": "BBC",
                "published": f"2024-01-{1 + i % 28:02d}T12:00:00+00:00",
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_three_importers_of_overlapping_files_lose_and_repeat_nothing(tmp_path: Path) -> None:
    records = bbc_records(20)
    # Every article is in two or three of the files, in different batches.
    files = [
        write_jsonl(tmp_path / "a.jsonl", records[:14]),
        write_jsonl(tmp_path / "b.jsonl", records[6:]),
        write_jsonl(tmp_path / "c.jsonl", records[::-1]),
    ]
    db = tmp_path / "parallax.db"
    Store.open(str(db)).close()  # migrated once: the race under test is the import's
    importers = [
        subprocess.Popen(
            [sys.executable, "-m", "parallax", "--db", str(db), "import", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [(p, *p.communicate(timeout=600)) for p in importers]

    imported = 0
    for (process, out, errors), file in zip(results, files, strict=True):
        assert process.returncode == 0, errors
        found = SUMMARY.search(out)
        assert found, out
        new, duplicates, failed = map(int, found.groups())
        assert failed == 0, out + errors
        assert new + duplicates == len(file.read_text().splitlines())
        imported += new
    assert imported == len(records)

    store = Store.open(str(db))
    try:
        stored = [store.article(r["id"]) for r in records]
        assert all(isinstance(a, Article) and a.story_id for a in stored)
        assert store.count_articles() == len(records)
        assert not [e for e in store.recent_errors(1000) if "stored" in e[2]]
    finally:
        store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # Every article has its parse and its assignment, once.
        for table, column in (("article_nlp", "article_id"), ("assignments", "article_id")):
            count, distinct = conn.execute(
                f"SELECT count(*), count(DISTINCT {column}) FROM {table}"
            ).fetchone()
            assert count == distinct == len(records), table
