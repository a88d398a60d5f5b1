"""``pairing eval``: run suites through the chat path and the baselines, report, gate.

Each suite is ingested into a throw-away data folder. Every query case's text goes
through exactly what the chat does (a :class:`Conversation` signed in as the case's
asker, ``send(text)``); our ranking is the reply's candidates and an ``abstain`` reply
is our abstention. The baselines then rank the *same* parsed request (the wants and
offers after the profile fill-in) over the *same* eligible candidates (see
:func:`assistant.evaluation.baselines.eligible_people`), so only the ranking differs.
The cohort case pairs everybody with our pairing, greedy pairing and stable roommates.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.config import reporting_levels as config_levels
from assistant.converse.conversation import Conversation
from assistant.converse.reply import Reply
from assistant.embed import CachedEmbeddings, make_embeddings
from assistant.errors import InputFormatError
from assistant.evaluation import metrics as m
from assistant.evaluation.baselines import (
    Baseline,
    CohortOutcome,
    Ranking,
    eligible_people,
    greedy_pairs,
    query_baselines,
    stable_roommates_pairs,
)
from assistant.evaluation.report import render_text, write_html, write_json
from assistant.evaluation.results import OURS, TOP_K, CaseResult, MethodCase, SuiteReport
from assistant.evaluation.suite import QueryCase, Suite, discover, load_suite
from assistant.match import (
    CandidateFilter,
    CohortScores,
    PreferenceWeights,
    ReportingLines,
    ScoringConfig,
)
from assistant.models import Participant
from assistant.service import PairingService


# ---------------------------------------------------------------------------------------
def shared_embeddings() -> CachedEmbeddings:
    """One in-memory cached model for the whole run (the model loads once)."""
    inner, name = make_embeddings(Settings().embedding)
    return CachedEmbeddings(inner, None, name)


def run_suite(
    path: Path, embeddings: Embeddings, split: str = "all", config: ScoringConfig | None = None,
    weights: PreferenceWeights | None = None, reporting_levels: int | None = None,
) -> SuiteReport:
    """Load, ingest into a temporary data folder and evaluate one suite (scoring with
    ``config`` and ``weights`` when given, e.g. learned weights before they are applied).

    ``reporting_levels``: the reporting-line rule the run applies. The suite format's
    rule is the whole management chain (None), so suites written for it are judged by
    it; pass 2 to measure the assistant's default rule instead.
    """
    started = time.perf_counter()
    suite = load_suite(path)
    with tempfile.TemporaryDirectory(prefix="pairing-eval-") as tmp:
        # throw-away, never a server
        settings = Settings(data_dir=Path(tmp), chroma_url="", reporting_levels=reporting_levels)
        if config is not None:  # the run's rule, whatever the given scoring says
            config = dataclasses.replace(config, reporting_levels=reporting_levels)
        with PairingService(settings, mode="exclusive", embeddings=embeddings,
                            config=config, weights=weights,
                            command="pairing eval") as service:
            service.ingest([suite.participants_file, *suite.guidance_files], strict=True)
            report = _evaluate(suite, service, embeddings, split)
    report.seconds = time.perf_counter() - started
    return report


def _evaluate(
    suite: Suite, service: PairingService, embeddings: Embeddings, split: str
) -> SuiteReport:
    people = sorted(service.participants(), key=lambda p: p.id)
    cases = suite.cases(split)
    baselines = query_baselines(people, embeddings)
    lines = ReportingLines(people, service.config.reporting_levels)
    results = [_run_case(case, service, baselines, people, lines) for case in cases]
    names = [OURS, *(b.name for b in baselines)]
    methods = {
        name: m.aggregate_cases([r.methods[name].metrics for r in results],
                                [r.ranked for r in results])
        for name in names
    } if results else {}
    cohort: dict[str, dict[str, float]] = {}
    notes: dict[str, str] = {}
    if suite.cohort_in(split) and suite.cohort is not None:
        cohort, notes = evaluate_cohort(service, suite.cohort)
    counts = {
        "participants": len(people),
        "cases": len(results),
        "ranked_cases": sum(r.ranked for r in results),
        "expect_none_cases": sum(r.case.expect_none for r in results),
        "must_exclude_ids": sum(len(r.case.must_exclude) for r in results),
        "reference_pairs": len(suite.cohort or []) if cohort else 0,
        "failures": sum(bool(r.reasons(OURS)) for r in results),
    }
    return SuiteReport(suite.name, suite.description, suite.path, split, methods, cohort, notes,
                       results, counts, {p.id: p.name for p in people})


def _run_case(
    case: QueryCase, service: PairingService, baselines: Sequence[Baseline],
    people: list[Participant], lines: ReportingLines,
) -> CaseResult:
    conversation = Conversation(service, case.asker, page=TOP_K)
    for turn in case.history:
        conversation.send(turn)
    reply = conversation.send(case.text)
    asker = service.get(case.asker) if case.asker else None
    wants, offers, filters, include_full = _request_of(reply, asker)
    near = [(c.id, float(c.score)) for c in reply.result.near_misses] if reply.result else []
    ours = _ours(reply)
    outcomes = {OURS: _scored(case, ours, reply.kind == "abstain", _first(ours or near))}
    pool = eligible_people(people, asker, lines, filters, include_full)
    for baseline in baselines:
        ranking = baseline.rank(wants, offers, asker, pool)
        abstained = baseline.abstains(ranking)
        shown = [] if abstained else ranking[:TOP_K]
        outcomes[baseline.name] = _scored(case, shown, abstained, _first(ranking))
    return CaseResult(case, reply.kind, parsed_summary(reply), wants, offers, outcomes, near)


def _first(ranking: Ranking) -> tuple[str, float] | None:
    return ranking[0] if ranking else None


def _ours(reply: Reply) -> Ranking:
    """Everyone the chat showed, in the order shown."""
    if reply.kind != "candidates":
        return []
    return [(c.id, float(c.score)) for c in reply.candidates[:TOP_K]]


def _scored(
    case: QueryCase, ranking: Ranking, abstained: bool, best: tuple[str, float] | None
) -> MethodCase:
    ids = [pid for pid, _ in ranking]
    values = m.case_metrics(ids, case.relevant, case.must_exclude, abstained, case.expect_none)
    return MethodCase(ranking, abstained, values, None if best is None else best[1])


def _request_of(
    reply: Reply, asker: Participant | None
) -> tuple[list[str], list[str], CandidateFilter | None, bool]:
    """The request the chat searched with; without a search, the parse plus the profile."""
    if reply.result is not None:
        req = reply.result.request
        return list(reply.result.wants), list(reply.result.offers), req.filters, req.include_full
    parsed_wants = list(reply.parsed.wants) if reply.parsed else []
    parsed_offers = list(reply.parsed.offers) if reply.parsed else []
    wants = parsed_wants or (list(asker.wants) if asker else [])
    offers = parsed_offers or (list(asker.offers) if asker else [])
    return wants, offers, None, False


def parsed_summary(reply: Reply) -> dict[str, Any]:
    """intent, wants, offers and the non-empty filters of the parsed request."""
    parsed = reply.parsed
    if parsed is None:
        return {"intent": None, "wants": [], "offers": [], "filters": {}}
    return {"intent": parsed.intent, "wants": list(parsed.wants), "offers": list(parsed.offers),
            "filters": _non_empty(parsed.filters)}


def _non_empty(obj: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        values = dataclasses.asdict(obj)
    elif hasattr(obj, "model_dump"):
        values = obj.model_dump()
    else:
        values = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    return {k: v for k, v in values.items() if v}


# cohort -------------------------------------------------------------------------------
def evaluate_cohort(
    service: PairingService, reference: list[tuple[str, str]]
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Cohort metrics of our pairing, greedy pairing and stable roommates, with notes."""
    scores = service.cohort_scores()
    floor = service.config.pair_floor
    ours = service.pair_cohort()
    outcomes = {
        OURS: CohortOutcome([(p.a.id, p.b.id) for p in ours.pairs],
                            "" if ours.optimal else "solver did not prove optimality"),
        "greedy": greedy_pairs(scores, floor, service.config.reporting_levels),
        "stable_roommates": stable_roommates_pairs(
            scores, floor, reporting_levels=service.config.reporting_levels),
    }
    levels = service.config.reporting_levels
    metrics = {name: cohort_metrics(out.pairs, reference, scores, levels)
               for name, out in outcomes.items()}
    notes = {name: out.note for name, out in outcomes.items() if out.note}
    return metrics, notes


