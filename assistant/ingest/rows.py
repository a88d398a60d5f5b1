"""The row records passed between the readers, the validator and the rejects writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.errors import RowProblem


@dataclass
class RawRow:
    """A record as read from a file, before validation.

    ``original`` holds every cell (column -> value) exactly as read, for the rejects file;
    ``values`` the same record renamed to participant fields. A record that could not be
    read into cells at all (a broken quote, invalid JSON) has empty dicts, its text in
    ``raw`` and the reason in ``error``.
    """

    source: str
    line: int
    values: dict[str, Any]
    original: dict[str, Any]
    raw: str | None = None
    error: str = ""
    fix: str = ""


@dataclass
class Reject:
    """A row that was not ingested, kept whole with every problem found."""

    row: RawRow
    problems: list[RowProblem]


@dataclass
class ParticipantFile:
    """One participant file as read: its rows and its format (``csv`` or ``jsonl``)."""

    path: str
    kind: str
    rows: list[RawRow] = field(default_factory=list)
