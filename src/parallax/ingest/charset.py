"""Text from bytes whose declared charset may be wrong.

Servers often send ``charset=iso-8859-1`` by default for pages that are really
UTF-8, or ``utf-8`` for old pages in windows-1252; the page's own ``<meta>`` or
XML declaration may disagree with the header too.  The rule, in order:

1. a byte-order mark is certain;
2. bytes that decode as strict UTF-8 are UTF-8, whatever the labels say: other
   encodings almost never produce valid multi-byte UTF-8 by accident;
3. a declaration (header, ``<meta charset>``, ``<?xml encoding?>``) that decodes
   the bytes cleanly is believed; when several do and they disagree,
   charset-normalizer picks among them;
4. otherwise charset-normalizer guesses from the bytes alone.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""")
_SNIFF_BYTES = 4096
"""Where ``<meta charset>`` must appear, per the HTML standard (1024), with room to spare."""


def detect_encoding(raw: bytes, content_type: str | None = None) -> str | None:
    """The encoding to read ``raw`` with, or None when nothing can be said (empty input)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    declared: list[str] = []
    for label in (header_charset(content_type), _declared_in_body(raw)):
        codec = _codec(label)
        if codec and codec not in declared and _decodes(raw, codec):
            declared.append(codec)
    if len(declared) == 1:
        return declared[0]
    best = from_bytes(raw, cp_isolation=declared or None).best()
    if best is not None:
        return str(best.encoding)
    return declared[0] if declared else None


def decode_body(raw: bytes, content_type: str | None = None) -> str:
    """``raw`` as text (see the module docstring); undecodable bytes become U+FFFD."""
    encoding = detect_encoding(raw, content_type) or "utf-8"
    return raw.decode(encoding, errors="replace")


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _declared_in_body(raw: bytes) -> str | None:
    head = raw[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", errors="ignore") if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None  # an unknown label is one more thing the server got wrong
    # Browsers read latin-1 labels as windows-1252, which only adds characters
    # (curly quotes, dashes) where latin-1 has unused control codes.
    return "cp1252" if name == "latin-1" else name


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
