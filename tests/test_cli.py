"""The CLI contract.  Most commands run in-process through the entry point a
user's command calls (``run_cli``); a separate process, as a user runs it,
checks the entry point itself, a pipe, a terminal and the servers."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Ran, run_cli

COMMANDS = [
    "import",
    "export",
    "stories",
    "show",
    "search",
    "add-feed",
    "remove-feed",
    "feeds",
    "fetch",
    "run",
    "serve",
    "demo",
    "migrate-db",
]


def parallax(*args: str, db: Path | None = None, stdin: str | None = None) -> Ran:
    prefix = ["--db", str(db)] if db else []
    return run_cli(*prefix, *args, stdin=stdin)


def parallax_process(
    *args: str, db: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    prefix = ["--db", str(db)] if db else []
    return subprocess.run(
        [sys.executable, "-m", "parallax", *prefix, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command: str | None) -> None:
    result = parallax(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "Usage: parallax" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "No such command"),
        (["show", "no-such-story"], "no story 'no-such-story'"),
        (["import", "/no/such/file.txt"], "no such file or folder"),
        (["import", "x.txt", "--published", "last tuesday"], "not an ISO 8601 date"),
        (["export", "everything"], "cannot export 'everything'"),
        (["export", "stories", "--format", "xml"], "--format must be jsonl or json"),
        (["add-feed", "ftp://example.org/feed"], "is not an http(s) URL"),
        (["fetch"], "no feeds to fetch"),
        (["serve", "--host", "0.0.0.0"], "without authentication"),
    ],
)
def test_bad_input_is_one_error_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = parallax(*args, db=tmp_path / "p.db")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(("error:", "failed:")), result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_short_help() -> None:
    version = parallax_process("--version")
    assert version.returncode == 0 and version.stdout.startswith("parallax ")
    for args in (["-h"], ["search", "-h"], ["user", "-h"]):
        result = parallax(*args)
        assert result.returncode == 0 and "Usage: parallax" in result.stdout, args


@pytest.mark.parametrize(
    ("args", "usage", "message"),
    [
        (["stroies"], "Usage: parallax [OPTIONS] COMMAND", "Did you mean 'stories'?"),
        (["search"], "Usage: parallax search", "Missing argument"),
        (["show"], "Usage: parallax show", "Missing argument"),
        (["stories", "--frob"], "Usage: parallax stories", "No such option: --frob"),
        (["token", "frob"], "Usage: parallax token", "No such command 'frob'"),
    ],
)
def test_a_usage_mistake_prints_the_usage_and_exits_2(
    tmp_path: Path, args: list[str], usage: str, message: str
) -> None:
    result = parallax(*args, db=tmp_path / "p.db")
    assert result.returncode == 2, result.stderr
    assert usage in result.stderr and message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error:")
    assert "unexpected" not in result.stderr and "report it" not in result.stderr


def test_search_takes_words_and_leaves_out_minus_words(tmp_path: Path) -> None:
    result = parallax("search", "dam", "-militias", "OR", '"a phrase"', db=tmp_path / "p.db")
    assert result.returncode == 0 and result.stdout.strip() == "no matches", result.stderr


def test_an_unusable_database_path_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    result = parallax("stories", db=tmp_path / "f" / "p.db")
    assert result.returncode == 1 and result.stderr.startswith("error: cannot create")


@pytest.mark.slow
def test_jsonl_from_stdin_then_export_keeps_ids_and_follows_the_schema(tmp_path: Path) -> None:
    body = (
        "The harbour council approved a budget of 4 million pounds on Monday to repair "
        "the sea wall, the council's leader said. "
    ) * 8
    records = [
        {
            "id": "gazette-1",
            "source": "Gazette",
            "title": "Sea wall budget approved",
            "text": body,
            "published": "2026-10-12T09:00:00Z",
        },
        {
            "id": "courier-7",
            "source": "Courier",
            "title": "Council backs sea wall repair",
            "text": body.replace("Monday", "Monday evening"),
            "published": "2026-10-12T18:00:00Z",
        },
        {"id": "broken"},
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in records) + "{oops\n"
    db = tmp_path / "p.db"
    result = parallax("import", "-", db=db, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("imported 2")
    assert "failed 2" in result.stdout
    # The export as a user runs it: its own process, reading what the import wrote.
    exported = parallax_process(
        "export", "stories", "--format", "json", "-o", str(tmp_path / "s.json"), db=db
    )
    assert exported.returncode == 0, exported.stderr
    stories = json.loads((tmp_path / "s.json").read_text())
    ids = {a["id"] for s in stories for a in s["articles"]}
    assert ids == {"gazette-1", "courier-7"}
    import jsonschema

    from parallax.export import story_schema

    for story in stories:
        jsonschema.validate(story, story_schema())
    listing = parallax("stories", db=db)
    assert "Sea wall" in listing.stdout or "sea wall" in listing.stdout


@pytest.mark.parametrize("command", ["serve", "run", "demo"])
def test_a_busy_port_names_the_port_and_the_way_out(tmp_path: Path, command: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = parallax(command, "--port", str(port), db=tmp_path / "p.db")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: port {port} on 127.0.0.1 is already in use")
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert "http://" not in result.stdout  # no URL printed for a server that never starts


def test_the_demo_says_where_its_database_is_and_how_to_read_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PARALLAX_DB"}
    env["TMPDIR"] = str(tmp_path)  # the demo's fresh database goes in a temporary folder
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "parallax", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed before the newswire is polled
    finally:
        process.kill()
        process.wait()
    found = re.fullmatch(r"the demo's database: (\S+); read it later with: (.+)\n", line)
    assert found, line
    path = Path(found[1])
    assert path.is_file() and path.is_relative_to(tmp_path)
    assert found[2] == f"parallax --db {path} stories"
    listing = parallax("stories", db=path)
    assert listing.returncode == 0 and "no stories yet" in listing.stdout


def test_a_bad_file_fails_before_the_models_load(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "menu.html").write_text("<html><body><nav>Home | World</nav></body></html>")
    (tmp_path / "broken.jsonl").write_text("{oops\n")
    # In-process, to see which modules the failure needed: the language models
    # come in with parallax.pipeline (spaCy, the encoder).
    script = (
        "import sys\n"
        "from parallax.cli import main\n"
        f"sys.argv = ['parallax', '--db', {str(tmp_path / 'p.db')!r}, 'import', "
        f"{str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    status = exit.code\n"
        "print('status', status, 'models', 'parallax.pipeline' in sys.modules, 'spacy' in "
        "sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.stdout.splitlines()[-1] == "status 1 models False False", result.stderr
    assert "imported 0, duplicates 0, failed 3, stories touched 0" in result.stdout
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failures) == 3
    assert any("no article text found" in line for line in failures)


@pytest.mark.slow
def test_an_import_on_a_terminal_shows_its_progress(tmp_path: Path) -> None:
    import pty

    record = {
        "id": "gazette-1",
        "source": "Gazette",
        "title": "Sea wall budget approved",
        "text": "The harbour council approved a budget of 4 million pounds on Monday to "
        "repair the sea wall, the council's leader said. " * 4,
    }
    (tmp_path / "one.jsonl").write_text(json.dumps(record) + "\n")
    leader, follower = pty.openpty()
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "parallax",
                "--db",
                str(tmp_path / "p.db"),
                "import",
                str(tmp_path / "one.jsonl"),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = terminal.read(4096)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            shown += chunk
        out, _ = process.communicate(timeout=300)
    assert process.returncode == 0 and out.decode().startswith("imported 1")
    text = shown.decode(errors="replace")
    for step in ("loading the models", "importing articles", "writing briefings"):
        assert step in text, text[-500:]
    # The import's bar counts the file's bytes, with their rate and the time left.
    assert re.search(r"importing articles[^\n]*(B|bytes)/s", text), text[-500:]
