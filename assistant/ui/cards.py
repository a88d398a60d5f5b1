"""HTML for the chat UI's side panels: candidate cards, the asker's profile, pair rationale.

Pure functions (no Gradio import) so they can be tested and reused. Every piece of
profile text is user input and goes through :func:`html.escape` before it reaches
markup; numbers are formatted here, never taken from text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from assistant.match import Candidate
from assistant.match.scoring import Link
from assistant.models import Participant

EMPTY_CARDS = (
    '<div class="pa-empty">Suggested partners appear here. Ask for example '
    "<em>who can teach me Snapchat and wants strategy help</em>, or sign in and ask "
    "<em>who would be a good partner for me?</em></div>"
)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")


def md_literal(text: object) -> str:
    """User text for a Markdown message, shown exactly as typed (no markup, no HTML).

    Quotes are left alone: an entity such as ``&#x27;`` would have its ``#`` escaped
    and then show up literally.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def h(text: object) -> str:
    """Escape user text for HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def _meta(p: Participant) -> str:
    parts = [p.role or "participant", p.department, p.location]
    return " · ".join(h(x) for x in parts if x)


def _quote(text: str) -> str:
    return f"<q>{h(text)}</q>"


def _score_bar(value: float) -> str:
    pct = max(0, min(100, round(value * 100)))
    return (f'<div class="pa-bar" title="reciprocity {value:.2f}">'
            f'<span style="width:{pct}%"></span></div>')


def _direction(inbound: bool, body: str) -> str:
    kind, arrow = ("pa-in", "→ you") if inbound else ("pa-out", "you →")
    return f'<p class="pa-dir {kind}"><span class="pa-arrow">{arrow}</span>{body}</p>'


def directions(c: Candidate) -> list[str]:
    """Both directions of a candidate in plain words, as HTML paragraphs."""
    p = c.person
    first = h(p.first_name)
    out = []
    if c.to_asker:
        best = c.to_asker[0]
        lead = (f"<b>Closest to</b> {h(best.want)}, {first} offers" if c.weak
                else f"<b>{first} can teach you</b> {h(best.want)}: they offer")
        out.append(_direction(True,
            f"{lead} {_quote(best.offer)} "
            f'<span class="pa-sim">match {best.similarity:.2f}</span>'))
    if c.to_candidate and c.one_sided:
        out.append(_direction(False,
            f"<b>{first} wants help with</b> {_quote(c.to_candidate[0].want)}, and nothing "
            "you offer is close."))
    elif c.to_candidate:
        best = c.to_candidate[0]
        out.append(_direction(False,
            f"<b>{first} wants help with</b> {_quote(best.want)}, <b>which you offer</b>: "
            f'{_quote(best.offer)} <span class="pa-sim">match {best.similarity:.2f}</span>'))
    else:
        out.append(_direction(False,
            f"<b>{first} wants help with</b> {_quote('; '.join(p.wants))}. Tell me what you "
            "can offer (or sign in) to check the match both ways."))
    return out


def _links(title: str, links: Sequence[Link]) -> str:
    if not links:
        return ""
    rows = "".join(
        f"<li>{_quote(ln.want)} ← {_quote(ln.offer)} "
        f'<span class="pa-sim">similarity {ln.similarity:.2f}</span></li>' for ln in links)
    return (f'<div class="pa-links"><div class="pa-links-title">{h(title)}</div>'
            f"<ul>{rows}</ul></div>")


def candidate_card(c: Candidate, rank: int | None = None, focus: bool = False) -> str:
    """One candidate: who they are, the reciprocity score, both directions, evidence."""
    p = c.person
    first = p.first_name
    badge = f'<span class="pa-rank">{rank}</span>' if rank is not None else ""
    evidence = (_links(f"{first} → you (your want ← their offer)", c.to_asker)
                + _links(f"you → {first} (their want ← your offer)", c.to_candidate))
    details = (f"<details><summary>Matched statements</summary>{evidence}</details>"
               if evidence else "")
    notes = "".join(f'<li class="pa-note">{h(n)}</li>' for n in c.notes)
    flags = "".join(f'<li class="pa-flag">⚠ {h(f)}</li>' for f in c.flags)
    extra = f'<ul class="pa-extra">{notes}{flags}</ul>' if notes or flags else ""
    cls = "pa-card pa-focus" if focus else "pa-card"
    return (
        f'<div class="{cls}" data-id="{h(p.id)}">'
        f'<div class="pa-head">{badge}<div class="pa-who">'
        f'<div class="pa-name">{h(p.name)}</div><div class="pa-meta">{_meta(p)}</div></div>'
        f'<div class="pa-score"><span class="pa-num">{c.reciprocal:.2f}</span>'
        f'<span class="pa-label">reciprocity</span>{_score_bar(c.reciprocal)}</div></div>'
        f'<div class="pa-sub">teaches you {c.teaches:.2f} · learns from you {c.learns:.2f}</div>'
        + "".join(directions(c)) + extra + details + "</div>"
    )


def candidate_cards(
    candidates: Sequence[Candidate], start: int | None = 1, focus_id: str | None = None,
    heading: str = "",
) -> str:
    """Cards for a list of candidates, ranked from ``start`` (no rank badges if None)."""
    if not candidates:
        return EMPTY_CARDS
    head = f'<div class="pa-panel-title">{h(heading)}</div>' if heading else ""
    cards = "".join(
        candidate_card(c, None if start is None else start + i, focus=c.id == focus_id)
        for i, c in enumerate(candidates))
    return f'<div class="pa-cards">{head}{cards}</div>'


def profile_card(p: Participant | None) -> str:
    """Who is asking: shown under the "Who am I" selector."""
    if p is None:
        return ('<div class="pa-profile pa-anon">Asking anonymously: say what you want to learn '
                "and what you can offer in return.</div>")
    offers = "".join(f"<li>{h(o)}</li>" for o in p.offers)
    wants = "".join(f"<li>{h(w)}</li>" for w in p.wants)
    return (
        f'<div class="pa-profile"><div class="pa-name">{h(p.name)}</div>'
        f'<div class="pa-meta">{_meta(p)}</div>'
        f'<div class="pa-cols"><div><b>You offer</b><ul>{offers}</ul></div>'
        f"<div><b>You want</b><ul>{wants}</ul></div></div></div>"
    )


def pair_rationale(a: Participant, c: Candidate) -> str:
    """Top evidence both ways for a cohort pair (``c`` explains b for a), as plain text."""
    a_first = a.first_name
    b = c.person
    parts = []
    if c.to_asker:
        ln = c.to_asker[0]
        parts.append(f"{b.first_name} teaches {a_first}: \u201c{ln.want}\u201d \u2190 "
                     f"\u201c{ln.offer}\u201d ({ln.similarity:.2f})")
    if c.to_candidate:
        ln = c.to_candidate[0]
        parts.append(f"{a_first} teaches {b.first_name}: \u201c{ln.want}\u201d \u2190 "
                     f"\u201c{ln.offer}\u201d ({ln.similarity:.2f})")
    parts += c.notes
    parts += c.flags
    return "; ".join(parts)
