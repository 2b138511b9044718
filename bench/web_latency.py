"""Web reader latency and throughput on a database of 100,000 articles.

    .venv/bin/python bench/web_latency.py [--articles 100000] [--seconds 20] [--keep DB]

1. Builds the database WITHOUT the language models: synthetic stories, articles
   and briefings are written straight through ``Store``/``Writer``, so the
   numbers measure the reader, not the pipeline.  (Built once per path and
   reused when ``--keep`` names an existing file.)
2. Starts the reader (``parallax serve``) in a separate process on 127.0.0.1,
   with one worker process and then with two.
3. Loads it from another process with wrk (Debian's ``wrk`` package):
   - **paced**: up to 200 requests/s, spread over 40 connections that each wait
     100 to 300 ms (200 on average, drawn anew each time) between requests
     (wrk's ``delay`` hook; the rate achieved is printed, a little under 200
     since each response's own time adds to the wait); p50 and p99 at that rate;
   - **lockstep**: the same 40 connections each waiting exactly 200 ms.  They
     start together and stay in step, so requests come as bursts of about 40 at
     once five times a second: the same rate, but the worst case of it, shown
     beside the paced row rather than instead of it;
   - **flat out**: 8 connections as fast as the server answers; the requests/s
     sustained with no errors.
   Each for the front page and for story pages (100 different stories in turn).

The server is ``parallax serve --workers N``: with N > 1 it binds its socket
as TCP so that every connection gets TCP_NODELAY (uvicorn's own ``--workers``
does not, and its keep-alive requests waited ~40 ms each for a delayed ACK).

Latencies are wrk's, measured from each request's send to its response; in
the paced runs a stalled server delays the next request instead of queueing
it, so a stall shows in the flat-out numbers more than in the paced p99.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from parallax.model import Article, Briefing, Story
from parallax.store import Store
from synthetic import NAMES, sentence

OUTLETS = [
    f"{town} {kind}"
    for town in (
        "Northgate",
        "Lowmere",
        "Eastby",
        "Westcliff",
        "Harrow",
        "Kelby",
        "Marston",
        "Pellham",
        "Quarry",
        "Ravens",
    )
    for kind in ("Times", "Post", "Herald", "Courier", "Wire")
]
SECTIONS = ["World", "Politics", "Business", "Science", "Sport", "Culture", "Health", "UK news"]
DAYS = 60


def synthetic_briefing(rng: random.Random, ids: list[str], outlets: list[str]) -> dict[str, Any]:
    def some() -> list[str]:
        return rng.sample(ids, k=rng.randint(1, len(ids)))

    return {
        "summary": [{"text": sentence(rng, 20), "article_ids": some()} for _ in range(3)],
        "entities": [
            {"name": name, "type": "PERSON", "aliases": [name.split()[-1]], "article_ids": some()}
            for name in rng.sample(NAMES, 2)
        ],
        "quotes": [
            {
                "speaker": rng.choice(NAMES),
                "text": sentence(rng, 12),
                "direct": True,
                "article_ids": some(),
            }
            for _ in range(2)
        ],
        "quantities": [
            {
                "label": "people affected",
                "conflict": len(ids) > 2,
                "mentions": [
                    {
                        "article_id": i,
                        "text": f"{rng.randint(10, 900)} people",
                        "low": 10,
                        "high": 900,
                        "attribution": "officials",
                    }
                    for i in ids[:3]
                ],
            },
        ],
        "timeline": [
            {
                "date": f"2026-0{m}-1{m}",
                "text": sentence(rng, 10),
                "article_ids": some(),
                "estimated": False,
            }
            for m in (1, 2)
        ],
        "framing": [
            {
                "referent": rng.choice(NAMES),
                "terms": [
                    {"term": rng.choice(["minister", "critic", "official"]), "article_ids": [i]}
                    for i in ids[:2]
                ],
            }
        ],
    }


def build(path: Path, n_articles: int, seed: int = 7) -> tuple[int, list[str]]:
    rng = random.Random(seed)
    store = Store.open(str(path))
    now = datetime.now(UTC)
    story_ids: list[str] = []
    made = 0
    while made < n_articles:
        size = min(n_articles - made, rng.choice([1, 1, 2, 3, 4, 5, 6, 8, 12]))
        story_id = f"s{len(story_ids):07d}"
        start = now - timedelta(hours=rng.uniform(0, 24 * DAYS))
        outlets = rng.sample(OUTLETS, k=min(size, len(OUTLETS)))
        articles = []
        for k in range(size):
            published = start + timedelta(hours=rng.uniform(0, 12))
            articles.append(
                Article(
                    id=f"a{made + k:07d}",
                    text="\n\n".join(sentence(rng) for _ in range(8)),
                    title=sentence(rng, 8)[:-1],
                    url=f"https://{outlets[k].split()[0].lower()}.example/{made + k}",
                    source=outlets[k],
                    published=published,
                    section=rng.choice(SECTIONS),
                    # Every fourth report beyond the first is a syndicated copy.
                    duplicate_of=f"a{made:07d}" if k and k % 4 == 0 else None,
                    story_id=story_id,
                    added=published,
                )
            )
        dates = [a.published for a in articles if a.published]
        story = Story(story_id, articles[0].title or "", created=min(dates), updated=max(dates))
        with store.writer() as w:
            w.save_story(story, b"", [], min(dates), max(dates))
            for a in articles:
                w.add_article(a, f"{a.id}-hash")
            w.save_story(story, b"", [], min(dates), max(dates))
        briefing = synthetic_briefing(rng, [a.id for a in articles], outlets)
        store.save_briefing(story_id, story.title, Briefing.from_json(briefing))
        story_ids.append(story_id)
        made += size
    count = store.count_articles()
    store.close()
    return count, story_ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "parallax", "--db", str(db), "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    log = open(db.with_suffix(".server.log"), "ab")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(command, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/static/style.css", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
%s
"""


