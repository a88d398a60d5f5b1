"""A reply as JSON (``pairing ask --json``): the same figures, rounded as shown."""

from __future__ import annotations

from typing import Any

from assistant.converse.reply import (
    DirectionDoubt,
    FilterEmptied,
    HelpOffered,
    LineRule,
    Notice,
    OutsideFilters,
    Reply,
)
from assistant.match import Candidate
from assistant.present.figures import Figures
from assistant.present.markdown import markdown
from assistant.present.programme import news_json
from assistant.present.programme import notice_json as programme_notice_json
from assistant.present.view import Evidence, view


def figure(value: float | None) -> float | None:
    """A figure as the people-facing renderers show it (two decimals)."""
    return None if value is None else round(value, 2)


def figures_json(f: Figures) -> dict[str, float | None]:
    return {"pair_score": figure(f.pair_score), "teaches_you": figure(f.teaches_you),
            "learns_from_you": figure(f.learns_from_you)}


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"want": e.want, "offer": e.offer, "fit": figure(e.fit), "caveat": e.caveat}


def candidate_json(c: Candidate, rank: int | None, two_way: bool) -> dict[str, Any]:
    v = view(c, rank, two_way)
    return {
        "id": v.id, "name": v.name, "rank": v.rank, **figures_json(v.figures),
        "one_way": v.one_way, "weak": c.weak,
        "to_you": [_evidence(e) for e in v.to_you.evidence],
        "from_you": [_evidence(e) for e in v.from_you.evidence],
        "notes": list(v.notes), "flags": [{"kind": str(f.kind), "text": f.text} for f in v.flags],
    }


def notice_json(n: Notice) -> dict[str, Any]:
    if isinstance(n, FilterEmptied):
        return {"kind": "filter_emptied", "filter": str(n.filter) if n.filter else None,
                "label": n.label, "count": n.count, "names": list(n.names)}
    if isinstance(n, LineRule):
        return {"kind": "reporting_line", "removed": n.removed, "rule": n.rule}
    if isinstance(n, OutsideFilters):
        return {"kind": "outside_filters", "name": n.name, "why": n.why}
    if isinstance(n, DirectionDoubt):
        return {"kind": "direction_doubt", "skill": n.skill, "read": n.read}
    if isinstance(n, HelpOffered):
        return {"kind": "help_offered"}
    return programme_notice_json(n)


def reply_json(reply: Reply) -> dict[str, Any]:
    parsed = reply.parsed
    start = reply.start
    return {
        "kind": str(reply.kind),
        "parsed": {"intent": str(parsed.intent), "wants": parsed.wants, "offers": parsed.offers}
        if parsed else None,
        "wants": reply.wants, "offers": reply.offers, "filters": reply.filters,
        "two_way": reply.two_way,
        "abstained": bool(reply.result and reply.result.abstained),
        "candidates": [candidate_json(c, start + i, reply.two_way)
                       for i, c in enumerate(reply.candidates)],
        "focus": candidate_json(reply.focus, None, reply.two_way) if reply.focus else None,
        "notices": [notice_json(n) for n in reply.notices],
        "programme": news_json(reply.programme) if reply.programme else None,
        "text": markdown(reply, follow_ups=False),
    }
