"""Accounts: passwords, sessions, CSRF, API tokens and the modes a server runs in.

Against the real SQLite store of ``conftest`` through FastAPI's TestClient,
and once through a real ``parallax serve`` on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner, Result

from parallax import cli
from parallax.store import Store
from parallax.store import schema as t
from parallax.store.accounts import AccountError, Interest, User
from parallax.store.protocols import Accounts
from parallax.web import create_app
from parallax.web.auth import CSRF_COOKIE, LOGIN_COOKIE, safe_next
from parallax.web.throttle import FIRST_DELAY, FREE_TRIES, Throttle
from tests.conftest import run_cli

ALICE_PASSWORD = "alice-correct-horse"
BOB_PASSWORD = "bob-battery-staple"


# --- helpers shared with test_personal and test_atom -------------------------------


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def browser(store: Store, **options: object) -> TestClient:
    return TestClient(create_app(store, **options), follow_redirects=False)  # type: ignore[arg-type]


def sign_in(client: TestClient, accounts: Accounts, user: User) -> None:
    """A signed-in browser without going through the (deliberately slow) password check."""
    secret, _ = accounts.start_session(user)
    client.cookies.set(LOGIN_COOKIE, secret)


def login(client: TestClient, name: str, password: str, next: str = "/") -> httpx.Response:
    """Sign in through the form, as a person does."""
    form = client.get("/login")
    assert form.status_code == 200
    data = {"name": name, "password": password, "next": next, "csrf": csrf_from(form.text)}
    return client.post("/login", data=data)


@pytest.fixture()
def accounts(web_store: Store) -> Accounts:
    return web_store.accounts


@pytest.fixture()
def alice(accounts: Accounts) -> User:
    return accounts.add_user("alice", ALICE_PASSWORD)[0]


@pytest.fixture()
def bob(accounts: Accounts, alice: User) -> User:
    return accounts.add_user("bob", BOB_PASSWORD)[0]


# --- passwords -------------------------------------------------------------------------


def test_password_is_stored_as_an_argon2id_hash_only(
    web_store: Store, accounts: Accounts, alice: User, tmp_path: Path
) -> None:
    with web_store.engine.connect() as conn:
        stored = conn.execute(select(t.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert ALICE_PASSWORD not in stored
    web_store.close()  # flush the WAL so the file holds everything
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert ALICE_PASSWORD.encode() not in raw


def test_account_names_and_passwords_are_checked(accounts: Accounts, alice: User) -> None:
    for name, password, message in [
        ("alice", "another-good-one", "already a user"),
        ("", "long-enough-pw", "a user name is"),
        ("(local)", "long-enough-pw", "a user name is"),
        ("has space", "long-enough-pw", "a user name is"),
        ("carol", "short", "at least 8"),
    ]:
        with pytest.raises(AccountError, match=re.escape(message)):
            accounts.add_user(name, password)
    assert [u.name for u in accounts.users()] == ["alice"]


def test_authenticate(accounts: Accounts, alice: User) -> None:
    assert accounts.authenticate("alice", ALICE_PASSWORD) == alice
    assert accounts.authenticate("alice", ALICE_PASSWORD.upper()) is None
    assert accounts.authenticate("nobody", ALICE_PASSWORD) is None


# --- signing in ------------------------------------------------------------------------


def test_sign_in_with_the_right_password(web_store: Store, accounts: Accounts, alice: User) -> None:
    client = browser(web_store)
    r = login(client, "alice", ALICE_PASSWORD, next="/stories/s1syria")
    assert r.status_code == 303
    assert r.headers["location"] == "/stories/s1syria"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(LOGIN_COOKIE))
    flags = [f.strip().lower() for f in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert any(f.startswith("max-age=") for f in flags)
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    # Only a digest of the session secret is stored.
    secret = client.cookies[LOGIN_COOKIE]
    with web_store.engine.connect() as conn:
        ids = list(conn.execute(select(t.sessions.c.id)).scalars())
    assert ids == [hashlib.sha256(secret.encode()).hexdigest()]
    page = client.get("/stories/s1syria")
    assert page.status_code == 200 and "Iran-backed" in page.text
    assert "alice" in client.get("/account").text


def test_sign_in_with_a_wrong_password_or_name(
    web_store: Store, accounts: Accounts, alice: User
) -> None:
    client = browser(web_store)
    answers = [
        login(client, "alice", "not-the-password"),
        login(client, "mallory", ALICE_PASSWORD),
    ]
    for r in answers:
        assert r.status_code == 401
        assert "do not match an account" in r.text
        assert not any(c.startswith(LOGIN_COOKIE) for c in r.headers.get_list("set-cookie"))
    # The same answer for a wrong name as for a wrong password.
    assert answers[0].text.count("do not match") == answers[1].text.count("do not match")
    assert client.get("/").status_code == 303


def test_guessing_passwords_is_throttled_without_locking_the_owner_out(
    web_store: Store, alice: User
) -> None:
    # F10: five wrong passwords from one address locked Alice out everywhere for
    # 15 minutes. Now the guesser waits, and Alice from her own address does not.
    app = create_app(web_store)
    attacker = TestClient(app, follow_redirects=False, client=("203.0.113.9", 5000))
    owner = TestClient(app, follow_redirects=False, client=("198.51.100.7", 5000))
    for _ in range(FREE_TRIES):
        assert login(attacker, "alice", "a-wrong-guess").status_code == 401
    r = login(attacker, "alice", ALICE_PASSWORD)  # even the right password must wait now
    assert r.status_code == 429
    assert "try again in 30 seconds" in r.text and 25 < int(r.headers["retry-after"]) <= 31
    assert LOGIN_COOKIE not in attacker.cookies
    assert login(owner, "alice", ALICE_PASSWORD).status_code == 303
    assert LOGIN_COOKIE in owner.cookies


def test_throttle_waits_grow_per_address_and_name_and_forget() -> None:
    now = [0.0]
    throttle = Throttle(free_tries=2, per_address=5, window=60, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("Alice", "10.0.0.1")
    assert throttle.wait("alice", "10.0.0.1") == FIRST_DELAY
    assert throttle.wait("alice", "10.0.0.2") == 0  # the owner, elsewhere
    assert throttle.wait("bob", "10.0.0.1") == 0
    delays = []
    for _ in range(8):
        now[0] += throttle.wait("alice", "10.0.0.1")
        throttle.failed("alice", "10.0.0.1")
        delays.append(throttle.wait("alice", "10.0.0.1"))
    assert delays[:5] == [60, 120, 240, 480, 900]  # doubling, up to 15 minutes
    assert delays[-1] == 900
    throttle.succeeded("ALICE", "10.0.0.1")
    assert throttle.wait("alice", "10.0.0.1") == 0
    for name in ("carol", "dave", "erin", "frank", "gina"):  # one address, many names
        throttle.failed(name, "10.0.0.3")
    assert throttle.wait("harry", "10.0.0.3") == 60
    now[0] += 61
    assert throttle.wait("harry", "10.0.0.3") == 0  # those failures aged out


def test_cookies_are_secure_over_https_or_when_asked(web_store: Store, alice: User) -> None:
    https = TestClient(create_app(web_store), base_url="https://testserver", follow_redirects=False)
    r = login(https, "alice", ALICE_PASSWORD)
    assert r.status_code == 303
    cookies = r.headers.get_list("set-cookie")
    assert cookies and all("secure" in c.lower().split("; ") for c in cookies)
    # Behind a TLS proxy the app sees http; asked to, it marks cookies Secure anyway
    # (so this http client, rightly, does not send them back).
    proxied = browser(web_store, secure_cookies=True).get("/login")
    (csrf_cookie,) = proxied.headers.get_list("set-cookie")
    assert "secure" in csrf_cookie.lower().split("; ")


def test_after_sign_in_only_same_site_paths(web_store: Store, alice: User) -> None:
    r = login(browser(web_store), "alice", ALICE_PASSWORD, next="//evil.example/")
    assert r.headers["location"] == "/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/stories/s1?x=1", "/stories/s1?x=1"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_safe_next(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_sign_out_ends_the_session(web_store: Store, accounts: Accounts, alice: User) -> None:
    client = browser(web_store)
    sign_in(client, accounts, alice)
    secret = client.cookies[LOGIN_COOKIE]
    account = client.get("/account")
    r = client.post("/logout", data={"csrf": csrf_from(account.text)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert accounts.session_user(secret) is None
    replay = browser(web_store)
    replay.cookies.set(LOGIN_COOKIE, secret)
    assert replay.get("/for-you").status_code == 303


def test_expired_sessions_do_not_count(web_store: Store, accounts: Accounts, alice: User) -> None:
    secret, _ = accounts.start_session(alice, days=-1)
    client = browser(web_store)
    client.cookies.set(LOGIN_COOKIE, secret)
    assert client.get("/").status_code == 303


def test_new_password_signs_out_everywhere(
    web_store: Store, accounts: Accounts, alice: User
) -> None:
    secret, _ = accounts.start_session(alice)
    accounts.set_password("alice", "a-brand-new-password")
    assert accounts.session_user(secret) is None
    assert accounts.authenticate("alice", "a-brand-new-password") == alice


# --- who may come in -------------------------------------------------------------------


def test_with_accounts_everything_needs_sign_in(web_store: Store, alice: User) -> None:
    client = browser(web_store)
    r = client.get("/stories/s1syria")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/stories/s1syria"
    for path in ["/api/stories", "/api/me", "/feeds/story/s1syria.atom", "/feeds/for-you.atom"]:
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
        assert "Iran-backed" not in r.text
    assert client.post("/follow", data={"kind": "topic", "name": "x"}).status_code == 401
    assert client.get("/static/style.css").status_code == 200
    login_page = client.get("/login")
    assert login_page.status_code == 200 and 'name="password"' in login_page.text


def test_open_single_reader_mode_when_local_without_accounts(web_store: Store) -> None:
    client = browser(web_store)
    assert client.get("/").status_code == 200
    assert client.get("/for-you").status_code == 200
    assert client.get("/api/me").json()["single_user"] is True
    assert "no accounts" in client.get("/login").text


def test_open_mode_answers_only_to_this_computers_names(web_store: Store) -> None:
    local = {"127.0.0.1", "localhost", "::1"}
    for base in ["http://127.0.0.1:8000", "http://localhost", "http://[::1]:8000"]:
        client = TestClient(create_app(web_store, open_hosts=local), base_url=base)
        assert client.get("/").status_code == 200, base
    for base in ["http://rebound.example", "http://192.168.1.20:8000"]:
        client = TestClient(create_app(web_store, open_hosts=local), base_url=base)
        r = client.get("/stories/s1syria")
        assert r.status_code == 403, base
        assert "Iran-backed" not in r.text and "parallax user add" in r.text
        assert client.get("/api/stories").status_code == 403


def test_not_open_beyond_localhost_without_accounts(web_store: Store, accounts: Accounts) -> None:
    client = browser(web_store, allow_open=False)
    for path in ["/", "/stories/s1syria", "/api/stories", "/feeds/story/s1syria.atom"]:
        r = client.get(path)
        assert r.status_code == 401, path
        assert "Iran-backed" not in r.text
    assert "parallax user add" in client.get("/").text
    # An API token is authentication, so scripts still get in.
    _, secret = accounts.create_token(accounts.local_user(), "script")
    ok = client.get("/api/stories", headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 200


def test_an_account_added_while_serving_closes_the_open_mode(
    web_store: Store, accounts: Accounts
) -> None:
    client = browser(web_store)
    assert client.get("/").status_code == 200
    accounts.add_user("alice", ALICE_PASSWORD)
    assert client.get("/").status_code == 303


def test_first_account_takes_over_the_single_reader_profile(accounts: Accounts) -> None:
    local = accounts.local_user()
    accounts.follow(local, Interest("topic", "weather", "Weather"))
    accounts.save(local, "s1syria")
    alice, adopted = accounts.add_user("alice", ALICE_PASSWORD)
    assert adopted
    assert [i.key for i in accounts.follows(alice)] == ["weather"]
    assert [sid for sid, _ in accounts.saved(alice)] == ["s1syria"]
    bob, adopted = accounts.add_user("bob", BOB_PASSWORD)
    assert not adopted and accounts.follows(bob) == []


def test_first_requests_at_once_share_one_local_profile(tmp_path: Path) -> None:
    """Several browser tabs opening a new single-reader server at the same moment."""
    tabs = 8
    for attempt in range(4):
        store = Store.open(str(tmp_path / f"fresh{attempt}.db"))
        start = threading.Barrier(tabs)

        def first_visit(client: TestClient, start: threading.Barrier = start) -> int:
            start.wait()
            return client.get("/for-you").status_code

        # One app and one event loop; Auth resolves each request on its own worker thread.
        with browser(store) as client, ThreadPoolExecutor(tabs) as pool:
            codes = list(pool.map(first_visit, [client] * tabs))
        assert codes == [200] * tabs
        with store.engine.connect() as conn:
            assert len(conn.execute(select(t.users.c.id)).all()) == 1
        store.close()


def test_shared_token_mode_acts_as_the_single_reader(web_store: Store) -> None:
    client = browser(web_store, token="shared-secret")
    assert client.get("/for-you").status_code == 401
    entered = client.get("/stories/s1syria", params={"token": "shared-secret"})
    assert entered.status_code == 303
    page = client.get("/stories/s1syria")
    r = client.post(
        "/follow",
        data={
            "kind": "outlet",
            "name": "Reuters",
            "next": "/for-you",
            "csrf": csrf_from(page.text),
        },
    )
    assert r.status_code == 303
    assert "Iran-backed militias enter Syria" in client.get("/for-you").text


# --- CSRF ------------------------------------------------------------------------------


def test_forms_without_the_right_csrf_token_are_refused(
    web_store: Store, accounts: Accounts, alice: User
) -> None:
    client = browser(web_store)
    sign_in(client, accounts, alice)
    good = csrf_from(client.get("/stories/s1syria").text)
    other = browser(web_store)
    sign_in(other, accounts, alice)  # the same person in another browser
    foreign = csrf_from(other.get("/stories/s1syria").text)
    follow = {"kind": "entity", "name": "Abbas Araghchi", "next": "/"}
    for token in [None, "", "0" * 64, good[:-1] + ("0" if good[-1] != "0" else "1"), foreign]:
        data = dict(follow, **({"csrf": token} if token is not None else {}))
        r = client.post("/follow", data=data)
        assert r.status_code == 403, token
        assert "did not come from this site" in r.text
    for path, data in [
        ("/save", {"story_id": "s1syria"}),
        ("/logout", {}),
        ("/account/tokens", {"label": "x"}),
    ]:
        assert client.post(path, data=data).status_code == 403, path
    # Nothing changed.
    assert accounts.follows(alice) == [] and accounts.saved(alice) == []
    assert accounts.tokens(alice) == [] and client.get("/account").status_code == 200
    # The right token works.
    r = client.post("/follow", data=dict(follow, csrf=good))
    assert r.status_code == 303
    assert [i.label for i in accounts.follows(alice)] == ["Abbas Araghchi"]


def test_a_token_from_before_sign_in_is_worthless_after(
    web_store: Store, accounts: Accounts, alice: User
) -> None:
    client = browser(web_store)
    before = csrf_from(client.get("/login").text)
    assert client.cookies.get(CSRF_COOKIE)
    sign_in(client, accounts, alice)
    r = client.post("/save", data={"story_id": "s1syria", "csrf": before})
    assert r.status_code == 403
    assert accounts.saved(alice) == []


def test_a_form_from_one_server_process_is_accepted_by_another(
    web_store: Store, accounts: Accounts
) -> None:
    """After a restart, or with several workers, on the same database."""
    first = browser(web_store)
    token = csrf_from(first.get("/stories/s1syria").text)
    second = browser(Store.open(web_store.engine.url.render_as_string(hide_password=False)))
    second.cookies.update(first.cookies)
    form = {"kind": "topic", "name": "weather", "next": "/", "csrf": token}
    assert second.post("/follow", data=form).status_code == 303
    assert [i.key for i in accounts.follows(accounts.local_user())] == ["weather"]


def test_the_sign_in_form_itself_needs_its_token(web_store: Store, alice: User) -> None:
    client = browser(web_store)
    r = client.post("/login", data={"name": "alice", "password": ALICE_PASSWORD})
    assert r.status_code == 403
    assert LOGIN_COOKIE not in client.cookies


def test_open_mode_forms_need_the_token_too(web_store: Store, accounts: Accounts) -> None:
    client = browser(web_store)
    r = client.post("/follow", data={"kind": "topic", "name": "weather"})
    assert r.status_code == 403
    assert accounts.follows(accounts.local_user()) == []


def test_csrf_cookie_flags(web_store: Store) -> None:
    r = browser(web_store).get("/stories/s1syria")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(CSRF_COOKIE))
    flags = [f.strip().lower() for f in cookie.split(";")]
    assert "httponly" in flags and "samesite=strict" in flags
    assert r.headers["cache-control"].startswith("private")


# --- API tokens ------------------------------------------------------------------------


def test_api_token_works_until_revoked(web_store: Store, accounts: Accounts, alice: User) -> None:
    record, secret = accounts.create_token(alice, "script")
    assert secret not in str(accounts.tokens())  # only a prefix is ever listed
    client = browser(web_store)
    bearer = {"Authorization": f"Bearer {secret}"}
    r = client.get("/api/stories", headers=bearer)
    assert r.status_code == 200 and r.json()["stories"]
    assert r.headers["cache-control"].startswith("private")
    assert client.get("/api/me", headers=bearer).json()["name"] == "alice"
    # A Bearer request needs no CSRF token: no browser sends the header by itself.
    assert client.post("/save", data={"story_id": "s1syria"}, headers=bearer).status_code == 303
    assert accounts.tokens(alice)[0].last_used is not None
    assert accounts.revoke_token(record.id)
    r = client.get("/api/stories", headers=bearer)
    assert r.status_code == 401
    assert "not valid" in r.json()["detail"]


def test_wrong_tokens_are_refused_not_ignored(web_store: Store, alice: User) -> None:
    client = browser(web_store)
    for header in ["Bearer pxt_nope", "Bearer ", "bearer x"]:
        r = client.get("/api/stories", headers={"Authorization": header})
        assert r.status_code == 401, header
    # Outside feeds, a token in the address is not read (it would linger in logs).
    assert client.get("/api/stories", params={"token": "pxt_nope"}).status_code == 401


def test_tokens_from_the_account_page(web_store: Store, accounts: Accounts, alice: User) -> None:
    client = browser(web_store)
    sign_in(client, accounts, alice)
    page = client.get("/account")
    r = client.post("/account/tokens", data={"label": "reader", "csrf": csrf_from(page.text)})
    assert r.status_code == 200
    secret = re.search(r"(pxt_[\w-]+)", r.text)
    assert secret
    assert accounts.token_user(secret.group(1)) == alice
    listed = accounts.tokens(alice)[0]
    assert listed.prefix in client.get("/account").text
    assert secret.group(1) not in client.get("/account").text  # shown once only
    revoke = f"/account/tokens/{listed.id}/revoke"
    assert client.post(revoke, data={"csrf": csrf_from(page.text)}).status_code == 303
    assert accounts.token_user(secret.group(1)) is None


def test_no_one_revokes_another_persons_token(
    web_store: Store, accounts: Accounts, alice: User, bob: User
) -> None:
    record, secret = accounts.create_token(alice, "alice's")
    client = browser(web_store)
    sign_in(client, accounts, bob)
    csrf = csrf_from(client.get("/account").text)
    r = client.post(f"/account/tokens/{record.id}/revoke", data={"csrf": csrf})
    assert r.status_code == 404
    assert accounts.token_user(secret) == alice


# --- the command line and a real server ------------------------------------------------


def parallax(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parallax", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_users_and_tokens(tmp_path: Path) -> None:
    """The account commands, in-process; ``test_cli_contract`` runs them as a user does."""
    db = str(tmp_path / "cli.db")
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(cli.app, ["--db", db, *args], input=stdin)

    assert run("token", "create", "before accounts").stdout.startswith("pxt_")
    added = run("user", "add", "alice", "--password-stdin", stdin=ALICE_PASSWORD + "\n")
    assert added.exit_code == 0
    assert "keeps what was followed" in added.stdout  # took over the single-reader profile
    assert run("user", "add", "bob", "--password-stdin", stdin=BOB_PASSWORD).exit_code == 0
    assert run("user", "list").stdout.split() == ["alice", "bob"]
    missing = run("token", "create", "x")
    assert isinstance(missing.exception, cli.CLIError) and "--user NAME" in str(missing.exception)
    secret = run("token", "create", "feeds", "--user", "bob").stdout.strip()
    listing = run("token", "list").stdout
    assert secret[:10] in listing and secret not in listing
    assert len(listing.splitlines()) == 2
    store = Store.open(db)
    try:
        accounts = store.accounts
        assert accounts.token_user(secret) is not None
        assert run("token", "revoke", "2").exit_code == 0
        assert accounts.token_user(secret) is None
        assert isinstance(run("token", "revoke", "2").exception, cli.CLIError)
        changed = run("user", "password", "bob", "--password-stdin", stdin="a-new-password\n")
        assert changed.exit_code == 0
        assert accounts.authenticate("bob", "a-new-password") is not None
        assert run("user", "remove", "bob").exit_code == 0
        assert accounts.user("bob") is None
    finally:
        store.close()
    assert run("user", "list").stdout.split() == ["alice"]


def test_cli_contract(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    short = parallax(db, "user", "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode != 0
    assert short.stderr.strip() == "error: the password must have at least 8 characters"
    made = parallax(db, "token", "create", "script")
    assert made.returncode == 0 and made.stdout.strip().startswith("pxt_")
    assert "not shown again" in made.stderr  # the note goes to stderr, the token alone to stdout


def test_cli_refuses_to_serve_beyond_localhost_without_authentication(tmp_path: Path) -> None:
    r = run_cli("--db", str(tmp_path / "x.db"), "serve", "--host", "0.0.0.0", "--port", "9")
    assert r.returncode != 0
    assert "refusing to serve on 0.0.0.0 without authentication" in r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(db: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``parallax serve`` on 127.0.0.1 over ``db``; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "parallax", "--db", str(db), "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/static/style.css", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[str]:
    """A real server over a database with one account."""
    db = tmp_path / "served.db"
    store = Store.open(str(db))
    store.accounts.add_user("alice", ALICE_PASSWORD)
    store.close()
    yield from serve(db)


def test_real_server_without_accounts_is_open_to_this_computer_only(tmp_path: Path) -> None:
    for base in serve(tmp_path / "open.db"):
        assert httpx.get(base + "/for-you").status_code == 200
        rebound = httpx.get(base + "/for-you", headers={"host": "rebound.example"})
        assert rebound.status_code == 403


def test_real_server_with_two_workers_keeps_the_same_settings(tmp_path: Path) -> None:
    for base in serve(tmp_path / "workers.db", "--workers", "2", "--token", "s3cret-token"):
        with httpx.Client(base_url=base) as client:  # one keep-alive connection
            for _ in range(5):
                assert client.get("/").status_code == 401  # the token reached the workers
            signed = {"authorization": "Bearer s3cret-token"}
            assert client.get("/api/stories", headers=signed).status_code == 200


def test_real_server_signs_people_in(served: str) -> None:
    with httpx.Client(base_url=served) as client:
        r = client.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/login"
        form = client.get("/login")
        r = client.post(
            "/login",
            data={"name": "alice", "password": ALICE_PASSWORD, "csrf": csrf_from(form.text)},
        )
        assert r.status_code == 303
        assert client.get("/for-you").status_code == 200
        assert client.get("/api/me").json()["name"] == "alice"


def _guess(client: httpx.Client, password: str, forwarded_for: str) -> int:
    form = client.get("/login")
    data = {"name": "alice", "password": password, "csrf": csrf_from(form.text)}
    return client.post("/login", data=data, headers={"x-forwarded-for": forwarded_for}).status_code


def test_a_local_client_cannot_choose_its_address_with_x_forwarded_for(tmp_path: Path) -> None:
    # F9: uvicorn trusted X-Forwarded-For from 127.0.0.1, so a guesser rotating the
    # header was a new address each time and never throttled (24 of 24 got 401).
    db = tmp_path / "proxy.db"
    store = Store.open(str(db))
    store.accounts.add_user("alice", ALICE_PASSWORD)
    store.close()
    for base in serve(db):
        with httpx.Client(base_url=base) as client:
            answers = [_guess(client, "wrong", f"198.51.100.{n}") for n in range(FREE_TRIES + 1)]
            assert answers == [401] * FREE_TRIES + [429]
    # Named as a trusted proxy, 127.0.0.1 may say whom it forwards: the owner,
    # behind it at another address, is not held up by the guesser.
    for base in serve(db, env={"PARALLAX_TRUSTED_PROXIES": "127.0.0.1"}):
        with httpx.Client(base_url=base) as client:
            for _ in range(FREE_TRIES):
                assert _guess(client, "wrong", "203.0.113.9") == 401
            assert _guess(client, ALICE_PASSWORD, "203.0.113.9") == 429
            assert _guess(client, ALICE_PASSWORD, "198.51.100.7") == 303


def test_a_bad_trusted_proxy_setting_is_a_readable_error(tmp_path: Path) -> None:
    r = run_cli(
        "--db",
        str(tmp_path / "x.db"),
        "serve",
        env={"PARALLAX_TRUSTED_PROXIES": "10.0.0.1, my-proxy"},
    )
    assert r.returncode != 0
    assert "$PARALLAX_TRUSTED_PROXIES is 'my-proxy'; expected proxy addresses" in r.stderr


# --- shared feeds -------------------------------------------------------------------------


def test_a_feed_is_removed_only_by_the_account_that_added_it_or_the_first_account(
    web_store: Store, accounts: Accounts, alice: User, bob: User
) -> None:
    # Every account reads the same feeds: before, any of them could remove all of them.
    carol = accounts.add_user("carol", "carol-tr0ub4dor-3")[0]
    client = browser(web_store)

    def as_user(user: User) -> dict[str, str]:
        return {"authorization": f"Bearer {accounts.create_token(user, 'test')[1]}"}

    bobs, carols, alices = as_user(bob), as_user(carol), as_user(alice)
    mine = "https://bob.example/feed.xml"
    assert client.post("/api/feeds", json={"url": mine}, headers=bobs).status_code == 201
    refused = client.delete("/api/feeds", params={"url": mine}, headers=carols)
    assert refused.status_code == 403
    assert "Only the account that added this feed" in refused.json()["detail"]
    assert any(f.url == mine for f in web_store.feeds())
    assert client.delete("/api/feeds", params={"url": mine}, headers=bobs).status_code == 204

    theirs = "https://carol.example/feed.xml"
    assert client.post("/api/feeds", json={"url": theirs}, headers=carols).status_code == 201
    assert client.delete("/api/feeds", params={"url": theirs}, headers=alices).status_code == 204

    # Feeds from the command line (no account) are the first account's to remove.
    cli_feed = "https://pa.example/rss"
    assert client.delete("/api/feeds", params={"url": cli_feed}, headers=bobs).status_code == 403
    sign_in(client, accounts, bob)
    csrf = csrf_from(client.get("/feeds").text)
    form = client.post("/feeds/remove", data={"url": cli_feed, "csrf": csrf})
    assert form.status_code == 403 and "Only the account that added this feed" in form.text
    assert client.delete("/api/feeds", params={"url": cli_feed}, headers=alices).status_code == 204
    assert not any(f.url in (mine, theirs, cli_feed) for f in web_store.feeds())


def test_without_accounts_the_one_reader_removes_any_feed(client: TestClient) -> None:
    assert client.delete("/api/feeds", params={"url": "https://pa.example/rss"}).status_code == 204
