"""What the conversation answers: a :class:`Reply` holding data, never worded text.

The presentation package (:mod:`assistant.present`) words and formats a reply for the
chat (Markdown), the candidate cards (HTML), the terminal (plain text) and machines
(JSON). Everything a renderer shows comes from these fields; no renderer computes a
figure (see :mod:`assistant.present.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from assistant.converse.agenda import Agenda
from assistant.converse.programme_news import PairNews, ProgrammeNotice
from assistant.converse.understand import ParsedRequest
from assistant.errors import PairingError
from assistant.match import Candidate, FilterKind, Flag, MatchResult
from assistant.models import Participant
from assistant.service import GuidanceHit


class ReplyKind(StrEnum):
    #: a page of suggested partners
    CANDIDATES = "candidates"
    #: nobody fits the request (the result says why, and what would widen it)
    ABSTAIN = "abstain"
    #: "more", and everyone who fits has been shown
    NO_MORE = "no_more"
    #: both directions of one candidate ("why her?", "what about Tiana?")
    EXPLAIN = "explain"
    #: a partner chosen
    SELECTED = "selected"
    #: a partner the rules never allow (reporting line)
    REFUSED = "refused"
    AGENDA = "agenda"
    GUIDANCE = "guidance"
    #: a programme step: a pairing confirmed, dismissals reset, the feedback dialogue
    #: (``Reply.programme``)
    PROGRAMME = "programme"
    INFO = "info"
    ERROR = "error"


class InfoKind(StrEnum):
    """Fixed answers that need no data (the presentation words them)."""

    HELP = "help"
    RESET = "reset"
    SMALLTALK = "smalltalk"
    #: a search with nothing to learn and no profile to fill it in
    NEED_WANTS = "need_wants"
    #: a refinement before any search, anonymously
    SEARCH_FIRST = "search_first"
    #: "why?" before anyone was suggested
    WHY_FIRST = "why_first"
    #: a name nobody in the programme has
    WHO = "who"
    #: "pair me with ..." without saying whom
    WHICH = "which"
    #: an agenda before a partner is known
    NEED_PARTNER = "need_partner"
    #: a programme question the guidance does not answer
    NOT_IN_GUIDANCE = "not_in_guidance"
    #: how a session or a pairing went
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class FilterEmptied:
    """The filters in force leave nobody (more); without ``filter``, ``count`` more people
    would fit (``filter`` None: only lifting all the filters, ``label``, brings any)."""

    filter: FilterKind | None
    label: str
    count: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineRule:
    """The reporting-line rule removed ``removed`` people who came up for this request
    (``rule``: the rule in words)."""

    removed: int
    rule: str


@dataclass(frozen=True)
class OutsideFilters:
    """A chosen person does not pass the filters in force (``why``: the filter's words)."""

    name: str
    why: str


@dataclass(frozen=True)
class DirectionDoubt:
    """A close call: ``skill`` was read as ``read`` ("want" or "offer") and searched so;
    the answer asks whether the other reading was meant."""

    skill: str
    read: str


@dataclass(frozen=True)
class HelpOffered:
    """A close call between asking for partners and asking how the assistant works: the
    answer searched on the profile and says what else it can do."""


Notice = (FilterEmptied | LineRule | OutsideFilters | DirectionDoubt | HelpOffered
          | ProgrammeNotice)


@dataclass
class Reply:
    """One answer of the conversation, as data."""

    kind: ReplyKind
    #: the parsed intent this answers (a string; see ``understand``)
    intent: str = ""
    parsed: ParsedRequest | None = None
    #: who is asking (None: anonymous)
    asker: Participant | None = None
    #: the request searched, after the profile filled in what the message left out
    wants: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    #: filters in force, in words ("in London")
    filters: list[str] = field(default_factory=list)
    #: who is shown on this page, in rank order; ``start`` is the rank of the first. A
    #: candidate who wants nothing the asker offers (``one_sided``) is shown marked
    #: one-way, one who teaches the skill only loosely (``weak``) marked as a weaker match
    candidates: list[Candidate] = field(default_factory=list)
    start: int = 1
    focus: Candidate | None = None
    result: MatchResult | None = None
    agenda: Agenda | None = None
    guidance: list[GuidanceHit] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    info: InfoKind | None = None
    error: PairingError | None = None
    #: the flag that made a selection impossible (``REFUSED``)
    refusal: Flag | None = None
    #: what the programme record now holds (``PROGRAMME``; with ``SELECTED``, the proposal)
    programme: PairNews | None = None

    @property
    def candidate_ids(self) -> list[str]:
        return [c.id for c in self.candidates]

    @property
    def two_way(self) -> bool:
        """Both directions were checked (the asker said, or their profile says, what they
        offer)."""
        return bool(self.offers)

    @property
    def one_way(self) -> list[Candidate]:
        """Shown people who teach what was asked for but want nothing the asker offers."""
        return [c for c in self.candidates if self.two_way and c.one_sided]
