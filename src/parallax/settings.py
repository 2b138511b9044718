"""Every ``PARALLAX_*`` setting, read in one place.

``Settings.from_env()`` reads the environment once.  The command line, the web
server and ``parallax.open`` all take a ``Settings``, so a bad value is found
before anything starts, and every bad value is reported the same way:
``$NAME is 'value'; expected ...``.

This module stays light on purpose: every command reads it, and the language
models behind the briefings take seconds to import.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from parallax.ingest.fetch import FetchSettings

if TYPE_CHECKING:
    from parallax.brief.abstractive import LLMSettings

DB_ENV = "PARALLAX_DB"
ALLOW_ENV = "PARALLAX_ALLOW"
TOKEN_ENV = "PARALLAX_TOKEN"
PROXIES_ENV = "PARALLAX_TRUSTED_PROXIES"
QUIET_ENV = "PARALLAX_QUIET_DAYS"
DEBUG_ENV = "PARALLAX_DEBUG"
LLM_URL_ENV = "PARALLAX_LLM_URL"
LLM_MODEL_ENV = "PARALLAX_LLM_MODEL"
LLM_KEY_ENV = "PARALLAX_LLM_KEY"
LLM_TIMEOUT_ENV = "PARALLAX_LLM_TIMEOUT"
FETCH_PREFIX = "PARALLAX_FETCH_"
RECORD_ENV = "PARALLAX_IMPORT_MAX_RECORD_BYTES"
CLUSTER_ENV = "PARALLAX_CLUSTER"

QUIET_DAYS = 3.0
"""The pipeline's default (``pipeline.HOT_DAYS``; a test holds them equal)."""
LLM_TIMEOUT = 60.0
"""The summary endpoint's default (``brief.abstractive.DEFAULT_TIMEOUT``)."""
MAX_RECORD_BYTES = 10 * 2**20
"""The import's default (``ingest.files.MAX_RECORD_BYTES``; a test holds them equal)."""

READ_WHERE_USED = {"PARALLAX_MODEL_CACHE": "parallax.nlp.model_cache"}
"""Variables read by the module that uses them, not by ``Settings``: the model
cache is looked up at each parse, in whatever process does the parsing."""

INTERNAL = {"PARALLAX_SERVE_SETTINGS"}
"""Variables Parallax sets for itself (a server's settings handed to its worker
processes), not for people to set."""


class SettingsError(ValueError):
    """A setting holds a value Parallax cannot use; the message names it and says what fits."""


