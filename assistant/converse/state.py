"""What a conversation keeps between messages, and the parser's view of the cohort."""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from assistant.converse.programme_dialogue import FeedbackDraft
from assistant.converse.understand import Filters, ParseContext
from assistant.converse.understand.spelling import build_lexicon
from assistant.match import Candidate, MatchResult
from assistant.service import PairingService

#: how many ranked candidates one search keeps for paging ("more")
LISTED = 100

_CONTEXTS: WeakKeyDictionary[PairingService, tuple[int, ParseContext]] = WeakKeyDictionary()


def parse_context(service: PairingService) -> ParseContext:
    """Names, places, departments and timezones of the participants, built once per
    version of the store (a new conversation per `pairing ask` would otherwise walk
    every participant: 10 ms a request at 10,000 people)."""
    service.refresh()  # a shared store: what other processes wrote counts
    version = service.store.version
    kept = _CONTEXTS.get(service)
    if kept is None or kept[0] != version:
        people = service.participants()
        names = [p.name for p in people]
        locations = sorted({p.location for p in people if p.location})
        departments = sorted({p.department for p in people if p.department})
        kept = (version, ParseContext(
            names=names, locations=locations, departments=departments,
            timezones=sorted({p.timezone for p in people if p.timezone}),
            lexicon=build_lexicon([s for p in people for s in (*p.offers, *p.wants)],
                                  [*names, *locations, *departments]),
        ))
        _CONTEXTS[service] = kept
    return kept[1]


@dataclass
class DialogueState:
    """What a follow-up needs to know about the conversation so far."""

    wants: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    excluded: list[str] = field(default_factory=list)
    #: everyone shown so far, in the order shown (what "the second one" counts in)
    shown: list[Candidate] = field(default_factory=list)
    last: MatchResult | None = None
    focus: str | None = None
    selected: str | None = None
    searched: bool = False
    #: a feedback dialogue waiting for its fit rating or its line
    feedback: FeedbackDraft | None = None
