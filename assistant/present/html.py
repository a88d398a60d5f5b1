"""HTML for the chat UI's side panel: candidate cards and the asker's profile.

Pure functions (no Gradio import). Every piece of profile text is user input and goes
through :func:`~assistant.present.escape.h`; numbers come formatted from
:mod:`assistant.present.figures`, with the same words as the chat and the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.converse.reply import Reply, ReplyKind
from assistant.match import Candidate
from assistant.models import Participant
from assistant.present.escape import h
from assistant.present.figures import FIT, LEGEND, fmt
from assistant.present.markdown import NEAR_BELOW_BAR, NEAR_OTHER_ITEMS, ONE_WAY, ONE_WAY_NOTE
from assistant.present.view import CandidateView, Evidence, Lead, view

EMPTY_CARDS = (
    '<div class="pa-empty">Suggested partners appear here. Ask for example '
    "<em>who can teach me Snapchat and wants strategy help</em>, or sign in and ask "
    "<em>who would be a good partner for me?</em></div>"
)
LEGEND_HTML = f'<div class="pa-legend">{h(LEGEND)}</div>'


def _quote(text: str) -> str:
    return f"<q>{h(text)}</q>"


def _fit(e: Evidence) -> str:
    return f'<span class="pa-sim">{FIT} {fmt(e.fit)}</span>'


def _direction(inbound: bool, body: str) -> str:
    kind, arrow = ("pa-in", "→ you") if inbound else ("pa-out", "you →")
    return f'<p class="pa-dir {kind}"><span class="pa-arrow">{arrow}</span>{body}</p>'


def directions(v: CandidateView) -> list[str]:
    """Both directions of a candidate in plain words, as HTML paragraphs."""
    first = h(v.first)
    out = []
    best = v.to_you.best
    if best is not None:
        lead = (f"<b>Closest to</b> {h(best.want)}, {first} offers"
                if v.to_you.lead is Lead.CLOSEST
                else f"<b>{first} can teach you</b> {h(best.want)}: they offer")
        out.append(_direction(True, f"{lead} {_quote(best.offer)} {_fit(best)}"))
    back = v.from_you
    if back.lead is Lead.NONE and back.best is not None:
        out.append(_direction(False, f"<b>{first} wants help with</b> {_quote(back.best.want)}"
                              f", and nothing you offer is close {_fit(back.best)}"))
    elif back.lead is Lead.MATCH and back.best is not None:
        out.append(_direction(False,
            f"<b>{first} wants help with</b> {_quote(back.best.want)}, <b>which you offer</b>: "
            f"{_quote(back.best.offer)} {_fit(back.best)}"))
    else:
        out.append(_direction(False,
            f"<b>{first} wants help with</b> {_quote('; '.join(v.wants))}. Tell me what you "
            "can offer (or sign in) to check the match both ways."))
    return out


def _links(title: str, evidence: Sequence[Evidence]) -> str:
    if not evidence:
        return ""
    rows = "".join(f"<li>{_quote(e.want)} ← {_quote(e.offer)} {_fit(e)}</li>" for e in evidence)
    return (f'<div class="pa-links"><div class="pa-links-title">{h(title)}</div>'
            f"<ul>{rows}</ul></div>")


def _figures(v: CandidateView) -> tuple[str, str]:
    """The headline figure (with its bar) and the line of all figures."""
    words, value = v.figures.headline()
    pct = max(0, min(100, round(value * 100)))
    head = (f'<div class="pa-score"><span class="pa-num">{fmt(value)}</span>'
            f'<span class="pa-label">{h(words)}</span>'
            f'<div class="pa-bar" title="{h(words)} {fmt(value)}">'
            f'<span style="width:{pct}%"></span></div></div>')
    sub = " · ".join(f"{h(w)} {fmt(x)}" for w, x in v.figures.items())
    return head, f'<div class="pa-sub">{sub}</div>'


def card(v: CandidateView, focus: bool = False) -> str:
    """One candidate: who they are, the figures, both directions, evidence."""
    badge = f'<span class="pa-rank">{v.rank}</span>' if v.rank is not None else ""
    evidence = (_links(f"{v.first} → you (your want ← their offer)", v.to_you.evidence)
                + _links(f"you → {v.first} (their want ← your offer)", v.from_you.evidence))
    details = (f"<details><summary>Matched statements</summary>{evidence}</details>"
               if evidence else "")
    notes = "".join(f'<li class="pa-note">{h(n)}</li>' for n in v.notes)
    flags = "".join(f'<li class="pa-flag" data-kind="{h(f.kind)}">⚠ {h(f.text)}</li>'
                    for f in v.flags)
    extra = f'<ul class="pa-extra">{notes}{flags}</ul>' if notes or flags else ""
    cls = "pa-card" + (" pa-focus" if focus else "") + (" pa-oneway" if v.one_way else "")
    head, sub = _figures(v)
    meta = " · ".join(h(x) for x in v.meta)
    mark = (f'<div class="pa-mark" title="{h(ONE_WAY_NOTE)}">{h(ONE_WAY)}: '
            f"{h(ONE_WAY_NOTE)}</div>" if v.one_way else "")
    return (
        f'<div class="{cls}" data-id="{h(v.id)}">'
        f'<div class="pa-head">{badge}<div class="pa-who">'
        f'<div class="pa-name">{h(v.name)}</div><div class="pa-meta">{meta}</div>{mark}</div>'
        f"{head}</div>{sub}" + "".join(directions(v)) + extra + details + "</div>"
    )


def candidate_cards(
    candidates: Sequence[Candidate], two_way: bool, start: int | None = 1,
    focus_id: str | None = None, heading: str = "",
) -> str:
    """Cards for a list of candidates ranked from ``start`` (no rank badges if None)."""
    if not candidates:
        return EMPTY_CARDS
    head = f'<div class="pa-panel-title">{h(heading)}</div>' if heading else ""
    cards = "".join(
        card(view(c, None if start is None else start + i, two_way), focus=c.id == focus_id)
        for i, c in enumerate(candidates))
    return f'<div class="pa-cards">{head}{cards}{LEGEND_HTML}</div>'


def panel(reply: Reply, ranks: dict[str, int]) -> str | None:
    """The side panel for ``reply`` (None: keep what it shows). ``ranks``: the rank of
    everyone shown so far, for a focused card."""
    if reply.kind is ReplyKind.CANDIDATES:
        return candidate_cards(reply.candidates, reply.two_way, reply.start,
                               heading="Suggested partners")
    if reply.kind in (ReplyKind.EXPLAIN, ReplyKind.SELECTED) and reply.focus is not None:
        title = "Your partner" if reply.kind is ReplyKind.SELECTED else "Why this partner"
        return candidate_cards([reply.focus], reply.two_way, ranks.get(reply.focus.id),
                               focus_id=reply.focus.id, heading=title)
    if reply.kind is ReplyKind.ABSTAIN and reply.result is not None and reply.result.near_misses:
        return candidate_cards(reply.result.near_misses, reply.two_way, None,
                               heading=NEAR_OTHER_ITEMS if reply.result.other_items
                               else NEAR_BELOW_BAR)
    return None


def profile_card(p: Participant | None) -> str:
    """Who is asking: shown under the "Who am I" selector."""
    if p is None:
        return ('<div class="pa-profile pa-anon">Asking anonymously: say what you want to learn '
                "and what you can offer in return.</div>")
    offers = "".join(f"<li>{h(o)}</li>" for o in p.offers)
    wants = "".join(f"<li>{h(w)}</li>" for w in p.wants)
    meta = " · ".join(h(x) for x in (p.role or "participant", p.department, p.location) if x)
    return (
        f'<div class="pa-profile"><div class="pa-name">{h(p.name)}</div>'
        f'<div class="pa-meta">{meta}</div>'
        f'<div class="pa-cols"><div><b>You offer</b><ul>{offers}</ul></div>'
        f"<div><b>You want</b><ul>{wants}</ul></div></div></div>"
    )
