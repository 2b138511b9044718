"""Briefings are rebuilt once per run for the stories it touched, never for quiet ones:
briefing is the dearest step after the models, so a rebuild per batch would
multiply it by the batches a story's reports arrive in."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from parallax.ingest.files import read_paths
from parallax.pipeline import Pipeline
from parallax.store import Store
from tests.conftest import shared_data


@pytest.mark.slow
def test_a_story_is_briefed_once_a_run_and_a_quiet_one_not_at_all(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "p.db"))
    briefed: Counter[str] = Counter()
    save = store.save_briefing

    def counted(story_id: str, *args: Any) -> bool:
        briefed[story_id] += 1
        return save(story_id, *args)

    store.save_briefing = counted  # type: ignore[method-assign]
    # The five seed reports of one event arrive in three batches of one run.
    seeds = Pipeline(store, batch_size=2).run(read_paths([str(shared_data("seeds"))]))
    assert (seeds.imported, len(seeds.stories)) == (5, 1)
    assert briefed == Counter({next(iter(seeds.stories)): 1})
    briefed.clear()
    other = shared_data("bbc") / "articles" / "tech"
    later = Pipeline(store).run(read_paths([str(sorted(other.glob("*.txt"))[0])]))
    assert later.imported == 1 and later.stories.isdisjoint(seeds.stories)
    assert briefed == Counter({next(iter(later.stories)): 1})
    store.close()
