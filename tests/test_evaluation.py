"""``pairing eval``: suite loading, the runner, the baselines, reports and the regression gate.

A tiny suite (8 people, 4 queries, a reference cohort) is written to ``tmp_path``
and evaluated with the session's embedding model, both through the CLI and
through :func:`run_suite`.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import cli
from assistant.embed import CachedEmbeddings
from assistant.errors import InputFormatError
from assistant.evaluation import baselines as b
from assistant.evaluation import load_suite, runner
from assistant.evaluation.metrics import COHORT_METRICS, QUERY_METRICS
from assistant.evaluation.report import describe_failure, render_text, to_json
from assistant.evaluation.runner import SuiteReport, compare_to_baseline, run_suite
from assistant.match import CandidateFilter, CohortScores, ReportingLines
from assistant.models import Participant

QUERY_METHODS = {"reciprocal", "keyword", "bm25", "dense"}
COHORT_METHODS = {"reciprocal", "greedy", "stable_roommates"}

PEOPLE: list[dict[str, Any]] = [
    {"id": "m1", "name": "Mara Stone", "career_stage": "executive", "department": "Marketing",
     "offers": "business strategy; public speaking", "wants": "making TikTok videos"},
    {"id": "e1", "name": "Eli Park", "manager_id": "m1", "career_stage": "early",
     "department": "Marketing", "offers": "making TikTok videos",
     "wants": "business strategy"},
    {"id": "e2", "name": "Ella Ruiz", "career_stage": "early", "department": "Sales",
     "offers": "TikTok videos and short-form video editing",
     "wants": "public speaking and presenting"},
    {"id": "s1", "name": "Sam Cole", "career_stage": "senior", "department": "Finance",
     "offers": "business strategy and planning", "wants": "TikTok trends"},
    {"id": "s2", "name": "Sara Lind", "career_stage": "senior", "department": "Finance",
     "offers": "Excel pivot tables", "wants": "Snapchat stories"},
    {"id": "e3", "name": "Evan Moss", "career_stage": "early", "department": "Sales",
     "offers": "Snapchat stories and filters", "wants": "Excel pivot tables"},
    {"id": "f1", "name": "Finn Full", "career_stage": "early", "capacity": 0,
     "offers": "TikTok videos", "wants": "business strategy"},
    {"id": "x1", "name": "Xena Bee", "career_stage": "mid", "offers": "beekeeping",
     "wants": "pottery on a wheel"},
]
QUERIES: list[dict[str, Any]] = [
    {"id": "q1", "asker": "m1", "text": "who can teach me TikTok and wants strategy help",
     "relevant": {"e2": 2, "s1": 0}, "must_exclude": ["e1", "f1"], "split": "dev"},
    {"id": "q2", "asker": "s2", "text": "who can teach me Snapchat? I can help with Excel",
     "relevant": {"e3": 2}},
    {"id": "q3", "asker": None, "text": "who can teach me quantum chromodynamics?",
     "relevant": {}, "expect_none": True, "split": "heldout"},
    # judged against every method on purpose: exercises the failure report
    {"id": "q4", "asker": "e3", "text": "who would be a good partner for me?",
     "relevant": {"x1": 1}, "split": "heldout"},
]
COHORT = [("m1", "e2"), ("s2", "e3"), ("s1", "e1")]


def make_suite(folder: Path, name: str, write_csv: Callable[..., Path]) -> Path:
    folder.mkdir(parents=True)
    (folder / "suite.toml").write_text(
        f'name = "{name}"\ndescription = "tiny test suite"\n', encoding="utf-8")
    write_csv(folder / "participants.csv", PEOPLE)
    (folder / "queries.jsonl").write_text(
        "".join(json.dumps(q) + "\n" for q in QUERIES), encoding="utf-8")
    (folder / "cohort.jsonl").write_text(
        "".join(json.dumps({"a": a, "b": c}) + "\n" for a, c in COHORT), encoding="utf-8")
    (folder / "guidance").mkdir()
    (folder / "guidance" / "meetings.md").write_text(
        "# Meetings\n\nMeet every two weeks for an hour.\n", encoding="utf-8")
    return folder


@pytest.fixture
def suite_dir(tmp_path: Path, write_csv: Callable[..., Path]) -> Path:
    return make_suite(tmp_path / "suites" / "tiny", "tiny", write_csv)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch, embedder: CachedEmbeddings) -> CachedEmbeddings:
    """The CLI uses the session's model instead of loading its own."""
    monkeypatch.setattr(runner, "shared_embeddings", lambda: embedder)
    return embedder


