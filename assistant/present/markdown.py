"""A reply as chat Markdown (the chat widget, ``pairing ask --markdown``, and through
:func:`assistant.present.escape.plain` the terminal). User text goes through ``esc``."""

from __future__ import annotations

from assistant.converse.llm import LLMAssist
from assistant.converse.reply import (
    DirectionDoubt,
    FilterEmptied,
    HelpOffered,
    InfoKind,
    LineRule,
    Notice,
    OutsideFilters,
    Reply,
    ReplyKind,
)
from assistant.edge import describe_error
from assistant.present.agenda import agenda_markdown
from assistant.present.escape import esc
from assistant.present.figures import FIT, LEARNS, PAIR, TEACHES, fmt
from assistant.present.programme import news_markdown, notice_markdown
from assistant.present.view import CandidateView, Evidence, Lead, view

HELP = (
    "Tell me what you'd like to learn and what you could teach in return, for example:\n"
    "- *who can teach me Snapchat and wants strategy help*\n"
    "- *I'm keen to pick up TikTok and could offer help with budgeting in exchange*\n"
    "- *who would be a good partner for me?* (uses your profile)\n\n"
    "Then refine (*only people in London*, *not in my department*, *more*), ask *why?*, "
    "*what about Sam?*, *pair me with the second one*, *draft our first session agenda*, "
    "or ask about the program (*how often should we meet?*)."
)
INFO = {
    InfoKind.HELP: HELP,
    InfoKind.RESET: "Starting over. " + HELP,
    InfoKind.SMALLTALK: "Happy to help. " + HELP,
    InfoKind.NEED_WANTS: "What would you like to learn? (Sign in to use your profile.)\n\n"
                         + HELP,
    InfoKind.SEARCH_FIRST: "Tell me first what you'd like to learn. " + HELP,
    InfoKind.WHY_FIRST: "Ask me for partners first, then *why?* explains a suggestion.",
    InfoKind.WHO: "I don't know who you mean; try their full name.",
    InfoKind.WHICH: "Which one? Say e.g. *pair me with the second one*.",
    InfoKind.NEED_PARTNER: "Choose a partner first (e.g. *pair me with the first one*), or "
                           "say what you want to learn and name them (*draft our first "
                           "session agenda with Tiana*); then I can draft your agenda.",
    InfoKind.NOT_IN_GUIDANCE: "I couldn't find that in the program guidance; your program "
                              "coordinator can help.",
    InfoKind.FEEDBACK: "Thanks for telling me how it is going. Your programme coordinator "
                       "collects feedback on pairs; ask me *what if it is not working?* for "
                       "what the programme suggests.",
}
FOLLOW_UPS = ("Ask *why?*, *more*, *pair me with the first one*, or refine (*only people in "
              "London*).")
#: the mark of a candidate who wants nothing the asker offers
ONE_WAY = "one-way"
ONE_WAY_NOTE = "they want nothing you offer: not a reciprocal pair"
#: reply kinds an optional LLM may rephrase (facts checked against this text)
PHRASED = (ReplyKind.CANDIDATES, ReplyKind.ABSTAIN, ReplyKind.EXPLAIN, ReplyKind.GUIDANCE,
           ReplyKind.SELECTED)


def markdown(reply: Reply, follow_ups: bool = True, agenda_in_panel: bool = False) -> str:
    """The whole answer. ``agenda_in_panel``: an agenda is shown elsewhere, say so briefly."""
    kind = reply.kind
    if kind is ReplyKind.CANDIDATES:
        text = _candidates(reply, follow_ups)
    elif kind in (ReplyKind.ABSTAIN, ReplyKind.NO_MORE):
        text = _no_match(reply)
    elif kind is ReplyKind.EXPLAIN and reply.focus is not None:
        text = explain(view(reply.focus, None, reply.two_way))
    elif kind is ReplyKind.SELECTED and reply.focus is not None:
        text = (f"Great: **{esc(reply.focus.person.name)}** it is. Say *draft our first "
                "session agenda* and I'll prepare your first meeting.")
        if reply.programme is not None:  # proposed in the programme record
            text += "\n\n" + news_markdown(reply.programme)
    elif kind is ReplyKind.PROGRAMME and reply.programme is not None:
        text = news_markdown(reply.programme)
    elif kind is ReplyKind.REFUSED and reply.focus is not None:
        flag = f" {esc(reply.refusal.text)}." if reply.refusal else ""
        text = (f"{esc(reply.focus.person.name)} is on your reporting line, so the program "
                f"never pairs you two.{flag}")
    elif kind is ReplyKind.AGENDA and reply.agenda is not None:
        if not agenda_in_panel:
            return agenda_markdown(reply.agenda)
        a = reply.agenda
        text = (f"**{esc(a.title)}**\n\nThe full agenda, with the guidance it draws on, is in "
                "the agenda panel: download it as Markdown or add it to your calendar.")
    elif kind is ReplyKind.GUIDANCE and reply.guidance:
        text = _guidance(reply)
    elif kind is ReplyKind.ERROR and reply.error is not None:
        text = "⚠ " + esc(describe_error(reply.error))
    else:
        text = INFO.get(reply.info or InfoKind.HELP, HELP)
        if reply.info is InfoKind.HELP and reply.asker is not None:
            text = f"You're signed in as **{esc(reply.asker.name)}**. " + text
        if reply.info is InfoKind.NEED_WANTS and reply.offers:
            text = (f"You can teach *{esc('; '.join(reply.offers))}*. What would you like to "
                    "learn in return? (Sign in to use your profile.)\n\n" + HELP)
    if kind in (ReplyKind.ABSTAIN, ReplyKind.NO_MORE, ReplyKind.CANDIDATES):
        return text  # notices already placed
    return "\n\n".join([text, *(_notice(n, kind) for n in reply.notices)])


