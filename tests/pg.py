"""A throwaway PostgreSQL server for the tests, and the ``db_url`` fixture that
runs a test on SQLite and on PostgreSQL.

The server is Debian's own binaries (``initdb``, ``pg_ctl``), started once per
test session (under pytest-xdist, once per worker) in a temporary directory,
listening only on a unix socket there, and stopped at the end.  PostgreSQL
refuses to run as root, so under root (as CI runs) the cluster belongs to the
``postgres`` account that Debian's package creates, or to ``nobody``.  Each
test gets its own database, copied from a template that is migrated once: a
fresh database costs a file copy, not a migration run.  ``db_templates`` does
the same on SQLite for databases that several tests fill alike.

Tests that take ``db_url`` (or the ``store`` fixture built on it) run once per
backend.  Tests marked ``slow`` (the language models) stay on SQLite only: the
models, not the store, are what they exercise, and running them twice would
double the suite's time.  ``PARALLAX_TEST_BACKENDS=sqlite`` limits every test
to SQLite; without the PostgreSQL binaries the PostgreSQL runs skip and say
what to install.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from parallax.store import Store

BACKENDS = ("sqlite", "postgresql")
BACKENDS_ENV = "PARALLAX_TEST_BACKENDS"
INSTALL_HINT = "apt-get install postgresql (or run `make test` as root, which installs it)"


def _binary(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, else the newest of Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return candidates[-1] if candidates else None


class PgServer:
    """One PostgreSQL cluster in a temporary directory, reached over its unix socket."""

    ROLE = "parallax"

    def __init__(self) -> None:
        initdb, self.pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not self.pg_ctl:
            raise RuntimeError(f"the PostgreSQL server is not installed: {INSTALL_HINT}")
        self.prefix: list[str] = []
        owner = None
        if os.geteuid() == 0:
            owner = _unprivileged_account()
            self.prefix = ["runuser", "-u", owner.pw_name, "--"]
        self.dir = Path(tempfile.mkdtemp(prefix="parallax-pg-"))
        if owner is not None:
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.data = self.dir / "data"
        try:
            self._start(initdb)
        except RuntimeError:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        # One connection kept for creating and dropping each test's database.
        self._admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        self._stopped = False
        atexit.register(self.stop)  # also when the session dies before its teardown
        self._names = itertools.count()
        self.template = "parallax_template"
        self.admin(f"CREATE DATABASE {self.template}")
        Store.open(self.url(self.template)).close()

    def _start(self, initdb: str) -> None:
        assert self.pg_ctl is not None
        self._run(
            initdb, "-D", str(self.data), "-U", self.ROLE, "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        # Durability off: the cluster is thrown away, and fsyncs would dominate the tests.
        options = (
            f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB"
        )
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.dir / "server.log"),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def _run(self, *argv: str) -> None:
        done = subprocess.run([*self.prefix, *argv], capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{Path(argv[0]).name} failed: {done.stderr.strip()}")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.ROLE}@/{database}?host={self.dir}"

    def admin(self, statement: str) -> None:
        """Run a statement outside a transaction (CREATE and DROP DATABASE need that)."""
        with self._admin.connect() as conn:
            conn.execute(text(statement))

    def new_database(self) -> str:
        """A fresh, migrated database's URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._admin.dispose()
        assert self.pg_ctl is not None
        subprocess.run(
            [*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and no postgres or nobody account to run PostgreSQL as")


def backends() -> list[str]:
    wanted = os.environ.get(BACKENDS_ENV, ",".join(BACKENDS)).split(",")
    return [b for b in BACKENDS if b in {w.strip() for w in wanted}] or ["sqlite"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses a database on every backend, except the model-heavy ones."""
    if "db_url" not in metafunc.fixturenames:
        return
    chosen = ["sqlite"] if metafunc.definition.get_closest_marker("slow") else backends()
    metafunc.parametrize("db_url", chosen, indirect=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    try:
        server = PgServer()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


Build = Callable[[str], Store]
"""Writes what several tests read into the new database at a URL; returns its store."""


class Templates:
    """SQLite databases filled once per session, copied into each test's own.

    The web tests each start from the same hand-written stories; writing them
    again for every test cost more than most of those tests.  A page-by-page
    backup of the filled file costs a fifth of that, and each test still has a
    database of its own.  On PostgreSQL the stories are written into each
    test's database as before: a database created from a filled template costs
    as much as the writes (each ``CREATE DATABASE`` copies the whole catalogue)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[Build, Path] = {}

    def open(self, url: str, build: Build) -> Store:
        """A store on the new database at ``url``, filled with what ``build`` writes."""
        target = make_url(url)
        if target.get_backend_name() != "sqlite" or not target.database:
            return build(url)
        if build not in self.built:
            path = Path(tempfile.mkdtemp(dir=self.folder)) / "template.db"
            build(f"sqlite:///{path}").close()
            self.built[build] = path  # once whole: what a failed build wrote is not copied
        source, copy = sqlite3.connect(self.built[build]), sqlite3.connect(target.database)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return Store.open(url)


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """``db_templates.open(db_url, build)``: the test's new database, holding what
    ``build`` writes (on SQLite, a copy of what it wrote once per session)."""
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a file under ``tmp_path``, or a new PostgreSQL database."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'parallax.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    url = server.new_database()
    yield url
    server.drop(url)