def bad(name: str, raw: str, expected: str) -> SettingsError:
    """The one shape of every settings error: the variable, its value, what would do."""
    return SettingsError(f"${name} is {raw!r}; expected {expected}")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the engine, the fetcher, the briefings and the server are configured with."""

    db: str | None = None
    """``PARALLAX_DB``: a path or a SQLAlchemy URL; None for the user data folder."""
    fetch: FetchSettings = field(default_factory=FetchSettings)
    """``PARALLAX_FETCH_*`` limits, and ``PARALLAX_ALLOW``'s non-public hosts in ``allow``."""
    llm_url: str | None = None
    """``PARALLAX_LLM_URL``: an OpenAI-compatible API for the machine-written summary."""
    llm_model: str | None = None
    """``PARALLAX_LLM_MODEL``, required with ``llm_url``."""
    llm_key: str = ""
    """``PARALLAX_LLM_KEY``, sent as a Bearer token."""
    llm_timeout: float = LLM_TIMEOUT
    """``PARALLAX_LLM_TIMEOUT``, seconds."""
    quiet_days: float = QUIET_DAYS
    """``PARALLAX_QUIET_DAYS``: days without news after which a story leaves the index."""
    token: str | None = None
    """``PARALLAX_TOKEN``: the shared access token of a single-reader server."""
    trusted_proxies: tuple[str, ...] = ()
    """``PARALLAX_TRUSTED_PROXIES``: addresses or networks whose forwarding headers count."""
    debug: bool = False
    """``PARALLAX_DEBUG``: tracebacks instead of one-line errors."""
    max_record_bytes: int = MAX_RECORD_BYTES
    """``PARALLAX_IMPORT_MAX_RECORD_BYTES``: the largest record an import reads (a JSON
    Lines line, a page or a text file); a larger one is recorded as an error and skipped."""
    cluster: str | None = None
    """``PARALLAX_CLUSTER``: the address of a Dask scheduler (``tcp://host:8786``) whose
    workers run the models and the briefings; None: they run in this process."""
    workers: int = 0
    """Local Dask worker processes to start for the models and the briefings (the
    ``--workers`` option of ``import`` and ``run``); 0: none.  Not with ``cluster``."""

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise SettingsError(f"workers is {self.workers}; expected 0 or more")
        if self.workers and self.cluster:
            raise SettingsError(
                "workers and cluster are both set; start local workers or join a cluster"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings the environment gives; a bad one raises SettingsError."""

        def get(name: str) -> str:
            return environ.get(name, "").strip()

        llm_url = get(LLM_URL_ENV) or None
        if llm_url and not llm_url.startswith(("http://", "https://")):
            raise bad(LLM_URL_ENV, llm_url, "an http(s) URL such as http://127.0.0.1:8080/v1")
        llm_model = get(LLM_MODEL_ENV) or None
        if llm_url and not llm_model:
            raise bad(LLM_MODEL_ENV, "", f"the name of a model, since ${LLM_URL_ENV} is set")
        proxies = _listed(get(PROXIES_ENV))
        for entry in proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise bad(
                    PROXIES_ENV, entry, "proxy addresses or networks, comma-separated"
                ) from None
        return cls(
            db=get(DB_ENV) or None,
            fetch=_fetch_settings(environ),
            llm_url=llm_url,
            llm_model=llm_model,
            llm_key=get(LLM_KEY_ENV),
            llm_timeout=_number(
                LLM_TIMEOUT_ENV, get(LLM_TIMEOUT_ENV), LLM_TIMEOUT, "a number of seconds above 0"
            ),
            quiet_days=_number(
                QUIET_ENV,
                get(QUIET_ENV),
                QUIET_DAYS,
                "a number of days above 0, at most 365",
                ok=lambda days: days <= 365,
            ),
            token=get(TOKEN_ENV) or None,
            trusted_proxies=proxies,
            debug=debug_from(environ),
            max_record_bytes=_record_limit(get(RECORD_ENV)),
            cluster=_cluster_address(get(CLUSTER_ENV)),
        )

    def fetching(self, allow: tuple[str, ...] = (), **given: Any) -> Settings:
        """These settings with more non-public hosts allowed, or fetch limits changed."""
        fetch = replace(self.fetch, allow=self.fetch.allow + tuple(allow), **given)
        return replace(self, fetch=fetch)

    def llm(self) -> LLMSettings | None:
        """The summary endpoint's settings, None when none is configured."""
        if not self.llm_url or not self.llm_model:
            return None
        from parallax.brief.abstractive import LLMSettings  # the models load with it

        return LLMSettings(self.llm_url, self.llm_model, self.llm_key, self.llm_timeout)


def debug_from(environ: Mapping[str, str]) -> bool:
    """``PARALLAX_DEBUG``, on when set to anything: read apart from the rest, since
    it decides how an error, a bad setting included, is shown."""
    return bool(environ.get(DEBUG_ENV, "").strip())


def names() -> list[str]:
    """Every variable a user may set: what ``from_env`` reads, and ``READ_WHERE_USED``
    (the docs test holds the README to this list)."""
    fetch = [f"{FETCH_PREFIX}{f.name.upper()}" for f in fields(FetchSettings) if f.name != "allow"]
    return [
        DB_ENV,
        ALLOW_ENV,
        TOKEN_ENV,
        PROXIES_ENV,
        QUIET_ENV,
        DEBUG_ENV,
        LLM_URL_ENV,
        LLM_MODEL_ENV,
        LLM_KEY_ENV,
        LLM_TIMEOUT_ENV,
        RECORD_ENV,
        CLUSTER_ENV,
        *fetch,
        *READ_WHERE_USED,
    ]


def _fetch_settings(environ: Mapping[str, str]) -> FetchSettings:
    """``PARALLAX_FETCH_<FIELD>`` for each fetch limit (``allow`` is ``PARALLAX_ALLOW``)."""
    defaults = FetchSettings()
    values: dict[str, Any] = {"allow": _listed(environ.get(ALLOW_ENV, ""))}
    for f in fields(FetchSettings):
        name = f"{FETCH_PREFIX}{f.name.upper()}"
        raw = environ.get(name, "").strip()
        if f.name == "allow" or not raw:
            continue
        default = getattr(defaults, f.name)
        if isinstance(default, int):
            values[f.name] = _whole(name, raw)
        elif isinstance(default, float):
            values[f.name] = _number(name, raw, default, "a number, 0 or more", ok=_any, floor=0)
        else:
            values[f.name] = raw
    return FetchSettings(**values)


def _any(_: float) -> bool:
    return True


def _number(
    name: str,
    raw: str,
    default: float,
    expected: str,
    ok: Callable[[float], bool] = _any,
    floor: float | None = None,
) -> float:
    """``raw`` as a number above 0 (or at least ``floor``), ``default`` when unset."""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise bad(name, raw, expected) from None
    low_ok = value >= floor if floor is not None else value > 0
    if value != value or not low_ok or not ok(value):  # NaN compares unequal to itself
        raise bad(name, raw, expected)
    return value


def _whole(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise bad(name, raw, "a whole number, 0 or more") from None
    if value < 0:
        raise bad(name, raw, "a whole number, 0 or more")
    return value


def _record_limit(raw: str) -> int:
    if not raw:
        return MAX_RECORD_BYTES
    value = _whole(RECORD_ENV, raw)
    if value == 0:
        raise bad(RECORD_ENV, raw, "a whole number of bytes above 0")
    return value


_ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]]+):\d{1,5}")


def is_cluster_address(raw: str) -> bool:
    """Whether ``raw`` is a Dask scheduler's address: tcp:// or tls://, a host and a port."""
    return _ADDRESS.fullmatch(raw) is not None


def _cluster_address(raw: str) -> str | None:
    if raw and not is_cluster_address(raw):
        raise bad(CLUSTER_ENV, raw, "a Dask scheduler address such as tcp://scheduler:8786")
    return raw or None


def _listed(raw: str) -> tuple[str, ...]:
    return tuple(entry.strip() for entry in raw.split(",") if entry.strip())
