"""Typed reasons: why a person was left out of a search, and what a suggestion is flagged for.

Each carries a ``kind`` that code branches on and a ``text`` that people read. Code never
reads the text back: a change of wording cannot change behaviour. Texts are plain (not
escaped); every renderer escapes them for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DropKind(StrEnum):
    """The hard rule that removed a person from a search."""

    #: the asker themselves
    SELF = "self"
    #: too close on the asker's reporting line (see :class:`ReportingLines`)
    REPORTING_LINE = "reporting_line"
    #: at capacity (or taking no partners at the moment)
    FULL = "full"
    #: a filter the person asked for (location, department, ...); see ``DropReason.filter``
    FILTER = "filter"
    #: the programme record rules them out (a dismissal, a partner already, a declined pair)
    PROGRAMME = "programme"


class FilterKind(StrEnum):
    """Which filter of a :class:`~assistant.match.constraints.CandidateFilter` removed someone."""

    EXCLUDED = "excluded"
    LOCATION = "location"
    NOT_LOCATION = "not_location"
    DEPARTMENT = "department"
    NOT_DEPARTMENT = "not_department"
    CAREER_STAGE = "career_stage"
    TIMEZONE = "timezone"


@dataclass(frozen=True)
class DropReason:
    """Why a retrieved person is not a candidate."""

    kind: DropKind
    text: str
    #: the filter responsible, for ``kind`` FILTER
    filter: FilterKind | None = None


class FlagKind(StrEnum):
    """A warning attached to a candidate or an explained pair."""

    #: on one reporting line: never paired (explain only; searches drop them)
    REPORTING_LINE = "reporting_line"
    #: at capacity (shown only when asked to include full people, or in explain)
    FULL = "full"
    #: an offer the skills vocabulary reads as another skill or another meaning
    MISREAD = "misread"
    #: teaches what was asked for less well than the abstention bar
    WEAK = "weak"
    #: wants nothing close to what the asker offers
    ONE_SIDED = "one_sided"


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    text: str
