"""Hard constraints (never broken) and the filters a person can ask for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from assistant.match.reasons import DropKind, DropReason, FilterKind
from assistant.models import Participant

#: default reach of the reporting-line rule: manager and skip-level, reports and theirs
DEFAULT_LINE_LEVELS = 2


class ReportingLines:
    """Manager chains: who is too close to whom to be paired.

    Reverse mentoring pairs senior people with junior colleagues far below them, so the
    rule does not forbid the whole chain: two people are never paired when one manages
    the other within ``levels`` steps of the ``manager_id`` chain (2 by default: your
    manager and their manager, your reports and their reports). ``levels=None`` is the
    strict setting: the whole chain at any depth.
    """

    def __init__(self, people: Iterable[Participant], levels: int | None = DEFAULT_LINE_LEVELS
                 ) -> None:
        if levels is not None and levels < 1:
            raise ValueError("reporting-line levels must be 1 or more (or None: the whole chain)")
        self.levels = levels
        self._manager: dict[str, str] = {p.id: p.manager_id for p in people}
        self._chains: dict[str, tuple[str, ...]] = {}

    def chain(self, pid: str) -> tuple[str, ...]:
        """Everyone above ``pid``, their manager first."""
        if pid not in self._chains:
            out: list[str] = []
            current = self._manager.get(pid, "")
            while current and current not in out and current != pid:
                out.append(current)
                current = self._manager.get(current, "")
            self._chains[pid] = tuple(out)
        return self._chains[pid]

    def ancestors(self, pid: str) -> frozenset[str]:
        """The managers above ``pid`` whom the rule keeps apart from them."""
        chain = self.chain(pid)
        return frozenset(chain if self.levels is None else chain[: self.levels])

    def distance(self, a: str, b: str) -> int | None:
        """Levels between two people on one chain (1: one manages the other), else None."""
        for low, high in ((a, b), (b, a)):
            chain = self.chain(low)
            if high in chain:
                return chain.index(high) + 1
        return None

    def conflict(self, a: str, b: str) -> bool:
        """True when the rule keeps ``a`` and ``b`` apart."""
        d = self.distance(a, b)
        return d is not None and (self.levels is None or d <= self.levels)

    def relation(self, a: str, b: str) -> str:
        """How ``b`` stands to ``a`` on a chain, in words for ``a`` ("is your manager"), or ""."""
        d = self.distance(a, b)
        if d is None:
            return ""
        above = b in self.chain(a)
        if d == 1:
            return "is your manager" if above else "reports to you"
        if d == 2:
            return "is your manager's manager" if above else "reports to one of your reports"
        return f"is {d} levels above you" if above else f"is {d} levels below you"

    def rule(self) -> str:
        """The rule in words, for answers and documentation."""
        return line_rule(self.levels)


def line_rule(levels: int | None) -> str:
    """The reporting-line rule for ``levels`` in words."""
    if levels is None:
        return ("nobody is paired with anyone above or below them in their management chain, "
                "at any depth")
    if levels == 1:
        return "nobody is paired with their manager or one of their direct reports"
    if levels == 2:
        return ("nobody is paired with their manager or their manager's manager, nor with "
                "their reports or their reports' reports")
    return (f"nobody is paired with anyone up to {levels} levels above or below them in their "
            "management chain")


@dataclass
class CandidateFilter:
    """Filters a person asked for; applied as hard filters on candidates."""

    locations: list[str] = field(default_factory=list)
    exclude_locations: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    exclude_departments: list[str] = field(default_factory=list)
    career_stages: list[str] = field(default_factory=list)
    timezones: list[str] = field(default_factory=list)
    exclude_ids: list[str] = field(default_factory=list)

    def reason_to_drop(self, person: Participant) -> DropReason | None:
        """Why the filter removes ``person``, or None if it keeps them."""
        def has(values: list[str], value: str) -> bool:
            return value.casefold() in {v.casefold() for v in values}

        def drop(kind: FilterKind, text: str) -> DropReason:
            return DropReason(DropKind.FILTER, text, kind)

        if person.id in self.exclude_ids:
            return drop(FilterKind.EXCLUDED, "excluded on request")
        if self.locations and not has(self.locations, person.location):
            return drop(FilterKind.LOCATION, f"not in {', '.join(self.locations)}")
        if self.exclude_locations and has(self.exclude_locations, person.location):
            return drop(FilterKind.NOT_LOCATION, f"in {person.location}")
        if self.departments and not has(self.departments, person.department):
            return drop(FilterKind.DEPARTMENT, f"not in {', '.join(self.departments)}")
        if self.exclude_departments and has(self.exclude_departments, person.department):
            return drop(FilterKind.NOT_DEPARTMENT, f"in {person.department}")
        if self.career_stages and not has(self.career_stages, person.career_stage or ""):
            return drop(FilterKind.CAREER_STAGE,
                        f"career stage is not {'/'.join(self.career_stages)}")
        if self.timezones and not has(self.timezones, person.timezone):
            return drop(FilterKind.TIMEZONE, "in another timezone")
        return None

    def terms(self) -> dict[FilterKind, str]:
        """The filters in force, each in words ("in London"), people excluded by name last."""
        labels = {
            FilterKind.LOCATION: ("in", self.locations),
            FilterKind.NOT_LOCATION: ("not in", self.exclude_locations),
            FilterKind.DEPARTMENT: ("department", self.departments),
            FilterKind.NOT_DEPARTMENT: ("not department", self.exclude_departments),
            FilterKind.CAREER_STAGE: ("career stage", self.career_stages),
            FilterKind.TIMEZONE: ("timezone", self.timezones),
        }
        out = {kind: f"{label} {', '.join(values)}" for kind, (label, values) in labels.items()
               if values}
        if self.exclude_ids:
            n = len(self.exclude_ids)
            out[FilterKind.EXCLUDED] = f"{n} {'person' if n == 1 else 'people'} you set aside"
        return out

    def describe(self) -> list[str]:
        """The filters in force in words, without the people set aside by name."""
        return [text for kind, text in self.terms().items() if kind is not FilterKind.EXCLUDED]

    def without(self, kind: FilterKind) -> CandidateFilter:
        """A copy with the filter ``kind`` lifted."""
        name = {
            FilterKind.EXCLUDED: "exclude_ids", FilterKind.LOCATION: "locations",
            FilterKind.NOT_LOCATION: "exclude_locations", FilterKind.DEPARTMENT: "departments",
            FilterKind.NOT_DEPARTMENT: "exclude_departments",
            FilterKind.CAREER_STAGE: "career_stages", FilterKind.TIMEZONE: "timezones",
        }[kind]
        return replace(self, **{name: []})

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def capacity_note(person: Participant) -> str:
    if person.capacity == 0:
        return "not taking partners at the moment (capacity 0)"
    if person.at_capacity:
        return f"already has {person.current_pairs} partner(s), capacity {person.capacity}"
    return ""
