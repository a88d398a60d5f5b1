"""Reports of an evaluation run: text tables, JSON (the format's shape) and an HTML page.

The HTML page is self-contained: inline CSS and SVG bar charts drawn here, no
script and no network access, so it can be mailed to a coordinator.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation import metrics as m
from assistant.evaluation.baselines import DENSE_ABSTAIN_BELOW
from assistant.evaluation.results import OURS, CaseResult, SuiteReport

#: failed cases printed per suite on stdout (all of them go to the JSON and HTML)
STDOUT_FAILURES = 15
#: metrics drawn as bars (all in [0, 1]); violation counts are shown in the tables only
QUERY_BARS = ("ndcg@5", "mrr@10", "recall@5", "hit@1", "abstain_accuracy")
COHORT_BARS = ("pair_recall", "matched_fraction", "mean_pair_score", "min_pair_score")
COLOURS = ("#1b6ca8", "#e07b39", "#5a9e4b", "#8c5fb0", "#c44e52", "#7f7f7f")


def fmt(metric: str, value: float) -> str:
    """Counts as integers, everything else with three decimals."""
    return f"{value:.0f}" if metric in m.VIOLATION_METRICS else f"{value:.3f}"


# text ---------------------------------------------------------------------------------------
def table(rows: dict[str, dict[str, float]], columns: Sequence[str]) -> str:
    """A plain-text table: one row per method, one column per metric."""
    width = max([len("method"), *(len(k) for k in rows)])
    head = "method".ljust(width) + "".join(f"  {c:>{max(len(c), 6)}}" for c in columns)
    lines = [head, "-" * len(head)]
    for name, values in rows.items():
        cells = "".join(
            f"  {fmt(c, values[c]) if c in values else '-':>{max(len(c), 6)}}" for c in columns
        )
        lines.append(name.ljust(width) + cells)
    return "\n".join(lines)


def describe_failure(result: CaseResult, people: dict[str, str]) -> str:
    """Expected ids, our top 5 with scores, the parsed request and why it failed."""
    case = result.case
    ours = result.methods[OURS]
    asker = f"asker {case.asker}" if case.asker else "anonymous"
    expected = ", ".join(f"{pid}({g})" for pid, g in _graded(case.relevant)) or "(nobody)"
    said = "".join(f"{turn!r} -> " for turn in case.history)
    lines = [f"- {case.id} [{asker}] {said}{case.text!r}",
             f"    why:      {'; '.join(result.reasons(OURS))}",
             f"    parsed:   {_parsed_line(result)}",
             f"    expected: {expected}" + (" (expect_none)" if case.expect_none else "")]
    if case.must_exclude:
        lines.append(f"    exclude:  {', '.join(case.must_exclude)}")
    got = _ranking_line(ours.ranking[:5], case.relevant, people)
    lines.append(f"    top 5:    {got or '(none: ' + result.kind + ')'}")
    if ours.abstained and result.near_misses:
        lines.append(f"    near:     {_ranking_line(result.near_misses, case.relevant, people)}")
    hits = [n for n in result.methods if n != OURS and not result.case_reasons(n)]
    if hits:
        lines.append(f"    baselines right here: {', '.join(hits)}")
    return "\n".join(lines)


def _graded(relevant: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(((p, g) for p, g in relevant.items() if g > 0), key=lambda x: (-x[1], x[0]))


def _parsed_line(result: CaseResult) -> str:
    parsed = result.parsed
    text = (f"intent={parsed['intent']} wants={parsed['wants']} offers={parsed['offers']}"
            f" -> searched wants={result.wants} offers={result.offers}")
    if parsed["filters"]:
        text += f" filters={parsed['filters']}"
    return text


def _ranking_line(ranking: Sequence[tuple[str, float]], relevant: dict[str, int],
                  people: dict[str, str]) -> str:
    return "  ".join(
        f"{i}. {pid} {people.get(pid, '')} {score:.3f} (grade {relevant.get(pid, 0)})"
        for i, (pid, score) in enumerate(ranking, 1)
    )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_suite(report: SuiteReport) -> str:
    """The text report of one suite: tables, notes and the first failures."""
    c = report.counts
    out = [f"== suite {report.name} ({report.path}), split {report.split}: "
           f"{c['participants']} participants, {_n(c['cases'], 'query case')} "
           f"({c['ranked_cases']} ranked, {c['expect_none_cases']} expect_none), "
           f"{report.seconds:.1f}s"]
    if report.methods:
        out += ["", table(report.methods, m.QUERY_METRICS)]
    else:
        out.append("no query cases")
    if report.cohort:
        out += ["", f"cohort ({_n(c['reference_pairs'], 'reference pair')}):",
                table(report.cohort, m.COHORT_METRICS)]
        out += [f"  note, {name}: {note}" for name, note in report.cohort_notes.items()]
    fails = report.failures
    if fails:
        shown = fails[:STDOUT_FAILURES]
        out += ["", f"failed cases ({OURS}): {len(fails)} of {c['cases']}, "
                f"showing {len(shown)} (all in --json/--html)"]
        out += [describe_failure(f, report.people) for f in shown]
    return "\n".join(out)


def render_text(reports: Sequence[SuiteReport]) -> str:
    """Text report of every suite."""
    return "\n\n".join(render_suite(r) for r in reports)


# JSON ---------------------------------------------------------------------------------------
def _rounded(values: dict[str, float]) -> dict[str, float | int]:
    return {k: (int(v) if k in m.VIOLATION_METRICS else round(v, 4)) for k, v in values.items()}


def failure_json(result: CaseResult, people: dict[str, str]) -> dict[str, Any]:
    """One failed case, with enough to see why."""
    case = result.case
    ours = result.methods[OURS]
    return {
        "id": case.id, "asker": case.asker, "text": case.text, "split": case.split,
        "history": list(case.history),
        "reasons": result.reasons(OURS), "reply_kind": result.kind,
        "expected": dict(_graded(case.relevant)), "expect_none": case.expect_none,
        "must_exclude": list(case.must_exclude),
        "parsed": result.parsed, "searched": {"wants": result.wants, "offers": result.offers},
        "top5": [{"id": pid, "name": people.get(pid, ""), "score": round(score, 4),
                  "grade": case.relevant.get(pid, 0)} for pid, score in ours.ranking[:5]],
        "near_misses": [{"id": pid, "score": round(score, 4)}
                        for pid, score in result.near_misses],
        "baselines_right": [n for n in result.methods if n != OURS and not result.case_reasons(n)],
    }


def suite_json(report: SuiteReport) -> dict[str, Any]:
    """A suite in the format's shape, plus ``counts``, ``failures`` and ``notes``."""
    return {
        "suite": report.name,
        "methods": {name: _rounded(v) for name, v in report.methods.items()},
        "cohort": {name: _rounded(v) for name, v in report.cohort.items()},
        "counts": report.counts,
        "failures": [failure_json(f, report.people) for f in report.failures],
        "notes": {"split": report.split, "seconds": round(report.seconds, 2),
                  "description": report.description, "cohort": report.cohort_notes,
                  "dense_abstain_below": DENSE_ABSTAIN_BELOW},
    }


