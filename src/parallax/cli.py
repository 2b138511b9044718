"""The ``parallax`` command line.

Scripts rely on this contract: ``import`` ends with one summary line,
``export stories`` writes schema-conformant JSON, and every failure is one
``error:`` line on stderr with a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text
from sqlalchemy.engine import make_url

import parallax
from parallax import __version__
from parallax.engine import BadFeedAddress, Engine
from parallax.export import independent_sources
from parallax.ingest import IngestError
from parallax.ingest.fetch import FetchError
from parallax.ingest.files import parse_date, read_paths
from parallax.model import Document
from parallax.settings import (
    ALLOW_ENV,
    CLUSTER_ENV,
    DB_ENV,
    TOKEN_ENV,
    Settings,
    SettingsError,
    debug_from,
    is_cluster_address,
)
from parallax.store import DatabaseError, Feed, Parked
from parallax.store.accounts import AccountError, User
from parallax.store.protocols import Accounts, Storage

if TYPE_CHECKING:
    from parallax.poller import PollReport  # the pipeline behind it takes seconds to import

app = typer.Typer(
    name="parallax",
    help="Parallax: every story, from every side. Collects news, groups it into stories "
    "and writes cross-source briefings that cite their sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},  # subcommands inherit it
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class CLIError(Exception):
    """A failure the user can fix; the message says how."""


def _print_version(value: bool) -> None:
    # Eager, so it runs before Click asks for a command: "parallax --version" has none.
    if value:
        out.print(f"parallax {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help=f"Database file or URL (default: ${DB_ENV}, else the user data folder).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    ctx.obj = {"db": db}


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings | None = ctx.obj.get("settings")
    if settings is None:
        settings = Settings.from_env()  # a bad one is an error line (see main)
        ctx.obj["settings"] = settings
    return settings


def _engine(ctx: typer.Context, allow: list[str] | None = None, **fetch: Any) -> Engine:
    """The engine on --db (or $PARALLAX_DB), with this command's extra hosts and
    fetch limits; opened once per command, closed when it ends."""
    engine: Engine | None = ctx.obj.get("engine")
    if engine is None:
        settings = _settings(ctx).fetching(tuple(allow or ()), **fetch)
        engine = parallax.open(ctx.obj.get("db"), settings)
        ctx.obj["engine"] = engine
        ctx.call_on_close(engine.close)
    return engine


def _store(ctx: typer.Context) -> Storage:
    return _engine(ctx).store


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Any]:
    """A progress bar on a terminal; nothing when output is piped or in CI."""
    if not err.is_terminal:
        yield lambda n: None
        return
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


class _Step:
    """One step of a long command, as a line on a terminal: a spinner and the
    time taken, a bar when the step counts something; nothing when piped."""

    def __init__(self, bar: Progress | None, task: Any) -> None:
        self._bar, self._task = bar, task
        self._count = 0

    def advance(self, n: int) -> None:
        self._count += n
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def done(self) -> None:
        """Shown finished, with what it counted."""
        if self._bar is not None:
            task = next(t for t in self._bar.tasks if t.id == self._task)
            elapsed = task.elapsed
            # A new total clears Rich's samples, and with them the rate: the rate
            # shown at the end is the step's average.
            self._bar.update(self._task, total=self._count, completed=self._count)
            if self._count and elapsed:
                task.finished_speed = self._count / elapsed


class _Rate(ProgressColumn):
    """Things done a second, once there are some (Rich's own columns give bytes a
    second), after the count when no other column shows it."""

    def __init__(self, *, count: bool = False) -> None:
        super().__init__()
        self._count = count

    def render(self, task: Task) -> Text:
        if not task.completed:
            return Text("")
        speed = task.finished_speed or task.speed
        rate = f"{speed:,.1f}/s" if speed is not None else ""
        count = f"{task.completed:,.0f} done " if self._count else ""
        return Text(f"{count}{rate}", style="progress.data.speed")


@contextmanager
def _stage(label: str, total: int | None, unit: str = "") -> Iterator[Callable[[int], None]]:
    """One step of ``Engine.import_documents`` on the terminal (see ``engine.Stage``):
    a bar with the rate and the time left when the step's size is known, the count
    and the rate when it is not (JSON Lines on stdin)."""
    if not err.is_terminal:
        yield lambda n: None
        return
    columns: list[Any] = [SpinnerColumn(finished_text="✓"), TextColumn(label)]
    if total is not None and unit == "bytes":
        columns += [BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn()]
    elif total is not None:
        columns += [BarColumn(), MofNCompleteColumn(), _Rate(), TimeRemainingColumn()]
    else:
        columns.append(_Rate(count=True))
    # The import advances a batch at a time (the models work on batches), some
    # seconds apart: the rate is averaged over two minutes so the time left holds still.
    with Progress(*columns, TimeElapsedColumn(), console=err, speed_estimate_period=120) as bar:
        step = _Step(bar, bar.add_task(label, total=total))
        yield step.advance
        step.done()


# --- import / export -----------------------------------------------------------

WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        max=256,
        metavar="N",
        help="Run the models and the briefings on a local Dask cluster of N processes "
        "(default: all in this process).",
    ),
]
ClusterOption = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar="ADDRESS",
        help="Run the models and the briefings on the Dask cluster whose scheduler is at "
        f"ADDRESS, such as tcp://scheduler:8786 (also ${CLUSTER_ENV}).",
    ),
]


def _spread(ctx: typer.Context, workers: int | None, cluster: str | None) -> None:
    """Where this command's models run: ``--workers`` or ``--cluster``, which win over
    ``$PARALLAX_CLUSTER``; given neither, the settings decide."""
    if workers and cluster:
        raise CLIError("give --workers or --cluster, not both")
    if cluster is not None and not is_cluster_address(cluster):
        raise CLIError(
            f"--cluster {cluster!r} is not a Dask scheduler address such as tcp://scheduler:8786"
        )
    if workers or cluster:
        ctx.obj["settings"] = replace(_settings(ctx), workers=workers or 0, cluster=cluster)


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Files or folders (.txt, .html, .htm, .json, .jsonl), or article URLs "
            "(http, https); '-' reads JSON Lines from stdin.",
        ),
    ],
    source: Annotated[
        str | None, typer.Option(help="Outlet name for files that do not give one.")
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="ISO 8601 date for files that do not give one."),
    ] = None,
    allow: Annotated[
        list[str] | None,
        typer.Option(
            "--allow",
            metavar="HOST",
            help=f"Let the fetcher reach this non-public host or network (also ${ALLOW_ENV}).",
        ),
    ] = None,
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
) -> None:
    """Import articles (files, folders, JSON Lines, or pages by URL) and update their stories."""
    _spread(ctx, workers, cluster)
    when: datetime | None = None
    if published:
        try:
            when = parse_date(published)
        except ValueError as exc:
            raise CLIError(f"--published {published!r} is not an ISO 8601 date") from exc
    urls = [p for p in paths if p.startswith(("http://", "https://"))]
    files = [p for p in paths if p not in urls]
    limit = _settings(ctx).max_record_bytes
    reading = read_paths(
        files, source=source, published=when, stdin=sys.stdin, max_record_bytes=limit
    )
    if reading.empty() and not urls:
        raise CLIError("nothing to import: no .txt, .html, .htm, .json or .jsonl files found")
    engine = _engine(ctx, allow)
    items: Iterable[Document | IngestError] = reading
    if urls:
        with _progress("fetching", len(urls)) as advance:
            pages = engine.read_pages(urls, on_page=advance)
        items = chain(reading, pages)  # the bar then counts documents, not bytes
    report = engine.import_documents(items, stage=_stage)
    for problem in report.errors:
        err.print(f"failed: {problem}", markup=False)
    out.print(report.line(), markup=False)
    if report.failed and not report.imported and not report.duplicates:
        raise typer.Exit(1)


@app.command("export")
def export(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="stories", help="What to export: stories.")],
    format: Annotated[
        str, typer.Option("--format", help="jsonl (one story per line) or json (one array).")
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Export stories with their briefings, following story.schema.json."""
    if what != "stories":
        raise CLIError(f"cannot export {what!r}; the only export is 'stories'")
    if format not in ("jsonl", "json"):
        raise CLIError(f"--format must be jsonl or json, not {format!r}")
    engine = _engine(ctx)
    documents = []
    offset = 0
    while page := engine.stories(limit=200, offset=offset, parts=()):  # ids: read whole below
        offset += len(page)
        found = (engine.story(row.id) for row in page)
        documents += [detail.document() for detail in found if detail]
    if format == "json":
        text = json.dumps(documents, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CLIError(f"cannot write {output}: {exc.strerror}") from exc
        err.print(f"wrote {len(documents)} stories to {output}", markup=False)
    else:
        sys.stdout.write(text)


# --- reading -------------------------------------------------------------------


@app.command("stories")
def stories(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 50,
) -> None:
    """List stories: title, articles, independent sources, last update."""
    engine = _engine(ctx)
    rows = engine.stories(limit=limit, parts=("quantities",))  # for disputed figures
    if not rows:
        out.print("no stories yet; add some with 'parallax import' or 'parallax add-feed'")
        return
    from rich.table import Table

    # Counted as 'show', the reader and the API count them: wire copies once.
    bylines = engine.store.story_bylines([row.id for row in rows])
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("story", "title", "articles", "sources", "updated"):
        table.add_column(column, overflow="fold")
    for row in rows:
        conflict = row.briefing is not None and any(g.conflict for g in row.briefing.quantities)
        title = row.title + (" [disputed figures]" if conflict else "")
        # As Text, not markup: "[disputed figures]" read as a style tag was dropped,
        # and a title from a feed may hold brackets of its own.
        table.add_row(
            Text(row.id),
            Text(title),
            str(row.n_articles),
            str(independent_sources(bylines[row.id])),
            row.updated.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    story: Annotated[str, typer.Argument(help="Story id (or a unique prefix of it).")],
) -> None:
    """Print a story's briefing: conflicts first, every claim with its outlets."""
    from parallax.render import render_briefing

    detail = _engine(ctx).story(story)
    if detail is None:
        raise CLIError(f"no story {story!r}; 'parallax stories' lists them")
    render_briefing(detail.document(), out)


@app.command("explain")
def explain(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="Article id ('parallax show STORY' lists them).")],
) -> None:
    """Say why an article is in its story: the candidates scored on arrival and each signal."""
    engine = _engine(ctx)
    decided = engine.explain(article)
    if decided is None:
        known = engine.article(article) is not None
        raise CLIError(
            f"article {article!r} was stored before decisions were recorded; re-import it "
            "into a new database to see one"
            if known
            else f"no article {article!r}; 'parallax show STORY' lists a story's article ids"
        )
    from parallax.render import render_decision

    out.print(render_decision(decided))


