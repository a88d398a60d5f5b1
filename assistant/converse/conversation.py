"""Dialogue: one object per chat session, used alike by the CLI, the UI and the evals.

It keeps the state a follow-up needs (the current request, filters, names
excluded, candidates shown, the chosen partner) and answers each message with a
:class:`Reply`: Markdown text plus the structured data behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from weakref import WeakKeyDictionary

from assistant.converse.agenda import Agenda, build_agenda
from assistant.converse.llm import LLMAssist
from assistant.converse.text import esc
from assistant.converse.understand import Filters, ParseContext, ParsedRequest, parse
from assistant.errors import PairingError, UnknownParticipant
from assistant.match import Candidate, CandidateFilter, MatchResult, Request
from assistant.models import Participant
from assistant.service import GuidanceHit, PairingService

ReplyKind = Literal[
    "candidates", "abstain", "explain", "agenda", "guidance", "selected", "info", "error"
]
PHRASED = ("candidates", "abstain", "explain", "guidance", "selected")
HELP = (
    "Tell me what you'd like to learn and what you could teach in return, for example:\n"
    "- *who can teach me Snapchat and wants strategy help*\n"
    "- *I'm keen to pick up TikTok and could offer help with budgeting in exchange*\n"
    "- *who would be a good partner for me?* (uses your profile)\n\n"
    "Then refine (*only people in London*, *not in my department*, *more*), ask *why?*, "
    "*what about Sam?*, *pair me with the second one*, *draft our first session agenda*, "
    "or ask about the program (*how often should we meet?*)."
)


@dataclass
class Reply:
    """An answer: Markdown for people, structured fields for the UI, CLI and evals."""

    kind: ReplyKind
    text: str
    parsed: ParsedRequest | None = None
    result: MatchResult | None = None
    candidates: list[Candidate] = field(default_factory=list)
    focus: Candidate | None = None
    agenda: Agenda | None = None
    guidance: list[GuidanceHit] = field(default_factory=list)

    @property
    def candidate_ids(self) -> list[str]:
        return [c.id for c in self.candidates]


_CONTEXTS: WeakKeyDictionary[PairingService, tuple[int, ParseContext]] = WeakKeyDictionary()


def parse_context(service: PairingService) -> ParseContext:
    """Names, places, departments and timezones of the participants, built once per
    version of the store (a new conversation per `pairing ask` would otherwise walk
    every participant: 10 ms a request at 10,000 people)."""
    version = service.store.version
    kept = _CONTEXTS.get(service)
    if kept is None or kept[0] != version:
        people = service.participants()
        kept = (version, ParseContext(
            names=[p.name for p in people],
            locations=sorted({p.location for p in people if p.location}),
            departments=sorted({p.department for p in people if p.department}),
            timezones=sorted({p.timezone for p in people if p.timezone}),
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
    shown: list[Candidate] = field(default_factory=list)
    last: MatchResult | None = None
    focus: str | None = None
    selected: str | None = None
    searched: bool = False


class Conversation:
    """A chat session for one (possibly anonymous) participant."""

    def __init__(
        self, service: PairingService, asker_id: str | None = None, page: int = 3,
        llm: LLMAssist | None = None, follow_ups: bool = True,
    ) -> None:
        self.service = service
        #: end a list of candidates with the chat's follow-ups (why? more, ...)
        self.follow_ups = follow_ups
        self.llm = llm
        self.asker: Participant | None = service.get(asker_id) if asker_id else None
        self.page = page
        self.state = DialogueState()
        self.context = parse_context(service)
        if llm is not None:
            llm.names = list(self.context.names)

    def sign_in(self, asker_id: str | None) -> None:
        """Switch who is asking; the dialogue starts afresh."""
        self.asker = self.service.get(asker_id) if asker_id else None
        self.state = DialogueState()

    # ---------------------------------------------------------------------------------
    def send(self, text: str) -> Reply:
        """Answer one message."""
        parsed = parse(text, self.context, has_candidates=bool(self.state.shown))
        if self.llm is not None and parsed.intent in ("help", "smalltalk"):
            parsed = self.llm.parse(text, self.context) or parsed
        handler = getattr(self, f"_on_{parsed.intent}", self._on_help)
        try:
            reply: Reply = handler(parsed)
        except PairingError as exc:
            from assistant.edge import describe_error

            reply = Reply("error", describe_error(exc))
        reply.parsed = parsed
        if self.llm is not None and reply.kind in PHRASED:
            reply.text = self.llm.phrase(reply.text)
        return reply

    def _on_find(self, parsed: ParsedRequest) -> Reply:
        if not parsed.wants and not self.asker:
            return Reply("info", "What would you like to learn? (Sign in to use your profile.)\n\n"
                         + HELP)
        self.state = DialogueState(
            wants=parsed.wants, offers=parsed.offers, filters=parsed.filters,
            excluded=self._ids(parsed.filters.exclude_names), searched=True,
        )
        return self._search()

    def _on_refine(self, parsed: ParsedRequest) -> Reply:
        if not self.state.searched:
            if not self.asker:
                return Reply("info", "Tell me first what you'd like to learn. " + HELP)
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
        return self._search()

    def _on_why(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed) or (self.state.shown[0].person if self.state.shown else None)
        if target is None:
            return Reply("info", "Ask me for partners first, then *why?* explains a suggestion.")
        cand = self._candidate(target)
        self.state.focus = target.id
        return Reply("explain", self.explain_text(cand), focus=cand, candidates=[cand])

    def _on_about(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed)
        if target is None:
            return Reply("info", "I don't know who you mean; try their full name.")
        return self._on_why(ParsedRequest("why", [], [], Filters(), target=target.name))

    def _on_select(self, parsed: ParsedRequest) -> Reply:
        target = self._target(parsed)
        if target is None:
            return Reply("info", "Which one? Say e.g. *pair me with the second one*.")
        cand = self._candidate(target)
        if any("reporting line" in f for f in cand.flags):
            return Reply("error", f"{esc(target.name)} is on your reporting line, so the program "
                         "never pairs you two. " + esc(" ".join(cand.flags)), focus=cand)
        self.state.selected = target.id
        self.state.focus = target.id
        text = (f"Great: **{esc(target.name)}** it is. Say *draft our first session agenda* "
                "and I'll prepare your first meeting.")
        return Reply("selected", text, focus=cand, candidates=[cand])

    def _on_agenda(self, parsed: ParsedRequest) -> Reply:
        pid = self.state.selected or self.state.focus or (
            self.state.shown[0].id if self.state.shown else None)
        if pid is None or self.asker is None:
            return Reply("info", "Sign in and choose a partner first (e.g. *pair me with the "
                         "first one*); then I can draft your first-session agenda.")
        partner = self.service.get(pid)
        cand = self._candidate(partner)
        a_learns = cand.to_asker[0].want if cand.to_asker else self.asker.wants[0]
        b_learns = cand.to_candidate[0].want if cand.to_candidate else partner.wants[0]
        agenda = build_agenda(self.service, self.asker, partner, a_learns, b_learns)
        return Reply("agenda", agenda.markdown(), agenda=agenda, focus=cand)

    def _on_guidance(self, parsed: ParsedRequest) -> Reply:
        hits = self.service.search_guidance(parsed.question or parsed.raw, k=3)
        if not hits or hits[0].score < 0.2:
            return Reply("info", "I couldn't find that in the program guidance; your program "
                         "coordinator can help.", guidance=hits)
        best = hits[0]
        body = best.text.strip()
        if len(body) > 900:
            body = body[:900].rsplit(" ", 1)[0] + " …"
        more = "".join(f"\n- {h.citation}" for h in hits[1:] if h.score >= 0.25)
        text = f"{body}\n\n_Source: {best.citation}_"
        if more:
            text += f"\n\nSee also:{more}"
        return Reply("guidance", text, guidance=hits)

    def _on_reset(self, parsed: ParsedRequest) -> Reply:
        self.state = DialogueState()
        return Reply("info", "Starting over. " + HELP)

    def _on_help(self, parsed: ParsedRequest) -> Reply:
        who = f"You're signed in as **{esc(self.asker.name)}**. " if self.asker else ""
        return Reply("info", who + HELP)

    def _on_smalltalk(self, parsed: ParsedRequest) -> Reply:
        return Reply("info", "Happy to help. " + HELP)

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
        return Request(self.state.wants, self.state.offers, asker.id if asker else None, filt)

    def _search(self, more: bool = False) -> Reply:
        """Run the current request; ``more`` pages on.

        When a refinement leaves nobody, the previous list stays the one that
        *the first one* or *why?* refer to.
        """
        already = len(self.state.shown) if more else 0
        result = self.service.find(self.request(), k=already + self.page)
        self.state.last = result
        new = result.candidates[already:]
        if result.abstained:
            return Reply("abstain", self._abstain_text(result), result=result)
        if not new:
            return Reply("info", "That's everyone who fits this request. Try *someone else* or "
                         "widen the filters.", result=result)
        self.state.shown = result.candidates[: already + len(new)]
        self.state.focus = new[0].id
        lines = [self._intro(result)]
        for rank, cand in enumerate(new, start=already + 1):
            lines.append(self._card(rank, cand))
        if self.follow_ups:
            lines.append("Ask *why?*, *more*, *pair me with the first one*, or refine "
                         "(*only people in London*).")
        return Reply("candidates", "\n\n".join(lines), result=result, candidates=new)

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
        if ref is None:
            return None
        if ref.startswith("ordinal:"):
            n = int(ref.split(":", 1)[1])
            shown = self.state.shown
            if not shown:
                return None
            index = n - 1 if n > 0 else len(shown) + n
            return shown[index].person if 0 <= index < len(shown) else None
        if ref == "previous":
            pid = self.state.focus or (self.state.shown[0].id if self.state.shown else None)
            return self.service.get(pid) if pid else None
        try:
            return self.service.resolve(ref)
        except UnknownParticipant:
            return None

    def _candidate(self, person: Participant) -> Candidate:
        for cand in self.state.shown:
            if cand.id == person.id:
                return cand
        if self.asker is not None:
            return self.service.explain(self.asker.id, person.id)
        result = self.service.find(Request(self.state.wants, self.state.offers), k=200)
        for cand in result.candidates + result.near_misses:
            if cand.id == person.id:
                return cand
        raise UnknownParticipant(person.name)

    # wording -------------------------------------------------------------------------
    def _intro(self, result: MatchResult) -> str:
        wants = esc("; ".join(result.wants))
        offers = esc("; ".join(result.offers)) if result.offers else "nothing stated"
        filters = self.request().filters.describe()
        extra = f" (filters: {esc(', '.join(filters))})" if filters else ""
        return f"Partners who can teach **{wants}** and want what you offer (**{offers}**){extra}:"

    @staticmethod
    def _card(rank: int, c: Candidate) -> str:
        p = c.person
        head = (f"**{rank}. {esc(p.name)}**, {esc(p.role or 'participant')}, "
                f"{esc(p.department or '-')} ({esc(p.location or 'location unknown')})"
                f" · reciprocity {c.reciprocal:.2f}")
        lines = [head]
        if c.to_asker:
            best = c.to_asker[0]
            lead = (f"Closest to *{esc(best.want)}*, {esc(p.first_name)} offers" if c.weak
                    else f"{esc(p.first_name)} can teach you *{esc(best.want)}*:")
            lines.append(f"- {lead} \"{esc(best.offer)}\" (match {best.similarity:.2f})")
        if c.to_candidate and c.one_sided:
            lines.append(f"- {esc(p.first_name)} wants help with \"{esc(c.to_candidate[0].want)}\""
                         ", and nothing you offer is close")
        elif c.to_candidate:
            best = c.to_candidate[0]
            lines.append(f"- {esc(p.first_name)} wants help with \"{esc(best.want)}\", which you "
                         f"offer (*{esc(best.offer)}*, match {best.similarity:.2f})")
        else:
            lines.append(f"- {esc(p.first_name)} wants: " + esc("; ".join(p.wants)))
        if c.notes:
            lines.append("- Notes: " + esc("; ".join(c.notes)))
        lines += [f"- ⚠ {esc(flag)}" for flag in c.flags]
        return "\n".join(lines)

    def explain_text(self, c: Candidate) -> str:
        p = c.person
        name, first = esc(p.name), esc(p.first_name)
        lines = [f"**Why {name}?** Reciprocity {c.reciprocal:.2f} "
                 f"(teaches you {c.teaches:.2f}, learns from you {c.learns:.2f})."]
        lines.append(f"\n**{first} → you**")
        lines += [f"- you want *{esc(ln.want)}* ← {first} offers \"{esc(ln.offer)}\" "
                  f"(similarity {ln.similarity:.2f})" for ln in c.to_asker]
        lines.append(f"\n**You → {first}**")
        if c.to_candidate:
            lines += [f"- {first} wants \"{esc(ln.want)}\" ← you offer *{esc(ln.offer)}* "
                      f"(similarity {ln.similarity:.2f})" for ln in c.to_candidate]
        else:
            lines.append(f"- {first} wants: " + esc("; ".join(p.wants)))
        if c.notes:
            lines.append("\n**Also:** " + esc("; ".join(c.notes)))
        lines += [f"\n⚠ {esc(flag)}" for flag in c.flags]
        return "\n".join(lines)

    def _abstain_text(self, result: MatchResult) -> str:
        text = f"I don't have a good match for this: {esc(result.reason)}."
        if result.near_misses:
            near = ", ".join(f"{esc(c.person.name)} (teaches it {c.teaches:.2f})"
                             for c in result.near_misses)
            text += f"\n\nClosest, but below the bar: {near}."
        if result.widen:
            text += "\n\nTo widen the search:\n" + "\n".join(f"- {t}" for t in result.widen)
        return text