def to_json(reports: Sequence[SuiteReport]) -> dict[str, Any]:
    """One suite: its object; several: ``{"suites": [...]}``."""
    if len(reports) == 1:
        return suite_json(reports[0])
    return {"suites": [suite_json(r) for r in reports]}


def write_json(reports: Sequence[SuiteReport], target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(to_json(reports), indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


# HTML ---------------------------------------------------------------------------------------
def bar_chart(title: str, rows: dict[str, dict[str, float]], metrics: Sequence[str]) -> str:
    """Grouped bars (one group per metric, one bar per method) as an inline SVG, y in [0, 1]."""
    names = list(rows)
    left, top, plot_h, group_w = 40, 30, 180, max(90, 22 * len(names) + 20)
    per_row = 4  # legend entries per row, 150 px each
    width = max(left + group_w * len(metrics) + 20, left + 150 * min(len(names), per_row) + 10)
    height = top + plot_h + 60 + 18 * ((len(names) + per_row - 1) // per_row)
    bar_w = (group_w - 20) / max(len(names), 1)
    e = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="{e(title)}" font-family="sans-serif" font-size="11">',
             f'<text x="{left}" y="16" font-size="13" font-weight="bold">{e(title)}</text>']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{tick:g}</text>')
    for g, metric in enumerate(metrics):
        x0 = left + g * group_w + 10
        for k, name in enumerate(names):
            value = max(0.0, min(1.0, rows[name].get(metric, 0.0)))
            h = plot_h * value
            x = x0 + k * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[k % len(COLOURS)]}">'
                f'<title>{e(name)} {e(metric)} {value:.3f}</title></rect>'
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{top + plot_h - h - 2:.1f}" '
                f'text-anchor="middle" font-size="8">{value:.2f}</text>')
        parts.append(f'<text x="{x0 + (group_w - 20) / 2:.1f}" y="{top + plot_h + 15}" '
                     f'text-anchor="middle">{e(metric)}</text>')
    for k, name in enumerate(names):
        x = left + (k % per_row) * 150
        y = top + plot_h + 35 + 18 * (k // per_row)
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" '
                     f'fill="{COLOURS[k % len(COLOURS)]}"/><text x="{x + 14}" y="{y}">{e(name)}'
                     '</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_table(rows: dict[str, dict[str, float]], columns: Sequence[str]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = "".join(
        f"<tr><th>{e(name)}</th>"
        + "".join(f"<td>{fmt(c, v[c]) if c in v else '-'}</td>" for c in columns) + "</tr>"
        for name, v in rows.items()
    )
    return f"<table><tr><th>method</th>{head}</tr>{body}</table>"