def phrased(reply: Reply, text: str, llm: LLMAssist | None) -> str:
    """``text`` reworded by the optional LLM when the reply kind allows it (the LLM keeps
    every name and number or its wording is dropped)."""
    return llm.phrase(text) if llm is not None and reply.kind in PHRASED else text


def _intro(reply: Reply) -> str:
    wants = esc("; ".join(reply.wants))
    filters = f" (filters: {esc(', '.join(reply.filters))})" if reply.filters else ""
    if not reply.two_way:
        return (f"People who can teach you **{wants}**{filters}. You named nothing to offer, "
                "so only that direction is checked:")
    offers = esc("; ".join(reply.offers))
    marked = f" Those marked *{ONE_WAY}*: {ONE_WAY_NOTE}." if reply.one_way else ""
    return (f"Partners who can teach you **{wants}** and want what you offer (**{offers}**)"
            f"{filters}.{marked}")


def _candidates(reply: Reply, follow_ups: bool) -> str:
    parts = [_intro(reply)]
    rank = reply.start
    for c in reply.candidates:
        parts.append(card(view(c, rank, reply.two_way)))
        rank += 1
    parts += [_notice(n, reply.kind) for n in reply.notices]
    if follow_ups:
        parts.append(FOLLOW_UPS)
    return "\n\n".join(parts)


def figure_text(v: CandidateView) -> str:
    return " · ".join(f"{words} {fmt(value)}" for words, value in v.figures.items())


def card(v: CandidateView) -> str:
    """One candidate as a Markdown list."""
    rank = f"{v.rank}. " if v.rank is not None else ""
    where = esc(v.location or "location unknown")
    mark = f" (*{ONE_WAY}*)" if v.one_way else ""
    head = (f"**{rank}{esc(v.name)}**{mark}, {esc(v.role or 'participant')}, "
            f"{esc(v.department or '-')} ({where}) · {figure_text(v)}")
    lines = [head, *(f"- {d}" for d in directions(v))]
    if v.notes:
        lines.append("- Notes: " + esc("; ".join(v.notes)))
    lines += [f"- ⚠ {esc(flag.text)}" for flag in v.flags]
    return "\n".join(lines)


def directions(v: CandidateView) -> list[str]:
    """Both directions in words (Markdown), the best statement pair of each."""
    first = esc(v.first)
    out = []
    best = v.to_you.best
    if best is not None:
        lead = (f"Closest to *{esc(best.want)}*, {first} offers" if v.to_you.lead is Lead.CLOSEST
                else f"{first} can teach you *{esc(best.want)}*:")
        out.append(f"{lead} \"{esc(best.offer)}\" ({FIT} {fmt(best.fit)})")
    back = v.from_you
    if back.lead is Lead.NONE and back.best is not None:
        out.append(f"{first} wants help with \"{esc(back.best.want)}\", and nothing you offer "
                   f"is close ({FIT} {fmt(back.best.fit)})")
    elif back.lead is Lead.MATCH and back.best is not None:
        out.append(f"{first} wants help with \"{esc(back.best.want)}\", which you offer "
                   f"(*{esc(back.best.offer)}*, {FIT} {fmt(back.best.fit)})")
    else:
        out.append(f"{first} wants: " + esc("; ".join(v.wants)))
    return out


