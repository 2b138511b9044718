"""The story schema ships with the package, and holds the product's contract."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from parallax.export import story_schema
from tests.conftest import SHARED_DATA

CONTRACT = SHARED_DATA.parent / "docs" / "story.schema.json"
"""Where the product's own statement of the contract lives, beside this repository."""

WORDING = {"description", "$comment", "title"}


def constraints(node: Any) -> Any:
    """``node`` without its prose: what a validator reads of it."""
    if isinstance(node, dict):
        return {k: constraints(v) for k, v in node.items() if k not in WORDING}
    if isinstance(node, list):
        return [constraints(v) for v in node]
    return node


def test_the_packaged_schema_is_a_valid_json_schema() -> None:
    schema = story_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "shared docs" in schema["$comment"]  # says where the contract comes from


def test_the_packaged_schema_states_the_products_contract() -> None:
    import json

    if not CONTRACT.exists():
        pytest.skip(f"{CONTRACT} is missing: the packaged schema is checked on its own")
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    # Same fields, types and required keys; only the wording is the package's own.
    assert constraints(story_schema()) == constraints(contract)


def test_a_story_without_its_briefing_lists_is_refused() -> None:
    story = {"id": "s1", "title": "A story", "articles": [], "summary": []}
    with pytest.raises(jsonschema.ValidationError, match="'entities' is a required property"):
        jsonschema.validate(story, story_schema())
