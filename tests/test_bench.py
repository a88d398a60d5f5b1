"""``pairing bench``: the synthetic cohort is valid and a small run reports every figure.

No timing thresholds: only that each metric is present and sensible.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.ingest import load_participants
from benchmarks import synthetic as bench


def test_cohort_is_deterministic_realistic_and_ingestible(tmp_path: Path) -> None:
    people = bench.generate_cohort(300, seed=5)
    assert people == bench.generate_cohort(300, seed=5)
    assert people != bench.generate_cohort(300, seed=6)
    index = {p["id"]: i for i, p in enumerate(people)}
    assert len(index) == 300 and len({p["name"] for p in people}) == 300
    assert [p["manager_id"] for p in people].count("") == 1  # one CEO
    for i, p in enumerate(people[1:], start=1):
        assert index[p["manager_id"]] < i  # a real tree: the manager is an earlier person
    reports: dict[str, int] = {}
    for p in people:
        if p["manager_id"]:
            reports[p["manager_id"]] = reports.get(p["manager_id"], 0) + 1
    assert 5 <= sum(reports.values()) / len(reports) <= 9
    assert {p["career_stage"] for p in people} == {"early", "mid", "senior", "executive"}
    assert all(1 <= len(p["offers"]) <= 4 and 1 <= len(p["wants"]) <= 3 for p in people)
    assert sum(p["capacity"] in (1, 2) for p in people) > 0.8 * len(people)

    path = bench.write_cohort_csv(people, tmp_path / "participants.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header[:4] == ["id", "name", "role", "department"]
    assert {"offers", "wants", "manager_id", "timezone", "career_stage"} <= set(header)
    batch = load_participants([path])
    assert not batch.rejects
    assert len(batch.participants) == 300
    parsed = {p.id: p for p in batch.participants}
    assert all(parsed[p["id"]].offers == p["offers"] for p in people)  # nothing split apart


@pytest.mark.slow
def test_small_run_reports_every_metric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--people", "40", "--requests", "5", "--seed", "3", "--cold-runs",
                 "1", "--data-dir", str(tmp_path / "bench"), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    for label in ("raw encode", "ingest", "cold ask", "re-ingest", "ask latency",
                  "cohort pairing", "peers", "peak memory"):
        assert label in printed
    r = json.loads(out.read_text(encoding="utf-8"))

    assert r["people"] == 40 and r["statements"] >= r["unique_statements"] > 40
    assert r["model_load_seconds"] > 0 and r["raw_model"] and r["model"]
    raw = r["raw_encode"]
    assert raw["texts"] == r["unique_statements"]
    assert raw["seconds"] > 0 and raw["statements_per_s"] > 0

    ingest = r["ingest"]
    assert ingest["people"] == 40 and ingest["rejected"] == 0
    assert ingest["cache_entries_before"] == 0  # an honest cold ingest
    assert ingest["statements_embedded"] == r["unique_statements"]
    assert ingest["seconds"] > 0 and ingest["statements_per_s"] > 0
    assert ingest["embedded_per_s"] > 0
    assert r["ratios"]["ingest_vs_raw_encode"] == pytest.approx(
        ingest["embedded_per_s"] / raw["statements_per_s"])
    after = r["raw_encode_after"]  # the raw rate again right after, on a sample
    assert 0 < after["texts"] <= min(r["unique_statements"], 4096) and after["seconds"] > 0
    assert r["ratios"]["ingest_vs_raw_encode_after"] == pytest.approx(
        ingest["embedded_per_s"] / after["statements_per_s"])
    assert "raw encode again right after" in printed
    own = r["own_encode_after"]  # this project's encode path on the same sample
    assert own["texts"] == after["texts"] and own["seconds"] > 0
    assert r["ratios"]["own_encode_vs_raw_encode_after"] == pytest.approx(
        own["statements_per_s"] / after["statements_per_s"])
    assert "own encode path on that sample" in printed

    for cold in (r["cold_ask"], r["cold_ask_cohort"]):
        assert cold["runs"] == 1 and cold["asks_that_encoded"] == 1  # the model was needed
        assert cold["ask_cpu_seconds"] > 0 and cold["model_load_cpu_seconds"] > 0
        assert cold["ratio_cpu"] == pytest.approx(
            cold["ask_cpu_seconds"] / cold["model_load_cpu_seconds"])
    assert r["cold_ask"]["corpus"] == "demo corpus"
    assert r["ratios"]["cold_ask_vs_model_load_cpu"] == r["cold_ask"]["ratio_cpu"]

    again = r["reingest"]
    assert again["statements_embedded"] == 0
    assert again["unchanged"] == 40 and again["added"] == again["updated"] == 0
    assert again["seconds"] > 0

    ask = r["ask"]
    assert ask["requests"] == 5 and sum(ask["outcomes"].values()) == 5
    assert ask["via"] == "Conversation.send"
    assert 0 < ask["p50_ms"] <= ask["p95_ms"] <= ask["max_ms"]
    assert r["parse"]["messages"] == 5 and 0 < r["parse"]["p50_ms"] <= r["parse"]["p95_ms"]

    pairing = r["pairing"]
    assert pairing["pairs"] > 0 and pairing["optimal"] is True and pairing["gap"] == 0.0
    assert pairing["status"] == "optimal" and pairing["optimality"] == "optimal"
    assert pairing["bound"] == pytest.approx(pairing["total_score"])
    assert 0 < pairing["matched_fraction"] <= 1 and pairing["matched"] <= 40
    assert pairing["seconds"] > 0
    assert {"eligible_edges", "graph_edges", "rounds", "k", "bound"} <= set(pairing["solver"])

    peers = r["peers"]
    assert peers["ours"]["weight"] == pytest.approx(pairing["total_score"], abs=1e-4)
    assert peers["plain_milp"]["weight"] == pytest.approx(peers["ours"]["weight"], abs=1e-4)
    assert peers["greedy"]["weight"] <= peers["ours"]["weight"] + 1e-6
    one = peers["one_partner"]
    assert one["networkx"]["weight"] == pytest.approx(one["ours"]["weight"], abs=1e-4)
    assert r["ratios"]["peers_greedy_weight_vs_ours"] == peers["ratios"]["greedy_weight_vs_ours"]

    assert r["peak_rss_mib"] > 0
    assert max(r["peak_rss_mib_after"].values()) <= r["peak_rss_mib"]
    # what each step ends holding (Linux), printed beside the peaks
    held = r["resident_mib_after"]
    assert list(held) == list(r["peak_rss_mib_after"]) and min(held.values()) > 0
    assert "held at the end of each step: start " in printed
    assert (tmp_path / "bench" / "participants.csv").exists()  # a given folder is kept

    # every figure the table prints is in the JSON
    numbers = set(re.findall(r"\d+(?:\.\d+)?", json.dumps(r)))
    for figure in re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", printed):
        value = float(figure)
        assert figure in numbers or any(
            abs(float(x) - value) <= 0.5 * 10 ** -len(figure.split(".")[1])
            or abs(100 * float(x) - value) <= 0.5 * 10 ** -len(figure.split(".")[1])
            for x in numbers), figure
