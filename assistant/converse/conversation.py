"""Dialogue: one object per chat session, used alike by the CLI, the UI and the evals.

It keeps the state a follow-up needs (the current request, filters, names excluded,
candidates shown, the chosen partner) and answers each message with a
:class:`~assistant.converse.reply.Reply`: data, never worded text. The presentation
package (:mod:`assistant.present`) words it for the chat, the cards, the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.converse.agenda import build_agenda
from assistant.converse.llm import LLMAssist
from assistant.converse.notices import missing_notices
from assistant.converse.programme_dialogue import ProgrammeDialogue
from assistant.converse.reply import (
    DirectionDoubt,
    HelpOffered,
    InfoKind,
    Notice,
    OutsideFilters,
    Reply,
    ReplyKind,
)
from assistant.converse.state import LISTED, DialogueState, parse_context
from assistant.converse.understand import (
    Intent,
    Named,
    Ordinal,
    ParsedRequest,
    Previous,
    Speaker,
    parse,
)
from assistant.errors import PairingError, UnknownParticipant
from assistant.match import (
    Candidate,
    CandidateFilter,
    DropKind,
    FlagKind,
    Request,
)
from assistant.models import Participant
from assistant.service import PairingService

Handler = Callable[[ParsedRequest], Reply]


class Conversation:
    """A chat session for one (possibly anonymous) participant."""

    def __init__(
        self, service: PairingService, asker_id: str | None = None, page: int = 3,
        llm: LLMAssist | None = None,
    ) -> None:
        self.service = service
        self.llm = llm
        self.asker: Participant | None = service.get(asker_id) if asker_id else None
        self.page = page
        self.state = DialogueState()
        self._speaking: tuple[tuple[object, ...], Speaker] | None = None
        self.context = parse_context(service)
        if llm is not None:
            llm.names = list(self.context.names)
        self.programme = ProgrammeDialogue(self)
        #: intent name -> handler (intents are strings, or a StrEnum equal to them)
        self.handlers: dict[str, Handler] = {
            Intent.SEARCH: self._on_find, Intent.REFINE: self._on_refine,
            Intent.MORE: self._on_more, Intent.REJECT: self._on_reject,
            Intent.SELECT: self._on_select, Intent.CONFIRM: self.programme.confirm,
            Intent.WHY: self._on_why, Intent.ABOUT: self._on_about,
            Intent.AGENDA: self._on_agenda, Intent.PROGRAM: self._on_guidance,
            Intent.FEEDBACK: self.programme.feedback, Intent.RESET: self._on_reset,
            Intent.HELP: self._on_help, Intent.SMALLTALK: self._on_smalltalk,
        }

    def _learn_people(self) -> None:
        """Names, places and departments the parser knows, again whenever the store changed
        (with a Chroma server, another process may have ingested people since):
        :func:`parse_context` refreshes the store and keeps one context per version."""
        context = parse_context(self.service)
        if context is not self.context:
            self.context = context
            if self.llm is not None:
                self.llm.names = list(context.names)

    def sign_in(self, asker_id: str | None) -> None:
        """Switch who is asking; the dialogue starts afresh."""
        self.asker = self.service.get(asker_id) if asker_id else None
        self.state = DialogueState()

    def _speaker(self) -> Speaker | None:
        """The asker's profile as the parser weighs it (one per asker; its statements are
        encoded only if a reading needs them)."""
        asker = self.asker
        if asker is None:
            return None
        key = (asker.id, tuple(asker.offers), tuple(asker.wants))
        if self._speaking is None or self._speaking[0] != key:
            self._speaking = (key, Speaker.of(asker.offers, asker.wants))
        return self._speaking[1]

    # ---------------------------------------------------------------------------------
    def guidance_vs_people(self, text: str) -> tuple[float, float]:
        """Best cosine of ``text`` with the programme guidance and with any statement."""
        guidance = self.service.search_guidance(text, k=1)
        vector = self.service.embed([text])
        people = max((hits[0].similarity for kind in ("offer", "want")
                      for hits in self.service.store.query(kind, vector, 1) if hits),
                     default=0.0)
        return (guidance[0].score if guidance else 0.0), people

    def send(self, text: str) -> Reply:
        """Answer one message."""

        try:
            self._learn_people()
            answer = self.programme.answer(text)  # the feedback dialogue's next step
        except PairingError as exc:  # e.g. a Chroma server that stopped answering
            return Reply(ReplyKind.ERROR, error=exc)
        if answer is not None:
            return answer
        parsed = parse(text, self.context, has_candidates=bool(self.state.shown), probe=self,
                       speaker=self._speaker())
        if self.llm is not None and parsed.intent in (Intent.HELP, Intent.SMALLTALK):
            parsed = self.llm.parse(text, self.context) or parsed
        handler = self.handlers.get(str(parsed.intent), self._on_help)
        try:
            reply = handler(parsed)
        except PairingError as exc:
            reply = Reply(ReplyKind.ERROR, error=exc)
        self.programme.annotate(reply)
        reply.intent = str(parsed.intent)
        reply.parsed = parsed
        reply.asker = self.asker
        return reply

    def explain(self, person: Participant) -> Reply:
        """Both directions between the asker and ``person``."""
        cand = self._candidate(person)
        self.state.focus = person.id
        return self._reply(ReplyKind.EXPLAIN, focus=cand, candidates=[cand])

    def _info(self, kind: InfoKind) -> Reply:
        return Reply(ReplyKind.INFO, info=kind)

    def _reply(self, kind: ReplyKind, **values: object) -> Reply:
        """A reply carrying the request in force (wants, offers, filters)."""
        request = self.request()
        asker = self.asker
        wants = request.wants or (list(asker.wants) if asker else [])
        offers = request.offers or (list(asker.offers) if asker else [])
        # the two-way wish orders, it filters nobody out; the reply says it is in force
        shown = ["those who would also learn from you listed first"] if request.two_way else []
        return Reply(kind, asker=asker, wants=wants, offers=offers,
                     filters=[*request.filters.describe(), *shown],
                     **values)  # type: ignore[arg-type]

    def _on_find(self, parsed: ParsedRequest) -> Reply:
        if self.state.searched and bool(parsed.wants) != bool(parsed.offers):
            # a follow-up that names one side keeps the other side of the search so far:
            # "I can also teach budgeting" adds an offer, "what about Excel?" a new want
            if parsed.wants:
                parsed.offers = list(self.state.offers)
            else:
                parsed.wants = list(self.state.wants)
                parsed.offers = list(dict.fromkeys([*self.state.offers, *parsed.offers]))
            if parsed.filters.is_empty():
                parsed.filters = self.state.filters
        if not parsed.wants and not self.asker:
            reply = self._info(InfoKind.NEED_WANTS)
            reply.offers = list(parsed.offers)
            return reply
        self.state = DialogueState(
            wants=parsed.wants, offers=parsed.offers, filters=parsed.filters,
            excluded=self._ids(parsed.filters.exclude_names), searched=True,
        )
        reply = self._search()
        if reply.kind is ReplyKind.ABSTAIN and parsed.wider:
            # nobody for the words read as wanted: the whole of what the message asks
            self.state.wants = parsed.wider
            wider = self._search()
            if wider.kind is ReplyKind.CANDIDATES:
                reply = wider
            else:
                self.state.wants = parsed.wants
        if parsed.unsure and reply.kind in (ReplyKind.CANDIDATES, ReplyKind.ABSTAIN):
            # one short question about the closest call; the search used the likelier reading
            doubt = min(parsed.unsure, key=lambda u: u.margin)
            reply.notices.append(DirectionDoubt(doubt.skill, doubt.read))
        if parsed.also is Intent.HELP and reply.kind in (ReplyKind.CANDIDATES,
                                                          ReplyKind.ABSTAIN):
            reply.notices.append(HelpOffered())
        return reply

    def _on_refine(self, parsed: ParsedRequest) -> Reply:
        if not self.state.searched:
            if not self.asker:
                return self._info(InfoKind.SEARCH_FIRST)
            self.state.searched = True
        self.state.filters = self.state.filters.merge(parsed.filters)
        self.state.excluded += self._ids(parsed.filters.exclude_names)
        return self._search()

    def _on_more(self, parsed: ParsedRequest) -> Reply:
        if not self.state.searched:
            return self._on_find(parsed)
        return self._search(more=True)

    def _on_reject(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed)
        if target:
            self.state.excluded.append(target.id)
        elif self.state.shown:
            self.state.excluded += [c.id for c in self.state.shown]
        self.state.excluded += self._ids(parsed.filters.exclude_names)
        self.programme.rejected(target)  # remembered for a signed-in asker
        return self._search()

    def _on_why(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed) or (self.state.shown[0].person if self.state.shown else None)
        if target is None:
            return self._info(InfoKind.WHY_FIRST)
        return self.explain(target)

    def _on_about(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed)
        if target is None:
            return self._info(InfoKind.WHO)
        return self.explain(target)

    def _on_select(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed)
        if target is None:
            return self._info(InfoKind.WHICH)
        cand = self._candidate(target)
        line = next((f for f in cand.flags if f.kind is FlagKind.REPORTING_LINE), None)
        if line is not None:
            return self._reply(ReplyKind.REFUSED, focus=cand, refusal=line)
        self.state.selected = target.id
        self.state.focus = target.id
        notices: list[Notice] = []
        outside = self.request().filters.reason_to_drop(target)
        if outside is not None and outside.kind is DropKind.FILTER:
            notices.append(OutsideFilters(target.name, outside.text))
        reply = self._reply(ReplyKind.SELECTED, focus=cand, candidates=[cand], notices=notices)
        return self.programme.selected(reply, target)  # proposed in the programme record

    def _on_agenda(self, parsed: ParsedRequest) -> Reply:
        named = self._target(parsed) or self._named(parsed.raw)
        pid = named.id if named else (self.state.selected or self.state.focus or (
            self.state.shown[0].id if self.state.shown else None))
        if pid is None or (self.asker is None and not self.state.wants):
            return self._info(InfoKind.NEED_PARTNER)
        partner = self.service.get(pid)
        cand = self._candidate(partner)
        wants = self.state.wants or (self.asker.wants if self.asker else [])
        best = max(cand.to_asker, key=lambda link: link.strength) if cand.to_asker else None
        # a partner who does not really teach what was asked teaches what comes closest
        a_learns = (best.offer if cand.weak else best.want) if best else wants[0]
        back = max(cand.to_candidate, key=lambda link: link.strength) \
            if cand.to_candidate and not cand.one_sided else None
        b_learns = back.want if back else partner.wants[0]
        agenda = build_agenda(self.service, self.asker, partner, a_learns, b_learns)
        return self._reply(ReplyKind.AGENDA, agenda=agenda, focus=cand)

    def _on_guidance(self, parsed: ParsedRequest) -> Reply:
        hits = self.service.search_guidance(parsed.question or parsed.raw, k=3)
        if not hits or hits[0].score < 0.2:
            return Reply(ReplyKind.INFO, info=InfoKind.NOT_IN_GUIDANCE, guidance=hits)
        return Reply(ReplyKind.GUIDANCE, guidance=[hits[0]] + [h for h in hits[1:]
                                                               if h.score >= 0.25])

    def _on_reset(self, parsed: ParsedRequest) -> Reply:
        if parsed.dismissals:
            return self.programme.reset_dismissals()
        self.state = DialogueState()
        return self._info(InfoKind.RESET)

    def _on_help(self, parsed: ParsedRequest) -> Reply:
        return self._info(InfoKind.HELP)

    def _on_smalltalk(self, parsed: ParsedRequest) -> Reply:
        return self._info(InfoKind.SMALLTALK)

    # ---------------------------------------------------------------------------------
    def request(self) -> Request:
        """The match request the dialogue state stands for."""
        f = self.state.filters
        asker = self.asker
        exclude_departments = list(f.exclude_departments)
        if f.not_my_department and asker and asker.department:
            exclude_departments.append(asker.department)
        timezones = list(f.timezones)
        if f.same_timezone and asker and asker.timezone:
            timezones.append(asker.timezone)
        filt = CandidateFilter(
            locations=f.locations, exclude_locations=f.exclude_locations,
            departments=f.departments, exclude_departments=exclude_departments,
            career_stages=f.career_stages, timezones=timezones,
            exclude_ids=list(dict.fromkeys(self.state.excluded)),
        )
        return Request(self.state.wants, self.state.offers, asker.id if asker else None, filt,
                       two_way=f.two_way)

    def _search(self, more: bool = False) -> Reply:
        """Run the current request; ``more`` pages on.

        When a refinement leaves nobody, the previous list stays the one that
        *the first one* or *why?* refer to.
        """
        request = self.request()
        result = self.service.find(request, k=LISTED)
        self.state.last = result
        order = [] if result.abstained else result.candidates
        already = len(self.state.shown) if more else 0
        notices = missing_notices(self.service, request, result,
                                  empty=not order[already:])
        notices += self.programme.left_out(result)  # dismissed or partnered, by the record
        if not order:
            kind = ReplyKind.NO_MORE if more else ReplyKind.ABSTAIN
            return self._reply(kind, result=result, notices=notices)
        page = order[already: already + self.page]
        if not page:
            return self._reply(ReplyKind.NO_MORE, result=result, notices=notices,
                               start=already + 1)
        self.state.shown = order[: already + len(page)]
        self.state.focus = page[0].id
        return self._reply(ReplyKind.CANDIDATES, result=result, notices=notices,
                           start=already + 1, candidates=page)

    def _ids(self, names: list[str]) -> list[str]:
        ids = []
        for name in names:
            try:
                ids.append(self.service.resolve(name).id)
            except UnknownParticipant:
                continue
        return ids

    def _target(self, parsed: ParsedRequest) -> Participant | None:
        ref = parsed.target
        if isinstance(ref, Ordinal):
            shown = self.state.shown
            n = ref.position
            index = n - 1 if n > 0 else len(shown) + n
            return shown[index].person if 0 <= index < len(shown) else None
        if isinstance(ref, Previous):
            pid = self.state.focus or (self.state.shown[0].id if self.state.shown else None)
            return self.service.get(pid) if pid else None
        if isinstance(ref, Named):
            try:
                return self.service.resolve(ref.name)
            except UnknownParticipant:
                return None
        return None

    def _named(self, raw: str) -> Participant | None:
        """The one participant a message names by full name (any case) or by a capitalised
        first name only they have (the parser gives no target for an agenda request such
        as *agenda with Tiana*)."""
        people = [p for p in self.service.participants()
                  if self.asker is None or p.id != self.asker.id]
        full = [p for p in people if re.search(rf"\b{re.escape(p.name)}\b", raw, re.IGNORECASE)]
        if len(full) == 1:
            return full[0]
        first = [p for p in people if re.search(rf"\b{re.escape(p.first_name)}\b", raw)]
        if len(first) == 1 and sum(p.first_name == first[0].first_name for p in people) == 1:
            return first[0]
        return None

    def _candidate(self, person: Participant) -> Candidate:
        for cand in self.state.shown:
            if cand.id == person.id:
                return cand
        if self.asker is not None:
            return self.service.explain(self.asker.id, person.id)
        return self.service.assess(Request(self.state.wants, self.state.offers), person.id)
