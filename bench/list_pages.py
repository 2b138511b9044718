"""Time the reader's story listings in one process, on an existing database.

    .venv/bin/python bench/list_pages.py --db PATH [--requests 60]

Each page is requested through the application (Starlette's test client, no
network), a few times to warm up and then ``--requests`` times; the median and
the 90th percentile of the wall time per request are printed.  The listings
are the pages whose cost grows with the stories they show: the front page, the
JSON API's list, the first topic and outlet (most articles), and the entity
page of the name most stories' briefings list.  ``bench/web_latency.py``
measures the same pages under concurrent load, over synthetic briefings; this
one reads a database built by the pipeline (for instance ``bench/throughput.py``'s)
whose briefings have the size real ones have.

The database is opened read-mostly: opening runs any pending migration.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from urllib.parse import quote

from fastapi.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app
from parallax.web.queries import outlets, topics


def timed(client: TestClient, path: str, warm: int, n: int) -> tuple[float, float, int] | None:
    """(median ms, 90th percentile ms, bytes); None when the page is not there (an
    entity no article's text names, in a synthetic database)."""
    if client.get(path).status_code != 200:
        return None
    for _ in range(warm):
        client.get(path)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)], len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    store = Store.open(args.db)
    names: Counter[str] = Counter()
    for row in store.stories(limit=300):
        names.update({e.name for e in row.briefing.entities} if row.briefing else set())
    paths = ["/", "/api/stories"]
    if found := topics(store):
        paths.append(f"/topics/{found[0].slug}")
    if listed := outlets(store):
        paths.append(f"/outlets/{quote(listed[0].name)}")
    if names:
        paths.append(f"/entities/{quote(names.most_common(1)[0][0])}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"database: {args.db}: {store.count_articles()} articles; load average {load}")
    with TestClient(create_app(store)) as client:
        print(f"{'page':<40} {'p50 ms':>8} {'p90 ms':>8} {'bytes':>8}")
        for path in paths:
            found = timed(client, path, 5, args.requests)
            if found is None:
                print(f"{path[:40]:<40} not found, skipped")
                continue
            p50, p90, size = found
            print(f"{path[:40]:<40} {p50:>8.1f} {p90:>8.1f} {size:>8}")
    store.close()


if __name__ == "__main__":
    main()