# "-word" leaves a word out of a search, so options it does not know are words.
@app.command("search", context_settings={"ignore_unknown_options": True})
def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            metavar="WORDS",
            help='Words to find in titles and texts (all of them); also "a phrase", '
            "prefix*, OR between two words, -word to leave one out. Other spellings "
            "of a name that stories merged are found too.",
        ),
    ],
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
) -> None:
    """Full-text search over articles."""
    results = _engine(ctx).search(" ".join(query), limit=limit)
    if not results:
        out.print("no matches")
    for article in results:
        out.print(
            f"{article.id}  {article.source or '?'}: {article.title or article.text[:70]}"
            f"  (story {article.story_id})",
            markup=False,
        )


# --- feeds ---------------------------------------------------------------------


@app.command("add-feed")
def add_feed(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Argument(help="RSS, Atom or JSON Feed URL, or a (Google News) sitemap.")
    ],
) -> None:
    """Subscribe to a feed (polled by 'fetch' and 'run'); re-activates a retired one."""
    try:
        done = _engine(ctx).add_feed(url)
    except BadFeedAddress as exc:
        raise CLIError(str(exc)) from exc
    said = {
        "added": "added",
        "exists": "already subscribed to",
        "reactivated": "re-activated retired",
    }[done.outcome]
    out.print(f"{said} feed {done.feed.id}: {done.feed.url}", markup=False)


