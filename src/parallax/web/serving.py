"""The reader served by several processes on one port, one per core.

uvicorn's own ``--workers`` binds its socket without naming TCP as the
protocol, so asyncio leaves Nagle's algorithm on for every connection: a
keep-alive request whose response goes out in two writes then waits about
40 ms for the client's delayed ACK (bench/web_latency.py measured 21 requests
a second on one connection).  Here the socket names TCP, and each worker
builds the app from the settings the parent left in its environment.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import FastAPI

from parallax.store.protocols import Storage
from parallax.web.app import create_app

SETTINGS_ENV = "PARALLAX_SERVE_SETTINGS"


def proxy_options(trusted: Sequence[str]) -> dict[str, Any]:
    """uvicorn's settings for X-Forwarded-For and -Proto: off unless the operator
    names the proxies to trust (``Settings.trusted_proxies``, from
    ``$PARALLAX_TRUSTED_PROXIES``, which checks each is an address or a network).

    uvicorn trusts them from 127.0.0.1 by default, so any local program could
    pick the client address the sign-in throttle counts by."""
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": list(trusted) or ["127.0.0.1"]}


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    token: str | None
    allow_open: bool
    open_hosts: list[str]
    secure_cookies: bool


def create() -> FastAPI:
    """The app in one worker process (an import-string factory for uvicorn)."""
    # The one place the web app names the SQL implementation: it opens the database.
    from parallax.store import Store

    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
    return create_app(
        Store.open(settings.db),
        token=settings.token,
        allow_open=settings.allow_open,
        open_hosts=settings.open_hosts,
        secure_cookies=settings.secure_cookies,
    )


def serve(
    store: Storage,
    host: str,
    port: int,
    workers: int,
    *,
    token: str | None,
    allow_open: bool,
    open_hosts: Collection[str],
    secure_cookies: bool,
    trusted_proxies: Sequence[str] = (),
) -> None:
    """Serve with ``workers`` processes until interrupted."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    settings = Settings(
        db=store.url,
        token=token,
        allow_open=allow_open,
        open_hosts=sorted(open_hosts),
        secure_cookies=secure_cookies,
    )
    # Workers are spawned, not forked: they inherit the environment.
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    config = uvicorn.Config(
        f"{__name__}:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        **proxy_options(trusted_proxies),
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    Multiprocess(config, sockets=[listener]).run()
