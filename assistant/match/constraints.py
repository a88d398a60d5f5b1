"""Hard constraints (never broken) and the filters a person can ask for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assistant.models import Participant


class ReportingLines:
    """Manager chains; two people on one chain are never suggested or paired."""

    def __init__(self, people: Iterable[Participant]) -> None:
        self._manager: dict[str, str] = {p.id: p.manager_id for p in people}
        self._ancestors: dict[str, frozenset[str]] = {}

    def ancestors(self, pid: str) -> frozenset[str]:
        if pid not in self._ancestors:
            chain: list[str] = []
            current = self._manager.get(pid, "")
            while current and current not in chain and current != pid:
                chain.append(current)
                current = self._manager.get(current, "")
            self._ancestors[pid] = frozenset(chain)
        return self._ancestors[pid]

    def conflict(self, a: str, b: str) -> bool:
        """True when one is the other's manager, directly or further up."""
        return a in self.ancestors(b) or b in self.ancestors(a)

    def relation(self, a: str, b: str) -> str:
        if b in self.ancestors(a):
            return "is in your management chain" if self._manager.get(a) != b else "is your manager"
        if a in self.ancestors(b):
            return "reports to you" if self._manager.get(b) == a else "is in your reporting line"
        return ""


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

    def reason_to_drop(self, person: Participant) -> str:
        """Why the filter removes ``person``, or empty if it keeps them."""
        def has(values: list[str], value: str) -> bool:
            return value.casefold() in {v.casefold() for v in values}

        if person.id in self.exclude_ids:
            return "excluded on request"
        if self.locations and not has(self.locations, person.location):
            return f"not in {', '.join(self.locations)}"
        if self.exclude_locations and has(self.exclude_locations, person.location):
            return f"in {person.location}"
        if self.departments and not has(self.departments, person.department):
            return f"not in {', '.join(self.departments)}"
        if self.exclude_departments and has(self.exclude_departments, person.department):
            return f"in {person.department}"
        if self.career_stages and not has(self.career_stages, person.career_stage or ""):
            return f"career stage is not {'/'.join(self.career_stages)}"
        if self.timezones and not has(self.timezones, person.timezone):
            return "in another timezone"
        return ""

    def describe(self) -> list[str]:
        parts = []
        labels: Mapping[str, list[str]] = {
            "in": self.locations, "not in": self.exclude_locations,
            "department": self.departments, "not department": self.exclude_departments,
            "career stage": self.career_stages, "timezone": self.timezones,
        }
        for label, values in labels.items():
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return parts


def capacity_note(person: Participant) -> str:
    if person.capacity == 0:
        return "not taking partners at the moment (capacity 0)"
    if person.at_capacity:
        return f"already has {person.current_pairs} partner(s), capacity {person.capacity}"
    return ""
