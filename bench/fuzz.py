"""Coverage-guided fuzzing (atheris) of the readers that take untrusted input.

Targets: ``feeds`` (RSS, Atom, JSON Feed and sitemaps, through ``parse_feed``),
``opml``, ``html`` (article extraction from a page), ``text`` (plain-text
clean-up), ``jsonl`` (JSON Lines records, read as ``parallax import -`` reads
them), ``json`` (a ``.json`` file, whose array is split into elements as it is
read: where the whole file parses as an array, the split must find the same
records), ``dates`` (every date reader), and the briefing's readers of parsed
reports: ``figures`` (the figures each outlet gives, ``extract_quantities``)
and ``timeline`` (dated events, ``build_timeline``, and the date-expression
reader ``resolve_when``).  Each may raise its own documented
error for input it refuses (``FeedError``, ``OpmlError``, ``ExtractionError``,
an ``IngestError`` item); anything else is a failure, and so is a JSON Lines
record whose text the database could not store (it must encode as UTF-8).

Each target runs in a child process for the given time (libFuzzer's
``-max_total_time``), seeded with a small valid input of its kind.  A failure
does not stop the run: its input is saved under ``--out`` (one file per
distinct exception and place), to become a regression test.

Run: .venv/bin/python bench/fuzz.py [--seconds 600] [--only feeds,html] [--out fuzz-failures]
Needs the ``dev`` extra (atheris).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEEDS: dict[str, list[bytes]] = {
    "feeds": [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>G</title><item><title>T'
        b"</title><link>https://g.test/1</link><guid>g1</guid><pubDate>Tue, 13 Oct 2026 "
        b"21:40:00 +0000</pubDate><category>World</category></item></channel></rss>",
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>H</title><entry><id>a</id>'
        b'<link href="https://h.test/a"/><updated>2026-10-14T08:00:00Z</updated></entry></feed>',
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "items": [{"id": "1", "url": "https://j.test/1", "date_published": "2026-01-02"}],
            }
        ).encode(),
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://s.test/1'
        b"</loc><news:news><news:publication><news:name>S</news:name></news:publication>"
        b"<news:publication_date>2026-10-14</news:publication_date></news:news></url></urlset>",
    ],
    "opml": [
        b'<opml version="2.0"><body><outline text="A" type="rss" xmlUrl="https://a.test/f"/>'
        b'<outline text="G"><outline xmlUrl="https://b.test/f"/></outline></body></opml>'
    ],
    "html": [
        b"<html><head><title>Flood</title><meta property='article:published_time' "
        b"content='2026-10-13T09:00:00Z'></head><body><nav>Home</nav><article><h1>Flood</h1>"
        b"<p>The river rose two metres overnight, officials said on Tuesday.</p><p>Residents "
        b"were moved to the school hall as the water kept rising.</p></article></body></html>"
    ],
    "text": [
        b"Flood closes bridge\nBy Ann Lee, 13 October 2026\n\nThe river rose two metres "
        b"overnight, officials said.\n\nShare this article\nRead more: other news"
    ],
    "jsonl": [
        b'{"id": "a", "text": "Body \\udfff text.", "published": "2026-03-04T05:06:07Z"}\n'
        b'{"html": "<p>x</p>", "source": 5}\n[1]\n'
    ],
    "json": [
        b'[{"id": "a", "text": "Body \\" ], {\\\\ text.", "published": "2026-03-04"},\n'
        b' {"html": "<p>x</p>", "source": 5}, [1], "s", {"text": "\\udfff"}]'
    ],
    "dates": [b"Tuesday 13 October 2026 13.14 BST", b"2026-10-13T09:00:00+14:00"],
    # The briefing's readers: first byte, the reports' date (``_reports``); a NUL
    # byte starts another outlet's report of the same story.
    "figures": [
        b"\x01Officials said 87 people died when the dam burst on Tuesday, and 1,200 were "
        b"displaced. The death toll rose to about 90, police said.\x00At least 80 people "
        b"were killed, according to the health ministry. Damage was put at $2.5 billion."
    ],
    "timeline": [
        b"\x02The dam burst on Tuesday. Talks began last month and will resume on 14 "
        b"October.\x00Work on the dam started in 2019; it was inspected two weeks ago, "
        b"between Nov. 26 and Dec. 1, and again early last year."
    ],
}
JSON_RECORD_BYTES = 4096
"""The record limit of the ``json`` target: small, so that inputs reach it."""
JSON_CHUNKS = (1, 5, 2**16)
"""The reads the ``json`` target splits its array with (the last is the reader's own)."""
MODEL_TARGETS = ("figures", "timeline")
"""Targets that parse with spaCy: the models load before instrumenting, so that
coverage follows Parallax's own code, not the model libraries'."""


def _targets() -> dict[str, tuple[Callable[[bytes], object], tuple[type[BaseException], ...]]]:
    """Each target's call and the errors it is documented to raise."""
    from parallax.extract import ExtractionError, extract
    from parallax.extract import dates as page_dates
    from parallax.ingest import IngestError, files
    from parallax.ingest.feeds import FeedError, parse_feed
    from parallax.ingest.files import _record as record
    from parallax.ingest.files import parse_date, read_paths
    from parallax.ingest.opml import OpmlError, read_opml
    from parallax.model import Document

    def text_of(data: bytes) -> str:
        return data.decode("utf-8", "replace")

    def feeds(data: bytes) -> None:
        for entry in parse_feed(data).entries:
            for value in (entry.guid, entry.link, entry.title, entry.content, entry.author):
                assert value is None or isinstance(value, str), f"not text: {value!r}"

    def jsonl(data: bytes) -> None:
        for item in read_paths(["-"], stdin=io.StringIO(text_of(data))):
            if isinstance(item, IngestError):
                continue
            # A record's text must be storable: lone surrogates are replaced
            # as it is read, and nothing else may stop the encode.
            for value in (item.body, item.id, item.url, item.title, item.source, item.author):
                if value is not None:
                    value.encode("utf-8")

    def json_file(data: bytes) -> None:
        # The file is read in chunks; tiny ones put their ends everywhere (in escapes,
        # in runs of backslashes), and each reading must split the array alike.
        readings = []
        with tempfile.NamedTemporaryFile(suffix=".json") as file:
            file.write(data)
            file.flush()
            for chunk in JSON_CHUNKS:
                files._ARRAY_CHUNK = chunk
                readings.append(list(read_paths([file.name], max_record_bytes=JSON_RECORD_BYTES)))
        items = readings[0]
        for other in readings[1:]:
            assert [repr(i) for i in other] == [repr(i) for i in items], "chunks split unlike"
        try:
            whole = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return  # not one JSON value: only the absence of a crash is checked
        if not isinstance(whole, list) or len(data) > JSON_RECORD_BYTES:
            return
        # Every element is under the record limit: the split finds each one.
        expected = [record(element, "", {"source": None, "published": None}) for element in whole]
        got = [(type(i).__name__, getattr(i, "body", None)) for i in items]
        want = [(type(i).__name__, getattr(i, "body", None)) for i in expected]
        assert got == want, f"split {got!r}, parsed whole {want!r}"

    def dates(data: bytes) -> None:
        text = text_of(data)
        page_dates.parse_date(text)
        page_dates.parse_iso(text)
        with contextlib.suppress(ValueError):  # its documented refusal
            parse_date(text)

    def figures(data: bytes) -> None:
        from parallax.brief.entities import extract_entities
        from parallax.brief.quantities import extract_quantities

        articles, docs = _reports(data)
        extract_quantities(articles, docs, extract_entities(articles, docs))

    def timeline(data: bytes) -> None:
        from parallax.brief.timeline import build_timeline, resolve_when

        articles, docs = _reports(data)
        build_timeline(articles, docs)
        for article in articles:  # the date reader alone, on the first words
            reference = article.published.date() if article.published else None
            for forward in (False, True):
                resolve_when(article.text[:60], reference, forward)

    return {
        "feeds": (feeds, (FeedError,)),
        "opml": (read_opml, (OpmlError,)),
        "html": (lambda d: extract(Document(body=text_of(d), is_html=True)), (ExtractionError,)),
        "text": (lambda d: extract(Document(body=text_of(d), is_html=False)), (ExtractionError,)),
        "jsonl": (jsonl, ()),
        "json": (json_file, ()),
        "dates": (dates, ()),
        "figures": (figures, ()),
        "timeline": (timeline, ()),
    }


def _reports(data: bytes) -> tuple[list[Any], list[Any]]:
    """Reports of one story from fuzz bytes, parsed: the first byte picks their
    publication date (none, or a day from 1900 to 2100, where import keeps dates),
    and each NUL byte starts another outlet's report."""
    from parallax import nlp
    from parallax.model import Article

    first, rest = (data[0], data[1:]) if data else (0, b"")
    published = None
    if first:
        published = datetime(1900, 1, 1, 12, tzinfo=UTC) + timedelta(days=first * 286)
    texts = [t for t in rest.decode("utf-8", "replace").split("\x00")[:4] if t.strip()]
    articles = [
        Article(id=f"a{n}", text=text, title=text[:60], source=f"Outlet {n}", published=published)
        for n, text in enumerate(texts)
    ]
    return articles, nlp.parse([a.text for a in articles])


def child(target: str, seconds: int, out: Path) -> None:
    """Fuzz one target until the time is up (runs in its own process)."""
    import atheris

    if target in MODEL_TARGETS:
        from parallax import nlp

        nlp.spacy_model()
        nlp.embed(["warm"])
    with atheris.instrument_imports():
        targets = _targets()
    call, expected = targets[target]
    out.mkdir(parents=True, exist_ok=True)

    def one_input(data: bytes) -> None:
        try:
            call(data)
        except expected:
            pass
        except Exception as exc:  # a failure: saved once per exception type and place
            place = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__}:{place.filename}:{place.lineno}"
            name = f"{target}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
            if not (out / f"{name}.bin").exists():
                (out / f"{name}.bin").write_bytes(data)
                (out / f"{name}.txt").write_text(f"{key}\n{type(exc).__name__}: {exc}\n")

    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    for n, seed in enumerate(SEEDS[target]):
        (corpus / f"seed{n}").write_bytes(seed)
    args = [sys.argv[0], f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=30"]
    # libFuzzer's own artifacts (slow inputs) go beside the failures, not into the cwd.
    args += ["-rss_limit_mb=3000", f"-artifact_prefix={out.resolve()}/"]
    atheris.Setup([*args, str(corpus)], one_input)
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="per target")
    parser.add_argument("--only", default="", help="comma-separated targets (default: all)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seconds, args.out)
        return
    names = [n for n in args.only.split(",") if n] or list(SEEDS)
    print(f"{'target':<8} {'seconds':>7} {'inputs tried':>12} {'failures':>8}")
    for name in names:
        before = set(args.out.glob(f"{name}-*.txt")) if args.out.exists() else set()
        command = [sys.executable, __file__, "--child", name, "--seconds", str(args.seconds)]
        try:
            run = subprocess.run(
                [*command, "--out", str(args.out)],
                capture_output=True,
                text=True,
                timeout=args.seconds + 300,
            )
        except subprocess.TimeoutExpired:
            # One input that never returns (or a machine too busy to give the
            # child its time) is this target's result; the other targets still run.
            print(f"{name:<8} {args.seconds:>7} {'?':>12} {'hang':>8}  (no end after +300 s)")
            continue
        tried = re.search(r"stat::number_of_executed_units:\s*(\d+)", run.stderr)
        found = sorted(set(args.out.glob(f"{name}-*.txt")) - before) if args.out.exists() else []
        count = tried.group(1) if tried else f"? (exit {run.returncode})"
        print(f"{name:<8} {args.seconds:>7} {count:>12} {len(found):>8}")
        for failure in found:
            print(f"         {failure.with_suffix('.bin')}: {failure.read_text().splitlines()[-1]}")
        if not tried:
            print(run.stderr[-2000:])


if __name__ == "__main__":
    main()
