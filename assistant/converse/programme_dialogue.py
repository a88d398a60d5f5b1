"""The chat's side of programme memory: proposals, confirmations, dismissals, feedback.

A signed-in participant's choice ("pair me with Tiana") proposes the pair in the record
(origin *chat selection*, their side confirmed); "yes, confirm" confirms a proposal
waiting for them; "not him" is remembered as a dismissal and later answers say who was
left out for it; "reset my dismissals" undoes them. "How did it go with Tiana?" starts a
two-step dialogue (a 1-5 fit, then one line) kept in the conversation's state, and the
rating is recorded. Anonymous users are told that these need signing in. Every answer
is a typed :class:`~assistant.converse.programme_news.PairNews` or notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.converse.programme_news import (
    Action,
    Dismissed,
    FeedbackDropped,
    LeftOut,
    NotRecorded,
    PairNews,
    Step,
    Withdrawn,
)
from assistant.converse.reply import Notice, Reply, ReplyKind
from assistant.converse.understand import ParsedRequest
from assistant.match import DropKind, MatchResult
from assistant.models import Participant
from assistant.programme.models import ExclusionKind, Origin, PairRecord, Status

if TYPE_CHECKING:
    from assistant.programme.api import Programme
    from assistant.service import PairingService

_I = re.IGNORECASE
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
#: the answer to "how would you rate the fit, 1 to 5?"
_RATING = re.compile(r"^\W*(?:(?:fit|rating|rate|i\s+(?:would|'d)\s+(?:say|rate\s+it)|"
                     r"about|a|it(?:'s|\s+is|\s+was)?)\s*)*([1-5]|one|two|three|four|five)\b"
                     r"(?:\s*(?:/|out\s+of|of)\s*5)?(?![\d.])\W*(.*)$", _I | re.DOTALL)
_CANCEL = re.compile(r"^\W*(?:cancel|never\s*mind|stop|forget\s+it|not\s+now)\W*$", _I)
_SKIP = re.compile(r"^\W*(?:skip|no|nope|none|nothing|n/?a|-+)\W*$", _I)


@dataclass
class FeedbackDraft:
    """A feedback dialogue in progress: the partner, and the fit once given."""

    partner: str
    name: str
    fit: int | None = None


class State(Protocol):
    """The parts of the conversation's dialogue state these steps read and change."""

    excluded: list[str]
    selected: str | None
    feedback: FeedbackDraft | None


class Chat(Protocol):
    """What these steps need of :class:`~assistant.converse.conversation.Conversation`
    (a protocol, so this module does not import it back)."""

    service: PairingService
    asker: Participant | None

    @property
    def state(self) -> State: ...

    def _target(self, parsed: ParsedRequest) -> Participant | None: ...

    def _named(self, raw: str) -> Participant | None: ...

    def _on_select(self, parsed: ParsedRequest) -> Reply: ...


