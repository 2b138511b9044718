"""The poller against a real HTTP server on 127.0.0.1, a real SQLite store and the real pipeline.

Every bad input in the feeds issue has a case here: the round goes on, the
source records a readable error, and nothing already stored is lost.
"""

from __future__ import annotations

import gzip
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from sqlalchemy import select

from parallax.ingest.fetch import Fetcher, FetchSettings
from parallax.pipeline import Pipeline
from parallax.poller import Poller, PollSettings
from parallax.store import Feed, Store, now
from parallax.store import schema as t
from parallax.web import queries
from tests.conftest import LocalServer

pytestmark = pytest.mark.slow

TOPICS = [
    ("Harbour cranes idle as dockworkers strike", "dockworkers", "cranes"),
    ("Council approves budget for river flood walls", "councillors", "flood walls"),
    ("Orchestra opens season with a forgotten symphony", "musicians", "symphony"),
    ("Rail operator cancels night trains after storm", "engineers", "night trains"),
    ("Farmers report record apple harvest in the valley", "growers", "apples"),
    ("New library branch opens in the eastern district", "librarians", "books"),
    ("Hospital trial tests a faster stroke treatment", "doctors", "stroke patients"),
]


def article(n: int) -> str:
    """A page whose article is about topic ``n``: several real sentences, some clutter."""
    title, who, what = TOPICS[n % len(TOPICS)]
    sentences = [
        f"{title} on Tuesday, officials said in a statement released in the morning.",
        f"The {who} said the decision about the {what} had been months in the making.",
        f"Local residents told reporters they expected more news about the {what} soon.",
        f"A spokesperson for the {who} declined to give further details before Friday.",
    ]
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© The Test</footer></body></html>"
    )


def rss(title: str, items: list[dict[str, str]]) -> str:
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        + "".join(parts)
        + "</channel></rss>"
    )


def item(base: str, slug: str, n: int, **extra: str) -> dict[str, str]:
    return {"guid": slug, "title": TOPICS[n % len(TOPICS)][0], "link": f"{base}/{slug}", **extra}


def rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def make_poller(
    store: Store, *, resolve: Any = None, settings: PollSettings | None = None, **fetch: Any
) -> Poller:
    fetch_settings = FetchSettings(allow=("127.0.0.1",), host_delay=0, **fetch)
    return Poller(
        store,
        Pipeline(store),
        Fetcher(fetch_settings, resolve=resolve),
        settings,
        rng=random.Random(7),
    )


def feed_by_url(store: Store, url: str) -> Feed:
    return next(f for f in store.feeds() if f.url == url)


def handler(status: int, body: bytes, headers: dict[str, str]) -> Callable[..., None]:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(body)

    return route


# --- a round with every bad feed ---------------------------------------------------


