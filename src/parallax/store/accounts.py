"""People: accounts, sessions, API tokens, and what each person follows, mutes,
has read and has saved.

Passwords are hashed with Argon2id; session and API-token secrets are random
256-bit strings of which only a SHA-256 digest is stored (they carry enough
entropy that a slow hash would add nothing), so a copy of the database lets
no one sign in.

A single-user server keeps its follows and saves under an implicit *local
profile*: a ``users`` row without a password, which no one can sign in as.
The first real account takes that profile over, so nothing is lost when a
personal reader grows into a shared one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Insert,
    Select,
    Table,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError

from parallax.store import schema as t
from parallax.store.database import now
from parallax.store.stories import Part, StoryQuery, StoryRow, row_columns, story_row

Kind = Literal["entity", "topic", "outlet"]
KINDS: tuple[Kind, ...] = ("entity", "topic", "outlet")

LOCAL_NAME = "(local)"
"""The local profile's name; it fails ``NAME_PATTERN``, so no account can take it."""

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
TOKEN_PREFIX = "pxt_"
SESSION_DAYS = 14
SIGNING_KEY = "csrf-signing-key"

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    local: bool
    """True for the implicit profile of a single-user server."""


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    user: str
    label: str
    prefix: str
    created: datetime
    last_used: datetime | None


@dataclass(frozen=True, slots=True)
class Interest:
    """Something a person follows or mutes."""

    kind: Kind
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Marks:
    """One person's follows and mutes as (kind, key), and saved story ids."""

    follows: set[tuple[str, str]]
    mutes: set[tuple[str, str]]
    saved: set[str]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password must have at most {MAX_PASSWORD} characters")


