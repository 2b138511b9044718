"""Chaos: imports killed with ``kill -9`` and resumed, importers racing, a server serving.

    .venv/bin/python bench/chaos.py [--articles 192] [--kills 20] [--importers 3]
                                    [--racing 96] [--seed 1] [--cache DIR]
    .venv/bin/python bench/chaos.py --prefill --cache DIR [--articles N] [--budget 540]

All on one SQLite database in a temporary folder, with real articles (the
BBC's, PolNeAR's and AllSides' from ``../shared/data``, taken in turn)
written to JSON Lines files there:

1. **Kill and resume.**  ``parallax import`` of ``--articles`` articles is
   killed with SIGKILL at ``--kills`` points, taken in turn from five sites
   (``SITES``): inside a batch's transaction after its n-th article, just after
   the n-th batch commits, at the n-th briefing of the stories the last killed
   run left, at the n-th batch's parse, and at a random moment from outside.
   The first four the process sends itself from a hook at that very statement
   (only the forked copy of the code is changed); the last comes from outside,
   at a moment drawn from the span the killed runs took so far.  Each n is
   drawn so that the kills fall all along the import (``kill_point``).  After
   each kill: ``PRAGMA integrity_check``; the stored articles are whole
   batches, a prefix of the file that is a multiple of the batch size (a batch
   is one transaction); every stored article has its parse, its assignment and
   its story.  Then the import is run to its end: every article once, nothing
   failed, no story left unbriefed.
2. **Racing importers.** ``--importers`` processes import overlapping files of
   ``--racing`` further articles at once (every article in two or more files).
   None may die or fail a record; each article is stored once.
3. **Serving throughout.** ``parallax serve`` on 127.0.0.1 answers pages and API
   routes in turn from before the first import to after the last, from one
   client thread; 5xx answers and connection errors are counted.

Prints a line per kill and a table of what was lost, duplicated or failed; the
goal is zero of each, and the exit status is 1 when one is missed.

**Where the time goes.**  A restart is cheap: forked from the forkserver, an
import that finds everything stored took 1.7 s (load average 10); loading
spaCy takes about 1 s and the encoder 0.4 s.  The models' work is what costs:
about 0.85 CPU-seconds an article, so 3,000 articles are some 45 CPU-minutes,
an hour or more on 2 shared cores, and without a model cache a killed run's
batches are parsed again by the next.  ``--cache DIR`` gives the importers a
model cache (``PARALLAX_MODEL_CACHE``), and ``--prefill --cache DIR`` fills
it beforehand with what importing the same articles computes: ``parallax
import`` of them into a database of its own in DIR, a slice at a time for at
most ``--budget`` seconds, run again until it says all are in (any cache that
already holds the texts serves too).  The chaos run then reads the parses and
vectors instead of computing them, and its time goes to what it tests: the
kills, the restarts, the checks, the writes, the briefings and the serving.
The models still run, lazily, on any text the prefill did not meet (the
framing part of a briefing embeds word contexts gathered over a story's
articles, and a killed run leaves stories part-grown); the table counts those
texts.

Measured on 2 cores shared with other work (load average 8-13), after a
prefill: ``--cache DIR --articles 1200 --kills 20`` took 746 s.  All 20 kill
points were SIGKILLs (8 of them among the briefings or from outside); after
each, integrity ok and whole batches; run to its end, every one of the 1,200
articles stored once, none failed, no story left unbriefed; the 3 racing
importers (96 articles) all exited 0 with each article stored once; 2,924
requests, 0 5xx, 0 connection errors; the models computed 372 texts the prefill
had not met.  A killed run took 5-73 s; the longest stored nothing new, as it
first briefed the stories the two runs before had left.  The prefill is the
slow part: its slices of 256 articles took 444-628 s each at that load
(0.4-0.6 articles/s; 1,134 s beside two more importers filling the same
cache), so filling it for 3,000 articles took over an hour, in slices.

Then at size, at a load average of 1.2-4.7: ``--cache DIR --articles 3000
--kills 20`` took 484 s (8m11s wall).  All 20 kill points were SIGKILLs (8
among the briefings or from outside), integrity ok and whole batches after
each; run to its end, every one of the 3,000 articles stored once, none
failed, no story left unbriefed; the 3 racing importers (96 articles) all
exited 0 with each article stored once; 3,424 requests, 0 5xx, 0 connection
errors; the models computed 15 texts.  The first try at 3,000 showed one
article lost: two BBC records whose texts differ only in what clean-up
removes, which the importer rightly stored once; the records are now told
apart by their extracted text.

The importers are the real command (``parallax.cli.main``) in processes that
multiprocessing's forkserver forks from a process that has already imported
the libraries: on this shared 2-core machine importing torch and spaCy took up
to 150 s a process, which two dozen processes cannot afford.  Each still loads
the models it needs and opens the database itself, as a fresh ``parallax
import`` does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from parallax.extract import extract
from parallax.extract.errors import ExtractionError
from parallax.ingest.files import read_paths
from parallax.model import Document
from parallax.nlp import model_cache
from parallax.pipeline import BATCH, content_hash
from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]
PRELOAD = ["parallax.cli", "parallax.pipeline", "spacy", "sentence_transformers"]
SUMMARY = re.compile(r"imported (\d+).*, duplicates (\d+), failed (\d+)")
PATHS = ["/", "/api/stories", "/search?q=government", "/api/search?q=market", "/outlets", "/feeds"]


def bbc_records(data: Path) -> list[dict[str, str]]:
    """The BBC articles as JSON Lines records, taken round the topics in turn so
    that any slice mixes them."""
    topics = sorted(p for p in (data / "bbc" / "articles").iterdir() if p.is_dir())
    files = [sorted(topic.glob("*.txt")) for topic in topics]
    paths = [f[i] for i in range(max(map(len, files))) for f in files if i < len(f)]
    records = []
    for i, path in enumerate(paths):
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


def polnear_records(data: Path) -> list[dict[str, str]]:
    """PolNeAR's articles (2016 US election news from seven outlets) as records,
    with the outlet and date its metadata gives."""
    folder = data / "polnear" / "data"
    meta: dict[str, dict[str, str]] = {}
    with (folder / "metadata.tsv").open(encoding="utf-8") as lines:
        header = next(lines).rstrip("\n").split("\t")
        for line in lines:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            meta[row["filename"]] = row
    records = []
    for path in sorted(folder.glob("*/text/*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        row = meta.get(path.stem, {})
        record = {"id": f"polnear-{path.stem}", "title": title.strip(), "text": body.strip()}
        if row.get("publisher"):
            record["source"] = row["publisher"]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.get("publication_date", "")):
            record["published"] = f"{row['publication_date']}T12:00:00+00:00"
        records.append(record)
    return records


def allsides_records(data: Path) -> list[dict[str, str]]:
    """AllSides' reports (2021; up to three outlets' of each story) as records."""
    records = []
    with (data / "allsides-dev" / "roundups.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            story = json.loads(line)
            for side, report in story["news"].items():
                body = report.get("newBody") or []
                records.append(
                    {
                        "id": f"allsides-{story['id']}-{side}",
                        "title": report.get("newsTitle") or "",
                        "text": "\n\n".join(body) if isinstance(body, list) else str(body),
                        "source": report.get("newsSource") or "",
                        "published": story["date"],
                    }
                )
    return records


def news_records(data: Path, count: int) -> list[dict[str, str]]:
    """``count`` real articles as JSON Lines records: the BBC's 2,225, PolNeAR's 927
    and AllSides' 602, taken in turn in proportion to their sizes so that any
    slice mixes them.  The sets repeat some texts word for word; a repeat is a
    duplicate to the importer, so only the first is taken."""
    sets = [bbc_records(data), polnear_records(data), allsides_records(data)]
    total = sum(map(len, sets))
    mixed = sorted(
        (i / len(s), n, record) for n, s in enumerate(sets) for i, record in enumerate(s)
    )
    candidates = [record for _, _, record in mixed]
    records: list[dict[str, str]] = []
    seen: set[str | None] = {None}
    # The importer compares texts as extracted: records that differ only in
    # what clean-up removes are one article to it, and only the first is stored.
    for record, digest in zip(candidates, extracted_digests(candidates), strict=True):
        if digest not in seen:
            seen.add(digest)
            records.append(record)
    if len(records) < count:
        raise SystemExit(f"only {len(records)} different articles of {total} in {data}")
    return records[:count]


def extracted_digests(records: list[dict[str, str]]) -> list[str | None]:
    """Each record's text as ``parallax import`` compares it: read from a JSON
    Lines file and extracted, then hashed; None when the importer would fail it."""
    with tempfile.TemporaryDirectory() as tmp:
        read = list(read_paths([str(write_jsonl(Path(tmp) / "all.jsonl", records))]))
    digests: list[str | None] = []
    for item in read:
        try:
            digests.append(content_hash(extract(item).text) if isinstance(item, Document) else None)
        except ExtractionError:
            digests.append(None)
    return digests


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


SITES = ("writing", "committed", "briefing", "parsing", "outside")
"""Where kill points fall, in turn: inside a batch's transaction, just after one
commits, while briefings are written (a killed run's stories are briefed by the
next when it opens), while a batch is parsed, and at a random moment from outside."""
ADVANCING = frozenset({"writing", "committed", "parsing"})
"""The sites whose runs store batches before they die: the import advances by them."""


def kill_point(site: str, rng: random.Random, left: int, ahead: int, dirty: int) -> int:
    """The n of a kill point at ``site``: a random one that its run surely reaches.

    ``left``: articles not stored yet; ``ahead``: kill points at advancing sites
    from this one on; ``dirty``: stories the run will brief first.  At an
    advancing site the run stores on average ``left / ahead`` articles before it
    dies, so that the kills fall all along the import and the final run has
    about as much left as one killed run.
    """
    batches = -(-left // BATCH)  # that the run will parse and write
    stride = max(1, min(batches, 2 * batches // max(1, ahead) - 1))
    if site == "writing":  # the n-th article written inside the open transactions
        return rng.randint(1, max(1, min(left, stride * BATCH)))
    if site in ("committed", "parsing"):  # the n-th batch
        return rng.randint(1, stride)
    if site == "briefing":  # the n-th of the stories the last run left unbriefed
        return rng.randint(1, max(1, dirty))
    return 0  # outside: a moment, not a count


def _import_command(db: str, files: list[str], log: str, kill: tuple[str, int] | None) -> None:
    """``parallax --db DB import FILES``, its output to ``log``; in a forked process.
    ``kill``: SIGKILL itself at the n-th passage through a site (``_arm``)."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    if kill is not None:
        _arm(*kill)
    sys.argv = ["parallax", "--db", db, "import", *files]
    from parallax.cli import main

    main()


