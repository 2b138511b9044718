"""Chaos: imports killed with ``kill -9`` and resumed, importers racing, a server serving.

    .venv/bin/python bench/chaos.py [--articles 192] [--kills 20] [--importers 3]
                                    [--racing 96] [--seed 1]

All on one SQLite database in a temporary folder, with BBC articles
(``../shared/data/bbc``) written to JSON Lines files there:

1. **Kill and resume.**  ``parallax import`` of ``--articles`` articles is
   killed with SIGKILL at ``--kills`` points, taken in turn from five sites
   (``SITES``): inside a batch's transaction after its n-th article, just after
   a batch commits, at the n-th briefing written, at a batch's parse, and at a
   random moment while the models load.  The first four the process sends
   itself from a hook at that very statement (only the forked copy of the code
   is changed); the last comes from outside.  After each kill:
   ``PRAGMA integrity_check``; the stored articles are whole batches, a prefix
   of the file that is a multiple of the batch size (a batch is one
   transaction); every stored article has its parse, its assignment and its
   story.  Then the import is run to its end: every article once, nothing
   failed, no story left unbriefed.
2. **Racing importers.** ``--importers`` processes import overlapping files of
   ``--racing`` further articles at once (every article in two or more files).
   None may die or fail a record; each article is stored once.
3. **Serving throughout.** ``parallax serve`` on 127.0.0.1 answers pages and API
   routes in turn from before the first import to after the last, from one
   client thread; 5xx answers and connection errors are counted.

Prints a line per kill and a table of what was lost, duplicated or failed; the
goal is zero of each, and the exit status is 1 when one is missed.  The
default run took 909 s on 2 shared cores (load average 2-12), and 2,031 s
under a steady 12; most of it goes to the 21 restarts: each loads the models,
and one after a kill among the briefings first briefs what the killed run left.

The importers are the real command (``parallax.cli.main``) in processes that
multiprocessing's forkserver forks from a process that has already imported
the libraries: on this shared 2-core machine importing torch and spaCy took up
to 150 s a process, which two dozen processes cannot afford.  Each still loads
the models and opens the database itself, as a fresh ``parallax import`` does.
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

from parallax.pipeline import BATCH, content_hash
from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]
PRELOAD = ["parallax.cli", "parallax.pipeline", "spacy", "sentence_transformers"]
SUMMARY = re.compile(r"imported (\d+).*, duplicates (\d+), failed (\d+)")
PATHS = ["/", "/api/stories", "/search?q=government", "/api/search?q=market", "/outlets", "/feeds"]


def bbc_records(data: Path, count: int) -> list[dict[str, str]]:
    """``count`` BBC articles as JSON Lines records, taken round the topics in turn so
    that any slice mixes them.  The set repeats some texts word for word; a repeat
    is a duplicate to the importer, so only the first is taken."""
    topics = sorted(p for p in (data / "bbc" / "articles").iterdir() if p.is_dir())
    files = [sorted(topic.glob("*.txt")) for topic in topics]
    records: list[dict[str, str]] = []
    seen: set[str] = set()
    i = 0
    while len(records) < count:
        path = files[i % len(files)][i // len(files)]
        title, _, body = path.read_bytes().decode("latin-1").strip().partition("\n")
        if content_hash(body) not in seen:
            seen.add(content_hash(body))
            records.append(
                {
                    "id": f"bbc-{path.parent.name}-{path.stem}",
                    "title": title.strip(),
                    "text": body.strip(),
                    "source": "BBC",
                    "published": f"2024-01-{1 + i % 28:02d}T12:00:00+00:00",
                }
            )
        i += 1
    return records


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


SITES = ("writing", "committed", "briefing", "parsing", "loading")
"""Where kill points fall, in turn: inside a batch's transaction, just after one
commits, while briefings are written (a killed run's stories are briefed by the
next when it opens), while a batch is parsed, and while the models load."""


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


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # busy for a moment: asked again


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
    for k in range(kills):
        site = SITES[k % len(SITES)]
        before = stored_count(db)
        # Each point is one its run surely reaches: an article of its first batch,
        # the first commit, one of the first briefings, the first parse.
        n = 1
        if site == "writing":
            n = rng.randint(1, max(1, min(BATCH, len(ids) - before)))
        elif site == "briefing":
            n = rng.randint(1, 3)
        started = time.monotonic()
        if site == "loading":
            process, log = importers.start([path])
            process.join(rng.uniform(0.5, 4))
            if process.is_alive():
                process.kill()  # SIGKILL from outside: no handler, no cleanup
        else:
            process, log = importers.start([path], (site, n))
        process.join(600)
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
        point = f"{site} {n}" if site != "loading" else site
        print(
            f"  {k + 1:>2}. {point:<12} +{time.monotonic() - started:5.1f} s: "
            f"{'killed' if process.exitcode == -signal.SIGKILL else f'exit {process.exitcode}'}, "
            f"stored {before} -> {stored}, integrity {health.integrity}, "
            f"{'whole batches' if whole else 'NOT WHOLE BATCHES'}"
            + (f", {health.incomplete} incomplete" if health.incomplete else ""),
            flush=True,
        )
    process, log = importers.start([path])
    process.join()
    final = look(db)
    counts = summary_of(log)
    print(f"  the import run to its end: exit {process.exitcode}, {last_line(log)}", flush=True)
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
    server, base = serve(db, folder / "server.log")
    web = Web(base)
    requests = threading.Thread(target=web.run, daemon=True)
    requests.start()
    try:
        forks = Importers(db, folder)
        records = bbc_records(data, articles + racing_articles)
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
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=192)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--importers", type=int, default=3)
    parser.add_argument("--racing", type=int, default=96, help="articles the importers race on")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args(argv)
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
    print(f"\n{time.monotonic() - started:.0f} s; missed: {', '.join(tally.missed) or 'none'}")
    return 1 if tally.missed else 0


if __name__ == "__main__":
    sys.exit(main())
