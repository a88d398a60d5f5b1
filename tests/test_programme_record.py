"""The programme record file: migrations, refusal of newer files, erasure on disk."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.programme.models import Components, Origin, Reason, Status
from assistant.programme.record import MIGRATIONS, VERSION, Record, _replace_folded

DAY = date(2026, 3, 2)


def test_an_older_record_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "programme.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO pairs (a_id, b_id, round, origin, status, proposed_on, teach_ab, "
               "teach_ba, bonus) VALUES ('a1', 'b2', 1, 'cohort run', 'active', '2026-01-05', "
               "0.9, 0.8, 0.03)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    record = Record(path)
    [pair] = record.pairs()
    assert (pair.ids, pair.status, pair.origin) == (("a1", "b2"), Status.ACTIVE, Origin.COHORT)
    assert pair.components == Components(0.9, 0.8, 0.03)
    assert record.learned() == []  # the table migration 2 adds
    with record.write() as w:
        w.save_weights(DAY, 30, (0.5, 0.5, 1.0), True, {"note": "x"})
    assert record.learned(applied_only=True)[0]["evidence"] == {"note": "x"}
    record.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION == len(MIGRATIONS)
    db.close()


def test_a_record_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "programme.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {VERSION + 1}")
    db.close()
    with pytest.raises(ConfigError, match="newer version"):
        Record(path).pairs()


def test_reading_a_folder_without_a_record_creates_nothing(tmp_path: Path) -> None:
    record = Record(tmp_path / "programme.sqlite")
    assert (record.pairs(), record.rounds(), record.dismissals(), record.learned()) == (
        [], {}, [], [])
    assert not (tmp_path / "programme.sqlite").exists()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    record = Record(tmp_path / "programme.sqlite")
    with pytest.raises(RuntimeError), record.write() as w:
        w.start_round(1, DAY)
        w.add_pair("a", "b", 1, Origin.COHORT, DAY, Components(1, 1, 0))
        raise RuntimeError("solver failed half-way")
    assert record.rounds() == {} and record.pairs() == []


def test_forget_overwrites_the_person_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "programme.sqlite"
    record = Record(path)
    with record.write() as w:
        gone = w.add_pair("kept-1", "zorvath-77", 1, Origin.COHORT, DAY, Components(1, 1, 0))
        w.activate(gone, DAY)
        w.add_session(gone, DAY, "zorvath-77")
        w.add_feedback(gone, "kept-1", 2, "Zorvath Ellingsworth-Pike was often late", DAY)
        other = w.add_pair("kept-1", "kept-2", 1, Origin.REPAIR, DAY, Components(1, 1, 0),
                           replaces=[gone], reasons=[Reason("kept-1", "low fit", "zorvath-77", 2)])
        w.activate(other, DAY)
        w.add_feedback(other, "kept-2", 5, "better than with zorvath ellingsworth-pike", DAY)
        w.dismiss("kept-2", "zorvath-77", DAY)
    assert b"zorvath-77" in path.read_bytes()
    removed = record.forget("zorvath-77", "Zorvath Ellingsworth-Pike")
    assert removed == 4  # the session, the rating, the pair and the dismissal
    data = path.read_bytes().lower()
    assert b"zorvath" not in data
    [left] = record.pairs()
    assert left.reasons == [Reason("kept-1", "low fit", "", 2)]
    assert left.feedback[0].note == "better than with (someone forgotten)"


def test_case_insensitive_replacement() -> None:
    assert _replace_folded("Ann and ANN", "ann", "x") == "x and x"
    assert _replace_folded("nothing here", "ann", "x") == "nothing here"