def _arm(site: str, n: int) -> None:
    """Make the n-th passage through ``site`` send this process SIGKILL: the same
    signal as ``kill -9`` from outside, at a point chosen to the statement.  Only
    this forked process's copy of the code is changed."""
    from parallax import pipeline
    from parallax.store import database

    owner, name, after = {
        "writing": (database.Writer, "add_nlp", True),  # an article inside the transaction
        "committed": (pipeline.Pipeline, "_write", True),  # returns once the batch commits
        "briefing": (database.Store, "save_briefing", False),
        "parsing": (pipeline, "enrich", False),
    }[site]
    original = getattr(owner, name)
    passages = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal passages
        passages += 1
        if passages == n and not after:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if passages == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, wrapper)


class Importers:
    """``parallax import`` processes, forked from one that has imported the libraries."""

    def __init__(self, db: Path, folder: Path) -> None:
        self.db, self.folder = db, folder
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)
        self.runs = 0

    def start(
        self, files: list[Path], kill: tuple[str, int] | None = None
    ) -> tuple[multiprocessing.process.BaseProcess, Path]:
        self.runs += 1
        log = self.folder / f"import-{self.runs}.log"
        process = self.context.Process(
            target=_import_command,
            args=(str(self.db), [str(f) for f in files], str(log), kill),
        )
        process.start()
        return process, log


