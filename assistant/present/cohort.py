"""A cohort pairing as coordinators see it: the same rows in the UI table, the terminal
and the CSV download, each pair with both names, its figures and its rationale, and a
row for everyone unmatched with their name and the reason."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from assistant.match import Candidate, CohortResult
from assistant.present.figures import FIT, PAIR, fmt
from assistant.service import PairingService

PAIR_HEADERS = ["Participant A", "Participant B", "Pair score", "B teaches A", "A teaches B",
                "Why"]
UNMATCHED_HEADERS = ["Participant", "Reason"]
CSV_HEADERS = ["status", "a_id", "a_name", "b_id", "b_name", "pair_score", "b_teaches_a",
               "a_teaches_b", "locked", "why"]


@dataclass(frozen=True)
class PairRow:
    a_id: str
    a_name: str
    b_id: str
    b_name: str
    #: the pair's figures (``explain(a, b)``: b teaches a, a teaches b, both combined)
    pair_score: float
    b_teaches_a: float
    a_teaches_b: float
    locked: bool
    why: str


@dataclass(frozen=True)
class UnmatchedRow:
    id: str
    name: str
    reason: str


@dataclass(frozen=True)
class CohortView:
    pairs: list[PairRow]
    unmatched: list[UnmatchedRow]
    people: int
    matched: int
    optimal: bool
    #: mean pair score of the pairs (None without pairs)
    mean_pair_score: float | None
    #: "optimal", or how far from the best possible total the solver proved it to be
    optimality: str = "optimal"


def rationale(a_first: str, c: Candidate) -> str:
    """Top evidence both ways for a pair (``c`` explains b for a), then notes and flags."""
    b_first = c.person.first_name
    parts = []
    for teacher, learner, links in ((b_first, a_first, c.to_asker),
                                    (a_first, b_first, c.to_candidate)):
        if links:
            best = max(links, key=lambda link: link.strength)
            parts.append(f"{teacher} teaches {learner} \u201c{best.want}\u201d \u2190 "
                         f"\u201c{best.offer}\u201d ({FIT} {fmt(best.strength)})")
    return "; ".join([*parts, *c.notes, *(f"\u26a0 {f.text}" for f in c.flags)])


def cohort_view(service: PairingService, result: CohortResult) -> CohortView:
    """Every pair explained (both directions, from the same scoring as the chat), every
    unmatched person named."""
    rows = []
    for p in result.pairs:
        c = service.explain(p.a.id, p.b.id)
        rows.append(PairRow(p.a.id, p.a.name, p.b.id, p.b.name, c.reciprocal, c.teaches,
                            c.learns, p.locked, rationale(p.a.first_name, c)))
    names = {p.id: p.name for p in service.participants()}
    unmatched = [UnmatchedRow(pid, names.get(pid, pid), why)
                 for pid, why in result.unmatched.items()]
    mean = sum(r.pair_score for r in rows) / len(rows) if rows else None
    return CohortView(rows, unmatched, len(result.matched_ids) + len(result.unmatched),
                      len(result.matched_ids), result.optimal, mean, result.optimality)


def summary(view: CohortView) -> str:
    """One line: pairs, people matched, mean pair score."""
    n = len(view.pairs)
    left = len(view.unmatched)
    mean = f", mean {PAIR} {fmt(view.mean_pair_score)}" if view.pairs else ""
    tail = (f"{left} unmatched, each with the reason." if left else "Everyone is matched.")
    optimal = " (optimal)" if view.optimal else f" ({view.optimality})"
    return (f"{n} pair{'' if n == 1 else 's'}, {view.matched} of {view.people} people "
            f"matched{mean}{optimal}. {tail}")


def table_rows(view: CohortView) -> tuple[list[list[str]], list[list[str]]]:
    """Rows of the UI's pairs and unmatched tables (headers :data:`PAIR_HEADERS`,
    :data:`UNMATCHED_HEADERS`)."""
    pairs = [[f"{r.a_name} ({r.a_id})", f"{r.b_name} ({r.b_id})", fmt(r.pair_score),
              fmt(r.b_teaches_a), fmt(r.a_teaches_b), r.why + (" (locked)" if r.locked else "")]
             for r in view.pairs]
    unmatched = [[f"{r.name} ({r.id})", r.reason] for r in view.unmatched]
    return pairs, unmatched


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_pairs_csv(view: CohortView, target: Path) -> Path:
    """Pairs then unmatched people, one row each, for the coordinator's spreadsheet."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for r in view.pairs:
            writer.writerow(["paired", r.a_id, _safe_cell(r.a_name), r.b_id, _safe_cell(r.b_name),
                             fmt(r.pair_score), fmt(r.b_teaches_a), fmt(r.a_teaches_b),
                             "yes" if r.locked else "", _safe_cell(r.why)])
        for u in view.unmatched:
            writer.writerow(["unmatched", u.id, _safe_cell(u.name), "", "", "", "", "", "",
                             _safe_cell(u.reason)])
    return target
