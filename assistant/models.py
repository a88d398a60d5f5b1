"""Domain records shared by every stage."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CareerStage = Literal["early", "mid", "senior", "executive"]
STAGE_RANK: dict[str, int] = {"early": 0, "mid": 1, "senior": 2, "executive": 3}
MAX_CAPACITY = 5
MAX_STATEMENTS = 12
MAX_STATEMENT_CHARS = 400
StatementKind = Literal["offer", "want"]


class Participant(BaseModel):
    """One person in the program, validated and normalised.

    ``capacity`` is how many partners the person can take at once; 0 means they
    are currently full (or paused) and are never suggested. ``current_pairs``
    counts partners they already have (optional input column).
    """

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@+\-]*$")
    name: str = Field(min_length=1, max_length=120)
    offers: list[str]
    wants: list[str]
    role: str = Field(default="", max_length=160)
    department: str = Field(default="", max_length=120)
    manager_id: str = Field(default="", max_length=64)
    location: str = Field(default="", max_length=120)
    timezone: str = Field(default="", max_length=64)
    career_stage: CareerStage | None = None
    capacity: int = Field(default=1, ge=0, le=MAX_CAPACITY)
    current_pairs: int = Field(default=0, ge=0, le=MAX_CAPACITY)
    goals: str = Field(default="", max_length=2000)

    @field_validator("offers", "wants")
    @classmethod
    def _statements(cls, value: list[str]) -> list[str]:
        cleaned = [s.strip() for s in value if s and s.strip()]
        if not cleaned:
            raise ValueError("must hold at least one statement")
        if len(cleaned) > MAX_STATEMENTS:
            raise ValueError(f"has {len(cleaned)} statements, at most {MAX_STATEMENTS} allowed")
        for s in cleaned:
            if len(s) > MAX_STATEMENT_CHARS:
                raise ValueError(f"a statement is longer than {MAX_STATEMENT_CHARS} characters")
        return cleaned

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if not value:
            return value
        keys = timezone_keys()
        if not keys:
            raise ValueError("no timezone database on this machine (install the tzdata "
                             "package) to check it against")
        canonical = keys.get(value.casefold())
        if canonical is None:
            raise ValueError(f"{value[:40]!r} is not an IANA timezone name")
        return canonical

    @model_validator(mode="after")
    def _self_manager(self) -> Participant:
        if self.manager_id and self.manager_id == self.id:
            raise ValueError("manager_id: a person cannot be their own manager")
        return self

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    @property
    def open_slots(self) -> int:
        return max(0, self.capacity - self.current_pairs)

    @property
    def at_capacity(self) -> bool:
        return self.open_slots == 0

    def fingerprint(self) -> str:
        """Hash of everything stored about the person (decides re-embedding on re-ingest)."""
        blob = json.dumps(self.model_dump(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def statements(self) -> list[Statement]:
        out = [Statement(self.id, "offer", i, t) for i, t in enumerate(self.offers)]
        out += [Statement(self.id, "want", i, t) for i, t in enumerate(self.wants)]
        return out


@functools.cache
def timezone_keys() -> dict[str, str]:
    """Every real zone key (``zoneinfo.available_timezones()``) by its case-folded name.

    Only these are accepted: ``ZoneInfo`` alone also opens folders of the database
    (``Europe``) and legacy files, and fails on them in ways that are not errors of input.
    """
    from zoneinfo import available_timezones

    return {key.casefold(): key for key in available_timezones()}


@dataclass(frozen=True)
class Statement:
    """One offer or want of one participant: the unit that is embedded and stored."""

    participant_id: str
    kind: StatementKind
    index: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.participant_id}::{self.kind}::{self.index}"


@dataclass(frozen=True)
class GuidanceChunk:
    """A section of a guidance document, kept with its source and heading for citation."""

    source: str
    heading: str
    text: str
    order: int

    @property
    def id(self) -> str:
        digest = hashlib.sha256(f"{self.source}\0{self.order}".encode()).hexdigest()[:16]
        return f"guide::{digest}"

    @property
    def citation(self) -> str:
        return f"{self.source} > {self.heading}" if self.heading else self.source
