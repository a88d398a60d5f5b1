"""``pairing report``: programme health as charts (matplotlib) in HTML or Markdown.

HTML is one self-contained file (charts embedded as PNG data URIs, no script, no
network), to be mailed to a sponsor. Markdown links PNG files written beside it.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from pathlib import Path

from assistant.errors import InputFormatError
from assistant.programme.health import AT_RISK, STATUS_ORDER, Health
from assistant.programme.text import describe_pair, describe_risk

COLOURS = {"proposed": "#9aa5b1", "active": "#2f7d4f", AT_RISK: "#d1495b", "ended": "#6c757d",
           "re-paired": "#e0a030"}
WANTED, OFFERED = "#1b6ca8", "#e07b39"


def charts(health: Health) -> dict[str, bytes]:
    """PNG images by name: status, sessions, fit, recruit (those with data to draw)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    out: dict[str, bytes] = {}

    def save(name: str, fig: object) -> None:
        buffer = io.BytesIO()
        fig.tight_layout()  # type: ignore[attr-defined]
        fig.savefig(buffer, format="png", dpi=110)  # type: ignore[attr-defined]
        plt.close(fig)  # type: ignore[arg-type]
        out[name] = buffer.getvalue()

    fig, ax = plt.subplots(figsize=(6, 3))
    keys = list(STATUS_ORDER)
    bars = ax.bar(keys, [health.counts[k] for k in keys], color=[COLOURS[k] for k in keys])
    ax.bar_label(bars)
    ax.margins(y=0.15)
    ax.set_title("Pairs by status")
    ax.set_ylabel("pairs")
    save("status", fig)

    if health.sessions:
        fig, ax = plt.subplots(figsize=(6, 3))
        top = max(health.sessions)
        counts = [health.sessions.count(n) for n in range(top + 1)]
        bars = ax.bar([str(n) for n in range(top + 1)], counts, color="#2f7d4f")
        ax.bar_label(bars)
        ax.margins(y=0.15)
        ax.set_title("Sessions logged per pair (pairs that began)")
        ax.set_xlabel("sessions")
        ax.set_ylabel("pairs")
        save("sessions", fig)

    if health.ratings:
        fig, ax = plt.subplots(figsize=(6, 3))
        grades = list(range(1, 6))
        colours = ["#d1495b" if g <= 2 else "#9aa5b1" if g == 3 else "#2f7d4f" for g in grades]
        bars = ax.bar([str(g) for g in grades], [health.fits[g] for g in grades], color=colours)
        ax.bar_label(bars)
        ax.margins(y=0.15)
        ax.set_title("Fit ratings (each partner's latest)")
        ax.set_xlabel("fit (1 poor - 5 great)")
        ax.set_ylabel("ratings")
        save("fit", fig)

    gaps = health.recruit()
    if gaps:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(gaps) + 1.4))
        labels = [s.label for s in gaps][::-1]
        rows = range(len(labels))
        wanted = [s.wanted for s in gaps][::-1]
        offered = [s.offered for s in gaps][::-1]
        ax.barh([r + 0.2 for r in rows], wanted, height=0.4, color=WANTED, label="want it")
        ax.barh([r - 0.2 for r in rows], offered, height=0.4, color=OFFERED, label="offer it")
        ax.set_yticks(list(rows), labels)
        ax.set_xlabel("people")
        ax.set_title("Where to recruit: most wanted, least offered")
        ax.legend(loc="lower right")
        save("recruit", fig)
    return out


CAPTIONS = {"status": "Pairs by status", "sessions": "Sessions per pair",
            "fit": "Fit distribution", "recruit": "Where to recruit"}


def summary_lines(health: Health, names: Mapping[str, str]) -> list[str]:
    c = health.counts
    mean = f"{health.mean_fit:.1f}/5" if health.mean_fit is not None else "no ratings yet"
    began = len(health.sessions)
    per_pair = f"{sum(health.sessions) / began:.2f}" if began else "-"
    lines = [
        f"Round {health.round or '(none started)'}, {health.people} people, "
        f"{health.unpaired} with a free place and no partner.",
        f"Pairs: {c['active']} active, {c[AT_RISK]} at risk, {c['proposed']} proposed, "
        f"{c['ended']} ended, {c['re-paired']} re-paired.",
        f"Sessions per pair that began: {per_pair} ({sum(health.sessions)} in all).",
        f"Fit: {health.ratings} rating(s), mean {mean}.",
    ]
    gaps = health.recruit(5)
    if gaps:
        lines.append("Recruit people who can teach: " + ", ".join(
            f"{s.label} ({s.wanted} want, {s.offered} offer)" for s in gaps) + ".")
    wants, offers = health.unlabelled
    if wants or offers:
        lines.append(f"{wants} wanted and {offers} offered statement(s) match no skill of the "
                     "vocabulary and are not counted above.")
    return lines


def risk_lines(health: Health, names: Mapping[str, str]) -> list[str]:
    return [f"{describe_pair(p, names)}: {describe_risk(r, names)}" for p, r in health.at_risk]


def render_html(health: Health, images: Mapping[str, bytes], names: Mapping[str, str]) -> str:
    esc = html.escape
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<title>Programme health</title><style>body{font-family:sans-serif;max-width:"
             "60rem;margin:2rem auto;padding:0 1rem;color:#222}img{max-width:100%}"
             "li{margin:.3rem 0}</style></head><body>",
             f"<h1>Programme health, {health.today.isoformat()}</h1><ul>"]
    parts += [f"<li>{esc(line)}</li>" for line in summary_lines(health, names)]
    parts.append("</ul>")
    for name, png in images.items():
        data = base64.b64encode(png).decode("ascii")
        parts.append(f"<h2>{esc(CAPTIONS[name])}</h2>"
                     f"<img alt='{esc(CAPTIONS[name])}' src='data:image/png;base64,{data}'>")
    risks = risk_lines(health, names)
    parts.append("<h2>Pairs at risk</h2>")
    parts.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in risks) + "</ul>" if risks
                 else "<p>None.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(health: Health, files: Mapping[str, str], names: Mapping[str, str]) -> str:
    lines = [f"# Programme health, {health.today.isoformat()}", ""]
    lines += [f"- {line}" for line in summary_lines(health, names)]
    for name, file in files.items():
        lines += ["", f"## {CAPTIONS[name]}", "", f"![{CAPTIONS[name]}]({file})"]
    lines += ["", "## Pairs at risk", ""]
    lines += [f"- {r}" for r in risk_lines(health, names)] or ["None."]
    return "\n".join(lines) + "\n"


def write_report(health: Health, target: Path, names: Mapping[str, str]) -> list[Path]:
    """Write ``target`` (.html, or .md with PNG files beside it); returns the files written."""
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise InputFormatError(f"{target}: the report is written as .html or .md")
    target.parent.mkdir(parents=True, exist_ok=True)
    images = charts(health)
    if suffix in (".html", ".htm"):
        target.write_text(render_html(health, images, names), encoding="utf-8")
        return [target]
    written = []
    files: dict[str, str] = {}
    for name, png in images.items():
        file = target.with_name(f"{target.stem}-{name}.png")
        file.write_bytes(png)
        files[name] = file.name
        written.append(file)
    target.write_text(render_markdown(health, files, names), encoding="utf-8")
    return [target, *written]
