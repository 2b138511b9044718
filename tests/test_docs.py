"""Everything a user can set, type or call is documented: each ``PARALLAX_*``
setting, each command of the CLI, and each route of the JSON API appear in the
README, and each API route has a summary for ``/docs``."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from parallax import cli, settings
from parallax.store import Store
from parallax.web import create_app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [name for name in settings.names() if f"`{name}" not in README]
    assert missing == []


def test_the_code_reads_no_setting_that_settings_does_not_know() -> None:
    # Names ending in "_" are prefixes written in prose ("PARALLAX_FETCH_*").
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    named = {n for n in re.findall(r"PARALLAX_[A-Z0-9_]+", source) if not n.endswith("_")}
    assert named - set(settings.names()) - settings.INTERNAL == set()


def _commands(group: object, prefix: str = "") -> list[str]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        path = f"{prefix}{name}"
        if getattr(command, "commands", None):
            found += _commands(command, path + " ")
        else:
            found.append(path)
    return found


def test_every_command_is_in_the_readme() -> None:
    commands = _commands(typer.main.get_command(cli.app))
    assert {"import", "add-feed", "user add", "token revoke"} <= set(commands)
    missing = [c for c in commands if not re.search(rf"parallax {re.escape(c)}\b", README)]
    assert missing == []


def test_every_api_route_is_in_the_readme_with_a_summary(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "p.db"))
    paths = create_app(store).openapi()["paths"]
    store.close()
    assert "/api/stories" in paths

    def plain(path: str) -> str:  # parameter names vary: {story_id} is written {id}
        return re.sub(r"\{[^}]*\}", "{}", path)

    written = {plain(p) for p in re.findall(r"`(?:GET|POST|DELETE) (/[^`?\s]*)", README)}
    assert sorted(p for p in paths if plain(p) not in written) == []
    unsummed = [
        f"{method.upper()} {path}"
        for path, methods in paths.items()
        for method, op in methods.items()
        if not op.get("summary")
    ]
    assert unsummed == []
