"""The command line at its edges: every exit code of the README table, data folders that do
not exist, people named by id or full name, locks below the pair floor, agendas and the
coordinator CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import write_participants_csv

from assistant.cli import main
from assistant.embed import CachedEmbeddings
from assistant.store.lock import DataDirLock

PEOPLE = [
    dict(id="m1", name="Ana O'Neil", offers="Excel pivot tables", wants="Public speaking",
         department="Finance", career_stage="senior", timezone="Europe/London"),
    dict(id="m2", name="Bo Li", offers="Public speaking at conferences",
         wants="Excel pivot tables", department="Sales", career_stage="early",
         timezone="America/New_York"),
    dict(id="m3", name="Cy Park", offers="Public speaking to large rooms", wants="Excel formulas",
         manager_id="m1", department="Finance", career_stage="early"),
    dict(id="m4", name="Di Moss", offers="Beekeeping on the roof", wants="Medieval Latin",
         department="Operations", career_stage="mid"),
]


@pytest.fixture(autouse=True)
def one_model(monkeypatch: pytest.MonkeyPatch, embedder: CachedEmbeddings) -> None:
    """Each command opens its own service, as in a shell; they share the session's real
    model instead of loading it again for every command."""
    monkeypatch.setattr("assistant.service.make_embeddings",
                        lambda spec, cache_dir=None: (embedder, embedder.model_name))


@pytest.fixture
def ingested(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    people = write_participants_csv(tmp_path / "people.csv", PEOPLE)
    assert main(["ingest", "--quiet", str(people)]) == 0
    capsys.readouterr()
    return data_dir


def test_exit_0_ok(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats"]) == 0
    assert "participants: 4" in capsys.readouterr().out


def test_exit_1_other_error(ingested: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert main(["match", "--out", str(folder)]) == 1  # cannot write a file over a folder


def test_exit_2_usage(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["ask"])
    assert parsed.value.code == 2
    assert main(["match", "--lock", "m1"]) == 2
    assert "expected A,B" in capsys.readouterr().err
    assert main(["agenda", "m1", "Ana O'Neil"]) == 2


def test_exit_3_bad_input(data_dir: Path, tmp_path: Path, ingested: Path) -> None:
    assert main(["ingest", str(tmp_path / "missing.csv")]) == 3
    assert main(["agenda", "m1", "m2", "--start", "next tuesday"]) == 3
    assert main(["agenda", "m1", "m2", "--tz", "Mars/Olympus"]) == 3


def test_exit_4_data_folder_busy(ingested: Path) -> None:
    lock = DataDirLock(ingested, "exclusive", "pairing ingest (test)").acquire()
    try:
        assert main(["ask", "who can teach me Excel?"]) == 4
    finally:
        lock.release()


def test_exit_5_unknown_participant(ingested: Path) -> None:
    assert main(["explain", "m1", "nobody-here"]) == 5
    assert main(["forget", "Nobody Here"]) == 5


def test_exit_6_nothing_ingested(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir.mkdir(parents=True)
    for command in (["ask", "who can teach me Excel?"], ["explain", "m1", "m2"],
                    ["match"], ["agenda", "m1", "m2"]):
        assert main(command) == 6, command
        assert "Nobody has been ingested yet" in capsys.readouterr().err


def test_exit_6_a_data_folder_that_does_not_exist_is_refused_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "mistyped"
    for command in (["ask", "who can teach me Excel?"], ["stats"], ["match"],
                    ["explain", "m1", "m2"], ["forget", "m1"], ["chat"]):
        assert main([command[0], "--data-dir", str(typo), *command[1:]]) == 6, command
        assert "does not exist" in capsys.readouterr().err
    assert not typo.exists()


def test_exit_7_configuration(ingested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRING_REPORTING_LEVELS", "zero")
    assert main(["stats"]) == 7


def test_exit_8_conflicting_locks_or_a_forbidden_pair(ingested: Path) -> None:
    assert main(["match", "--lock", "m1,m3"]) == 8  # m3 reports to m1
    assert main(["agenda", "m1", "m3"]) == 8


def test_people_by_id_or_full_name_in_every_command(
    ingested: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "Ana O'Neil", "bo li"]) == 0
    assert "Why Bo Li?" in capsys.readouterr().out
    assert main(["ask", "--as", "Bo Li", "who would be a good partner for me?"]) == 0
    assert "Ana O'Neil" in capsys.readouterr().out
    assert main(["match", "--lock", "Ana O'Neil,Bo Li", "--exclude", "m3,m4"]) == 0
    assert main(["agenda", "Bo Li", "m1"]) == 0
    capsys.readouterr()
    assert main(["forget", "Di Moss"]) == 0  # the message says full names work: they do
    assert "forgot Di Moss (m4)" in capsys.readouterr().out
    assert main(["forget", "m4"]) == 5


def test_a_lock_below_the_pair_floor_warns(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", "--lock", "m2,m4"]) == 0
    err = capsys.readouterr().err
    assert "locked pair m2,m4 has pair score" in err and "below the pair floor 0.30" in err
    assert main(["match", "--lock", "m1,m2"]) == 0
    assert "below the pair floor" not in capsys.readouterr().err


def test_coordinator_csv_has_names_rationale_and_every_unmatched_person(
    ingested: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs.csv"
    assert main(["match", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    paired = [r for r in rows if r["status"] == "paired"]
    unmatched = [r for r in rows if r["status"] == "unmatched"]
    assert paired and unmatched
    for r in paired:
        assert r["a_name"] and r["b_name"] and " teaches " in r["why"]
        assert 0 <= float(r["pair_score"]) <= 1
        assert f"pair score {r['pair_score']}" in printed  # the terminal shows the same
    for r in unmatched:
        assert r["a_name"] and r["why"]
        assert f"{r['a_name']} ({r['a_id']}): {r['why']}" in printed
    matched = {x for r in paired for x in (r["a_id"], r["b_id"])}
    assert {r["a_id"] for r in unmatched} == {p["id"] for p in PEOPLE} - matched


def test_agenda_command_writes_markdown_and_an_invite(
    ingested: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from icalendar import Calendar

    md, ics = tmp_path / "a.md", tmp_path / "a.ics"
    code = main(["agenda", "m1", "m2", "--md", str(md), "--ics", str(ics),
                 "--start", "2026-05-05 15:30", "--tz", "Europe/Berlin"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("First reciprocal mentoring session: Ana O'Neil & Bo Li")
    assert md.read_text(encoding="utf-8").startswith(
        "# First reciprocal mentoring session: Ana O'Neil & Bo Li\n")
    event = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (15, 30, "Europe/Berlin")
