"""Charset detection when the labels lie: header, <meta>, XML declaration, or nothing."""

from __future__ import annotations

import pytest

from parallax.ingest.charset import decode_body, detect_encoding

FRENCH = "Le café du marché a rouvert ses portes à Noël, après l'été."
RUSSIAN = (
    "Плотина прорвалась ночью, и вода затопила долину к утру. Спасатели эвакуировали "
    "жителей трёх деревень. Власти объявили режим чрезвычайной ситуации в регионе."
)


def page(charset_meta: str | None, text: str) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_utf8_bytes_win_over_a_latin1_header() -> None:
    raw = page(None, FRENCH).encode("utf-8")
    assert FRENCH in decode_body(raw, "text/html; charset=ISO-8859-1")


def test_a_utf8_header_on_windows_1252_bytes_gives_way_to_the_meta() -> None:
    raw = page("windows-1252", FRENCH).encode("cp1252")
    assert FRENCH in decode_body(raw, "text/html; charset=utf-8")


def test_a_lying_header_and_no_meta_leave_it_to_the_bytes() -> None:
    raw = page(None, RUSSIAN).encode("cp1251")
    assert RUSSIAN in decode_body(raw, "text/html; charset=utf-8")


def test_a_truthful_single_byte_header_is_believed() -> None:
    raw = page(None, RUSSIAN).encode("koi8-r")
    assert decode_body(raw, "text/html; charset=KOI8-R").count(RUSSIAN) == 1


def test_an_xml_declaration_counts_as_a_declaration() -> None:
    raw = f'<?xml version="1.0" encoding="windows-1252"?><rss><title>{FRENCH}</title></rss>'
    assert detect_encoding(raw.encode("cp1252"), "application/xml; charset=utf-8") == "cp1252"


@pytest.mark.parametrize("label", ["utf-42", "", "x-unknown;;"])
def test_unknown_labels_are_ignored(label: str) -> None:
    raw = page(None, FRENCH).encode("utf-8")
    assert FRENCH in decode_body(raw, f"text/html; charset={label}")


def test_byte_order_marks_are_certain() -> None:
    raw = "\ufeff".encode("utf-16-le") + FRENCH.encode("utf-16-le")
    assert decode_body(raw, "text/html; charset=iso-8859-1") == FRENCH


def test_empty_bytes_are_empty_text() -> None:
    assert decode_body(b"", None) == ""
