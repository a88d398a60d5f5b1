"""Why a search shows fewer people than it might: notices for the reply."""

from __future__ import annotations

from assistant.converse.reply import FilterEmptied, LineRule, Notice
from assistant.converse.state import LISTED
from assistant.match import DropKind, MatchResult, Request, line_rule
from assistant.service import PairingService


def missing_notices(service: PairingService, request: Request, result: MatchResult,
                    empty: bool) -> list[Notice]:
    """Why people are missing from ``result``: the reporting-line rule, and the filters that
    emptied the list (with who lifting each would bring back)."""
    out: list[Notice] = []
    removed = sum(1 for why in result.dropped.values()
                  if why.kind is DropKind.REPORTING_LINE)
    if removed:
        out.append(LineRule(removed, line_rule(service.config.reporting_levels)))
    terms = request.filters.terms()
    if not empty or not terms:
        return out
    kept = {c.id for c in ([] if result.abstained else result.candidates)}
    lifted: list[FilterEmptied] = []
    for kind, label in terms.items():
        relaxed = Request(request.wants, request.offers, request.asker_id,
                          request.filters.without(kind), request.include_full)
        extra = _extra(service, relaxed, kept)
        if extra:
            lifted.append(FilterEmptied(kind, label, len(extra), extra[:3]))
    if not lifted and len(terms) > 1:
        extra = _extra(service, Request(request.wants, request.offers, request.asker_id), kept)
        if extra:
            lifted.append(FilterEmptied(None, "; ".join(terms.values()), len(extra),
                                        extra[:3]))
    return out + lifted

def _extra(service: PairingService, request: Request, kept: set[str]) -> tuple[str, ...]:
    """Names of the people ``request`` would show beyond ``kept`` (none if it abstains)."""
    result = service.find(request, k=LISTED)
    if result.abstained:
        return ()
    return tuple(c.person.name for c in result.candidates if c.id not in kept)
