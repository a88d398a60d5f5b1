"""What the programme tabs show, as plain values (no Gradio here): the pairs table, the
choices of the pair pickers, the outcome of a round or a repair, and programme health
with its charts as an HTML fragment (PNG data URIs: no file is served)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING

from assistant.present.escape import esc, h
from assistant.programme.models import PairRecord, Risk, Status
from assistant.programme.text import describe_reason, describe_risk

if TYPE_CHECKING:
    from assistant.programme.api import Programme
    from assistant.programme.rounds import RepairOutcome, RoundOutcome

PAIR_HEADERS = ["ID", "Round", "Person A", "Person B", "Status", "Made by", "Sessions",
                "Fit", "Since"]
#: the status filter of the pairs table
SHOW = ("open", "proposed", "active", "at risk", "all")
AT_RISK = "at risk"


def names_of(programme: Programme) -> dict[str, str]:
    return {p.id: p.name for p in programme.service.participants()}


def _name(names: Mapping[str, str], pid: str) -> str:
    return names.get(pid, pid)


def status_text(pair: PairRecord, risk: Risk | None, names: Mapping[str, str]) -> str:
    if risk is not None:
        return f"{AT_RISK}: {describe_risk(risk, names)}"
    if pair.status is Status.PROPOSED:
        waiting = [_name(names, pid) for pid in pair.ids if not pair.confirmed_by(pid)]
        return "proposed, waiting for " + " and ".join(waiting) if waiting else "proposed"
    if pair.ended_on is not None and pair.end_reason is not None:
        return f"{pair.status.value} ({pair.end_reason.value})"
    return pair.status.value


def pair_rows(programme: Programme, show: str = "open") -> list[list[object]]:
    """One row per pair (newest round first), filtered by ``show`` (see :data:`SHOW`)."""
    names = names_of(programme)
    rows = []
    for pair in sorted(programme.pairs(), key=lambda p: (-p.round, p.id)):
        risk = programme.risk(pair)
        wanted = {"open": pair.open, "proposed": pair.status is Status.PROPOSED,
                  "active": pair.status is Status.ACTIVE, AT_RISK: risk is not None,
                  "all": True}[show]
        if not wanted:
            continue
        fits = ", ".join(f"{_name(names, f.rater).split()[0]} {f.fit}/5"
                         for f in pair.latest_fit().values())
        since = pair.started_on or pair.proposed_on
        rows.append([pair.id, pair.round, _name(names, pair.a), _name(names, pair.b),
                     status_text(pair, risk, names), pair.origin.value, len(pair.sessions),
                     fits or "-", since.isoformat()])
    return rows


def pair_label(pair: PairRecord, names: Mapping[str, str]) -> str:
    return f"#{pair.id} {_name(names, pair.a)} & {_name(names, pair.b)} ({pair.status.value})"


def pair_choices(programme: Programme, statuses: tuple[Status, ...]) -> list[tuple[str, str]]:
    """(label, pair id) for the pairs in ``statuses``."""
    names = names_of(programme)
    return [(pair_label(p, names), str(p.id)) for p in programme.pairs(statuses)]


def pair_by_id(programme: Programme, pair_id: str | int | None) -> PairRecord | None:
    return next((p for p in programme.pairs() if str(p.id) == str(pair_id)), None)


def rater_choices(programme: Programme, pair: PairRecord | None) -> list[tuple[str, str]]:
    names = names_of(programme)
    return [] if pair is None else [(_name(names, pid), pid) for pid in pair.ids]


def round_outcome(out: RoundOutcome, names: Mapping[str, str]) -> str:
    lines = [f"**Round {out.round} started:** {len(out.pairs)} pair(s) proposed "
             f"({len(out.kept)} chosen in the chat before the round kept), {len(out.ended)} "
             f"earlier pair(s) ended, {out.avoided} earlier pair(s) not repeated. Confirm "
             "them below (one by one, or all at once)."]
    lines += [f"- unmatched: {esc(_name(names, pid))}: {esc(why)}"
              for pid, why in out.unmatched.items()]
    return "\n".join(lines)


def repair_outcome(out: RepairOutcome, names: Mapping[str, str]) -> str:
    lines = [f"**Repair of round {out.round}:** {len(out.kept)} pair(s) kept, "
             f"{len(out.new)} new, {len(out.replaced)} at-risk pair(s) re-paired."]
    for pair in out.new:
        why = "; ".join(describe_reason(r, names) for r in pair.reasons)
        lines.append(f"- new: **{esc(_name(names, pair.a))}** & **{esc(_name(names, pair.b))}** "
                     f"(proposed): {esc(why)}")
    for pair, risk in out.still_at_risk:
        lines.append(f"- still at risk, nobody better is free: {esc(_name(names, pair.a))} & "
                     f"{esc(_name(names, pair.b))} ({esc(describe_risk(risk, names))})")
    lines += [f"- no new partner for {esc(_name(names, pid))}: {esc(why)}"
              for pid, why in out.unmatched.items()]
    if not out.new and not out.still_at_risk and not out.unmatched:
        lines.append("Nothing to mend: no pair ended or is at risk.")
    return "\n".join(lines)


def health_view(programme: Programme) -> tuple[str, str]:
    """(summary Markdown with the counts, HTML with the charts and the pairs at risk)."""
    from assistant.programme.health import health
    from assistant.programme.report import CAPTIONS, charts, risk_lines, summary_lines

    now = health(programme)
    names = names_of(programme)
    c = now.counts
    counts = " · ".join(f"**{c[key]}** {key}" for key in c)
    summary = "\n".join([f"### Programme health, {now.today.isoformat()}", "", counts, "",
                         *(f"- {esc(line)}" for line in summary_lines(now, names))])
    parts = ['<div class="pa-health">']
    for name, png in charts(now).items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<figure class="pa-chart" data-chart="{h(name)}"><figcaption>'
                     f"{h(CAPTIONS[name])}</figcaption><img alt=\"{h(CAPTIONS[name])}\" "
                     f'src="data:image/png;base64,{data}"></figure>')
    risks = risk_lines(now, names)
    parts.append("<h3>Pairs at risk</h3>" + ("<ul>" + "".join(f"<li>{h(r)}</li>" for r in risks)
                                            + "</ul>" if risks else "<p>None.</p>"))
    parts.append("</div>")
    return summary, "\n".join(parts)