@app.command("remove-feed")
def remove_feed(
    ctx: typer.Context, url: Annotated[str, typer.Argument(help="The feed's URL.")]
) -> None:
    """Unsubscribe from a feed; its articles stay."""
    if not _engine(ctx).remove_feed(url):
        raise CLIError(f"no feed {url!r}; 'parallax feeds' lists them")
    out.print(f"removed {url}", markup=False)


@app.command("feeds")
def feeds(ctx: typer.Context) -> None:
    """List feeds with their state (health, last success and error, items, next poll),
    then the stories whose briefing is parked after failing again and again."""
    engine = _engine(ctx)
    rows = engine.feeds()
    if not rows:
        out.print("no feeds; add one with 'parallax add-feed URL'")
    for feed in rows:
        out.print(f"{feed.id:>3}  {feed.url}", markup=False)
        if feed.title or feed.kind != "feed":
            kind = f" ({feed.kind})" if feed.kind != "feed" else ""
            out.print(f"     {feed.title or ''}{kind}".rstrip(), markup=False)
        for line in _feed_state(feed):
            out.print(f"     {line}", markup=False)
    parked = engine.parked_briefings()
    if parked:
        out.print(
            f"\n{len(parked)} briefing{'s' if len(parked) > 1 else ''} parked after failing "
            "(tried again when a new report joins the story):",
            markup=False,
        )
    for story in parked:
        out.print(_parked_line(story), markup=False)


