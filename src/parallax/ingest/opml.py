"""OPML: the subscription list every feed reader imports and exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring


class OpmlError(Exception):
    """Not an OPML file we can read; the message says why."""


@dataclass(frozen=True, slots=True)
class Outline:
    url: str
    title: str | None = None


def read_opml(data: bytes) -> list[Outline]:
    """Every feed outline (one with an ``xmlUrl``), folders flattened, each URL once."""
    try:
        root = fromstring(data)
    except ParseError as exc:
        raise OpmlError(f"not valid XML ({exc})") from exc
    except DefusedXmlException as exc:
        raise OpmlError(f"refused XML ({type(exc).__name__})") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"not OPML (the root element is <{root.tag}>)")
    found: dict[str, Outline] = {}
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if url and url not in found:
            title = (node.get("title") or node.get("text") or "").strip()
            found[url] = Outline(url, title or None)
    return list(found.values())


def write_opml(
    outlines: Iterable[Outline], created: datetime, title: str = "Parallax feeds"
) -> str:
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = format_datetime(created)
    body = SubElement(root, "body")
    for outline in outlines:
        name = outline.title or outline.url
        SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=outline.url)
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"