@dataclass
class Web:
    """Requests in turn to a running server, from one thread, until stopped."""

    base: str
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            turn = 0
            while not self._stop.is_set():
                path = PATHS[turn % len(PATHS)]
                if turn % len(PATHS) == 0:
                    path = self._story(client) or path
                turn += 1
                try:
                    self.statuses[client.get(path).status_code] += 1
                except httpx.HTTPError as exc:
                    self.errors.append(f"{path}: {type(exc).__name__}: {exc}")
                self._stop.wait(0.05)

    def _story(self, client: httpx.Client) -> str | None:
        """A story page: the first story's, as listed now."""
        try:
            stories = client.get("/api/stories", params={"limit": 1}).json()["stories"]
        except (httpx.HTTPError, ValueError, KeyError):
            return None  # counted when the listing itself is requested
        return f"/stories/{stories[0]['id']}" if stories else None

    def stop(self) -> None:
        self._stop.set()

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def serve(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "parallax", "--db", str(db), "serve", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/stories", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start; see {log}")


@dataclass
class Health:
    """What one look at the database finds."""

    integrity: str
    stored: list[str]
    incomplete: int
    """Stored articles without their parse, assignment or story."""
    dirty: int
    """Stories whose briefing is stale."""


def look(db: Path) -> Health:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60) as conn:
        integrity = ", ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        stored = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY rowid")]
        incomplete = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.story_id IS NULL"
            " OR a.id NOT IN (SELECT article_id FROM article_nlp)"
            " OR a.id NOT IN (SELECT article_id FROM assignments)"
            " OR a.story_id NOT IN (SELECT id FROM stories)"
        ).fetchone()[0]
        dirty = conn.execute(
            "SELECT count(*) FROM stories WHERE dirty AND brief_failures < 3"
        ).fetchone()[0]
    return Health(integrity, stored, incomplete, dirty)


