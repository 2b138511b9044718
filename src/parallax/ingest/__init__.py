"""Ingest: turn files, JSON Lines, feeds and pages into ``Document`` records."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestError:
    """An input that could not be read; ``origin`` says which, ``message`` why."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"
