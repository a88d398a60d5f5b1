"""Typed values of message understanding: intents, targets, filters, the parsed request."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

from assistant.converse.understand.spelling import Lexicon


class Intent(StrEnum):
    """What a message asks for. Members equal their string values."""

    SEARCH = "search"      # find partners (skills named, or the profile)
    REFINE = "refine"      # change the filters of the current search
    MORE = "more"          # the next page of the current search
    REJECT = "reject"      # turn a suggestion down
    SELECT = "select"      # choose a suggested person
    CONFIRM = "confirm"    # confirm a proposed pairing
    WHY = "why"            # why someone was suggested
    ABOUT = "about"        # tell me about a person
    AGENDA = "agenda"      # draft a first-session agenda
    PROGRAM = "program"    # a question about how the programme works
    FEEDBACK = "feedback"  # how a session or a pairing went
    RESET = "reset"        # start over
    HELP = "help"          # what can the assistant do
    SMALLTALK = "smalltalk"


#: intents that act on a person (a name, an ordinal or a pronoun)
TARGETED = frozenset({Intent.REJECT, Intent.SELECT, Intent.CONFIRM, Intent.WHY, Intent.ABOUT})
CAREER_STAGES = ("early", "mid", "senior", "executive")


@dataclass(frozen=True)
class Named:
    """A participant named in the message (canonical spelling from the context)."""

    name: str


@dataclass(frozen=True)
class Ordinal:
    """A position in the list shown: 1-based, negative from the end (-1 is the last)."""

    position: int


@dataclass(frozen=True)
class Previous:
    """A pronoun ("her", "that one"): the person the dialogue is about."""


Target = Named | Ordinal | Previous


@dataclass
class Filters:
    """Constraints on candidates; names are canonical spellings from the context."""

    locations: list[str] = field(default_factory=list)
    exclude_locations: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    exclude_departments: list[str] = field(default_factory=list)
    not_my_department: bool = False
    career_stages: list[str] = field(default_factory=list)
    timezones: list[str] = field(default_factory=list)
    same_timezone: bool = False
    exclude_names: list[str] = field(default_factory=list)
    #: partners who would also learn something the asker offers come first
    two_way: bool = False

    def is_empty(self) -> bool:
        """True when no field constrains anything."""
        return not any(getattr(self, f.name) for f in fields(self))

    def merge(self, other: Filters) -> Filters:
        """A new Filters: ``self`` refined by the follow-up ``other``.

        "Only these" lists (locations, departments, career stages, timezones) are replaced
        by ``other``'s when it has any; exclusion lists accumulate; flags stay on once set.
        A value newly included by ``other`` leaves the matching exclusion list and vice
        versa, so the result never includes and excludes the same thing.
        """
        out = Filters(
            locations=list(other.locations or self.locations),
            departments=list(other.departments or self.departments),
            career_stages=list(other.career_stages or self.career_stages),
            timezones=list(other.timezones or self.timezones),
            exclude_locations=union(self.exclude_locations, other.exclude_locations),
            exclude_departments=union(self.exclude_departments, other.exclude_departments),
            exclude_names=union(self.exclude_names, other.exclude_names),
            not_my_department=self.not_my_department or other.not_my_department,
            same_timezone=self.same_timezone or other.same_timezone,
            two_way=self.two_way or other.two_way,
        )
        out.exclude_locations = minus(out.exclude_locations, other.locations)
        out.exclude_departments = minus(out.exclude_departments, other.departments)
        out.locations = minus(out.locations, other.exclude_locations)
        out.departments = minus(out.departments, other.exclude_departments)
        return out


@dataclass(frozen=True)
class Unsure:
    """A skill whose direction was a close call: searched as ``read``, maybe meant the other."""

    skill: str
    read: str  # "want" or "offer"
    margin: float


@dataclass
class ParsedRequest:
    """What one message asks for.

    ``wants``/``offers`` are skill phrases read from the message (the profile is filled in
    later, by the dialogue). ``target`` is the person a targeted intent acts on.
    ``question`` is set for programme questions. ``scores`` holds the intent
    classifier's probabilities, ``unsure`` the skills whose direction was a close call.
    ``dismissals``: a reset of the people the asker turned down, not of the search.
    """

    intent: Intent
    wants: list[str]
    offers: list[str]
    filters: Filters
    target: Target | None = None
    question: str | None = None
    raw: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    unsure: list[Unsure] = field(default_factory=list)
    dismissals: bool = False
    #: the message minus what it offers, filters and names, when that says more than the
    #: wants read from it ("commodity codes for tariffs" beside "codes"): searched when
    #: the wants find nobody
    wider: list[str] = field(default_factory=list)
    #: a close second reading of the whole message that was not taken (a signed-in
    #: participant's "what's available?" searched on the profile, help the other
    #: reading): the answer offers it
    also: Intent | None = None


@dataclass
class ParseContext:
    """Vocabulary the parser resolves against: participant names, places, departments,
    and the words the cohort writes its skills in (for putting misspellings right)."""

    names: list[str]
    locations: list[str]
    departments: list[str]
    timezones: list[str] = field(default_factory=list)
    lexicon: Lexicon | None = None


def union(a: list[str], b: list[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def minus(a: list[str], b: list[str]) -> list[str]:
    drop = {x.casefold() for x in b}
    return [x for x in a if x.casefold() not in drop]


def words(text: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``text`` (keeps word lists readable)."""
    return frozenset(text.split())