def explain(v: CandidateView) -> str:
    """Both directions, every statement pair, for *why?*."""
    name, first = esc(v.name), esc(v.first)
    f = v.figures
    lines = [f"**Why {name}?** {PAIR} {fmt(f.pair_score)} ({TEACHES} {fmt(f.teaches_you)}, "
             f"{LEARNS} {fmt(f.learns_from_you)})."]
    lines.append(f"\n**{first} → you**")
    lines += [f"- you want *{esc(e.want)}* ← {first} offers \"{esc(e.offer)}\" "
              f"({FIT} {fmt(e.fit)})" for e in v.to_you.evidence]
    lines.append(f"\n**You → {first}**")
    if v.from_you.evidence:
        lines += [_back(first, e) for e in v.from_you.evidence]
    else:
        lines.append(f"- {first} wants: " + esc("; ".join(v.wants)))
    if v.notes:
        lines.append("\n**Also:** " + esc("; ".join(v.notes)))
    lines += [f"\n⚠ {esc(flag.text)}" for flag in v.flags]
    return "\n".join(lines)


def _back(first: str, e: Evidence) -> str:
    if e.fit <= 0:
        return f"- {first} wants \"{esc(e.want)}\": nothing you offer is close ({FIT} {fmt(e.fit)})"
    return f"- {first} wants \"{esc(e.want)}\" ← you offer *{esc(e.offer)}* ({FIT} {fmt(e.fit)})"


#: headings of the near misses of an abstention: below the bar, or other items of the
#: kind asked for (``MatchResult.other_items``)
NEAR_BELOW_BAR = "Closest, but below the bar"
NEAR_OTHER_ITEMS = "Closest, offering something else of that kind"


def _no_match(reply: Reply) -> str:
    result = reply.result
    if reply.kind is ReplyKind.NO_MORE:
        shown = reply.start - 1
        text = (f"There are no more: that's everyone who fits this request ({shown} shown)."
                if shown > 0 and result is not None and not result.abstained
                else "There are no more: nobody fits this request.")
    else:
        reason = result.reason if result is not None else "nobody fits"
        text = f"I don't have a good match for this: {esc(reason)}."
    parts = [text, *(_notice(n, reply.kind) for n in reply.notices)]
    if reply.kind is ReplyKind.ABSTAIN and result is not None:
        if result.near_misses and result.other_items:
            near = ", ".join(f"{esc(c.person.name)} (\"{esc(c.to_asker[0].offer)}\")"
                             if c.to_asker else esc(c.person.name) for c in result.near_misses)
            parts.append(f"{NEAR_OTHER_ITEMS}: {near}.")
        elif result.near_misses:
            near = ", ".join(f"{esc(c.person.name)} ({TEACHES} {fmt(c.teaches)})"
                             for c in result.near_misses)
            parts.append(f"{NEAR_BELOW_BAR}: {near}.")
        if result.widen:
            parts.append("To widen the search:\n" + "\n".join(f"- {esc(t)}"
                                                               for t in result.widen))
    return "\n\n".join(parts)


def _notice(n: Notice, kind: ReplyKind) -> str:
    if isinstance(n, FilterEmptied):
        what = "your filters" if n.filter is None else "the filter"
        names = ", ".join(n.names) + (" and others" if n.count > len(n.names) else "")
        who = "person" if n.count == 1 else "people"
        lead = ("That's everyone" if kind is ReplyKind.NO_MORE else "Nobody fits")
        return (f"{lead} with {what} **{esc(n.label)}**; without it, {n.count} more {who} "
                f"would fit: {esc(names)}.")
    if isinstance(n, LineRule):
        who = "person close to you on your reporting line was" if n.removed == 1 else \
            "people close to you on your reporting line were"
        return f"_{n.removed} {who} left out: {esc(n.rule)}._"
    if isinstance(n, OutsideFilters):
        return (f"Note: {esc(n.name)} is outside the filters in force ({esc(n.why)}); they were "
                "on the list from before those filters.")
    if isinstance(n, DirectionDoubt):
        skill = esc(n.skill)
        if n.read == "want":
            return (f"I read *{skill}* as something you want to learn. If you meant you can "
                    f"teach it, say *I can teach {skill}*.")
        return (f"I read *{skill}* as something you can teach. If you meant you want to learn "
                f"it, say *I want to learn {skill}*.")
    if isinstance(n, HelpOffered):
        return ("I took this as a request for partners who fit your profile. I can also "
                "search for a skill (*who can teach me Excel?*), explain a suggestion "
                "(*why her?*) and draft a first session's agenda; say *help* for more.")
    return notice_markdown(n)


def _guidance(reply: Reply) -> str:
    best = reply.guidance[0]
    body = best.text.strip()
    if len(body) > 900:
        body = body[:900].rsplit(" ", 1)[0] + " …"
    text = f"{body}\n\n_Source: {esc(best.citation)}_"
    more = "".join(f"\n- {esc(h.citation)}" for h in reply.guidance[1:])
    return text + (f"\n\nSee also:{more}" if more else "")