@dataclass
class Tally:
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)
    """check -> (measured, goal)"""

    def add(self, check: str, measured: int, goal: int = 0) -> None:
        self.rows[check] = (measured, goal)

    @property
    def missed(self) -> list[str]:
        return [check for check, (measured, goal) in self.rows.items() if measured != goal]

    def table(self) -> str:
        width = max(len(c) for c in self.rows)
        lines = [f"{'check':<{width}}  measured  goal", "-" * (width + 16)]
        for check, (measured, goal) in self.rows.items():
            mark = "" if measured == goal else "  <- missed"
            lines.append(f"{check:<{width}}  {measured:>8}  {goal:>4}{mark}")
        return "\n".join(lines)


def summary_of(log: Path) -> tuple[int, int, int] | None:
    found = SUMMARY.findall(log.read_text(errors="replace"))
    return tuple(map(int, found[-1])) if found else None  # type: ignore[return-value]


def last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def kill_and_resume(
    importers: Importers, db: Path, records: list[dict[str, str]], kills: int, seed: int
) -> Tally:
    rng = random.Random(seed)
    path = write_jsonl(importers.folder / "kill.jsonl", records)
    ids = [r["id"] for r in records]
    tally = Tally()
    killed = broken = partial = incomplete = finished_early = 0
    print(f"kill -9 and resume: {len(ids)} articles, batches of {BATCH}, {kills} kill points")
    sys.stdout.flush()
    durations: list[float] = []
    health = look(db)
    for k in range(kills):
        site = SITES[k % len(SITES)]
        before = len(health.stored)
        if site == "briefing" and not health.dirty:
            site = "committed"  # nothing to brief first: the next briefing is after the import
        ahead = sum(SITES[j % len(SITES)] in ADVANCING for j in range(k, kills))
        n = kill_point(site, rng, len(ids) - before, ahead, health.dirty)
        started = time.monotonic()
        if site == "outside":
            process, log = importers.start([path])
            # A random moment of a run as long as the killed runs so far took on
            # average: while the libraries load, while it briefs what the last
            # run left, or amid its batches.
            mean = sum(durations) / len(durations) if durations else 4.0
            process.join(rng.uniform(0.5, max(4.0, mean)))
            if process.is_alive():
                process.kill()  # SIGKILL from outside: no handler, no cleanup
        else:
            process, log = importers.start([path], (site, n))
        process.join(600)
        durations.append(time.monotonic() - started)
        if process.exitcode == -signal.SIGKILL:
            killed += 1
        else:
            finished_early += 1
            process.kill()
            process.join()
        health = look(db)
        stored = len(health.stored)
        whole = health.stored == ids[:stored] and (stored % BATCH == 0 or stored == len(ids))
        broken += health.integrity != "ok"
        partial += not whole
        incomplete += health.incomplete
        point = f"{site} {n}" if site != "outside" else f"outside {durations[-1]:.0f} s"
        print(
            f"  {k + 1:>2}. {point:<12} +{time.monotonic() - started:5.1f} s: "
            f"{'killed' if process.exitcode == -signal.SIGKILL else f'exit {process.exitcode}'}, "
            f"stored {before} -> {stored}, integrity {health.integrity}, "
            f"{'whole batches' if whole else 'NOT WHOLE BATCHES'}"
            + (f", {health.incomplete} incomplete" if health.incomplete else "")
            + f" (load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    started = time.monotonic()
    process, log = importers.start([path])
    process.join()
    final = look(db)
    counts = summary_of(log)
    print(
        f"  the import run to its end +{time.monotonic() - started:.1f} s: "
        f"exit {process.exitcode}, {last_line(log)}",
        flush=True,
    )
    tally.add("kill -9 points", killed, kills)
    tally.add("imports that ended before their kill", finished_early)
    tally.add("integrity_check not ok after a kill", broken)
    tally.add("kills leaving a part of a batch", partial)
    tally.add("stored articles missing their parse/story", incomplete + final.incomplete)
    tally.add("resumed import: exit status", process.exitcode or 0)
    tally.add("resumed import: records failed", counts[2] if counts else -1)
    tally.add("articles lost", len(set(ids) - set(final.stored)))
    tally.add("articles stored twice", len(final.stored) - len(set(final.stored)))
    tally.add("stories left unbriefed", final.dirty)
    tally.add("integrity_check not ok at the end", final.integrity != "ok")
    return tally


def racing(importers: Importers, db: Path, records: list[dict[str, str]], n: int) -> Tally:
    """``n`` importers at once, of overlapping files: each article in two or more."""
    third = len(records) // 3
    slices = [records[: 2 * third], records[third:], records[::-1]]
    files = [
        write_jsonl(importers.folder / f"race-{i}.jsonl", slices[i % len(slices)]) for i in range(n)
    ]
    before = set(look(db).stored)
    print(f"racing importers: {n} at once over {len(records)} further articles", flush=True)
    started = [importers.start([f]) for f in files]
    died = failed = miscounted = imported = 0
    for (process, log), file in zip(started, files, strict=True):
        process.join()
        counts = summary_of(log)
        print(f"  {file.name}: exit {process.exitcode}, {last_line(log)}", flush=True)
        died += process.exitcode != 0
        if counts is None:
            failed += 1
            continue
        failed += counts[2]
        miscounted += counts[0] + counts[1] != len(file.read_text().splitlines())
        imported += counts[0]
    final = look(db)
    new = [i for i in final.stored if i not in before]
    ids = {r["id"] for r in records}
    tally = Tally()
    tally.add("racing importers that died", died)
    tally.add("racing importers: records failed", failed)
    tally.add("racing importers: imported + duplicates != records", miscounted)
    tally.add("racing importers: imported in all", imported, len(ids))
    tally.add("racing articles lost", len(ids - set(new)))
    tally.add("racing articles stored twice", len(new) - len(set(new)))
    tally.add("integrity_check not ok after racing", final.integrity != "ok")
    return tally


def chaos(
    data: Path,
    folder: Path,
    *,
    articles: int,
    kills: int,
    importers: int,
    racing_articles: int,
    seed: int = 1,
) -> Tally:
    """The three parts on one database in ``folder``; what they measured."""
    db = folder / "chaos.db"
    Store.open(str(db)).close()
    computed = cache_entries()
    server, base = serve(db, folder / "server.log")
    web = Web(base)
    requests = threading.Thread(target=web.run, daemon=True)
    requests.start()
    try:
        forks = Importers(db, folder)
        records = news_records(data, articles + racing_articles)
        tally = kill_and_resume(forks, db, records[:articles], kills, seed)
        more = racing(forks, db, records[articles:], importers)
        tally.rows.update(more.rows)
    finally:
        web.stop()
        requests.join()
        server.kill()
        server.wait()
    answered = sum(web.statuses.values())
    tally.add("web requests answered", answered, answered)  # a count, not a goal
    tally.add("web 5xx answers", web.failed)
    tally.add("web connection errors", len(web.errors))
    for error in web.errors[:5]:
        print(f"  web: {error}")
    if computed is not None:
        # Counted, not a goal: what the models had to compute during the run,
        # texts that a prefill did not meet (briefings of stories as a killed
        # run left them embed sentences in other groupings).
        computed = (cache_entries() or 0) - computed
        tally.add("texts the models computed (cache misses)", computed, computed)
    return tally


def cache_entries() -> int | None:
    """Entries in the model cache that ``$PARALLAX_MODEL_CACHE`` names, if one does."""
    folder = os.environ.get(model_cache.ENV)
    path = Path(folder) / model_cache.FILENAME if folder else None
    if path is None or not path.exists():
        return 0 if path else None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60) as conn:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])