@pytest.fixture
def tiny_report(suite_dir: Path, embedder: CachedEmbeddings) -> SuiteReport:
    return run_suite(suite_dir, embedder, "all")


# runner ---------------------------------------------------------------------------------------
def test_run_suite_measures_every_method_on_every_metric(tiny_report: SuiteReport) -> None:
    assert set(tiny_report.methods) == QUERY_METHODS
    for values in tiny_report.methods.values():
        assert list(values) == list(QUERY_METRICS)
        assert all(0.0 <= v <= 1.0 for k, v in values.items() if k != "exclusion_violations")
    assert set(tiny_report.cohort) == COHORT_METHODS
    for values in tiny_report.cohort.values():
        assert list(values) == list(COHORT_METRICS)
        assert values["constraint_violations"] == 0
    assert tiny_report.counts["cases"] == 4
    assert tiny_report.counts["ranked_cases"] == 3
    assert tiny_report.counts["expect_none_cases"] == 1


def test_every_method_keeps_the_hard_constraints(tiny_report: SuiteReport) -> None:
    q1 = next(c for c in tiny_report.cases if c.case.id == "q1")
    for name, result in q1.methods.items():
        ids = {pid for pid, _ in result.ranking}
        assert not ids & {"m1", "e1", "f1"}, name  # asker, their report, a full person
    assert all(res.metrics["exclusion_violations"] == 0
               for case in tiny_report.cases for res in case.methods.values())


def test_baselines_get_the_request_the_chat_parsed(tiny_report: SuiteReport) -> None:
    q1 = next(c for c in tiny_report.cases if c.case.id == "q1")
    assert q1.kind in ("candidates", "abstain")
    assert any("tiktok" in w.casefold() for w in q1.wants)
    assert q1.parsed["intent"] == "search"
    q4 = next(c for c in tiny_report.cases if c.case.id == "q4")
    assert q4.wants == ["Excel pivot tables"]  # the profile fills in a bare partner request


def test_failed_cases_are_explained(tiny_report: SuiteReport) -> None:
    failure = next(f for f in to_json([tiny_report])["failures"] if f["id"] == "q4")
    assert failure["reasons"]
    assert failure["expected"] == {"x1": 1}
    assert set(failure["parsed"]) == {"intent", "wants", "offers", "filters"}
    assert all({"id", "name", "score", "grade"} <= set(t) for t in failure["top5"])
    text = render_text([tiny_report])
    assert "failed cases (reciprocal)" in text and "q4" in text and "expected: x1(1)" in text


def test_split_filter_selects_cases_and_the_cohort_counts_as_dev(
    suite_dir: Path, embedder: CachedEmbeddings
) -> None:
    held = run_suite(suite_dir, embedder, "heldout")
    assert [c.case.id for c in held.cases] == ["q3", "q4"]
    assert held.cohort == {}
    dev = run_suite(suite_dir, embedder, "dev")
    assert [c.case.id for c in dev.cases] == ["q1", "q2"]  # q2 has no split key: dev
    assert set(dev.cohort) == COHORT_METHODS


def test_queries_and_cohort_are_optional(suite_dir: Path, embedder: CachedEmbeddings) -> None:
    (suite_dir / "queries.jsonl").unlink()
    (suite_dir / "cohort.jsonl").unlink()
    report = run_suite(suite_dir, embedder, "all")
    assert report.methods == {} and report.cohort == {} and report.cases == []
    assert "no query cases" in render_text([report])