def cohort_metrics(
    pairs: list[tuple[str, str]], reference: list[tuple[str, str]], scores: CohortScores,
    reporting_levels: int | None = None,
) -> dict[str, float]:
    """The cohort metrics of one produced pairing (scores: the reciprocal fused score)."""
    index = scores.index()
    people = scores.people
    lines = ReportingLines(people, reporting_levels)
    slots = {p.id: p.open_slots for p in people}
    values = [float(scores.reciprocal[index[a], index[b]]) for a, b in pairs]
    mean, low = m.pair_score_stats(values)
    return {
        "pair_recall": m.pair_recall(pairs, reference),
        "constraint_violations": float(m.constraint_violations(pairs, lines.conflict, slots)),
        "matched_fraction": m.matched_fraction(pairs, slots),
        "mean_pair_score": mean,
        "min_pair_score": low,
    }


# regression gate ---------------------------------------------------------------------------
def load_baseline(path: Path) -> dict[str, dict[str, Any]]:
    """Suite objects of a committed JSON report, by suite name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputFormatError(f"{path}: cannot read the baseline ({exc})") from exc
    suites = data.get("suites", [data]) if isinstance(data, dict) else None
    if not isinstance(suites, list) or not all(isinstance(s, dict) and "suite" in s
                                               for s in suites):
        raise InputFormatError(f"{path}: expected a report written by `pairing eval --json`")
    return {str(s["suite"]): s for s in suites}


def compare_to_baseline(
    reports: Sequence[SuiteReport], baseline: dict[str, dict[str, Any]], tolerance: float
) -> tuple[list[str], list[str]]:
    """(regressions, notes): our metrics against the committed ones.

    A quality metric regresses when it drops more than ``tolerance`` below the
    baseline; a violation count when it rises above the baseline at all.
    """
    problems: list[str] = []
    notes: list[str] = []
    for report in reports:
        base = baseline.get(report.name)
        if base is None:
            notes.append(f"{report.name}: not in the baseline file, not compared")
            continue
        base_split = base.get("notes", {}).get("split", "all")
        if base_split != report.split:
            problems.append(f"{report.name}: baseline was made on split '{base_split}', this run "
                            f"is '{report.split}'; rerun with --split {base_split}")
            continue
        changed = _suite_changes(base.get("counts", {}), report.counts)
        if changed:
            problems.append(f"{report.name}: the suite changed since the baseline ({changed}); "
                            "refresh the baseline file (see evals/README.md)")
            continue
        for section, current in (("methods", report.methods), ("cohort", report.cohort)):
            old = base.get(section, {}).get(OURS, {})
            new = current.get(OURS, {})
            problems += _compare(f"{report.name} {section}", old, new, tolerance)
    return problems, notes


def _suite_changes(old: dict[str, int], new: dict[str, int]) -> str:
    """What differs in the size of a suite (participants, cases, reference pairs)."""
    keys = ("participants", "cases", "ranked_cases", "expect_none_cases", "reference_pairs")
    return ", ".join(f"{k} {old[k]} -> {new.get(k)}" for k in keys
                     if k in old and old[k] != new.get(k))


def _compare(
    where: str, old: dict[str, float], new: dict[str, float], tolerance: float
) -> list[str]:
    out = []
    for metric, before in old.items():
        if metric not in new:
            continue
        now = new[metric]
        if metric in m.VIOLATION_METRICS:
            if now > before:
                out.append(f"{where}: {metric} rose from {before:g} to {now:g}")
        elif now < before - tolerance - 1e-9:
            out.append(f"{where}: {metric} dropped from {before:.3f} to {now:.3f} "
                       f"(tolerance {tolerance:g})")
    return out


# command line -------------------------------------------------------------------------------
def suite_paths(paths: Sequence[Path]) -> list[Path]:
    """Every suite named on the command line (folders of suites expanded, sorted)."""
    found: list[Path] = []
    for path in paths:
        for suite in discover(Path(path)):
            if suite not in found:
                found.append(suite)
    return found


def main(args: argparse.Namespace) -> int:
    """Run the suites, print the tables, write JSON/HTML, apply the regression gate."""
    started = time.perf_counter()
    paths = suite_paths(args.suites)
    for path in paths:  # a bad suite fails before any work is done
        load_suite(path)
    embeddings = shared_embeddings()
    split = getattr(args, "split", "all") or "all"
    levels = config_levels(getattr(args, "reporting_levels", None) or "all")
    reports = []
    for path in paths:
        print(f"evaluating {path} ...", file=sys.stderr, flush=True)
        reports.append(run_suite(path, embeddings, split, reporting_levels=levels))
    print(render_text(reports))
    if getattr(args, "json", None):
        write_json(reports, args.json)
        print(f"JSON written to {args.json}")
    if getattr(args, "html", None):
        write_html(reports, args.html)
        print(f"HTML report written to {args.html}")
    print(f"{len(reports)} suite(s) in {time.perf_counter() - started:.1f}s")
    baseline_file = getattr(args, "baseline_file", None)
    if baseline_file is None:
        return 0
    return _gate(reports, Path(baseline_file), float(getattr(args, "tolerance", 0.02)))


def _gate(reports: Sequence[SuiteReport], baseline_file: Path, tolerance: float) -> int:
    problems, notes = compare_to_baseline(reports, load_baseline(baseline_file), tolerance)
    for note in notes:
        print(f"baseline: {note}")
    if problems:
        print(f"REGRESSION against {baseline_file}:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"no regression against {baseline_file} (tolerance {tolerance:g})")
    return 0
