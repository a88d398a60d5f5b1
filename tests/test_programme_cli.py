"""The programme's commands: a thin shell over the library, in one process per command."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from programme_support import write_ring

import assistant.service
from assistant.cli import main


@pytest.fixture
def pairing(
    monkeypatch: pytest.MonkeyPatch, embedder: Any, capsys: pytest.CaptureFixture[str]
) -> Any:
    """``pairing ARGS`` in this process, returning (exit code, stdout, stderr); every
    command opens its own service, as separate processes would, on the session's model."""
    monkeypatch.setattr(assistant.service, "make_embeddings",
                        lambda spec, cache_dir=None: (embedder, embedder.model_name))

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse and usage errors
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 2
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_a_round_from_the_command_line(pairing: Any, tmp_path: Path) -> None:
    assert pairing("ingest", "--quiet", str(write_ring(tmp_path)))[0] == 0
    code, out, _ = pairing("match", "--round", "1")
    assert code == 0 and out.startswith("round 1: 7 pair(s) proposed")
    assert "Tiana Brooks (jun1) <-> Helena Varga (sen1)" in out
    code, _, err = pairing("match", "--round", "1")
    assert code == 9 and "round 1 has already started" in err
    code, _, err = pairing("pairs", "confirm", "sen1")
    assert code == 2
    code, out, _ = pairing("pairs", "confirm", "sen2", "jun2", "--as", "jun2")
    assert "waiting for Osric Penhallow" in out
    code, out, _ = pairing("pairs", "confirm", "--all")
    assert code == 0 and out.startswith("confirmed 7 pair(s)")

    assert pairing("session", "sen3", "jun3")[0] == 0
    code, out, _ = pairing("feedback", "sen3", "jun3", "--fit", "2", "--note", "=HYPERLINK(x)")
    assert code == 0 and "AT RISK: fit rated 2/5 by Beatrix Quenby" in out
    assert pairing("feedback", "sen3", "jun3", "--fit", "7")[0] == 2
    code, out, _ = pairing("pairs", "list", "--at-risk")
    assert out.splitlines()[0] == "1 pair(s); current round 1" and "jun3" in out

    code, out, _ = pairing("dismiss", "jun5", "sen6")
    assert code == 0 and "never suggested" in out
    assert pairing("dismiss", "jun5", "--reset")[1].startswith("forgot 1 dismissal(s)")

    feedback = tmp_path / "feedback.csv"
    assert pairing("export", "feedback", "--out", str(feedback))[0] == 0
    [row] = list(csv.DictReader(feedback.open(encoding="utf-8")))
    assert (row["rater_id"], row["partner_id"], row["fit"]) == ("sen3", "jun3", "2")
    assert row["note"] == "'=HYPERLINK(x)"  # a formula in a person's words stays text
    code, out, _ = pairing("export", "pairs")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 7 and {r["status"] for r in rows} == {"active"}
    assert [r["at_risk"] for r in rows if r["a_id"] == "jun3"] == ["low fit"]

    # nobody is free: the repair keeps six pairs and leaves the bad one, saying why
    code, out, _ = pairing("match", "--repair")
    assert code == 0 and out.startswith("round 1 repair: 6 pair(s) kept, 0 new, 0 re-paired")
    assert "still at risk (fit rated 2/5 by Beatrix Quenby)" in out
    code, out, _ = pairing("pairs", "end", "sen3", "jun3")
    assert "ended" in out and "ended by the coordinator" in out
    code, out, _ = pairing("learn", "--suites", str(tmp_path / "no-suites-here"))
    assert code == 0 and "not applied: 1 rating(s); at least 20 are needed" in out


def test_report_draws_the_charts(pairing: Any, tmp_path: Path) -> None:
    assert pairing("ingest", "--quiet", str(write_ring(tmp_path)))[0] == 0
    pairing("match", "--round", "1")
    pairing("pairs", "confirm", "--all")
    for i, fit in ((1, 5), (2, 4), (3, 2)):
        pairing("session", f"sen{i}", f"jun{i}")
        pairing("feedback", f"sen{i}", f"jun{i}", "--fit", str(fit))
    code, out, _ = pairing("report")
    assert code == 0
    assert "Pairs: 6 active, 1 at risk, 0 proposed, 0 ended, 0 re-paired." in out
    assert "Fit: 3 rating(s), mean 3.7/5." in out
    page = tmp_path / "out" / "health.html"
    assert pairing("report", "--out", str(page))[0] == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("src='data:image/png;base64,") == 3  # status, sessions, fit
    assert "Beatrix Quenby" in text and "<script" not in text
    markdown = tmp_path / "out" / "health.md"
    code, out, _ = pairing("report", "--out", str(markdown))
    images = sorted(p.name for p in markdown.parent.glob("health-*.png"))
    assert images == ["health-fit.png", "health-sessions.png", "health-status.png"]
    assert all((markdown.parent / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in images)
    assert "![Fit distribution](health-fit.png)" in markdown.read_text(encoding="utf-8")
    assert pairing("report", "--out", str(tmp_path / "health.pdf"))[0] == 3
