"""A folder that keeps what the language models computed, for runs that meet
the same texts again.

The test suite parses and embeds the same articles on every run, in itself
and in the CLI processes it starts.  With ``PARALLAX_MODEL_CACHE=<folder>``
set, :func:`parallax.nlp.parse` and :func:`parallax.nlp.embed` look each text
up there first and run the model only on the texts it has never seen.  Without
it nothing is kept, as in a normal install.

An entry's key is the text together with the names and versions of every
package that shapes the model's output, so a new model or library never reads
an old one's results.  One SQLite file in WAL mode holds the entries: several
processes read and write it at once without harm.  Each value is stored with
its own digest; an entry whose digest does not match, or that does not read
back, is computed again and never used.  A folder that cannot be opened or
written only costs the time the cache would have saved.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TypeVar

ENV = "PARALLAX_MODEL_CACHE"
FILENAME = "models.sqlite3"
# SQLite allows at most 999 parameters in one statement on older builds.
_CHUNK = 500

T = TypeVar("T")
log = logging.getLogger(__name__)


def model_id(*distributions: str) -> str:
    """The installed versions of ``distributions``: what a key must change with."""
    return " ".join(f"{d}=={importlib.metadata.version(d)}" for d in distributions)


def _digest(value: bytes) -> bytes:
    return hashlib.blake2b(value, digest_size=16).digest()


class ModelCache:
    """Model outputs by key, in one SQLite file shared by processes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: each read sees what other processes have committed, and
        # each write is one short transaction of its own.
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()  # one connection, shared by the encoder's thread
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries"
            " (key BLOB PRIMARY KEY, digest BLOB NOT NULL, value BLOB NOT NULL)"
        )

    def get(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored values of ``keys`` whose digests match; the others are absent."""
        found: dict[bytes, bytes] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for i in range(0, len(unique), _CHUNK):
                chunk = unique[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, digest, value FROM entries WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, digest, value in rows:
                    if isinstance(value, bytes) and _digest(value) == digest:
                        found[key] = value
        return found

    def put(self, items: dict[bytes, bytes]) -> None:
        rows = [(key, _digest(value), value) for key, value in items.items()]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO entries (key, digest, value) VALUES (?, ?, ?)", rows
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


@cache
def _open(folder: str, pid: int) -> ModelCache | None:
    # Keyed by process too: a forked child must not write through its parent's
    # SQLite connection.
    try:
        return ModelCache(Path(folder) / FILENAME)
    except (OSError, sqlite3.Error) as error:
        log.warning("the model cache in %s is not used: %s", folder, error)
        return None


def active() -> ModelCache | None:
    """The cache named by ``$PARALLAX_MODEL_CACHE``, or None when unset or unusable."""
    folder = os.environ.get(ENV)
    return _open(folder, os.getpid()) if folder else None


def cached(
    kind: str,
    texts: Sequence[str],
    compute: Callable[[list[str]], Sequence[T]],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
) -> list[T]:
    """``compute(texts)``, with the results of texts seen before read from the cache.

    ``kind`` names the model and everything that shapes its output (see
    :func:`model_id`); ``decode`` raises on a value it cannot read back, and
    that text is then computed again.
    """
    store = active()
    if store is None:
        return list(compute(list(texts)))
    keys = [hashlib.sha256(f"{kind}\0{t}".encode()).digest() for t in texts]
    try:
        stored = store.get(keys)
    except sqlite3.Error as error:
        log.warning("the model cache could not be read: %s", error)
        stored = {}
    results: list[T | None] = [None] * len(texts)
    for i, key in enumerate(keys):
        if key in stored:
            try:
                results[i] = decode(stored[key])
            except Exception:  # any value that does not read back is recomputed
                log.warning("a model cache entry did not read back; computing it again")
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        fresh = compute([texts[i] for i in missing])
        for i, value in zip(missing, fresh, strict=True):
            results[i] = value
        try:
            store.put({keys[i]: encode(value) for i, value in zip(missing, fresh, strict=True)})
        except sqlite3.Error as error:
            log.warning("the model cache could not be written: %s", error)
    return results  # type: ignore[return-value]  # every None was filled above
