"""Imports of any size: JSON Lines stream with bounded memory, a record over the
limit costs that record, and the reading says how far through its input it is."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from parallax import settings
from parallax.ingest import IngestError
from parallax.ingest import files as ingest_files
from parallax.ingest.files import read_paths
from parallax.model import Document

RECORD = json.dumps(
    {"source": "Gazette", "title": "Sea wall", "text": "The council approved the budget. " * 60}
).encode()
LONG_RECORD = json.dumps({"title": "Long", "text": "The council met again. " * 1000}).encode()


def write_jsonl(path: Path, megabytes: int, record: bytes = RECORD) -> int:
    """A JSON Lines file of about ``megabytes`` MiB of the same record; its record count."""
    block = (record + b"\n") * 256
    count = 0
    with path.open("wb") as out:
        while out.tell() < megabytes * 2**20:
            out.write(block)
            count += 256
    return count


def test_a_jsonl_file_over_the_old_50_mb_limit_streams_in_bounded_memory(tmp_path: Path) -> None:
    # A file over 50 MB was refused whole; when read, it was held whole (and its text
    # beside it).  The reading now holds about one record at a time.  (Long records
    # keep the test quick under tracemalloc; bench/large_import.py reads 1 GB.)
    path = tmp_path / "big.jsonl"
    count = write_jsonl(path, 60, LONG_RECORD)
    tracemalloc.start()
    try:
        read = 0
        for item in read_paths([str(path)]):
            assert isinstance(item, Document), item
            read += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == count
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MiB reading a 60 MiB file"


def test_a_record_over_the_limit_is_an_error_with_its_line_and_is_never_held_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.jsonl"
    huge = json.dumps({"text": "x" * (30 * 2**20)}).encode()  # 30 MiB on one line
    exact = json.dumps({"text": "y" * 1000}).encode()
    limit = len(exact)
    good = json.dumps({"text": "Kept."}).encode()
    path.write_bytes(b"\n".join([good, huge, exact + b"\r", b"", good + b"\n"]))
    tracemalloc.start()
    try:
        items = list(read_paths([str(path)], max_record_bytes=limit))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.body[:5] for d in items if isinstance(d, Document)] == ["Kept.", "yyyyy", "Kept."]
    assert [(e.origin, e.message) for e in items if isinstance(e, IngestError)] == [
        (
            f"{path}:2",
            f"record is 30.0 MB, over the {limit:,} bytes limit for one record "
            "(PARALLAX_IMPORT_MAX_RECORD_BYTES)",
        )
    ]
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MiB skipping a 30 MiB line"


def test_a_long_line_on_stdin_is_skipped_too() -> None:
    import io

    raw = io.BytesIO(b'{"text": "' + b"z" * 5000 + b'"}\n{"text": "After."}\n')
    stdin = io.TextIOWrapper(raw, encoding="utf-8")
    items = list(read_paths(["-"], stdin=stdin, max_record_bytes=1000))
    assert isinstance(items[0], IngestError) and items[0].origin == "<stdin>:1"
    assert isinstance(items[1], Document) and items[1].body == "After."


def test_a_page_and_a_json_record_over_the_record_limit_are_errors(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>" + "w" * 3000 + "</p>")
    (tmp_path / "one.json").write_text(json.dumps({"text": "u" * 3000}))
    (tmp_path / "list.json").write_text(json.dumps([{"text": "v" * 3000}, {"text": "Kept."}]))
    (tmp_path / "only.json").write_text(json.dumps([{"text": "v" * 3000}]))
    items = list(read_paths([str(tmp_path)], max_record_bytes=2000))
    assert [d.body for d in items if isinstance(d, Document)] == ["Kept."]
    errors = [(Path(e.origin).name, e.message) for e in items if isinstance(e, IngestError)]
    limit = "over the 2,000 bytes limit for one record (PARALLAX_IMPORT_MAX_RECORD_BYTES)"
    record = len(json.dumps({"text": "v" * 3000}))
    assert errors == [
        ("list.json[1]", f"record is {record:,} bytes, {limit}"),
        ("one.json", f"record is {record:,} bytes, {limit}"),
        ("only.json[1]", f"record is {record:,} bytes, {limit}"),
        ("page.html", f"file is 3,007 bytes, {limit}"),
    ]


def test_a_json_array_streams_an_element_at_a_time_in_bounded_memory(tmp_path: Path) -> None:
    # A .json file was parsed whole, so it was refused over 50 MB; an array is now
    # read like JSON Lines.  A 30 MiB element over the limit is skipped unheld, and
    # a bad element costs itself, not the elements after it.
    path = tmp_path / "big.json"
    huge = json.dumps({"text": "x" * (30 * 2**20)}).encode()
    count = 20 * 2**20 // len(LONG_RECORD)
    with path.open("wb") as out:
        out.write(b'[{"text": "b" oops},\n')
        for _ in range(count):
            out.write(LONG_RECORD + b",\n")
        out.write(huge + b',\n{"text": "Last."}]\n')
    tracemalloc.start()
    try:
        items = []
        # An element's bytes are all those between its commas, line breaks too.
        for item in read_paths([str(path)], max_record_bytes=len(LONG_RECORD) + 1):
            items.append(item if isinstance(item, IngestError) else item.body[:5])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    errors = [(e.origin, e.message[:17]) for e in items if isinstance(e, IngestError)]
    assert errors == [
        (f"{path}[1]", "not valid JSON (E"),
        (f"{path}[{count + 2}]", "record is 30.0 MB"),
    ]
    assert items.count("The c") == count and items[-1] == "Last."
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MiB reading a 50 MiB .json file"


def test_the_reading_knows_its_size_and_how_far_it_is(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes((RECORD + b"\n") * 3)
    (tmp_path / "b.txt").write_text("A page of text.")
    reading = read_paths([str(tmp_path / "a.jsonl"), str(tmp_path / "b.txt")])
    size = 3 * (len(RECORD) + 1) + len("A page of text.")
    assert reading.size == size and not reading.empty() and reading.done == 0
    seen = [reading.done for _ in reading]
    assert seen == [(len(RECORD) + 1) * n for n in (1, 2, 3)] + [size]
    assert read_paths(["-"]).size is None and read_paths([str(tmp_path / "c")]).size == 0


def test_the_record_limit_is_a_setting() -> None:
    assert settings.MAX_RECORD_BYTES == ingest_files.MAX_RECORD_BYTES
    env = {"PARALLAX_IMPORT_MAX_RECORD_BYTES": "2048"}
    assert settings.Settings.from_env(env).max_record_bytes == 2048
    for bad in ("0", "lots", "-5"):
        with pytest.raises(settings.SettingsError, match="PARALLAX_IMPORT_MAX_RECORD_BYTES"):
            settings.Settings.from_env({"PARALLAX_IMPORT_MAX_RECORD_BYTES": bad})


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 2**16])
def test_a_json_array_splits_alike_whatever_the_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # The array is read a chunk at a time; a chunk may end inside a string, inside
    # an escape or a run of backslashes.  Strings hold every byte that ends an element.
    texts = ['a "quoted", [bracketed] {braced}', "ends in \\", "\\\\\\", 'x\\"],{', "ü ✓"]
    records = [{"text": text, "more": [n, {"text": text}]} for n, text in enumerate(texts)]
    path = tmp_path / "tricky.json"
    # White space before the array, longer than a read (bench/fuzz.py's find: the
    # array was taken for one record when the first read held only white space).
    array = " \r\n\t " + json.dumps(records, ensure_ascii=chunk % 2 == 0, indent=1)
    path.write_text(array, encoding="utf-8-sig" if chunk % 2 else "utf-8")
    monkeypatch.setattr(ingest_files, "_ARRAY_CHUNK", chunk)
    items = list(read_paths([str(path)]))
    assert [d.body if isinstance(d, Document) else d for d in items] == texts