def test_a_round_goes_on_past_every_bad_feed(store: Store, http_server: LocalServer) -> None:
    # Each feed gets a host name of its own, as on the real web, so one host's
    # Retry-After does not hold up the others. A resolver hook stands in for DNS
    # (this machine has no network to ask): "*.test" names answer 127.0.0.1,
    # except intranet.test, a name that resolves to a private address.
    port = http_server.url.rsplit(":", 1)[1]

    def host(path: str) -> str:
        return f"http://{path.strip('/').split('.')[0]}.test:{port}{path}"

    def resolve(name: str, _port: int) -> list[str]:
        return ["10.0.0.7"] if name == "intranet.test" else ["127.0.0.1"]

    good_base = f"http://good.test:{port}"
    http_server.serve(
        "/good.xml", rss("Good", [item(good_base, "a1", 0), item(good_base, "a2", 1)])
    )
    http_server.serve("/a1", article(0))
    http_server.serve("/a2", article(1))
    http_server.serve("/empty.xml", rss("Quiet", []))
    http_server.serve("/malformed.xml", "<?xml version='1.0'?><rss><channel><<oops")
    http_server.serve("/html", "<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>")
    http_server.serve("/missing.xml", "not here", status=404)
    http_server.serve("/broken.xml", "oops", status=500)
    http_server.serve("/busy.xml", "later", status=429, headers={"Retry-After": "3600"})
    http_server.serve("/loop.xml", "", status=302, headers={"Location": "/loop.xml"})
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000)
    http_server.serve(
        "/bomb.xml", bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)
        handler(200, b"<rss/>", {})(h)

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()
        try:
            while True:
                h.wfile.write(b"<item>" + b"x" * 65536)
        except OSError:
            pass

    http_server.routes["/slow.xml"] = slow
    http_server.routes["/endless.xml"] = endless
    expected = {
        "/empty.xml": None,
        "/malformed.xml": "not a feed",
        "/html": "this is an HTML page, not a feed",
        "/missing.xml": "HTTP 404 Not Found",
        "/broken.xml": "HTTP 500",
        "/busy.xml": "HTTP 429",
        "/loop.xml": "more than 5 redirects",
        "/bomb.xml": "byte limit",
        "/slow.xml": "timed out",
        "/endless.xml": "byte limit",
    }
    unsafe = {
        "http://127.0.0.2/feed": "non-public address 127.0.0.2",
        "http://10.1.2.3/feed": "non-public address 10.1.2.3",
        "http://169.254.169.254/latest/meta-data": "non-public address 169.254.169.254",
        "http://intranet.test/feed": "intranet.test resolves to the non-public address 10.0.0.7",
    }
    for path in ["/good.xml", *expected]:
        store.add_feed(host(path))
    for url in unsafe:
        store.add_feed(url)

    poller = make_poller(store, resolve=resolve, read_timeout=0.4, max_bytes=1_000_000)
    report = poller.poll_all()

    assert report.feeds == 1 + len(expected) + len(unsafe)
    assert report.articles.imported == 2 and report.new_entries == 2
    good = feed_by_url(store, host("/good.xml"))
    assert good.last_error is None and good.items_seen == 2 and good.title == "Good"
    for path, message in expected.items():
        feed = feed_by_url(store, host(path))
        if message is None:
            assert feed.last_error is None and feed.last_success is not None, path
        else:
            assert feed.last_error and message in feed.last_error, (path, feed.last_error)
            assert feed.error_count == 1 and feed.last_success is None, path
            assert feed.next_poll and feed.next_poll > now(), path
    for url, message in unsafe.items():
        feed = feed_by_url(store, url)
        assert feed.last_error and message in feed.last_error, (url, feed.last_error)
    logged = {origin for _, origin, _ in store.recent_errors(100)}
    assert {host(p) for p, m in expected.items() if m} | set(unsafe) <= logged

    # The good feed breaks too: what it brought stays, and so does its state.
    http_server.serve("/good.xml", "oops", status=500)
    report = poller.poll_all()
    good = feed_by_url(store, host("/good.xml"))
    assert store.count_articles() == 2 and good.items_seen == 2
    assert good.last_success is not None and good.error_count == 1
    assert f"{host('/good.xml')}: HTTP 500" in " ".join(report.failed_feeds)


