"""What an abstention says: why nobody fits, and what would widen the search."""

from __future__ import annotations

from assistant.match.constraints import CandidateFilter
from assistant.match.reasons import DropKind, DropReason


def abstain_reason(
    anyone_scored: bool, wants: list[str], dropped: dict[str, DropReason] | None = None,
    other_items: bool = False,
) -> str:
    """Why nobody fits: nobody teaches anything close, nobody offers the item itself
    (``other_items``, :mod:`assistant.match.siblings`), or the rules left nobody."""
    kinds = [why.kind for why in (dropped or {}).values()]
    if anyone_scored:
        who = ("who fits your filters" if DropKind.FILTER in kinds
               else "you may be paired with" if DropKind.REPORTING_LINE in kinds
               else "in the program")
        if other_items:
            return f"nobody {who} offers {'; '.join(wants)} itself"
        return f"nobody {who} teaches anything close to: {'; '.join(wants)}"
    parts = [f"{kinds.count(kind)} {label}" for kind, label in (
        (DropKind.REPORTING_LINE, "on your reporting line"), (DropKind.FULL, "currently full"),
        (DropKind.FILTER, "left out by your filters")) if kind in kinds]
    if not parts:
        return "nobody eligible was found for this request"
    return "everyone who came close is ruled out: " + ", ".join(parts)


def widen(filters: CandidateFilter, dropped: dict[str, DropReason], anyone_scored: bool
          ) -> list[str]:
    """What would widen an abstained search: fewer filters, full people, other words."""
    tips = []
    if filters.describe():
        tips.append("remove the filters (" + "; ".join(filters.describe()) + ")")
    if any(why.kind is DropKind.FULL for why in dropped.values()):
        tips.append("include people who are currently full")
    if anyone_scored or tips:
        tips.append("describe what you want to learn in other words, or name a broader "
                    "skill")
        tips.append("add more things you could teach in return")
    else:  # only reporting lines stand in the way: no rewording helps
        tips.append("ask your program coordinator: people on your own reporting line are "
                    "never paired with you")
    return tips