def _parked_line(story: Parked) -> str:
    error = story.error or "no error recorded"
    return f"  story {story.story_id}  {story.title}\n     {story.failures} failures; {error}"


def _feed_state(feed: Feed) -> list[str]:
    """A feed's state in two or three short lines, for people and for grep."""
    if feed.retired:
        state = f"retired {_when(feed.retired)}, not polled"
    elif feed.error_count:
        state = f"failing, {feed.error_count} error{'s' if feed.error_count > 1 else ''} in a row"
    elif feed.last_success:
        state = "ok"
    else:
        state = "not polled yet"
    lines = [
        f"{state}; last success {_when(feed.last_success)}; {feed.items_seen} items seen",
    ]
    if not feed.retired:
        every = f"every {_duration(feed.poll_interval)}, " if feed.poll_interval else ""
        lines.append(f"{every}next poll {_when(feed.next_poll) if feed.next_poll else 'now'}")
    if feed.last_error:
        lines.append(f"last error: {feed.last_error}")
    return lines


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _duration(seconds: int) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"


@app.command("import-opml")
def import_opml(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="FILE", help="An OPML file of subscriptions.")],
) -> None:
    """Subscribe to every feed in an OPML file (from another feed reader)."""
    from parallax.ingest.opml import OpmlError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        done = _engine(ctx).import_opml(data)
    except OpmlError as exc:
        raise CLIError(f"{path}: {exc}") from exc
    for url in done.skipped:
        err.print(f"failed: {url}: not an http(s) URL", markup=False)
    again = f", {done.reactivated} retired ones re-activated" if done.reactivated else ""
    out.print(
        f"added {done.added} feeds{again}, {done.known} already subscribed, "
        f"from {done.listed} in {path}",
        markup=False,
    )
    if done.listed and not (done.added or done.reactivated or done.known):
        raise typer.Exit(1)