# command line -----------------------------------------------------------------------------------
def test_cli_prints_the_table_and_writes_json_and_html(
    suite_dir: Path, tmp_path: Path, shared: CachedEmbeddings, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json, out_html = tmp_path / "out" / "eval.json", tmp_path / "out" / "eval.html"
    code = cli.main(["eval", str(suite_dir), "--json", str(out_json), "--html", str(out_html)])
    assert code == 0
    text = capsys.readouterr().out
    for word in (*QUERY_METHODS, *COHORT_METHODS, *QUERY_METRICS, *COHORT_METRICS):
        assert word in text
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["suite"] == "tiny"
    assert {"suite", "methods", "cohort"} <= set(data)
    assert set(data["methods"]) == QUERY_METHODS and set(data["cohort"]) == COHORT_METHODS
    assert set(data["methods"]["reciprocal"]) == set(QUERY_METRICS)
    assert all(isinstance(v, (int, float)) for v in data["methods"]["keyword"].values())
    assert {"counts", "failures"} <= set(data)
    page = out_html.read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "<table" in page and "q4" in page
    assert "<script" not in page and "src=" not in page


def test_a_folder_of_suites_runs_each_suite(
    tmp_path: Path, write_csv: Callable[..., Path], shared: CachedEmbeddings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "many"
    make_suite(root / "b-suite", "beta", write_csv)
    make_suite(root / "a-suite", "alpha", write_csv)
    (root / "not-a-suite").mkdir()
    out_json = tmp_path / "many.json"
    assert cli.main(["eval", str(root), "--json", str(out_json)]) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert [s["suite"] for s in data["suites"]] == ["alpha", "beta"]
    assert "== suite alpha" in capsys.readouterr().out


def test_regression_gate_fails_when_a_metric_drops(
    suite_dir: Path, tmp_path: Path, shared: CachedEmbeddings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out_json = tmp_path / "eval.json"
    assert cli.main(["eval", str(suite_dir), "--json", str(out_json)]) == 0
    current = json.loads(out_json.read_text(encoding="utf-8"))
    fake = json.loads(json.dumps(current))
    fake["methods"]["reciprocal"]["hit@1"] += 0.5
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(fake), encoding="utf-8")
    capsys.readouterr()
    code = cli.main(["eval", str(suite_dir), "--baseline-file", str(baseline)])
    out = capsys.readouterr().out
    assert code == 1
    assert "REGRESSION" in out and "hit@1 dropped" in out


def test_compare_to_baseline(tiny_report: SuiteReport) -> None:
    same = to_json([tiny_report])
    assert compare_to_baseline([tiny_report], {"tiny": same}, 0.02) == ([], [])
    lower = json.loads(json.dumps(same))
    lower["methods"]["reciprocal"]["exclusion_violations"] = -1
    lower["cohort"]["reciprocal"]["matched_fraction"] += 0.01  # within tolerance
    problems, _ = compare_to_baseline([tiny_report], {"tiny": lower}, 0.02)
    assert len(problems) == 1 and "exclusion_violations rose" in problems[0]
    _, notes = compare_to_baseline([tiny_report], {}, 0.02)
    assert notes == ["tiny: not in the baseline file, not compared"]
    grown = json.loads(json.dumps(same))
    grown["counts"]["cases"] = 3
    problems, _ = compare_to_baseline([tiny_report], {"tiny": grown}, 0.02)
    assert "suite changed" in problems[0] and "cases 3 -> 4" in problems[0]
    other_split = json.loads(json.dumps(same))
    other_split["notes"]["split"] = "dev"
    problems, _ = compare_to_baseline([tiny_report], {"tiny": other_split}, 0.02)
    assert "split" in problems[0]


# suite format -----------------------------------------------------------------------------------
def test_load_suite_reads_the_format(suite_dir: Path) -> None:
    suite = load_suite(suite_dir)
    assert (suite.name, suite.description) == ("tiny", "tiny test suite")
    assert len(suite.participants) == 8 and len(suite.queries) == 4
    assert suite.queries[2].asker is None and suite.queries[2].expect_none
    assert suite.queries[0].must_exclude == ("e1", "f1")
    assert suite.cohort == COHORT
    assert [p.name for p in suite.guidance_files] == ["meetings.md"]


def test_history_is_sent_first_and_the_reply_to_text_is_judged(
    suite_dir: Path, embedder: CachedEmbeddings
) -> None:
    """Multi-turn extension: the last message refines the search the history started."""
    cases = [
        {"id": "c1", "asker": "e3", "history": ["who can teach me TikTok?"],
         "text": "anyone except Ella", "relevant": {"e1": 1}, "must_exclude": ["e2"]},
        # the same message without the history refines the profile's own request (Excel)
        {"id": "c2", "asker": "e3", "text": "anyone except Ella", "relevant": {"s2": 2}},
    ]
    (suite_dir / "queries.jsonl").write_text(
        "".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    assert load_suite(suite_dir).queries[0].history == ("who can teach me TikTok?",)
    report = run_suite(suite_dir, embedder, "all")
    with_history, without = report.cases
    assert any("tiktok" in w.casefold() for w in with_history.wants)
    assert [pid for pid, _ in with_history.methods["reciprocal"].ranking][:1] == ["e1"]
    for name, result in with_history.methods.items():
        assert "e2" not in {pid for pid, _ in result.ranking}, name  # the exclusion reached all
    assert without.wants == ["Excel pivot tables"]
    shown = describe_failure(with_history, report.people)
    assert "[asker e3] 'who can teach me TikTok?' -> 'anyone except Ella'" in shown


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "q9", "asker": null, "text": "hi", "history": "hello"}', "'history'"),
    ('{"id": "q9", "asker": null, "text": "hi", "history": ["ok", ""]}', "'history'"),
    ('{"id": "q9", "asker": "nobody", "text": "hi", "relevant": {}}', "'asker'"),
    ('{"id": "q9", "asker": null, "text": "hi", "relevant": {"e2": 3}}', "grade"),
    ('{"id": "q9", "asker": null, "text": "hi", "relevant": {}, "split": "test"}', "split"),
    ('{"id": "q1", "asker": null, "text": "hi", "relevant": {}}', "already used"),
    ('{"id": "q9", "text": "hi", "must_exclude": "e2"}', "must_exclude"),
    ("not json", "invalid JSON"),
])
def test_bad_query_lines_name_the_file_and_line(suite_dir: Path, line: str, message: str) -> None:
    with (suite_dir / "queries.jsonl").open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    with pytest.raises(InputFormatError) as err:
        load_suite(suite_dir)
    assert "queries.jsonl:5" in str(err.value) and message in str(err.value)


