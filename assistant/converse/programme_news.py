"""Typed values the chat's programme steps answer with (proposals, confirmations,
dismissals, feedback). :mod:`assistant.present.programme` words them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.programme.models import ExclusionKind, Risk, Status


class Step(StrEnum):
    """Which programme step a reply reports."""

    #: a chat selection recorded as a proposed pair (or, already confirmed, an active one)
    PROPOSED = "proposed"
    #: the asker confirmed a pair: active now, or still waiting for the other side
    CONFIRMED = "confirmed"
    #: "yes, confirm" while only the other side (or a coordinator) can confirm
    WAITING = "waiting"
    NOTHING_TO_CONFIRM = "nothing_to_confirm"
    #: the chosen person has no free place
    FULL = "full"
    #: the asker has no free place (their pairs are active or confirmed by both)
    YOU_ARE_FULL = "you_are_full"
    #: the chosen person is not available to the asker (they turned the asker down)
    UNAVAILABLE = "unavailable"
    DISMISSALS_RESET = "dismissals_reset"
    #: the feedback dialogue asks for a 1-5 fit rating, then for one line
    ASK_FIT = "ask_fit"
    ASK_NOTE = "ask_note"
    FEEDBACK_SAVED = "feedback_saved"
    FEEDBACK_CANCELLED = "feedback_cancelled"
    #: more than one pair could be meant: ``names`` lists the partners
    WHICH_PAIR = "which_pair"
    #: no pair of the asker (with ``partner``, if named) has begun
    NO_PAIR = "no_pair"
    #: an anonymous user asked for ``action``, which needs a participant signed in
    SIGN_IN = "sign_in"


class Action(StrEnum):
    """What an anonymous user tried that needs signing in."""

    PAIR = "pair"
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    RESET_DISMISSALS = "reset_dismissals"
    FEEDBACK = "feedback"


@dataclass(frozen=True)
class PairNews:
    """One programme step of the chat."""

    step: Step
    #: the other person of the pair (a name)
    partner: str = ""
    status: Status | None = None
    #: who still has to confirm a proposed pair (names; a coordinator may instead)
    waiting_for: tuple[str, ...] = ()
    fit: int | None = None
    note: str = ""
    #: why the pair is at risk after this feedback (None: not at risk)
    risk: Risk | None = None
    #: the fit at or below which a pair is at risk
    low_fit: int = 2
    #: dismissals undone, or the partner's capacity (``FULL``)
    count: int = 0
    names: tuple[str, ...] = ()
    action: Action | None = None


@dataclass(frozen=True)
class Dismissed:
    """``name`` was turned down now: ``remembered`` for the signed-in asker, else only for
    this chat."""

    name: str
    remembered: bool


@dataclass(frozen=True)
class LeftOut:
    """People the programme record keeps out of this answer (``kind``: the asker turned
    them down, or they are already the asker's partner)."""

    kind: ExclusionKind
    names: tuple[str, ...]


@dataclass(frozen=True)
class Withdrawn:
    """The asker's earlier proposal to ``name`` was withdrawn for a new choice."""

    name: str


@dataclass(frozen=True)
class NotRecorded:
    """An anonymous choice that holds for this chat only (``action``: what signing in adds)."""

    action: Action


@dataclass(frozen=True)
class FeedbackDropped:
    """A feedback dialogue with ``name`` ended without a rating: nothing was recorded."""

    name: str


ProgrammeNotice = Dismissed | LeftOut | Withdrawn | NotRecorded | FeedbackDropped
