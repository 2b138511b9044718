"""Reading a large JSON Lines file, or a large ``.json`` array: time and peak memory
of ``read_paths``.

Writes a file of ``--size`` GB (default 1) in a temporary folder from the BBC
articles of the shared data (each record a real article, with an id of its
own): JSON Lines, or with ``--json`` one JSON array of the same records, an
element a line.  Then reads it in a child process as ``parallax import`` reads it,
every record turned into a ``Document``, and prints the time, the rate and the
child's peak RSS beside that of a child that only imports the reader.  The
models are not run: at their pace a gigabyte of articles takes hours, and the
pipeline holds one batch at a time whatever the file's size.

Run: .venv/bin/python bench/large_import.py [--size 1] [--json] [--dir /tmp] [--keep]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc" / "articles"

READER = """
import resource, sys, time
from parallax.ingest.files import read_paths
from parallax.model import Document
start = time.perf_counter()
documents = errors = 0
for item in read_paths(sys.argv[1:]):
    if isinstance(item, Document):
        documents += 1
    else:
        errors += 1
seconds = time.perf_counter() - start
print(documents, errors, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
IDLE = """
import resource
import parallax.ingest.files, parallax.model
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def articles() -> list[bytes]:
    """One JSON Lines record (without its id) per BBC article: title, then text."""
    records = []
    for path in sorted(DATA.rglob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8", errors="replace").partition("\n")
        records.append(
            json.dumps({"source": "BBC", "title": title.strip(), "text": text.strip()})[1:]
        )
    return [r.encode() for r in records]


def write(path: Path, size: int, array: bool = False) -> int:
    """Records cycled over the articles until ``size`` bytes; how many were written.
    ``array``: as the elements of one JSON array, not as JSON Lines."""
    corpus = articles()
    count = 0
    with path.open("wb", buffering=2**20) as out:
        out.write(b"[\n" if array else b"")
        while out.tell() < size:
            for record in corpus:
                line = b'{"id": "bbc-%d", ' % count + record
                if array:
                    out.write(b",\n" + line if count else line)
                else:
                    out.write(line + b"\n")
                count += 1
        out.write(b"\n]\n" if array else b"")
    return count


def child(code: str, *args: str) -> list[str]:
    """What a child Python prints (its last figure: its peak RSS, in KiB on Linux)."""
    ran = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return ran.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1.0, help="GB of JSON Lines (default 1)")
    parser.add_argument("--dir", default=None, help="where to write the file (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the file afterwards")
    parser.add_argument("--json", action="store_true", help="one JSON array, not JSON Lines")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="parallax-large-", dir=options.dir))
    path = folder / ("large.json" if options.json else "large.jsonl")
    start = time.perf_counter()
    count = write(path, int(options.size * 2**30), array=options.json)
    size = path.stat().st_size
    print(
        f"wrote {size / 2**20:,.0f} MiB, {count:,} records in {time.perf_counter() - start:.1f} s"
    )
    try:
        (idle,) = child(IDLE)
        documents, errors, seconds, peak = child(READER, str(path))
        print(
            f"read {int(documents):,} documents ({int(errors)} errors) in {float(seconds):.1f} s, "
            f"{size / 2**20 / float(seconds):.0f} MiB/s; peak RSS {int(peak) / 2**10:.1f} MiB "
            f"(a child that only imports the reader: {int(idle) / 2**10:.1f} MiB)"
        )
    finally:
        if not options.keep:
            path.unlink()
            folder.rmdir()


if __name__ == "__main__":
    main()