@app.command("export-opml")
def export_opml(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Write the feed list as OPML, for another feed reader or a backup."""
    engine = _engine(ctx)
    text = engine.export_opml()
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CLIError(f"cannot write {output}: {exc.strerror}") from exc
        err.print(f"wrote {len(engine.feeds())} feeds to {output}", markup=False)
    else:
        sys.stdout.write(text)


AllowOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow",
        metavar="HOST",
        help=f"Let the fetcher reach this non-public host or network (also ${ALLOW_ENV}).",
    ),
]


@app.command("fetch")
def fetch(ctx: typer.Context, allow: AllowOption = None) -> None:
    """Poll every feed once (retired ones excepted) and bring stories up to date."""
    engine = _engine(ctx, allow)
    if not engine.feeds():
        raise CLIError("no feeds to fetch; add one with 'parallax add-feed URL'")
    report = _poll(engine)
    for problem in report.failed_feeds:
        err.print(f"failed: {problem}", markup=False)
    out.print(report.line(), markup=False)


def _poll(engine: Engine) -> PollReport:
    """Every active feed once, with a bar on a terminal."""
    active = sum(1 for f in engine.feeds() if not f.retired)
    with _progress("polling", active) as advance:
        return engine.poll(on_feed=lambda _: advance(1))


def _print_round(report: PollReport | Exception) -> None:
    """One line per polling round of 'run' that did something, or failed."""
    stamp = time.strftime("%H:%M:%S")
    if isinstance(report, Exception):
        err.print(f"[{stamp}] polling failed: {report}", markup=False)
    elif report.feeds:
        err.print(f"[{stamp}] {report.line()}", markup=False)


# --- serving -------------------------------------------------------------------

HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.")]
TokenOption = Annotated[
    str | None,
    typer.Option(
        help=f"Require this access token (also ${TOKEN_ENV}); needed beyond localhost.",
    ),
]


SecureOption = Annotated[
    bool,
    typer.Option(
        "--secure-cookies",
        help="Mark cookies Secure even though the server sees plain HTTP "
        "(behind a TLS proxy on another host; HTTPS is detected by itself otherwise).",
    ),
]


def _check_port(host: str, port: int) -> None:
    """Fail with a way out when ``port`` cannot be listened on, before anything
    is printed or loaded (uvicorn would print the URL, then a raw socket error)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise CLIError(f"cannot listen on {host!r}: no such address or host name") from exc
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError as exc:
            raise CLIError(
                f"not allowed to listen on port {port}; ports below 1024 need root, "
                "choose another with --port (e.g. --port 8080)"
            ) from exc
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CLIError(
                    f"port {port} on {host} is already in use (is another server running?); "
                    f"choose another with --port, e.g. --port {_free_port(host, family)}"
                ) from exc
            raise CLIError(f"cannot listen on {host} port {port}: {exc.strerror}") from exc


def _free_port(host: str, family: socket.AddressFamily) -> int:
    """A port the system says is free now, to suggest."""
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _serve(
    ctx: typer.Context,
    host: str,
    port: int,
    token: str | None,
    secure_cookies: bool = False,
    workers: int = 1,
) -> None:
    import uvicorn

    from parallax.web import create_app, serving

    settings = _settings(ctx)
    store = _store(ctx)
    # Forwarding headers are trusted only from the proxies the settings name.
    proxies = serving.proxy_options(settings.trusted_proxies)
    token = token or settings.token
    local = host in LOCAL_HOSTS
    has_accounts = store.accounts.has_accounts()
    if not local and not token and not has_accounts:
        raise CLIError(
            f"refusing to serve on {host} without authentication; "
            f"add an account with 'parallax user add NAME', set --token or ${TOKEN_ENV}, "
            "or listen on 127.0.0.1"
        )
    if token and has_accounts:
        err.print(
            "note: this database has accounts, so people sign in and the shared token is "
            "not used; give scripts their own with 'parallax token create'",
            markup=False,
        )
    _check_port(host, port)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    out.print(f"Parallax reader: http://{shown}:{port}/  (Ctrl+C to stop)")
    if workers > 1:
        serving.serve(
            store,
            host,
            port,
            workers,
            token=token,
            allow_open=local,
            open_hosts=LOCAL_HOSTS,
            secure_cookies=secure_cookies,
            trusted_proxies=settings.trusted_proxies,
        )
        return
    application = create_app(
        store,
        token=token,
        allow_open=local,
        open_hosts=LOCAL_HOSTS,  # an open server answers only to these names
        secure_cookies=secure_cookies,
    )
    # Access lines are info-level, which "warning" hides anyway; off, they cost nothing.
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        **proxies,
    )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    secure_cookies: SecureOption = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes serving on the port; one per core uses them all "
            "(each keeps its own page cache).",
        ),
    ] = 1,
) -> None:
    """Start the web reader and JSON API."""
    _serve(ctx, host, port, token, secure_cookies, workers)


