"""Wording of the programme's typed values for people (CLI, report; the chat later)."""

from __future__ import annotations

from collections.abc import Mapping

from assistant.programme.models import PairRecord, Reason, Risk, RiskKind, Status


def name_of(names: Mapping[str, str], pid: str) -> str:
    return names.get(pid, pid)


def describe_reason(reason: Reason, names: Mapping[str, str]) -> str:
    """Why one person of a new pair needed a partner."""
    who, old = name_of(names, reason.person), name_of(names, reason.old_partner)
    if reason.kind == RiskKind.LOW_FIT.value:
        return f"{who}'s pair with {old} was rated {reason.value}/5"
    if reason.kind == RiskKind.NO_SESSION.value:
        return f"{who} had logged no session with {old} for {reason.value} days"
    if reason.kind == "ended":
        return f"{who}'s pair with {old} ended" if reason.old_partner else f"{who}'s pair ended"
    return f"{who} had a free place"


def describe_risk(risk: Risk, names: Mapping[str, str]) -> str:
    if risk.kind is RiskKind.LOW_FIT:
        return f"fit rated {risk.value}/5 by {name_of(names, risk.rater)}"
    return f"no session for {risk.value} days"


def describe_pair(pair: PairRecord, names: Mapping[str, str], risk: Risk | None = None) -> str:
    """One line: who, round, status (with confirmations or risk), sessions and fit."""
    head = f"{name_of(names, pair.a)} ({pair.a}) <-> {name_of(names, pair.b)} ({pair.b})"
    state = pair.status.value
    if pair.status is Status.PROPOSED:
        waiting = [name_of(names, pid) for pid in pair.ids if not pair.confirmed_by(pid)]
        state += f", waiting for {' and '.join(waiting)} (or a coordinator)"
    elif pair.status is Status.ACTIVE:
        state += f" since {pair.started_on}"
    elif pair.ended_on:
        reason = pair.end_reason.value if pair.end_reason else "ended"
        state += f" on {pair.ended_on} ({reason})"
    if risk is not None:
        state += f", AT RISK: {describe_risk(risk, names)}"
    fits = ", ".join(f"{name_of(names, f.rater).split()[0]} {f.fit}/5"
                     for f in pair.latest_fit().values())
    tail = f"; fit {fits}" if fits else ""
    return (f"round {pair.round}  {head}  [{state}]  {len(pair.sessions)} session(s)"
            f"{tail}  ({pair.origin.value})")
