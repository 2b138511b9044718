"""Ingest: turn files, JSON Lines, feeds and pages into ``Document`` records."""

import json
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class IngestError:
    """An input that could not be read; ``origin`` says which, ``message`` why."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


class BadJSON(ValueError):
    """JSON that cannot be read; the message says why, in words for the error log."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_json(text: str | bytes) -> Any:
    """``json.loads`` whose failures are all ``BadJSON``.

    The parser recurses once per nesting level, so a hostile document of deep
    brackets raises RecursionError, which is no JSON error and would end the run.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadJSON(f"not valid JSON ({exc.msg})", exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise BadJSON(f"not valid JSON (not UTF-8 text: {exc.reason})") from exc
    except RecursionError as exc:
        raise BadJSON("not valid JSON (nested too deeply to read)") from exc


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unicode_text(value: str) -> str:
    """``value`` with lone UTF-16 surrogates replaced by U+FFFD.

    JSON may escape half of an emoji ("\\udfff", from a string cut in two by a
    UTF-16 program); Python keeps it, and it breaks every later UTF-8 encode (the
    database, hashing, the web page).  Replacing it is what a decoder does with
    a bad byte: the article keeps its text and loses one unreadable character.
    """
    return _LONE_SURROGATE.sub("\ufffd", value)
