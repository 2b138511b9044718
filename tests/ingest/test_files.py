from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

from parallax.ingest import IngestError
from parallax.ingest.files import read_paths
from parallax.model import Document


def _docs(items: list[Document | IngestError]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _errors(items: list[Document | IngestError]) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def test_folders_are_read_recursively_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Plain text article.")
    (tmp_path / "sub" / "b.html").write_text("<html><body><p>Page</p></body></html>")
    (tmp_path / "notes.md").write_text("ignored in a folder")
    when = datetime(2026, 1, 2, tzinfo=UTC)
    items = list(read_paths([str(tmp_path)], source="Gazette", published=when))
    docs = _docs(items)
    assert [d.is_html for d in docs] == [False, True]
    assert all(d.source == "Gazette" and d.published == when for d in docs)
    assert not _errors(items)


def test_jsonl_records_keep_their_fields_and_bad_lines_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "x1",
                "url": "https://o.test/1",
                "source": "O",
                "title": "T",
                "text": "Body.",
                "published": "2026-03-04T05:06:07Z",
            }
        )
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "x2", "title": "no body"})
        + "\n"
        + json.dumps({"id": 7, "html": "<p>hi</p>", "published": "yesterday"})
        + "\n"
        + json.dumps({"html": "<p>ok</p>"})
        + "\n"
    )
    items = list(read_paths([str(path)], source="Default"))
    docs, errors = _docs(items), _errors(items)
    assert docs[0].id == "x1" and docs[0].published == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert docs[0].source == "O"
    assert docs[1].is_html and docs[1].source == "Default"
    assert [e.origin.rsplit(":", 1)[1] for e in errors] == ["2", "3", "4"]
    assert "not valid JSON" in errors[0].message
    assert '"text" or "html"' in errors[1].message
    assert "ISO 8601" in errors[2].message


def test_stdin_reads_json_lines() -> None:
    stdin = io.StringIO(json.dumps({"id": "s1", "text": "From a pipe."}) + "\n")
    docs = _docs(list(read_paths(["-"], stdin=stdin)))
    assert [d.id for d in docs] == ["s1"]


def test_json_file_may_hold_one_record_or_a_list(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps({"text": "One."}))
    (tmp_path / "many.json").write_text(json.dumps([{"text": "A."}, {"text": "B."}]))
    assert (
        len(_docs(list(read_paths([str(tmp_path / "one.json"), str(tmp_path / "many.json")])))) == 3
    )


def test_wrong_encodings_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Le préfet a déclaré que la crue était « exceptionnelle ».".encode("cp1252"))
    [doc] = _docs(list(read_paths([str(path)])))
    assert "préfet" in doc.body and "déclaré" in doc.body


def test_missing_unsupported_and_empty_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   ")
    (tmp_path / "pic.png").write_bytes(b"\x89PNG")
    items = list(
        read_paths(
            [str(tmp_path / "nope.txt"), str(tmp_path / "pic.png"), str(tmp_path / "empty.txt")]
        )
    )
    messages = [e.message for e in _errors(items)]
    assert messages == [
        "no such file or folder",
        "unsupported file type .png; use .txt, .html, .htm, .json or .jsonl",
        "file is empty",
    ]


def test_deeply_nested_json_is_a_bad_record_or_file_and_the_rest_is_read(tmp_path: Path) -> None:
    # F6: 100,000 brackets raised RecursionError, and the other files named in the
    # same command were not imported either.
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.jsonl").write_text(json.dumps({"text": "Before."}) + "\n" + deep + "\n")
    (tmp_path / "deep.json").write_text(deep)
    (tmp_path / "good.jsonl").write_text(json.dumps({"text": "After."}) + "\n")
    names = [str(tmp_path / n) for n in ("deep.jsonl", "deep.json", "good.jsonl")]
    items = list(read_paths(names))
    assert [d.body for d in _docs(items)] == ["Before.", "After."]
    assert [(e.origin, e.message) for e in _errors(items)] == [
        (f"{tmp_path / 'deep.jsonl'}:2", "not valid JSON (nested too deeply to read)"),
        # A .json array is read an element at a time: the error names the element.
        (f"{tmp_path / 'deep.json'}[1]", "not valid JSON (nested too deeply to read)"),
    ]


def test_a_lone_surrogate_becomes_a_replacement_character(tmp_path: Path) -> None:
    # F3: JSON may escape half a surrogate pair; kept, it broke every later encode.
    path = tmp_path / "cut.jsonl"
    path.write_text('{"text": "Cut \\udfff here.", "title": "T \\ud800", "source": 5}\n')
    (doc,) = _docs(list(read_paths([str(path)])))
    assert (doc.body, doc.title, doc.source) == ("Cut \ufffd here.", "T \ufffd", "5")
    doc.body.encode()  # what the database and hashing do next


def test_bad_bytes_on_stdin_cost_a_character_not_the_import() -> None:
    raw = io.BytesIO(b'{"id": "a", "text": "Caf\xe9 text."}\n{"id": "b", "text": "Fine."}\n')
    stdin = io.TextIOWrapper(raw, encoding="utf-8")
    docs = _docs(list(read_paths(["-"], stdin=stdin)))
    assert [(d.id, d.body) for d in docs] == [("a", "Caf\ufffd text."), ("b", "Fine.")]
