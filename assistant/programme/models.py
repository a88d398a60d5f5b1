"""Typed values of the programme record: pairs, sessions, feedback, dismissals, risks.

The record keeps keys (``status``, ``origin``, risk and exclusion kinds), never
sentences; people-facing wording is made at the edges from these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    """Where a pair is in its life."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"
    #: ended because a repair gave its people new partners
    REPAIRED = "re-paired"


class Origin(StrEnum):
    """Who made the pair."""

    CHAT = "chat selection"
    COHORT = "cohort run"
    LOCK = "coordinator lock"
    REPAIR = "repair"


class EndReason(StrEnum):
    COORDINATOR = "ended by the coordinator"
    DECLINED = "declined"
    NEW_ROUND = "a new round started"
    REPAIRED = "re-paired"


class RiskKind(StrEnum):
    LOW_FIT = "low fit"
    NO_SESSION = "no session"


class ExclusionKind(StrEnum):
    #: the person asking turned them down ("not him")
    DISMISSED = "dismissed"
    #: already the asker's partner (proposed or active)
    PARTNER = "partner"


OPEN = (Status.PROPOSED, Status.ACTIVE)


@dataclass(frozen=True)
class ProgrammeSettings:
    #: an active pair with no session logged for longer than this is at risk
    at_risk_days: int = 21
    #: a fit rating at or below this marks the pair at risk
    low_fit: int = 2


@dataclass(frozen=True)
class Feedback:
    pair_id: int
    rater: str
    fit: int
    note: str
    given_on: date


@dataclass(frozen=True)
class Session:
    pair_id: int
    held_on: date
    logged_by: str


@dataclass(frozen=True)
class Dismissal:
    participant: str
    dismissed: str
    on: date


@dataclass(frozen=True)
class Components:
    """The score components of a pair when it was made (from ``a``'s side of the pair).

    ``teach_ab`` is how well ``a`` teaches what ``b`` wants, ``teach_ba`` the other way,
    ``bonus`` the soft-preference adjustment at the default weights. Feedback is
    learned against these, so a later profile edit does not rewrite history.
    """

    teach_ab: float
    teach_ba: float
    bonus: float

    def seen_by(self, a_side: bool) -> tuple[float, float, float]:
        """(teach, learn, preferences) from one partner's side: teach = the partner
        teaches me, learn = I teach the partner."""
        if a_side:
            return self.teach_ba, self.teach_ab, self.bonus
        return self.teach_ab, self.teach_ba, self.bonus


@dataclass(frozen=True)
class Reason:
    """Why one person of a new (repair) pair needed a partner."""

    person: str
    #: ``low fit``, ``no session`` (the old pair was at risk), ``ended`` or ``free``
    kind: str
    old_partner: str = ""
    #: the low fit given, or the days without a session
    value: int = 0


@dataclass
class PairRecord:
    """One pair of the programme with everything logged about it."""

    id: int
    a: str
    b: str
    round: int
    origin: Origin
    status: Status
    proposed_on: date
    components: Components
    started_on: date | None = None
    ended_on: date | None = None
    end_reason: EndReason | None = None
    proposed_by: str = ""
    confirmed_a: date | None = None
    confirmed_b: date | None = None
    confirmed_coordinator: date | None = None
    replaces: list[int] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)

    @property
    def ids(self) -> tuple[str, str]:
        return self.a, self.b

    @property
    def open(self) -> bool:
        return self.status in OPEN

    def has(self, person: str) -> bool:
        return person in (self.a, self.b)

    def partner(self, person: str) -> str:
        if person == self.a:
            return self.b
        if person == self.b:
            return self.a
        raise ValueError(f"{person} is not in pair {self.id}")

    def confirmed_by(self, person: str) -> bool:
        return (self.confirmed_a if person == self.a else self.confirmed_b) is not None

    def latest_fit(self) -> dict[str, Feedback]:
        """Each rater's latest rating."""
        out: dict[str, Feedback] = {}
        for item in sorted(self.feedback, key=lambda f: f.given_on):
            out[item.rater] = item
        return out

    def last_met(self) -> date | None:
        return max((s.held_on for s in self.sessions), default=None)


@dataclass(frozen=True)
class Risk:
    """Why an active pair is at risk."""

    kind: RiskKind
    #: the low fit given (and by whom), or the days since the last session (or the start)
    value: int
    rater: str = ""


@dataclass(frozen=True)
class Exclusion:
    """Someone never suggested to ``asker``, with the typed reason."""

    asker: str
    person: str
    kind: ExclusionKind
    since: date

    def text(self) -> str:
        if self.kind is ExclusionKind.DISMISSED:
            return f"you turned them down on {self.since.isoformat()}"
        return f"already your partner (since {self.since.isoformat()})"


def ordered(a: str, b: str) -> tuple[str, str]:
    """The stored order of a pair's ids."""
    return (a, b) if a <= b else (b, a)