def test_a_crash_on_one_feed_does_not_stop_the_others(
    store: Store, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = http_server.url
    http_server.serve("/one.xml", rss("One", [item(base, "a1", 0)]))
    http_server.serve("/two.xml", rss("Two", [item(base, "a2", 1)]))
    http_server.serve("/a1", article(0))
    http_server.serve("/a2", article(1))
    one, _ = store.add_feed(base + "/one.xml")
    store.add_feed(base + "/two.xml")
    poller = make_poller(store)
    # A bug cannot be produced on purpose, so one is planted: the pipeline fails
    # for the first feed only.
    real_run = poller.pipeline.run

    def buggy(items: Any, *, feed_id: int | None = None, **kw: Any) -> Any:
        if feed_id == one.id:
            raise RuntimeError("planted bug")
        return real_run(items, feed_id=feed_id, **kw)

    monkeypatch.setattr(poller.pipeline, "run", buggy)
    report = poller.poll_all()
    assert report.articles.imported == 1 and report.feeds == 2
    broken = feed_by_url(store, base + "/one.xml")
    assert broken.last_error == "unexpected RuntimeError: planted bug (please report it)"


def test_feed_categories_become_topics_when_the_page_names_no_section(
    store: Store, http_server: LocalServer
) -> None:
    base = http_server.url
    own_section = article(2).replace(
        "<head>", '<head><meta property="article:section" content="Concerts">'
    )
    http_server.serve("/a1", article(0))
    http_server.serve("/a2", own_section)
    text = " ".join(
        f"Growers in the valley picked apples on day {n} of the harvest." for n in range(9)
    )
    http_server.serve(
        "/feed.xml",
        rss(
            "Valley Post",
            [
                item(base, "a1", 0, category="Harbour News"),
                item(base, "a2", 2, category="Everything"),
                # No page to fetch: the entry's own text is the article.
                {"guid": "a3", "title": TOPICS[4][0], "description": text, "category": "Farming"},
            ],
        ),
    )
    store.add_feed(base + "/feed.xml")
    report = make_poller(store).poll_all()
    assert report.articles.imported == 3
    with store.engine.connect() as conn:
        sections = dict(conn.execute(select(t.articles.c.title, t.articles.c.section)).all())
    assert sections == {
        TOPICS[0][0]: "Harbour News",
        TOPICS[2][0]: "Concerts",  # the page's own section wins over the feed's
        TOPICS[4][0]: "Farming",
    }
    assert {tp.label for tp in queries.topics(store)} == {"Harbour News", "Concerts", "Farming"}


# --- conditional GET and the adaptive interval -------------------------------------


def test_conditional_get_and_an_interval_that_follows_the_feed(
    store: Store, http_server: LocalServer
) -> None:
    base = http_server.url
    state = {"etag": '"v1"', "items": [item(base, "a1", 0)]}
    http_server.serve("/a1", article(0))
    http_server.serve("/a2", article(1))

    def feed(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == state["etag"]:
            handler(304, b"", {"ETag": str(state["etag"])})(h)
            return
        body = rss("Changing", list(state["items"])).encode()  # type: ignore[arg-type]
        headers = {"ETag": str(state["etag"]), "Last-Modified": "Tue, 13 Oct 2026 08:00:00 GMT"}
        handler(200, body, headers)(h)

    http_server.routes["/feed.xml"] = feed
    url = base + "/feed.xml"
    store.add_feed(url)
    settings = PollSettings(interval=timedelta(minutes=20), jitter=0.1)
    poller = make_poller(store, settings=settings)

    def poll() -> tuple[Feed, datetime]:
        before = now()
        poller.poll_all()
        return feed_by_url(store, url), before

    first, at = poll()  # something new: the interval halves
    assert first.poll_interval == 10 * 60 and first.etag == '"v1"'
    assert first.last_modified == "Tue, 13 Oct 2026 08:00:00 GMT"
    assert first.next_poll is not None
    assert at + timedelta(minutes=9) <= first.next_poll <= now() + timedelta(minutes=11)

    second, _ = poll()  # 304 Not Modified: the interval grows by half
    feed_hits = [h for p, h in http_server.hits if p == "/feed.xml"]
    assert feed_hits[-1]["If-None-Match"] == '"v1"'
    assert feed_hits[-1]["If-Modified-Since"] == "Tue, 13 Oct 2026 08:00:00 GMT"
    assert second.poll_interval == 15 * 60 and second.items_seen == 1
    assert second.last_success and first.last_success and second.last_success > first.last_success

    state["etag"] = '"v2"'
    state["items"] = [item(base, "a2", 1), item(base, "a1", 0)]
    third, _ = poll()  # one new entry: halves again
    assert third.poll_interval == round(7.5 * 60) and third.items_seen == 2
    assert store.count_articles() == 2

    # Due-only rounds leave a feed alone until its time comes.
    hits = len(http_server.hits)
    assert poller.poll_all(due_only=True).feeds == 0 and len(http_server.hits) == hits


def test_the_interval_stays_within_its_bounds(store: Store, http_server: LocalServer) -> None:
    http_server.serve("/feed.xml", rss("Still", []))
    url = http_server.url + "/feed.xml"
    store.add_feed(url)
    settings = PollSettings(
        interval=timedelta(minutes=30), max_interval=timedelta(minutes=60), jitter=0
    )
    poller = make_poller(store, settings=settings)
    seen = []
    for _ in range(4):
        poller.poll_all()
        seen.append(feed_by_url(store, url).poll_interval)
    assert seen == [45 * 60, 60 * 60, 60 * 60, 60 * 60]


def test_jitter_spreads_feeds_added_together(store: Store, http_server: LocalServer) -> None:
    for n in range(6):
        http_server.serve(f"/f{n}.xml", rss(f"F{n}", []))
        store.add_feed(f"{http_server.url}/f{n}.xml")
    make_poller(store).poll_all()
    polls = {f.next_poll for f in store.feeds()}
    assert len(polls) == 6


# --- errors: backoff, Retry-After, 410 --------------------------------------------


def test_errors_back_off_and_retry_after_is_honoured(
    store: Store, http_server: LocalServer
) -> None:
    http_server.serve("/down.xml", "oops", status=500)
    http_server.serve("/busy.xml", "later", status=503, headers={"Retry-After": "7200"})
    # Two host names (a resolver hook in place of DNS), so that the busy host's
    # Retry-After, which holds that whole host, does not touch the other feed.
    port = http_server.url.rsplit(":", 1)[1]
    down, _ = store.add_feed(f"http://down.test:{port}/down.xml")
    busy, _ = store.add_feed(f"http://busy.test:{port}/busy.xml")
    poller = make_poller(
        store,
        resolve=lambda name, _port: ["127.0.0.1"],
        settings=PollSettings(interval=timedelta(minutes=10)),
    )
    waits = []
    for _ in range(3):
        started = now()
        poller.poll_all()
        feed = feed_by_url(store, down.url)
        assert feed.next_poll
        waits.append(feed.next_poll - started)
    assert feed.error_count == 3 and feed.last_error == "HTTP 500 Internal Server Error"
    assert waits[0] < waits[1] < waits[2]  # 20, 40, 80 minutes, give or take the jitter
    held = feed_by_url(store, busy.url)
    assert held.next_poll and held.last_fetch
    assert held.next_poll - held.last_fetch >= timedelta(hours=2)
    # Polled three times, the busy host was asked once: it had said when to come back.
    assert [p for p, _ in http_server.hits].count("/busy.xml") == 1


def test_a_gone_feed_is_retired_and_no_longer_polled(
    store: Store, http_server: LocalServer
) -> None:
    http_server.serve("/gone.xml", "gone", status=410)
    store.add_feed(http_server.url + "/gone.xml")
    poller = make_poller(store)
    report = poller.poll_all()
    feed = store.feeds()[0]
    assert feed.retired is not None and feed.next_poll is None
    assert feed.last_error == "HTTP 410 Gone: the feed is gone, so it is no longer polled"
    assert report.failed_feeds
    hits = len(http_server.hits)
    assert poller.poll_all().feeds == 0 and len(http_server.hits) == hits


# --- entries and pages ---------------------------------------------------------------


def test_entries_without_link_or_date_and_pages_without_an_article(
    store: Store, http_server: LocalServer
) -> None:
    base = http_server.url
    future = rfc822(now() + timedelta(days=400))
    text_only = " ".join(
        [
            "The regional ferry service resumed on Monday after a week of repairs to the pier.",
            "Passengers queued from dawn, and the operator added two extra crossings.",
        ]
    )
    items = [
        {"guid": "no-link", "title": "Ferry service resumes", "description": text_only},
        item(base, "no-date", 2),
        item(base, "future", 3, pubDate=future),
        item(base, "future", 3),  # the same GUID again
        item(base, "no-article", 4),
        item(base, "dead-link", 5),
        item(base, "flaky", 6),
    ]
    http_server.serve("/feed.xml", rss("Mixed", items))
    http_server.serve("/no-date", article(2))
    http_server.serve("/future", article(3))
    http_server.serve("/no-article", "<html><body><nav>Home | Login</nav></body></html>")
    http_server.serve("/flaky", "try later", status=503)
    feed, _ = store.add_feed(base + "/feed.xml")
    poller = make_poller(store)

    report = poller.poll_all()
    assert report.new_entries == 6
    assert report.articles.imported == 3, [str(e) for e in report.articles.errors]
    errors = {e.origin: e.message for e in report.articles.errors}
    assert "no article text" in errors[f"{base}/no-article"]
    assert "cannot fetch the article page: HTTP 404" in errors[f"{base}/dead-link"]
    assert "HTTP 503" in errors[f"{base}/flaky"]
    for article_id in report.articles.new_ids:
        stored = store.article(article_id)
        assert stored and (stored.published is None or stored.published < now() + timedelta(days=1))
    assert feed_by_url(store, feed.url).items_seen == 5  # the flaky page is tried again

    http_server.serve("/flaky", article(6))
    report = poller.poll_all()
    assert report.new_entries == 1 and report.articles.imported == 1
    assert [p for p, _ in http_server.hits].count("/dead-link") == 1  # a 404 is not retried


def test_robots_txt_keeps_pages_unfetched(store: Store, http_server: LocalServer) -> None:
    base = http_server.url
    summary = (
        "The museum will stay open late on Thursdays from next month, its director said, "
        "so that visitors who work during the day can see the new exhibition."
    )
    http_server.serve(
        "/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain"
    )
    items = [
        item(base, "members/a", 0, description=summary),
        item(base, "members/b", 1),
        item(base, "open", 2),
    ]
    http_server.serve("/feed.xml", rss("Museum", items))
    http_server.serve("/open", article(2))
    store.add_feed(base + "/feed.xml")
    report = make_poller(store).poll_all()
    assert report.articles.imported == 2  # the open page, and the feed's own copy of /members/a
    errors = {e.origin: e.message for e in report.articles.errors}
    assert "robots.txt does not allow" in errors[f"{base}/members/b"]
    assert not any(p.startswith("/members/") for p, _ in http_server.hits)
    assert any(h["User-Agent"].startswith("Parallax/") for p, h in http_server.hits)


def test_new_entries_per_poll_are_capped_newest_first(
    store: Store, http_server: LocalServer
) -> None:
    base = http_server.url
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    items = [item(base, f"p{n}", n, pubDate=rfc822(start + timedelta(hours=n))) for n in range(5)]
    http_server.serve("/feed.xml", rss("Busy", items))
    for n in range(5):
        http_server.serve(f"/p{n}", article(n))
    store.add_feed(base + "/feed.xml")
    poller = make_poller(store, settings=PollSettings(max_new=2))
    poller.poll_all()
    fetched = [p for p, _ in http_server.hits if p.startswith("/p")]
    assert fetched == ["/p3", "/p4"]  # the newest two, oldest first
    poller.poll_all()
    fetched = [p for p, _ in http_server.hits if p.startswith("/p")]
    assert fetched[2:] == ["/p1", "/p2"]


# --- sitemaps --------------------------------------------------------------------------


def news_sitemap(base: str, entries: list[tuple[str, datetime | None]]) -> str:
    urls = []
    for slug, when in entries:
        news = (
            "<news:news><news:publication><news:name>Valley Courier</news:name>"
            "<news:language>en</news:language></news:publication>"
            f"<news:publication_date>{when.isoformat()}</news:publication_date>"
            f"<news:title>{slug}</news:title></news:news>"
            if when
            else ""
        )
        urls.append(f"<url><loc>{base}/{slug}</loc>{news}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(urls) + "</urlset>"
    )


def test_a_sitemap_index_of_news_sitemaps(store: Store, http_server: LocalServer) -> None:
    base = http_server.url
    fresh = now() - timedelta(hours=3)
    http_server.serve(
        "/sitemap.xml",
        f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{base}/news-1.xml</loc></sitemap>
        <sitemap><loc>{base}/news-2.xml</loc></sitemap>
        <sitemap><loc>{base}/missing.xml</loc></sitemap></sitemapindex>""",
        content_type="application/xml",
    )
    http_server.serve(
        "/news-1.xml",
        news_sitemap(base, [("s0", fresh), ("old", now() - timedelta(days=30))]),
        content_type="application/xml",
    )
    http_server.serve(
        "/news-2.xml",
        news_sitemap(base, [("s1", fresh), ("undated", None)]),
        content_type="application/xml",
    )
    http_server.serve("/s0", article(0))
    http_server.serve("/s1", article(1))
    store.add_feed(base + "/sitemap.xml")
    report = make_poller(store).poll_all()
    assert report.articles.imported == 2 and not report.failed_feeds
    feed = store.feeds()[0]
    assert feed.kind == "sitemap" and feed.items_seen == 2
    assert not {"/old", "/undated"} & {p for p, _ in http_server.hits}
    logged = {origin: message for _, origin, message in store.recent_errors()}
    assert "cannot read the sitemap: HTTP 404" in logged[f"{base}/missing.xml"]
    stored = [store.article(i) for i in report.articles.new_ids]
    assert {a.source for a in stored if a} == {"Valley Courier"}


def test_a_feed_that_moved_for_good_is_polled_at_its_new_address(
    store: Store, http_server: LocalServer
) -> None:
    base = http_server.url
    http_server.serve("/old.xml", "", status=301, headers={"Location": "/new.xml"})
    http_server.serve("/new.xml", rss("Moved", []))
    http_server.serve("/temp.xml", "", status=302, headers={"Location": "/new.xml"})
    store.add_feed(base + "/old.xml")
    store.add_feed(base + "/temp.xml")
    poller = make_poller(store)
    poller.poll_all()
    assert {f.url for f in store.feeds()} == {base + "/new.xml", base + "/temp.xml"}
    hits = len(http_server.hits)
    poller.poll_all()
    assert sorted(p for p, _ in http_server.hits[hits:]) == ["/new.xml", "/new.xml", "/temp.xml"]


def test_the_reader_shows_each_feeds_schedule(store: Store, http_server: LocalServer) -> None:
    from fastapi.testclient import TestClient

    from parallax.web import create_app

    http_server.serve("/quiet.xml", rss("Quiet", []))
    http_server.serve("/gone.xml", "gone", status=410)
    store.add_feed(http_server.url + "/quiet.xml")
    store.add_feed(http_server.url + "/gone.xml")
    make_poller(store, settings=PollSettings(interval=timedelta(minutes=40))).poll_all()
    with TestClient(create_app(store)) as client:
        page = client.get("/feeds").text
    assert "every 60 min" in page and "not polled" in page and "retired" in page
    quiet = feed_by_url(store, http_server.url + "/quiet.xml")
    assert quiet.next_poll and f'datetime="{quiet.next_poll.isoformat()}' in page
