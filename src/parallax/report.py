"""What an import did: a module of its own, so that a caller can report on an
import that failed before the pipeline (and the language models) were loaded."""

from __future__ import annotations

from dataclasses import dataclass, field

from parallax.ingest import IngestError


@dataclass(slots=True)
class Report:
    """What a run did, for the one-line summary the CLI prints."""

    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    syndicated: int = 0
    stories: set[str] = field(default_factory=set)
    errors: list[IngestError] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        copies = f" ({self.syndicated} syndicated copies)" if self.syndicated else ""
        return (
            f"imported {self.imported}{copies}, duplicates {self.duplicates}, "
            f"failed {self.failed}, stories touched {len(self.stories)}"
        )
