"""The pipeline on Dask workers (``--workers``, ``--cluster``) gives what one process gives.

The comparison imports a sample of BASIL events among BBC distractors, with a
record that holds no article and re-imports by id and by text, once in this
process and once on a two-worker ``LocalCluster`` (real worker processes on
127.0.0.1): every story assignment, the report and the briefings must match.
``bench/scaling.py --compare`` runs the same comparison on all 2,525 articles.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

import parallax
from parallax.model import Document
from parallax.settings import Settings, SettingsError
from tests.conftest import bench_module, run_cli, shared_data

TRIPLETS = 12
"""BASIL events in the sample (three outlets each): enough multi-article stories."""
DISTRACTOR_EVERY = 35
"""Every 35th BBC article of the events' years: 64 single-article stories among them."""


def sample() -> list[Document]:
    """About 100 documents in date order, as bench/clustering.py loads BASIL and BBC,
    then the awkward records: one without text, one sent twice, and one outlet's
    text again under another id, one batch further (the workers run batches ahead)."""
    clustering = bench_module("clustering", "basil", "bbc")
    events = clustering.basil(shared_data())
    chosen = sorted({gold for _, gold in events})[:TRIPLETS]
    events = [(a, g) for a, g in events if g in chosen]
    dates = [a.published for a, _ in events if a.published]
    distractors = clustering.bbc(shared_data(), min(dates), max(dates))[::DISTRACTOR_EVERY]
    items = sorted(events + distractors, key=lambda x: (x[0].published, x[0].id))
    documents = bench_module("scaling").documents([a for a, _ in items])
    first = documents[0]
    return [
        *documents,
        Document(body="   ", is_html=False, id="blank", origin="blank.txt"),
        first,
        replace(first, id="the-same-text-again"),
    ]


@dataclass(frozen=True, slots=True)
class Imported:
    counts: tuple[int, int, int]
    """Imported, duplicates, failed."""
    assignments: dict[str, str]
    briefings: dict[str, Any]


def imported(engine: parallax.Engine, documents: list[Document]) -> Imported:
    report = engine.import_documents(documents)
    assignments = {}
    briefings = {}
    offset = 0
    while page := engine.stories(limit=200, offset=offset):
        offset += len(page)
        for row in page:
            detail = engine.story(row.id)
            assert detail is not None
            assignments |= {a.id: row.id for a in detail.articles}
            document = detail.document()
            for stamp in ("created", "updated"):  # when it ran, not what it found
                document.pop(stamp)
            briefings[row.id] = document
    return Imported((report.imported, report.duplicates, report.failed), assignments, briefings)


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return sample()


@pytest.fixture(scope="module")
def in_one_process(documents: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Imported:
    db = tmp_path_factory.mktemp("one") / "one.db"
    with parallax.open(str(db), Settings()) as engine:
        return imported(engine, documents)


@pytest.fixture(scope="module")
def on_two_workers(
    documents: list[Document], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Imported, str]]:
    """The import on two local workers, and the address of their scheduler, which
    stays up until the module's tests are done (closing the engine stops it)."""
    db = tmp_path_factory.mktemp("two") / "two.db"
    with parallax.open(str(db), Settings(workers=2)) as engine:
        result = imported(engine, documents)
        cluster = engine.pipeline().cluster
        assert cluster is not None and cluster.workers() == 2
        yield result, cluster.address


@pytest.mark.slow
@pytest.mark.data
def test_two_workers_assign_every_article_as_one_process_does(
    documents: list[Document], in_one_process: Imported, on_two_workers: tuple[Imported, str]
) -> None:
    distributed, _ = on_two_workers
    stories = set(in_one_process.assignments.values())
    sizes = sorted(
        (list(in_one_process.assignments.values()).count(s) for s in stories), reverse=True
    )
    print(
        f"{len(in_one_process.assignments)} articles, {len(stories)} stories, largest {sizes[:5]}"
    )
    assert sizes[0] >= 3  # the sample forms multi-article stories, or this shows little
    assert distributed.counts == in_one_process.counts
    imported, duplicates, failed = in_one_process.counts
    assert imported + duplicates + failed == len(documents)
    assert duplicates >= 2 and failed == 1  # the blank record, the two repeats
    assert distributed.assignments == in_one_process.assignments
    assert json.dumps(distributed.briefings, sort_keys=True) == json.dumps(
        in_one_process.briefings, sort_keys=True
    )


@pytest.mark.slow
@pytest.mark.data
def test_the_cli_joins_a_running_cluster_whose_workers_loaded_the_models(
    on_two_workers: tuple[Imported, str], tmp_path: Path
) -> None:
    _, address = on_two_workers
    from distributed import Client

    with Client(address) as client:
        loaded = client.run(lambda dask_worker: "parallax-models" in dask_worker.plugins)
    assert list(loaded.values()) == [True, True]
    ran = run_cli(
        "--db",
        str(tmp_path / "joined.db"),
        "import",
        str(shared_data("seeds")),
        "--cluster",
        address,
    )
    assert ran.returncode == 0, ran.stderr
    assert "imported 5, duplicates 0, failed 0, stories touched 1" in ran.stdout


def test_one_process_does_not_import_dask() -> None:
    code = (
        "import sys, parallax.cli, parallax.engine, parallax.pipeline\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def test_the_cluster_address_is_a_setting() -> None:
    assert Settings.from_env({}).cluster is None
    given = {"PARALLAX_CLUSTER": "tcp://scheduler:8786"}
    assert Settings.from_env(given).cluster == "tcp://scheduler:8786"
    with pytest.raises(SettingsError, match=r"^\$PARALLAX_CLUSTER is 'scheduler'; expected a Dask"):
        Settings.from_env({"PARALLAX_CLUSTER": "scheduler"})
    with pytest.raises(SettingsError, match="both set"):
        Settings(workers=2, cluster="tcp://scheduler:8786")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "2", "--cluster", "tcp://127.0.0.1:1"], "give --workers or --cluster"),
        (["--cluster", "127.0.0.1:8786"], "is not a Dask scheduler address"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_where_to_run_is_checked_before_anything_starts(
    args: list[str], message: str, tmp_path: Path
) -> None:
    page = tmp_path / "a.txt"
    page.write_text("Title\n\nSome text of an article.", encoding="utf-8")
    ran = run_cli("--db", str(tmp_path / "p.db"), "import", str(page), *args)
    assert ran.returncode != 0
    assert message in ran.stderr
    assert not (tmp_path / "p.db").exists()