class SqlAccounts:
    """People's data in SQL (``protocols.Accounts``): the tables of a ``Store``'s
    database, which hands this out as ``Store.accounts``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- users ---------------------------------------------------------------

    def add_user(self, name: str, password: str) -> tuple[User, bool]:
        """Create an account; also says whether it took over the local profile."""
        if not NAME_PATTERN.fullmatch(name):
            raise AccountError(
                "a user name is 1 to 64 letters, digits or . _ @ -, starting with a letter or digit"
            )
        check_password(password)
        hashed = _hasher.hash(password)
        u = t.users.c
        with self.engine.begin() as conn:
            if conn.execute(select(u.id).where(u.name == name)).first():
                raise AccountError(f"there is already a user called {name!r}")
            local = conn.execute(select(u.id).where(u.password_hash.is_(None))).scalar()
            adopt = local is not None and not _has_accounts(conn)
            if local is not None and adopt:
                conn.execute(
                    update(t.users).where(u.id == local).values(name=name, password_hash=hashed)
                )
                user_id = int(local)
            else:
                user_id = _new_id(
                    conn.execute(
                        insert(t.users).values(name=name, password_hash=hashed, created=now())
                    )
                )
        return User(user_id, name, local=False), adopt

    def users(self) -> list[User]:
        """Accounts (the local profile is not one), by name."""
        u = t.users.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(u.id, u.name).where(u.password_hash.is_not(None)).order_by(u.name)
            ).all()
        return [User(r.id, r.name, local=False) for r in rows]

    def user(self, name: str) -> User | None:
        u = t.users.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(u.id, u.name).where(u.name == name, u.password_hash.is_not(None))
            ).first()
        return User(row.id, row.name, local=False) if row else None

    def first_account(self) -> User | None:
        """The oldest account: whoever set the server up, and so the one that
        may change what all accounts share (the feeds)."""
        u = t.users.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(u.id, u.name).where(u.password_hash.is_not(None)).order_by(u.id).limit(1)
            ).first()
        return User(row.id, row.name, local=False) if row else None

    def has_accounts(self) -> bool:
        with self.engine.connect() as conn:
            return _has_accounts(conn)

    def state(self) -> tuple[bool, User | None]:
        """Whether accounts exist, and the local profile if it does: one query,
        as every request asks."""
        u = t.users.c
        local_first = u.password_hash.is_not(None)  # False (0) sorts first
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(u.id, u.name, u.password_hash.is_(None).label("local"))
                .order_by(local_first.desc(), u.id)
                .limit(1)
            ).all()
        if not rows:
            return False, None
        row = rows[0]
        if not row.local:
            return True, None
        return False, User(row.id, row.name, local=True)

    def authenticate(self, name: str, password: str) -> User | None:
        u = t.users.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(u.id, u.name, u.password_hash).where(
                    u.name == name, u.password_hash.is_not(None)
                )
            ).first()
        if row is None:
            _verify(_dummy_hash(), password)
            return None
        if not _verify(row.password_hash, password):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            # The cost parameters were raised since this hash was made.
            self._store_hash(row.id, _hasher.hash(password))
        return User(row.id, row.name, local=False)

    def set_password(self, name: str, password: str) -> None:
        check_password(password)
        found = self.user(name)
        if found is None:
            raise AccountError(f"there is no user called {name!r}")
        self._store_hash(found.id, _hasher.hash(password))
        with self.engine.begin() as conn:
            # A new password signs every browser out.
            conn.execute(delete(t.sessions).where(t.sessions.c.user_id == found.id))

    def _store_hash(self, user_id: int, hashed: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users).where(t.users.c.id == user_id).values(password_hash=hashed)
            )

    def remove_user(self, name: str) -> bool:
        """Delete an account and everything kept for it."""
        found = self.user(name)
        if found is None:
            return False
        with self.engine.begin() as conn:
            for table in (t.sessions, t.api_tokens, t.follows, t.mutes, t.reads, t.saves):
                conn.execute(delete(table).where(table.c.user_id == found.id))
            conn.execute(delete(t.users).where(t.users.c.id == found.id))
        return True

    def local_user(self) -> User:
        """The single-user profile, created the first time it is needed."""
        u = t.users.c
        found = self._find_or_insert(
            select(u.id).where(u.password_hash.is_(None)),
            lambda: insert(t.users).values(name=LOCAL_NAME, password_hash=None, created=now()),
        )
        return User(int(found), LOCAL_NAME, local=True)

    def signing_key(self) -> bytes:
        """The key that signs form (CSRF) tokens: random, made once and kept in
        the database, so that every server process on it, before and after a
        restart, accepts the others' forms."""
        c = t.settings.c
        found = self._find_or_insert(
            select(c.value).where(c.name == SIGNING_KEY),
            lambda: insert(t.settings).values(name=SIGNING_KEY, value=secrets.token_hex(32)),
        )
        return bytes.fromhex(found)

    def _find_or_insert(self, find: Select[Any], make: Callable[[], Insert]) -> Any:
        """The value ``find`` selects, inserting ``make()``'s row first if there is none.

        Several first requests (or processes) may race to insert: the loser's
        unique-key error is expected, and everyone then reads the winner's row."""
        with self.engine.connect() as conn:
            found = conn.execute(find).scalar()
        if found is None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(make())
            except IntegrityError:
                pass
            with self.engine.connect() as conn:
                found = conn.execute(find).scalar_one()
        return found

    # --- sessions ------------------------------------------------------------

    def start_session(self, user: User, days: float = SESSION_DAYS) -> tuple[str, datetime]:
        """A new session's secret (for the cookie) and its expiry."""
        secret = secrets.token_urlsafe(32)
        started = now()
        expires = started + timedelta(days=days)
        with self.engine.begin() as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.expires < started))
            conn.execute(
                insert(t.sessions).values(
                    id=digest(secret), user_id=user.id, created=started, expires=expires
                )
            )
        return secret, expires

    def session_user(self, secret: str) -> User | None:
        s, u = t.sessions.c, t.users.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(u.id, u.name)
                .join_from(t.sessions, t.users, s.user_id == u.id)
                .where(s.id == digest(secret), s.expires > now(), u.password_hash.is_not(None))
            ).first()
        return User(row.id, row.name, local=False) if row else None

    def end_session(self, secret: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(t.sessions).where(t.sessions.c.id == digest(secret)))

    # --- API tokens ----------------------------------------------------------

    def create_token(self, user: User, label: str) -> tuple[ApiToken, str]:
        """A new token's record and its secret, which is shown once and never stored."""
        label = " ".join(label.split())[:100] or "token"
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = secret[: len(TOKEN_PREFIX) + 6]
        created = now()
        with self.engine.begin() as conn:
            token_id = _new_id(
                conn.execute(
                    insert(t.api_tokens).values(
                        user_id=user.id,
                        label=label,
                        prefix=prefix,
                        token_hash=digest(secret),
                        created=created,
                    )
                )
            )
        return ApiToken(token_id, user.name, label, prefix, created, None), secret

    def tokens(self, user: User | None = None) -> list[ApiToken]:
        k, u = t.api_tokens.c, t.users.c
        query = (
            select(k.id, u.name, k.label, k.prefix, k.created, k.last_used)
            .join_from(t.api_tokens, t.users, k.user_id == u.id)
            .order_by(k.id)
        )
        if user is not None:
            query = query.where(k.user_id == user.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [ApiToken(r.id, r.name, r.label, r.prefix, r.created, r.last_used) for r in rows]

    def revoke_token(self, token_id: int, user: User | None = None) -> bool:
        """Delete a token (only if it is ``user``'s, when given)."""
        k = t.api_tokens.c
        query = delete(t.api_tokens).where(k.id == token_id)
        if user is not None:
            query = query.where(k.user_id == user.id)
        with self.engine.begin() as conn:
            return bool(conn.execute(query).rowcount)

    def token_user(self, secret: str) -> User | None:
        if not secret.startswith(TOKEN_PREFIX):
            return None
        k, u = t.api_tokens.c, t.users.c
        with self.engine.begin() as conn:
            row = conn.execute(
                select(k.id, u.id.label("user_id"), u.name, u.password_hash)
                .join_from(t.api_tokens, t.users, k.user_id == u.id)
                .where(k.token_hash == digest(secret))
            ).first()
            if row is None:
                return None
            conn.execute(update(t.api_tokens).where(k.id == row.id).values(last_used=now()))
        return User(row.user_id, row.name, local=row.password_hash is None)

    # --- follows and mutes ---------------------------------------------------

    def follow(self, user: User, interest: Interest) -> None:
        self._add_interest(t.follows, user, interest)
        # Following something un-mutes it: both at once would hide what is followed.
        self._remove_interest(t.mutes, user, interest.kind, interest.key)

    def unfollow(self, user: User, kind: Kind, key: str) -> None:
        self._remove_interest(t.follows, user, kind, key)

    def mute(self, user: User, interest: Interest) -> None:
        self._add_interest(t.mutes, user, interest)
        self._remove_interest(t.follows, user, interest.kind, interest.key)

    def unmute(self, user: User, kind: Kind, key: str) -> None:
        self._remove_interest(t.mutes, user, kind, key)

    def follows(self, user: User) -> list[Interest]:
        return self._interests(t.follows, user)

    def mutes(self, user: User) -> list[Interest]:
        return self._interests(t.mutes, user)

    def marks(self, user: User) -> Marks:
        """What a page's buttons show: follows, mutes and saves, in one query."""
        f, m, s = t.follows.c, t.mutes.c, t.saves.c
        query = union_all(
            select(literal("follow").label("list"), f.kind, f.key).where(f.user_id == user.id),
            select(literal("mute"), m.kind, m.key).where(m.user_id == user.id),
            select(literal("save"), literal(""), s.story_id).where(s.user_id == user.id),
        )
        found = Marks(set(), set(), set())
        with self.engine.connect() as conn:
            for which, kind, key in conn.execute(query):
                if which == "save":
                    found.saved.add(key)
                else:
                    (found.follows if which == "follow" else found.mutes).add((kind, key))
        return found

    def _add_interest(self, table: Table, user: User, interest: Interest) -> None:
        c = table.c
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(c.key).where(
                    c.user_id == user.id, c.kind == interest.kind, c.key == interest.key
                )
            ).first()
            if not exists:
                conn.execute(
                    insert(table).values(
                        user_id=user.id,
                        kind=interest.kind,
                        key=interest.key,
                        label=interest.label,
                        created=now(),
                    )
                )

    def _remove_interest(self, table: Table, user: User, kind: str, key: str) -> None:
        c = table.c
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(c.user_id == user.id, c.kind == kind, c.key == key))

    def _interests(self, table: Table, user: User) -> list[Interest]:
        c = table.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(c.kind, c.key, c.label).where(c.user_id == user.id).order_by(c.kind, c.label)
            ).all()
        return [Interest(r.kind, r.key, r.label) for r in rows]

    # --- read and saved stories ---------------------------------------------

    def mark_read(self, user: User, story_id: str) -> bool:
        """Note that ``user`` opened the story now; False if no story has this id.

        A mark that already covers the story's last change is kept: a repeat
        view then only reads (one query), and takes no write lock."""
        s, r = t.stories.c, t.reads.c
        with self.engine.connect() as conn:
            found = conn.execute(
                select(s.updated, r.at)
                .select_from(
                    t.stories.outerjoin(t.reads, (r.story_id == s.id) & (r.user_id == user.id))
                )
                .where(s.id == story_id)
            ).first()
        if found is None:
            return False
        if found.at is not None and found.at >= found.updated:
            return True
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.reads).where(r.user_id == user.id, r.story_id == story_id).values(at=now())
            ).rowcount
            if not done:
                conn.execute(insert(t.reads).values(user_id=user.id, story_id=story_id, at=now()))
        return True

    def read_times(self, user: User, story_ids: Sequence[str]) -> dict[str, datetime]:
        """When ``user`` last opened each of these stories (unread ones are absent)."""
        r = t.reads.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(r.story_id, r.at).where(
                    r.user_id == user.id, r.story_id.in_(list(story_ids))
                )
            ).all()
        return {row.story_id: row.at for row in rows}

    def reads(self, user: User) -> dict[str, datetime]:
        """Every story ``user`` has opened, with when they last did."""
        r = t.reads.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(r.story_id, r.at).where(r.user_id == user.id)).all()
        return {row.story_id: row.at for row in rows}

    def save(self, user: User, story_id: str) -> None:
        s = t.saves.c
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(s.story_id).where(s.user_id == user.id, s.story_id == story_id)
            ).first()
            if not exists:
                conn.execute(insert(t.saves).values(user_id=user.id, story_id=story_id, at=now()))

    def unsave(self, user: User, story_id: str) -> None:
        s = t.saves.c
        with self.engine.begin() as conn:
            conn.execute(delete(t.saves).where(s.user_id == user.id, s.story_id == story_id))

    def saved(self, user: User) -> list[tuple[str, datetime]]:
        """Saved story ids with when they were saved, latest first."""
        s = t.saves.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.story_id, s.at).where(s.user_id == user.id).order_by(s.at.desc())
            ).all()
        return [(r.story_id, r.at) for r in rows]

    # --- what personal rankings read from stories -----------------------------

    def recent_stories(self, limit: int) -> list[tuple[StoryRow, list[str]]]:
        """The latest stories with the clustering index's entity keys (there before
        any briefing), carrying only the briefing's entities and summary: the parts
        matching reads, a small share of a whole briefing."""
        parts: tuple[Part, ...] = ("entities", "summary")
        query = StoryQuery(order="updated", limit=limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query.select(*row_columns(parts), t.stories.c.keywords)).all()
        return [(story_row(r._mapping, parts), list(r.keywords or [])) for r in rows]

    def story_headings(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        """Article headlines and section names per story."""
        a = t.articles.c
        found: dict[str, list[str]] = {sid: [] for sid in story_ids}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.story_id, a.title, a.section).where(a.story_id.in_(list(story_ids)))
            ).all()
        for row in rows:
            found[row.story_id].extend(x for x in (row.title, row.section) if x)
        return found


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _has_accounts(conn: Connection) -> bool:
    u = t.users.c
    count = conn.execute(
        select(func.count()).select_from(t.users).where(u.password_hash.is_not(None))
    ).scalar_one()
    return bool(count)


@cache
def _dummy_hash() -> str:
    """Verified against when a name is unknown, so that a wrong name takes as long
    as a wrong password and response times do not reveal which names exist."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
