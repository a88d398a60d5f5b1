"""A candidate as every renderer shows it: who, the figures, both directions in words.

The Markdown, HTML and plain-text renderers all format the same :class:`CandidateView`,
so a card, a chat answer and a terminal line say the same thing with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.match import Candidate, Flag, Link
from assistant.present.figures import Figures, figures


class Lead(StrEnum):
    """How a direction reads."""

    #: "Tiana can teach you Snapchat" / "Tiana wants help with X, which you offer"
    MATCH = "match"
    #: "Closest to Snapchat, Elif offers ..." (below the bar)
    CLOSEST = "closest"
    #: "Jasmine wants help with X, and nothing you offer is close"
    NONE = "none"
    #: the other side is unknown (nothing offered): "Jonas wants: ..."
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Evidence:
    """One wanted statement and the offered statement that fits it best."""

    want: str
    offer: str
    fit: float
    caveat: str = ""

    @classmethod
    def of(cls, link: Link) -> Evidence:
        return cls(link.want, link.offer, link.strength, link.caveat)


@dataclass(frozen=True)
class Direction:
    lead: Lead
    best: Evidence | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class CandidateView:
    id: str
    name: str
    first: str
    role: str
    department: str
    location: str
    wants: tuple[str, ...]
    rank: int | None
    figures: Figures
    #: what they teach you, and what you teach them
    to_you: Direction
    from_you: Direction
    notes: tuple[str, ...]
    flags: tuple[Flag, ...]
    one_way: bool

    @property
    def meta(self) -> list[str]:
        return [x for x in (self.role or "participant", self.department, self.location) if x]


def view(c: Candidate, rank: int | None, two_way: bool) -> CandidateView:
    """What renderers show of ``c`` (``two_way``: the asker named something to offer)."""
    p = c.person
    to_you = tuple(Evidence.of(link) for link in c.to_asker)
    from_you = tuple(Evidence.of(link) for link in c.to_candidate)
    # the statement pair that fits best leads (links come sorted by raw similarity)
    teach = Direction(Lead.CLOSEST if c.weak else Lead.MATCH,
                      max(to_you, key=lambda e: e.fit) if to_you else None, to_you)
    if not two_way or not from_you:
        learn = Direction(Lead.UNKNOWN, None, ())
    elif c.one_sided:
        learn = Direction(Lead.NONE, from_you[0], from_you)
    else:
        learn = Direction(Lead.MATCH, max(from_you, key=lambda e: e.fit), from_you)
    return CandidateView(
        p.id, p.name, p.first_name, p.role, p.department, p.location, tuple(p.wants), rank,
        figures(c, two_way), teach, learn, tuple(c.notes), tuple(c.flags),
        two_way and c.one_sided,
    )