def wrk(
    base: str,
    paths: list[str],
    seconds: int,
    connections: int,
    pace_ms: int | None,
    jitter_ms: int = 0,
) -> dict[str, Any]:
    """wrk's figures; each connection waits ``pace_ms`` ± ``jitter_ms`` between requests."""
    delay = ""
    if pace_ms:
        low, high = pace_ms - jitter_ms, pace_ms + jitter_ms
        # Each wrk thread has its own Lua state: a seed per thread, or both
        # threads draw the same delays.
        delay = (
            "local threads = 0\n"
            "setup = function(thread) threads = threads + 1; thread:set('seed', threads) end\n"
            "init = function(args) math.randomseed(7919 * seed) end\n"
            f"delay = function() return math.random({low}, {high}) end"
        )
    script = LUA % (", ".join(f'"{p}"' for p in paths), delay)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    assert rps and total, out
    kinds = {"non-2xx": int(bad.group(1)) if bad else 0}
    if socket_errors:
        names = ("connect", "read", "write", "timeout (2 s)")
        kinds.update(zip(names, (int(x) for x in socket_errors.groups()), strict=True))
    return {
        "rps": float(rps.group(1)),
        "requests": float(total.group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": float(sum(kinds.values())),
        "kinds": ", ".join(f"{n} {k}" for k, n in kinds.items() if n),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="database file to build once and reuse")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # rows as they come
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    folder = Path(tempfile.mkdtemp(prefix="parallax-web-bench-"))
    db = args.keep or folder / "bench.db"
    print(
        "data: synthetic stories, articles and briefings written through Store/Writer "
        "(no NLP models, no pipeline)"
    )
    if db.exists():
        store = Store.open(str(db))
        with store.engine.connect() as conn:
            story_ids = list(conn.exec_driver_sql("SELECT id FROM stories").scalars())
        count = store.count_articles()
        store.close()
        print(f"database: {db} (reused): {count} articles, {len(story_ids)} stories")
    else:
        started = time.perf_counter()
        count, story_ids = build(db, args.articles)
        print(
            f"database: {count} articles, {len(story_ids)} stories, "
            f"built in {time.perf_counter() - started:.0f} s ({db.stat().st_size / 1e6:.0f} MB)"
        )
    rng = random.Random(1)
    story_paths = [f"/stories/{s}" for s in rng.sample(story_ids, 100)]
    cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {cores} cores, shared by the server and wrk; load average {load} before "
        f"the runs; wrk {args.seconds} s per run"
    )
    print()
    header = (
        f"{'workers':>7} {'page':<6} {'load':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for workers in (1, 2):
        process, base = serve(db, workers)
        try:
            for name, paths in (("front", ["/"]), ("story", story_paths)):
                # Warm up: templates compiled, SQLite pages in the OS cache.
                wrk(base, paths, 3, 4, None)
                for load, connections, pace, jitter in (
                    ("paced 200 req/s", 40, 200, 100),
                    ("lockstep 200 req/s", 40, 200, 0),
                    ("flat out, 8 conns", 8, None, 0),
                ):
                    r = wrk(base, paths, args.seconds, connections, pace, jitter)
                    print(
                        f"{workers:>7} {name:<6} {load:<22} {r['rps']:>8.1f} {r['p50']:>8.1f} "
                        f"{r['p99']:>8.1f} {int(r['errors']):>7}"
                        + (f"  ({r['kinds']})" if r["kinds"] else "")
                    )
        finally:
            process.terminate()
            process.wait(timeout=30)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