def html_failure(result: CaseResult, people: dict[str, str]) -> str:
    e = html.escape
    data = failure_json(result, people)
    top = "".join(f"<li>{e(t['id'])} {e(t['name'])}: {t['score']:.3f} (grade {t['grade']})</li>"
                  for t in data["top5"]) or f"<li>(none: {e(result.kind)})</li>"
    expected = ", ".join(f"{e(p)} ({g})" for p, g in data["expected"].items()) or "(nobody)"
    rows = [("why", "; ".join(data["reasons"])), ("asker", str(data["asker"])),
            ("parsed", json.dumps(data["parsed"], ensure_ascii=False)),
            ("searched", json.dumps(data["searched"], ensure_ascii=False)),
            ("must_exclude", ", ".join(data["must_exclude"]) or "-"),
            ("baselines right", ", ".join(data["baselines_right"]) or "-")]
    if data["near_misses"]:
        rows.append(("near misses", ", ".join(f"{n['id']} {n['score']:.3f}"
                                              for n in data["near_misses"])))
    cells = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    said = "".join(f"{e(turn)} &rarr; " for turn in data.get("history", []))
    return (f"<details><summary><b>{e(data['id'])}</b> {said}{e(data['text'])}</summary>"
            f"<table>{cells}<tr><th>expected</th><td>{expected}</td></tr>"
            f"<tr><th>top 5</th><td><ol>{top}</ol></td></tr></table></details>")


def html_suite(report: SuiteReport) -> str:
    e = html.escape
    c = report.counts
    parts = [f"<section><h2>Suite {e(report.name)}</h2><p>{e(report.description)}</p>",
             f"<p class=meta>split {e(report.split)} · {c['participants']} participants · "
             f"{_n(c['cases'], 'query case')} ({c['ranked_cases']} ranked, "
             f"{c['expect_none_cases']} expect_none) · {report.seconds:.1f}s</p>"]
    if report.methods:
        parts += ["<h3>Query cases</h3>",
                  bar_chart(f"{report.name}: query metrics", report.methods, QUERY_BARS),
                  html_table(report.methods, m.QUERY_METRICS)]
    if report.cohort:
        parts += [f"<h3>Cohort ({c['reference_pairs']} reference pairs)</h3>",
                  bar_chart(f"{report.name}: cohort metrics", report.cohort, COHORT_BARS),
                  html_table(report.cohort, m.COHORT_METRICS)]
        parts += [f"<p class=note>{e(n)}: {e(t)}</p>" for n, t in report.cohort_notes.items()]
    fails = report.failures
    parts.append(f"<h3>Failed cases of {OURS}: {len(fails)} of {c['cases']}</h3>")
    parts += [html_failure(f, report.people) for f in fails]
    parts.append("</section>")
    return "".join(parts)


CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right;vertical-align:top}th{background:#f3f3f3}details{margin:.3em 0}
details table td{text-align:left;font-family:monospace;font-size:12px}
.meta,.note{color:#555}section{border-top:2px solid #1b6ca8;margin-top:2em}
"""


def render_html(reports: Sequence[SuiteReport]) -> str:
    """The whole report as one self-contained HTML page."""
    legend = (
        "<p>Ranking metrics (ndcg@5, mrr@10, recall@5, hit@1) are averaged over cases that "
        "expect somebody; abstain_accuracy over all cases; violations are counts (lower is "
        "better). Baselines rank the same parsed request over the same eligible candidates "
        f"as {OURS}. Dense abstains below cosine {DENSE_ABSTAIN_BELOW}; keyword and BM25 "
        "abstain when their best score is 0.</p>"
    )
    body = "".join(html_suite(r) for r in reports)
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>Pairing evaluation</title><style>{CSS}</style></head><body>"
            f"<h1>Pairing evaluation</h1>{legend}{body}</body></html>\n")


def write_html(reports: Sequence[SuiteReport], target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(reports), encoding="utf-8")
    return target
