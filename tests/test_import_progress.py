"""The import's progress: a bar with rate and time left on a terminal, nothing when piped."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

import parallax
from parallax import cli, engine
from parallax.ingest.files import read_paths
from parallax.settings import Settings
from tests.conftest import shared_data


def shown(terminal: bool, label: str, total: int | None, unit: str, steps: list[int]) -> str:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=terminal, width=120, color_system=None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "err", console)
        with cli._stage(label, total, unit) as advance:
            for n in steps:
                time.sleep(0.05)  # Rich needs time between two counts for a rate
                advance(n)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())


def test_a_file_import_on_a_terminal_shows_bytes_rate_and_time_left() -> None:
    text = shown(True, "importing articles", 3_000_000, "bytes", [1_000_000, 2_000_000])
    last = text.splitlines()[-1]
    assert "importing articles" in last and "3.0/3.0 MB" in last, text
    assert re.search(r"\d B/s|[kMG]B/s", last), last  # the rate
    assert re.search(r"\d:\d\d:\d\d\s+\d:\d\d:\d\d", last), last  # time left, then taken


def test_a_counted_step_shows_its_count_rate_and_time_left() -> None:
    last = shown(True, "writing briefings", 4, "", [1, 3]).splitlines()[-1]
    assert "4/4" in last and re.search(r"[\d.]+/s", last), last


def test_a_stream_of_unknown_length_shows_what_is_done_and_the_rate() -> None:
    last = shown(True, "importing articles", None, "", [32, 32]).splitlines()[-1]
    assert "64 done" in last and re.search(r"[\d.]+/s", last), last


def test_nothing_is_shown_when_the_output_is_not_a_terminal() -> None:
    assert shown(False, "importing articles", 3_000_000, "bytes", [3_000_000]) == ""


@pytest.mark.slow
def test_the_engine_imports_a_stream_a_batch_at_a_time_and_counts_its_bytes(
    tmp_path: Path,
) -> None:
    # It made a list of every document first: a 1 GB file was held whole.
    texts = sorted(shared_data("bbc", "articles", "business").glob("*.txt"))[:10]
    path = tmp_path / "ten.jsonl"
    with path.open("w") as out:
        for text in texts:
            title, _, body = text.read_text(errors="replace").partition("\n")
            out.write(json.dumps({"source": "BBC", "title": title, "text": body}) + "\n")
    reading = read_paths([str(path)])
    steps: list[tuple[str, int | None, str]] = []
    read_at_first: list[int] = []
    counted: list[int] = []

    @contextmanager
    def stage(label: str, total: int | None, unit: str = "") -> Iterator[Callable[[int], None]]:
        steps.append((label, total, unit))

        def advance(n: int) -> None:
            if label == "importing articles":
                read_at_first.append(reading.done)
                counted.append(n)

        yield advance

    with parallax.open(str(tmp_path / "p.db"), Settings()) as engine:
        engine.pipeline().batch_size = 4
        report = engine.import_documents(reading, stage=stage)
    size = path.stat().st_size
    assert report.imported == 10
    assert ("importing articles", size, "bytes") in steps
    assert sum(counted) == size and len(counted) == 3  # batches of 4, 4 and 2
    assert read_at_first[0] < size / 2  # only the first batch had been read


def test_the_bar_counts_the_bytes_of_the_documents_done_not_of_those_read_ahead(
    tmp_path: Path,
) -> None:
    """A Dask cluster's window keeps batches on the workers while further ones are
    read: the bar counted the bytes read, ran ahead of the import, and stood at
    the end while the last batches were still being worked on."""
    path = tmp_path / "five.jsonl"
    lines = [json.dumps({"source": "Outlet", "text": f"Report {i}. " * (i + 1)}) for i in range(5)]
    path.write_text("".join(line + "\n" for line in lines))
    ends = [sum(len(line) + 1 for line in lines[: i + 1]) for i in range(5)]
    reading = read_paths([str(path)])
    shown: list[int] = []
    counted = engine._BytesDone(reading, shown.append)
    taken = counted.handed(reading)
    for _ in range(4):  # two batches of two in flight
        next(taken)
    counted.done(2)  # the first batch written
    assert shown == [ends[1]]
    next(taken)
    counted.done(2)
    assert sum(shown) == ends[3]  # the read-ahead batch is not counted yet
    counted.done(1)
    assert sum(shown) == ends[4] == path.stat().st_size