@app.command("run")
def run(
    ctx: typer.Context,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    token: TokenOption = None,
    every: Annotated[
        int,
        typer.Option(help="Seconds between checks for due feeds (each feed's interval adapts)."),
    ] = 60,
    allow: AllowOption = None,
    secure_cookies: SecureOption = False,
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
) -> None:
    """Poll feeds on a schedule and serve the reader."""
    _spread(ctx, workers, cluster)
    _check_port(host, port)  # before the poller starts
    _engine(ctx, allow).start_polling(every, _print_round)
    _serve(ctx, host, port, token, secure_cookies)


@app.command("demo")
def demo(
    ctx: typer.Context,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
) -> None:
    """Start the sample newswire on 127.0.0.1, poll it, and serve the reader. No network."""
    from parallax.demo.server import Newswire

    _check_port(host, port)  # before a minute of polling, not after
    if ctx.obj.get("db") is None and _settings(ctx).db is None:
        # A fresh database each time, so the demo never mixes with real data.
        ctx.obj["db"] = str(Path(tempfile.mkdtemp(prefix="parallax-demo-")) / "demo.db")
    # The newswire is our own server on this machine: no need to pace ourselves.
    engine = _engine(ctx, ["127.0.0.1"], host_delay=0.0)
    reopen = _reopen_hint(engine.store)
    out.print(f"the demo's database: {reopen}", markup=False)
    wire = Newswire.start(host="127.0.0.1", port=0)
    ctx.call_on_close(wire.close)
    out.print(f"sample newswire at {wire.base_url}/ with {len(wire.feed_urls)} outlet feeds")
    for url in wire.feed_urls:
        engine.add_feed(url)
    out.print("polling the feeds and building stories (the first run loads the models)...")
    out.print(_poll(engine).line(), markup=False)
    engine.start_polling(60, _print_round)
    _serve(ctx, host, port, None)
    out.print(f"the demo's stories stay in its database: {reopen}", markup=False)


def _reopen_hint(store: Storage) -> str:
    """Where a store's data is, as the command that reads it again."""
    where = make_url(store.url)
    if where.get_backend_name() == "sqlite" and where.database:
        target = where.database
    else:
        target = where.render_as_string(hide_password=True)
    return f"{target}; read it later with: parallax --db {shlex.quote(target)} stories"


@app.command("migrate-db")
def migrate_db(
    source: Annotated[
        str, typer.Option("--from", metavar="URL", help="The database to copy (a path or URL).")
    ],
    target: Annotated[
        str,
        typer.Option("--to", metavar="URL", help="An empty database to copy it into (a URL)."),
    ],
) -> None:
    """Copy a whole database into another, e.g. SQLite into postgresql+psycopg://."""
    from parallax.store.copy import copy_database
    from parallax.store.database import as_url

    report = copy_database(as_url(source), as_url(target))
    for table, rows in report.rows.items():
        out.print(f"{table}: {rows}", markup=False)


# --- accounts and API tokens ---------------------------------------------------------

user_app = typer.Typer(
    help="Reader accounts. With none, a server on localhost runs for one reader, "
    "no sign-in needed.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens, for scripts (Authorization: Bearer) and feed readers (?token=).",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The name to sign in with.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the first one takes over the single-reader follows and saves)."""
    accounts = _store(ctx).accounts
    try:
        _, adopted = accounts.add_user(name, _new_password(password_stdin))
    except AccountError as exc:
        raise CLIError(str(exc)) from exc
    out.print(f"added user {name}", markup=False)
    if adopted:
        out.print("it keeps what was followed, muted and saved so far", markup=False)


@user_app.command("password")
def user_password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Whose password to change.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a new password (signs the account out everywhere)."""
    try:
        _store(ctx).accounts.set_password(name, _new_password(password_stdin))
    except AccountError as exc:
        raise CLIError(str(exc)) from exc
    out.print(f"changed the password of {name}", markup=False)


