"""Pair history and feedback as CSV, for the programme's own spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from assistant.programme.models import PairRecord, Risk
from assistant.programme.text import describe_reason

PAIR_COLUMNS = (
    "pair_id", "round", "a_id", "a_name", "b_id", "b_name", "origin", "status",
    "proposed_on", "started_on", "ended_on", "end_reason", "confirmed_a", "confirmed_b",
    "confirmed_coordinator", "sessions", "last_session", "fit_a", "fit_b", "at_risk",
    "teach_ab", "teach_ba", "preferences", "replaces", "why",
)
FEEDBACK_COLUMNS = (
    "pair_id", "round", "rater_id", "rater_name", "partner_id", "partner_name", "fit", "note",
    "given_on",
)


def safe_cell(value: object) -> str:
    """Text for a spreadsheet cell; formulas in people's words are neutralised."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pair_rows(
    pairs: list[PairRecord], names: Mapping[str, str], risks: Mapping[int, Risk],
) -> list[list[str]]:
    rows = []
    for p in pairs:
        fits = p.latest_fit()
        risk = risks.get(p.id)
        values: list[object] = [
            p.id, p.round, p.a, names.get(p.a, ""), p.b, names.get(p.b, ""), p.origin.value,
            p.status.value, p.proposed_on, p.started_on, p.ended_on,
            p.end_reason.value if p.end_reason else "", p.confirmed_a, p.confirmed_b,
            p.confirmed_coordinator, len(p.sessions), p.last_met(),
            fits[p.a].fit if p.a in fits else "", fits[p.b].fit if p.b in fits else "",
            risk.kind.value if risk else "", f"{p.components.teach_ab:.4f}",
            f"{p.components.teach_ba:.4f}", f"{p.components.bonus:.4f}",
            " ".join(str(i) for i in p.replaces),
            "; ".join(describe_reason(r, names) for r in p.reasons),
        ]
        rows.append([safe_cell(v) for v in values])
    return rows


def feedback_rows(pairs: list[PairRecord], names: Mapping[str, str]) -> list[list[str]]:
    rows = []
    for p in pairs:
        for item in p.feedback:
            other = p.partner(item.rater)
            values: list[object] = [p.id, p.round, item.rater, names.get(item.rater, ""), other,
                                    names.get(other, ""), item.fit, item.note, item.given_on]
            rows.append([safe_cell(v) for v in values])
    return rows


def write_csv(columns: tuple[str, ...], rows: list[list[str]], target: Path | TextIO) -> str:
    """Write the table to a file (or stream); returns the text written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    text = buffer.getvalue()
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
    else:
        target.write(text)
    return text