PREFILL_SLICE = 256


def prefill(data: Path, cache: Path, count: int, budget: float) -> bool:
    """Fill the model cache in ``cache`` with what importing the run's ``count``
    articles computes: ``parallax import`` of them into a database of its own
    there, a slice at a time, until done or ``budget`` seconds are spent.
    What is done stays done: run it again to go on.  True when all are in."""
    records = news_records(data, count)
    work = cache / "prefill"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "prefill.sqlite"
    Store.open(str(db)).close()
    forks = Importers(db, work)
    started = time.monotonic()
    longest = 0.0
    for start in range(0, len(records), PREFILL_SLICE):
        chunk = records[start : start + PREFILL_SLICE]
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60) as conn:
            stored = {r[0] for r in conn.execute("SELECT id FROM articles")}
        if all(r["id"] in stored for r in chunk):
            continue
        if time.monotonic() - started + longest > budget:
            print(f"prefill: {start} of {len(records)} articles in; run it again to go on")
            return False
        began = time.monotonic()
        process, log = forks.start([write_jsonl(work / f"slice-{start}.jsonl", chunk)])
        process.join()
        longest = max(longest, time.monotonic() - began)
        print(
            f"prefill: articles {start + 1}-{start + len(chunk)}: exit {process.exitcode}, "
            f"{last_line(log)} ({time.monotonic() - began:.0f} s, load average "
            f"{os.getloadavg()[0]:.1f}, {cache_entries()} cache entries)",
            flush=True,
        )
        if process.exitcode != 0:
            return False
    print(f"prefill: all {len(records)} articles in ({cache_entries()} cache entries)")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=192)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--importers", type=int, default=3)
    parser.add_argument("--racing", type=int, default=96, help="articles the importers race on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--cache",
        type=Path,
        help="the model cache folder for the importers (PARALLAX_MODEL_CACHE)",
    )
    parser.add_argument(
        "--prefill",
        action="store_true",
        help="only fill --cache with what the run's imports compute, for --budget seconds",
    )
    parser.add_argument("--budget", type=float, default=540, help="seconds --prefill may take")
    args = parser.parse_args(argv)
    if args.cache is not None:
        # Before the forkserver starts: the importers inherit it.
        os.environ[model_cache.ENV] = str(args.cache.resolve())
    if args.prefill:
        if args.cache is None:
            parser.error("--prefill needs --cache")
        count = args.articles + args.racing
        return 0 if prefill(args.data, args.cache.resolve(), count, args.budget) else 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="parallax-chaos-") as folder:
        tally = chaos(
            args.data,
            Path(folder),
            articles=args.articles,
            kills=args.kills,
            importers=args.importers,
            racing_articles=args.racing,
            seed=args.seed,
        )
    print()
    print(tally.table())
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{time.monotonic() - started:.0f} s (load average now {load}); "
        f"missed: {', '.join(tally.missed) or 'none'}"
    )
    return 1 if tally.missed else 0


if __name__ == "__main__":
    sys.exit(main())