@user_app.command("list")
def user_list(ctx: typer.Context) -> None:
    """List the accounts."""
    for user in _store(ctx).accounts.users():
        out.print(user.name, markup=False)


@user_app.command("remove")
def user_remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The account to delete.")]
) -> None:
    """Delete an account with its sessions, tokens, follows and saved stories."""
    if not _store(ctx).accounts.remove_user(name):
        raise CLIError(f"there is no user called {name!r}; see 'parallax user list'")
    out.print(f"removed user {name}", markup=False)


def _token_owner(accounts: Accounts, name: str | None) -> User:
    if name is None:
        if accounts.has_accounts():
            raise CLIError("say whose token this is with --user NAME")
        return accounts.local_user()
    found = accounts.user(name)
    if found is None:
        raise CLIError(f"there is no user called {name!r}; see 'parallax user list'")
    return found


UserOption = Annotated[
    str | None,
    typer.Option("--user", help="The account (needed once accounts exist)."),
]


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    label: Annotated[str, typer.Argument(help="What the token is for, e.g. 'feed reader'.")],
    user: UserOption = None,
) -> None:
    """Create an API token and print it (it is shown only this once)."""
    accounts = _store(ctx).accounts
    record, secret = accounts.create_token(_token_owner(accounts, user), label)
    err.print(f"token {record.id} for {record.user}; keep it secret, it is not shown again")
    out.print(secret, markup=False)


@token_app.command("list")
def token_list(ctx: typer.Context, user: UserOption = None) -> None:
    """List API tokens (their first characters only)."""
    accounts = _store(ctx).accounts
    owner = _token_owner(accounts, user) if user else None
    for tk in accounts.tokens(owner):
        used = tk.last_used.strftime("%Y-%m-%d %H:%M") if tk.last_used else "never used"
        out.print(
            f"{tk.id}\t{tk.user}\t{tk.prefix}...\t{tk.label}\t{used}",
            markup=False,
        )


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[
        int, typer.Argument(help="The token's number, from 'parallax token list'.")
    ],
) -> None:
    """Revoke an API token: it stops working at once."""
    if not _store(ctx).accounts.revoke_token(token_id):
        raise CLIError(f"there is no token {token_id}; see 'parallax token list'")
    out.print(f"revoked token {token_id}", markup=False)


# Typer re-exports BadParameter from the Click it runs on (Click itself, or the
# copy that newer Typer releases carry); its bases are that Click's exceptions.
_CLICK_ERRORS = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
UsageError: type[Exception] = _CLICK_ERRORS["UsageError"]
ClickException: type[Exception] = _CLICK_ERRORS["ClickException"]


def _usage_error(exc: Any) -> None:
    """The command's usage, then one error line naming where to read more."""
    ctx = exc.ctx
    if ctx is not None:
        err.print(ctx.get_usage(), markup=False)
    path = ctx.command_path if ctx is not None else "parallax"
    err.print(f"error: {exc.format_message().rstrip('.')}; see '{path} --help'", markup=False)


def main() -> None:
    command = typer.main.get_command(app)
    try:
        status = command.main(prog_name="parallax", standalone_mode=False)
        if isinstance(status, int) and status:
            sys.exit(status)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except UsageError as exc:
        _usage_error(exc)
        sys.exit(2)
    except ClickException as exc:
        err.print(f"error: {cast(Any, exc).format_message()}", markup=False)
        sys.exit(cast(Any, exc).exit_code)
    except (CLIError, DatabaseError, FetchError, SettingsError) as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, not a traceback
        if debug_from(os.environ):
            raise
        err.print(
            f"error: unexpected {type(exc).__name__}: {exc} "
            "(set PARALLAX_DEBUG=1 for the traceback, and please report it)",
            markup=False,
        )
        sys.exit(1)