class ProgrammeDialogue:
    """The programme steps of one conversation (which owns the state)."""

    def __init__(self, conversation: Chat) -> None:
        self.chat = conversation
        #: a feedback dialogue abandoned by the last message, to be said in its answer
        self._dropped: str | None = None
        #: names turned down by the message being answered (its notice says so already)
        self._just: set[str] = set()
        #: notices for the answer being made (put first)
        self._notices: list[Notice] = []

    @property
    def programme(self) -> Programme:
        return self.chat.service.programme

    def _news(self, step: Step, **values: object) -> Reply:
        news = PairNews(step, **values)  # type: ignore[arg-type]
        return Reply(ReplyKind.PROGRAMME, asker=self.chat.asker, programme=news)

    def _sign_in(self, action: Action) -> Reply:
        return self._news(Step.SIGN_IN, action=action)

    def _name(self, pid: str) -> str:
        return self.chat.service.get(pid).name

    def _waiting(self, pair: PairRecord) -> tuple[str, ...]:
        return tuple(self._name(pid) for pid in pair.ids if not pair.confirmed_by(pid))

    # choosing and confirming -----------------------------------------------------------
    def selected(self, reply: Reply, target: Participant) -> Reply:
        """A chat selection (``reply`` is SELECTED): propose the pair in the record."""
        asker = self.chat.asker
        if asker is None:
            reply.notices.append(NotRecorded(Action.PAIR))
            return reply
        programme = self.programme
        existing = [p for p in programme.open_pairs(asker.id) if p.has(target.id)]
        if not existing:
            blocked = self._blocked(asker, target, reply)
            if blocked is not None:
                self.chat.state.selected = None
                return blocked
        pair = programme.propose(asker.id, target.id, Origin.CHAT, by=asker.id)
        reply.programme = PairNews(Step.PROPOSED, target.name, pair.status,
                                   self._waiting(pair))
        return reply

    def _blocked(self, asker: Participant, target: Participant, reply: Reply) -> Reply | None:
        """Why ``asker`` cannot be proposed to ``target`` now (None: they can); withdraws
        the asker's own unanswered chat proposals when they stand in the way."""
        programme = self.programme
        if any(d.dismissed == asker.id for d in programme.dismissals(target.id)):
            return self._news(Step.UNAVAILABLE, partner=target.name)
        if programme.current_pairs(target) >= target.capacity:
            return self._news(Step.FULL, partner=target.name, count=target.capacity)
        if programme.current_pairs(asker) < asker.capacity:
            return None
        mine = [p for p in programme.pairs((Status.PROPOSED,), person=asker.id)
                if p.origin is Origin.CHAT and p.proposed_by == asker.id
                and not p.confirmed_by(p.partner(asker.id))]
        free = asker.capacity - programme.current_pairs(asker)
        if free + len(mine) <= 0:
            return self._news(Step.YOU_ARE_FULL, count=asker.capacity, names=tuple(
                self._name(p.partner(asker.id)) for p in programme.open_pairs(asker.id)))
        for pair in mine[: 1 - free]:
            other = pair.partner(asker.id)
            programme.decline(asker.id, other, by=asker.id)
            reply.notices.append(Withdrawn(self._name(other)))
        return None

    def confirm(self, parsed: ParsedRequest) -> Reply:
        """"Yes, confirm" (or "I confirm my pairing with Tiana")."""
        asker = self.chat.asker
        if asker is None:
            return self._sign_in(Action.CONFIRM)
        target = self.chat._target(parsed)
        proposed = self.programme.pairs((Status.PROPOSED, Status.ACTIVE), person=asker.id)
        if target is not None:
            proposed = [p for p in proposed if p.has(target.id)]
            if not proposed:  # nothing recorded with them yet: choosing them proposes it
                return self.chat._on_select(parsed)
        mine = [p for p in proposed if p.status is Status.PROPOSED and not p.confirmed_by(asker.id)]
        if len(mine) > 1:
            return self._news(Step.WHICH_PAIR, names=tuple(
                self._name(p.partner(asker.id)) for p in mine))
        if mine:
            pair = self.programme.confirm(asker.id, mine[0].partner(asker.id), by=asker.id)
            return self._news(Step.CONFIRMED, partner=self._name(pair.partner(asker.id)),
                              status=pair.status, waiting_for=self._waiting(pair))
        if target is not None and proposed[-1].status is Status.ACTIVE:
            return self._news(Step.CONFIRMED, partner=target.name, status=Status.ACTIVE)
        waiting = [p for p in proposed if p.status is Status.PROPOSED]
        if waiting:
            return self._news(Step.WAITING, names=tuple(
                self._name(p.partner(asker.id)) for p in waiting))
        return self._news(Step.NOTHING_TO_CONFIRM)

    # dismissals -------------------------------------------------------------------------
    def rejected(self, target: Participant | None) -> None:
        """"Not him": remembered for a signed-in asker (a proposal between them declined);
        the answer's notices say so."""
        if target is None:
            return
        asker = self.chat.asker
        if asker is None:
            self._notices += [Dismissed(target.name, remembered=False),
                              NotRecorded(Action.DISMISS)]
            return
        programme = self.programme
        if any(p.has(target.id) for p in programme.pairs((Status.PROPOSED,), person=asker.id)):
            programme.decline(asker.id, target.id, by=asker.id)
        programme.dismiss(asker.id, target.id)
        self._just.add(target.name)
        self._notices.append(Dismissed(target.name, remembered=True))

    def reset_dismissals(self) -> Reply:
        asker = self.chat.asker
        if asker is None:
            return self._sign_in(Action.RESET_DISMISSALS)
        count = self.programme.reset_dismissals(asker.id)
        self.chat.state.excluded = []
        return self._news(Step.DISMISSALS_RESET, count=count)

    def left_out(self, result: MatchResult) -> list[Notice]:
        """Who the record kept out of this answer, by reason (never a silent omission)."""
        asker = self.chat.asker
        dropped = [pid for pid, why in result.dropped.items() if why.kind is DropKind.PROGRAMME]
        if asker is None or not dropped:
            return []
        found = self.programme.exclusions_for(asker.id)
        out: list[Notice] = []
        for kind in (ExclusionKind.DISMISSED, ExclusionKind.PARTNER):
            names = tuple(sorted(self._name(pid) for pid in dropped
                                 if pid in found and found[pid].kind is kind))
            names = tuple(n for n in names if n not in self._just)
            if names:
                out.append(LeftOut(kind, names))
        return out

    # feedback ---------------------------------------------------------------------------
    def feedback(self, parsed: ParsedRequest) -> Reply:
        """"Our first session went well" / "how did it go with Tiana?": ask for the fit."""
        asker = self.chat.asker
        if asker is None:
            return self._sign_in(Action.FEEDBACK)
        named = self.chat._target(parsed) if parsed.target else self.chat._named(parsed.raw)
        began = [p for p in self.programme.pairs(person=asker.id) if p.started_on is not None]
        if named is not None:
            began = [p for p in began if p.has(named.id)]
            if not began:
                return self._news(Step.NO_PAIR, partner=named.name)
            pair = began[-1]
        else:
            active = [p for p in began if p.status is Status.ACTIVE]
            if len(active) > 1:
                return self._news(Step.WHICH_PAIR, names=tuple(
                    self._name(p.partner(asker.id)) for p in active))
            if not active:
                return self._news(Step.NO_PAIR)
            pair = active[0]
        other = pair.partner(asker.id)
        self.chat.state.feedback = FeedbackDraft(other, self._name(other))
        return self._news(Step.ASK_FIT, partner=self._name(other))

    def answer(self, text: str) -> Reply | None:
        """The next step of a feedback dialogue in progress (None: no dialogue, or the
        message is no answer to it and is read as usual)."""
        draft = self.chat.state.feedback
        self._dropped, self._just, self._notices = None, set(), []
        if draft is None or self.chat.asker is None:
            return None
        if _CANCEL.match(text):
            self.chat.state.feedback = None
            return self._news(Step.FEEDBACK_CANCELLED, partner=draft.name)
        if draft.fit is None:
            rating = _RATING.match(text.strip())
            if rating is None:  # not an answer: drop the dialogue, read the message as usual
                self.chat.state.feedback = None
                self._dropped = draft.name
                return None
            word = rating.group(1).casefold()
            draft.fit = _NUMBERS.get(word) or int(word)
            rest = rating.group(2).strip()
            if len(rest.split()) < 3:
                return self._news(Step.ASK_NOTE, partner=draft.name, fit=draft.fit)
            text = rest
        note = "" if _SKIP.match(text) else text.strip()
        self.chat.state.feedback = None
        programme = self.programme
        asker = self.chat.asker.id
        pair = programme.feedback(asker, draft.partner, draft.fit, note)
        return self._news(Step.FEEDBACK_SAVED, partner=draft.name, fit=draft.fit,
                          note=pair.latest_fit()[asker].note,
                          risk=programme.risk(pair), low_fit=programme.settings.low_fit,
                          status=pair.status)

    def annotate(self, reply: Reply) -> None:
        """The notices of this message's programme steps, first in its answer (and that a
        feedback dialogue it abandoned recorded nothing)."""
        dropped = [FeedbackDropped(self._dropped)] if self._dropped is not None else []
        reply.notices[:0] = [*dropped, *self._notices]
        self._dropped, self._just, self._notices = None, set(), []
