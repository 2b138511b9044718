"""The database holds password hashes and the form-signing key: only its owner reads it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from parallax.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which made the file 0644
    try:
        path = tmp_path / "p.db"
        store = Store.open(str(path))
        store.accounts.add_user("alice", "alice-correct-horse")
        with store.engine.connect() as conn:  # keeps the WAL and SHM files open
            files = [path, tmp_path / "p.db-wal", tmp_path / "p.db-shm"]
            assert all(f.exists() for f in files)
            assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
            conn.close()
        store.close()
    finally:
        os.umask(old)


def test_a_database_left_world_readable_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.open(str(path)).close()
    path.chmod(0o644)
    Store.open(str(path)).close()
    assert _mode(path) == 0o600