def test_the_cli_reports_a_bad_suite_as_bad_input(
    suite_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (suite_dir / "cohort.jsonl").write_text('{"a": "m1", "b": "zz"}\n', encoding="utf-8")
    assert cli.main(["eval", str(suite_dir)]) == 3
    assert "cohort.jsonl:1" in capsys.readouterr().err
    assert cli.main(["eval", str(suite_dir.parent.parent)]) == 3  # no suite anywhere below


# baselines ----------------------------------------------------------------------------------------
def people() -> list[Participant]:
    return [Participant(**{k: v.split("; ") if k in ("offers", "wants") else v
                           for k, v in row.items()}) for row in PEOPLE]


def test_eligibility_applies_the_matchers_hard_constraints_and_filters() -> None:
    crowd = people()
    asker = crowd[0]
    lines = ReportingLines(crowd)
    ids = [p.id for p in b.eligible_people(crowd, asker, lines)]
    assert ids == ["e2", "s1", "s2", "e3", "x1"]  # not m1 (asker), e1 (report), f1 (full)
    finance = CandidateFilter(departments=["Finance"])
    assert [p.id for p in b.eligible_people(crowd, asker, lines, finance)] == ["s1", "s2"]
    assert "f1" in [p.id for p in b.eligible_people(crowd, None, lines, include_full=True)]


def test_keyword_and_bm25_rank_by_shared_words_and_abstain_on_zero() -> None:
    crowd = people()
    pool = crowd[1:]
    keyword = b.KeywordOverlap()
    ranking = keyword.rank(["TikTok"], ["public speaking"], crowd[0], pool)
    assert ranking[0] == ("e2", 3.0)  # tiktok + public + speaking
    assert {pid for pid, _ in ranking} == {"e1", "e2", "f1"}
    assert keyword.abstains(keyword.rank(["quantum physics"], [], None, pool))
    bm25 = b.BM25Offers(crowd)
    ranking = bm25.rank(["Snapchat stories"], [], None, pool)
    assert ranking[0][0] == "e3" and not bm25.abstains(ranking)
    assert bm25.abstains(bm25.rank(["quantum physics"], [], None, pool))


class WordVectors:
    """A toy embedding: hashed bag of words, L2-normalised (cosine = shared words)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = np.zeros(997)
            for word in text.casefold().split():
                v[zlib.crc32(word.encode()) % 997] += 1.0
            out.append((v / max(float(np.linalg.norm(v)), 1e-9)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def test_dense_ranks_by_best_cosine_and_abstains_below_its_threshold() -> None:
    crowd = people()
    dense = b.DenseOffers(WordVectors(), threshold=0.3)  # type: ignore[arg-type]
    ranking = dense.rank(["Snapchat"], [], None, crowd)
    # "Snapchat stories and filters": one shared word of four -> cosine 1/2
    assert ranking[0] == ("e3", pytest.approx(0.5))
    assert not dense.abstains(ranking)
    assert dense.abstains(dense.rank(["pottery"], [], None, crowd))
    assert dense.rank([], ["Excel"], None, crowd) == []


def cohort(n: int, reciprocal: list[list[float]], managers: dict[int, int] | None = None,
           capacity: dict[int, int] | None = None) -> CohortScores:
    managers, capacity = managers or {}, capacity or {}
    crowd = [Participant(id=f"p{i}", name=f"P {i}", offers=["x"], wants=["y"],
                         manager_id=f"p{managers[i]}" if i in managers else "",
                         capacity=capacity.get(i, 1)) for i in range(n)]
    matrix = np.array(reciprocal, dtype=np.float32)
    return CohortScores(crowd, matrix, matrix, matrix)


def test_greedy_takes_the_best_feasible_pair_first() -> None:
    scores = cohort(4, [[0, .9, .8, .1], [.9, 0, .2, .7], [.8, .2, 0, .6], [.1, .7, .6, 0]])
    assert b.greedy_pairs(scores, 0.3).pairs == [("p0", "p1"), ("p2", "p3")]
    # p1 reports to p0: never paired; capacity 2 lets p0 take two partners
    lined = cohort(4, [[0, .9, .8, .7], [.9, 0, .2, .1], [.8, .2, 0, .6], [.7, .1, .6, 0]],
                   managers={1: 0}, capacity={0: 2})
    assert b.greedy_pairs(lined, 0.3).pairs == [("p0", "p2"), ("p0", "p3")]


def test_stable_roommates_keeps_constraints_and_reports_partial_matchings() -> None:
    scores = cohort(4, [[0, .9, .8, .1], [.9, 0, .2, .7], [.8, .2, 0, .6], [.1, .7, .6, 0]])
    outcome = b.stable_roommates_pairs(scores, 0.3)
    assert outcome.pairs == [("p0", "p1"), ("p2", "p3")] and outcome.note == ""
    odd = cohort(3, [[0, .9, .8], [.9, 0, .7], [.8, .7, 0]])
    outcome = b.stable_roommates_pairs(odd, 0.3)
    assert outcome.pairs == [("p0", "p1")] and "no stable matching" in outcome.note
    lined = cohort(2, [[0, .9], [.9, 0]], managers={1: 0})
    outcome = b.stable_roommates_pairs(lined, 0.3)
    assert outcome.pairs == [] and "dropped" in outcome.note

    def broken(prefs: dict[str, list[str]]) -> dict[str, str | None]:
        raise IndexError("list index out of range")

    assert "solver failed" in b.stable_roommates_pairs(scores, 0.3, broken).note
