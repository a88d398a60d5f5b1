"""PairingService over a real data folder: idempotent ingest, rejects, forget, errors."""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import files_containing, raw_files, write_participants_csv

from assistant.embed import CachedEmbeddings, text_key
from assistant.errors import InputFormatError, UnknownParticipant, ValidationFailed
from assistant.match import Request

BASE: list[dict[str, Any]] = [
    dict(id="p1", name="Priya Raman", offers="Financial modelling in Excel; Budget planning",
         wants="Making TikTok videos", department="Finance", career_stage="senior",
         timezone="Europe/London"),
    dict(id="p2", name="Marco Bellini", offers="Editing short TikTok videos",
         wants="Excel spreadsheets for budgets; Public speaking", department="Marketing",
         career_stage="early", timezone="Europe/London"),
    dict(id="p3", name="Sofia Lindgren", offers="Public speaking", wants="Python basics",
         manager_id="p1", department="Finance", career_stage="mid", timezone="Europe/Berlin"),
    dict(id="p4", name="Tom Becker", offers="Python basics for analysts",
         wants="Budget planning", department="Technology", career_stage="mid",
         timezone="America/New_York"),
]


def unique_texts(rows: list[dict[str, Any]]) -> set[str]:
    return {t.strip() for r in rows for k in ("offers", "wants") for t in r[k].split(";")}


def test_reingest_is_idempotent_with_the_default_sqlite_cache(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    path = write_participants_csv(tmp_path / "people.csv", BASE)
    service = service_factory(embeddings=None)  # real model, cache file in the data folder
    assert isinstance(service.embeddings, CachedEmbeddings)
    assert service.embeddings.path == data_dir / "embed-cache.sqlite"

    first = service.ingest([path])
    assert sorted(first.added) == ["p1", "p2", "p3", "p4"]
    assert first.embedded == len(unique_texts(BASE))  # "Public speaking" etc. once

    again = service.ingest([path])
    assert (again.added, again.updated) == ([], [])
    assert sorted(again.unchanged) == ["p1", "p2", "p3", "p4"]
    assert again.embedded == 0
    assert again.rejected == 0 and again.rejects_file is None

    changed = [dict(r) for r in BASE]
    changed[1]["offers"] = "Editing short TikTok videos; Instagram reels"
    service.ingest([write_participants_csv(path, changed)])
    third = service.ingest([write_participants_csv(path, changed)])
    assert third.embedded == 0
    service.close()

    # a new instance (a new process, in real use) reuses the vectors on disk
    moved = [dict(r) for r in changed]
    moved[3]["location"] = "Boston"
    again = service_factory(embeddings=None)
    report = again.ingest([write_participants_csv(path, moved)])
    assert report.updated == ["p4"]
    assert sorted(report.unchanged) == ["p1", "p2", "p3"]
    assert report.embedded == 0
    assert again.get("p4").location == "Boston"
    assert again.stats()["embedding_cache_entries"] == len(unique_texts(BASE)) + 1


def test_a_new_embedding_model_re_embeds_everyone_stored(
    service_factory: Any, st_model: Any, embeddings: CachedEmbeddings, tmp_path: Path
) -> None:
    """Vectors of two models never mix: reads refuse, the next ingest re-embeds all."""
    import numpy as np

    from assistant.errors import StaleIndex

    path = write_participants_csv(tmp_path / "people.csv", BASE)
    guide = tmp_path / "guide.md"
    guide.write_text("# Meetings\n\nMeet every two weeks.\n", encoding="utf-8")
    first = service_factory()
    first.ingest([path, guide])
    assert first.stats()["vectors_built_with"] == embeddings.model_name
    first.close()

    plain = CachedEmbeddings(st_model, None, st_model.name)  # the model without vocabulary
    second = service_factory(embeddings=plain)
    assert second.built_with() == embeddings.model_name != second.embedding_name
    with pytest.raises(StaleIndex):
        second.find(Request(wants=["TikTok"]))
    with pytest.raises(StaleIndex):
        second.search_guidance("how often should we meet?")

    only_p1 = write_participants_csv(tmp_path / "one.csv", BASE[:1])
    report = second.ingest([only_p1])
    assert (report.reembedded_people, report.reembedded_guidance) == (4, 1)
    assert report.unchanged == ["p1"]
    assert second.built_with() == st_model.name
    stored = second.matcher.snapshot.vectors["offer"]["p4"]  # p4 was not in the file
    fresh = np.asarray(st_model.embed_documents(["Python basics for analysts"]))
    assert np.allclose(stored, fresh, atol=1e-5)
    assert second.find(Request(wants=["TikTok"])).candidates
    assert second.search_guidance("how often should we meet?")


def test_changing_one_row_updates_just_that_person(service_factory: Any, tmp_path: Path
                                                   ) -> None:
    service = service_factory()
    path = write_participants_csv(tmp_path / "people.csv", BASE)
    service.ingest([path])
    changed = [dict(r) for r in BASE]
    changed[0]["wants"] = "Making TikTok videos; Designing slides in Canva"
    report = service.ingest([write_participants_csv(path, changed)])
    assert report.updated == ["p1"]
    assert report.added == []
    assert sorted(report.unchanged) == ["p2", "p3", "p4"]
    assert report.embedded == 1
    assert service.get("p1").wants == ["Making TikTok videos", "Designing slides in Canva"]
    # the new statement is searchable at once
    result = service.find(Request(wants=["Financial modelling in Excel"],
                                  offers=["Canva slide design"]), k=5)
    p1 = next(c for c in result.candidates if c.id == "p1")
    assert p1.to_candidate[0].want == "Designing slides in Canva"
    assert p1.to_candidate[0].strength > 0.5
    wants = [s.text for s in service.store.statements("want").statements
             if s.participant_id == "p1"]
    assert sorted(wants) == ["Designing slides in Canva", "Making TikTok videos"]


def test_duplicate_ids_are_caught_before_the_store(service_factory: Any, tmp_path: Path
                                                   ) -> None:
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "base.csv", BASE)])
    before = service.get("p2")
    rows = [dict(BASE[1], name="Marco B."), dict(BASE[1], name="Marco Bellini-Rossi"),
            dict(id="p5", name="New Person", offers="Negotiation", wants="SQL")]
    report = service.ingest([write_participants_csv(tmp_path / "dups.csv", rows)])
    assert report.rejected == 2
    assert report.added == ["p5"]
    assert service.get("p2") == before
    assert report.rejects_file is not None
    with report.rejects_file.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [r["name"] for r in written] == ["Marco B.", "Marco Bellini-Rossi"]
    assert all("appears on lines 2, 3" in r["_errors"] for r in written)


def test_rejects_go_to_the_data_folder_and_nothing_is_lost(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    rows = [*BASE,
            dict(id="b1", name="Bad Zone", offers="x", wants="y", timezone="Mars/Base"),
            dict(id="b2", name="Bad Cap", offers="x", wants="y", capacity="lots"),
            dict(id="b3", name="Bad Boss", offers="x", wants="y", manager_id="ghost")]
    service = service_factory()
    report = service.ingest([write_participants_csv(tmp_path / "in.csv", rows)])
    assert len(report.added) + report.rejected == len(rows)
    assert report.rejects_file is not None
    assert report.rejects_file.parent == data_dir / "rejects"
    with report.rejects_file.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [r["id"] for r in written] == ["b1", "b2", "b3"]
    assert written[0]["timezone"] == "Mars/Base" and written[1]["capacity"] == "lots"
    assert len(report.problems) == 3
    assert report.problems[0].startswith(f"{tmp_path / 'in.csv'}:6 (id b1): field 'timezone'")


def test_strict_ingest_raises_and_ingests_nothing(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    rows = [*BASE, dict(id="b1", name="Bad", offers="x", wants="y", career_stage="guru")]
    service = service_factory()
    with pytest.raises(ValidationFailed) as info:
        service.ingest([write_participants_csv(tmp_path / "in.csv", rows)], strict=True)
    assert [p.record_id for p in info.value.problems] == ["b1"]
    assert service.participants() == []
    assert service.store.statements("offer").statements == []
    assert not (data_dir / "rejects").exists()


def test_ingest_a_folder_classifies_files(service_factory: Any, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write_participants_csv(folder / "participants.csv", BASE)
    write_participants_csv(folder / "rejects-old.csv", [dict(BASE[0], id="zz")])
    (folder / "guidance").mkdir()
    (folder / "guidance" / "rules.md").write_text(
        "# Rules\n\n## Cancelling\nGive a day's notice before cancelling.\n\n"
        "## Confidentiality\nSessions are private.\n", encoding="utf-8")
    (folder / "README.md").write_text("# Readme\n\nnot guidance\n", encoding="utf-8")
    (folder / "notes.xlsx").write_bytes(b"ignored inside a folder")
    service = service_factory()
    report = service.ingest([folder])
    assert sorted(report.added) == ["p1", "p2", "p3", "p4"]
    assert (report.guidance_files, report.guidance_chunks) == (1, 2)
    hits = service.search_guidance("how early must I tell my partner I cannot come?", k=2)
    assert hits[0].citation == "rules.md > Rules: Cancelling"
    assert hits[0].score >= hits[1].score
    with pytest.raises(InputFormatError, match=r"cannot ingest '\.xlsx'"):
        service.ingest([folder / "notes.xlsx"])
    with pytest.raises(InputFormatError, match="no such file"):
        service.ingest([tmp_path / "missing.csv"])


def test_corrected_rejects_file_can_be_ingested(service_factory: Any, tmp_path: Path) -> None:
    service = service_factory()
    rows = [dict(id="b1", name="Bad Zone", offers="x", wants="y", timezone="Mars/Base")]
    report = service.ingest([write_participants_csv(tmp_path / "in.csv", rows)])
    fixed = report.rejects_file.read_text(encoding="utf-8").replace("Mars/Base", "Europe/Paris")
    report.rejects_file.write_text(fixed, encoding="utf-8")
    again = service.ingest([report.rejects_file])
    assert again.added == ["b1"]


# forget -------------------------------------------------------------------------------
SECRET = dict(id="zq-7731", name="Ximena Quillfeather",
              offers="Restoring antique harpsichords; Public speaking",
              wants="Competitive origami folding; Zither tuning for beginners",
              department="Facilities", location="Reykjavik", timezone="Atlantic/Reykjavik")
SECRET_TEXTS = ["Restoring antique harpsichords", "Competitive origami folding",
                "Zither tuning for beginners"]


def secret_needles() -> list[str]:
    return [SECRET["id"], SECRET["name"], *SECRET_TEXTS]


def test_forget_leaves_no_trace_in_the_data_folder(
    service_factory: Any, embedder: CachedEmbeddings, data_dir: Path, tmp_path: Path
) -> None:
    cache = CachedEmbeddings(embedder, data_dir / "embed-cache.sqlite", "test-model")
    service = service_factory(embeddings=cache)
    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n\n## Meetings\nMeet every two weeks.\n", encoding="utf-8")
    service.ingest([write_participants_csv(tmp_path / "people.csv", [*BASE, SECRET]), guide])
    # a later, rejected update of the same person lands in a rejects file
    bad_update = dict(SECRET, timezone="Nowhere/Zither")
    report = service.ingest([write_participants_csv(
        tmp_path / "update.csv", [bad_update, dict(id="b9", name="Other Reject", offers="x",
                                                  wants="y", capacity="99")])])
    assert report.rejected == 2
    # the scan finds the person before forgetting, so its silence afterwards means something
    for needle in secret_needles():
        assert files_containing(data_dir, needle), needle
    keys = {t: text_key("test-model", t) for t in [*SECRET_TEXTS, "Public speaking"]}

    forgot = service.forget("zq-7731")
    # Raw bytes of the Chroma folder: Chroma writes index files from this process's memory
    # (which still holds the text) on its own schedule, so that check runs where the real
    # workflow runs it, across processes: test_forget_cli_then_fresh_reader_leaves_no_trace.
    for needle in secret_needles():
        outside_chroma = [f for f in files_containing(data_dir, needle) if "chroma" not in f.parts]
        assert outside_chroma == [], needle
    assert forgot.name == "Ximena Quillfeather"
    assert forgot.statements == 4
    assert forgot.cache_entries == 3  # "Public speaking" is p3's too and stays cached
    assert forgot.reject_rows == 1

    assert "zq-7731" not in {p.id for p in service.participants()}
    with pytest.raises(UnknownParticipant):
        service.get("zq-7731")
    db = sqlite3.connect(data_dir / "embed-cache.sqlite")
    stored = {k for (k,) in db.execute("SELECT key FROM vectors")}
    db.close()
    assert not {keys[t] for t in SECRET_TEXTS} & stored
    assert keys["Public speaking"] in stored

    offers = service.store.statements("offer").statements
    assert all(s.participant_id != "zq-7731" for s in offers)
    # (searching for the skill embeds the query text again: a hash key, never the text)
    result = service.find(Request(wants=["Restoring antique harpsichords"]), k=10)
    assert "zq-7731" not in {c.id for c in result.candidates + result.near_misses}

    for needle in secret_needles():  # Chroma's own files: see the comment above
        outside_chroma = [f for f in files_containing(data_dir, needle) if "chroma" not in f.parts]
        assert outside_chroma == [], needle
    # other people, their rejected row and the guidance are intact
    assert sorted(p.id for p in service.participants()) == ["p1", "p2", "p3", "p4"]
    assert files_containing(data_dir, "Other Reject")
    assert service.search_guidance("how often do we meet", k=1)[0].text == "Meet every two weeks."
    assert service.find(Request(asker_id="p2"), k=3).candidates[0].id == "p1"
    # and the folder is still writable
    assert service.ingest([tmp_path / "people.csv"]).added == ["zq-7731"]
    assert raw_files(data_dir)


def test_forget_someone_only_in_rejects(service_factory: Any, data_dir: Path, tmp_path: Path
                                        ) -> None:
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "p.csv",
                                           [*BASE, dict(SECRET, capacity="lots")])])
    assert files_containing(data_dir, "Ximena Quillfeather")
    report = service.forget("zq-7731")
    assert (report.statements, report.reject_rows) == (0, 1)
    assert files_containing(data_dir, "Ximena Quillfeather") == []
    assert not list((data_dir / "rejects").glob("*"))  # the file held only that row


def test_forget_removes_rows_of_mapped_survey_rejects(
    service_factory: Any, data_dir: Path, tmp_path: Path
) -> None:
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "p.csv", [*BASE, SECRET])])
    survey = [{"Employee ID": "zq-7731", "Full name": "Ximena Quillfeather",
               "Teach": "Harpsichords", "Learn": "Origami", "Capacity": "lots"}]
    mapping = {"Employee ID": "id", "Full name": "name", "Teach": "offers", "Learn": "wants",
               "Capacity": "capacity"}
    service.ingest([write_participants_csv(tmp_path / "form.csv", survey)], mapping=mapping)
    service.forget("zq-7731")
    assert files_containing(data_dir, "Ximena Quillfeather") == []


def test_forgetting_a_middle_manager_keeps_the_skip_level_line(
    service_factory: Any, tmp_path: Path
) -> None:
    rows = [dict(id="top", name="Top Boss", offers="Excel financial models",
                 wants="TikTok videos"),
            dict(id="mid", name="Mid Manager", offers="Gardening", wants="Knitting",
                 manager_id="top"),
            dict(id="low", name="Low Report", offers="Making TikTok videos",
                 wants="Financial modelling in Excel", manager_id="mid")]
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "p.csv", rows)])
    assert "top" not in {c.id for c in service.find(Request(asker_id="low")).candidates}
    service.forget("mid")
    assert "top" not in {c.id for c in service.find(Request(asker_id="low")).candidates}


def test_unknown_ids_raise_unknown_participant(service_factory: Any, tmp_path: Path) -> None:
    service = service_factory()
    service.ingest([write_participants_csv(tmp_path / "p.csv", BASE)])
    with pytest.raises(UnknownParticipant) as info:
        service.forget("p11")
    assert "p11" in str(info.value)
    assert info.value.suggestions  # close ids are offered
    with pytest.raises(UnknownParticipant):
        service.get("nobody")
    with pytest.raises(UnknownParticipant):
        service.explain("p1", "nobody")
    with pytest.raises(UnknownParticipant):
        service.find(Request(asker_id="nobody"))
    with pytest.raises(UnknownParticipant):
        service.resolve("Zed")
    assert service.resolve("priya").id == "p1"
    assert service.resolve("Marco Bellini").id == "p2"
    assert len(service.participants()) == 4


def test_service_never_touches_the_users_data_folder(data_dir: Path, tmp_path: Path) -> None:
    from assistant.config import Settings

    assert Settings().data_dir == data_dir
    assert str(tmp_path) in str(Settings().data_dir)


def test_forget_cli_then_fresh_reader_leaves_no_trace(data_dir: Path, tmp_path: Path) -> None:
    """The real workflow: `pairing forget` in one process, later commands in others."""
    import subprocess
    import sys

    people = write_participants_csv(tmp_path / "people.csv", [*BASE, SECRET])
    env = {**os.environ, "PAIRING_DATA_DIR": str(data_dir)}

    def pairing(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True,
            text=True, timeout=300, check=False,
        )

    guide = tmp_path / "guide.md"
    guide.write_text("# Guide\n\n## Meetings\nMeet every two weeks.\n", encoding="utf-8")
    assert pairing("ingest", str(people), str(guide)).returncode == 0
    bad_update = write_participants_csv(
        tmp_path / "update.csv", [dict(SECRET, timezone="Nowhere/Zither")]
    )
    assert pairing("ingest", str(bad_update)).returncode == 0
    assert all(files_containing(data_dir, n) for n in secret_needles())
    done = pairing("forget", "zq-7731")
    assert done.returncode == 0, done.stderr
    asked = pairing("ask", "who can teach me restoring antique harpsichords?", "--as", "p1")
    assert asked.returncode == 0, asked.stderr
    assert "Quillfeather" not in asked.stdout
    for needle in secret_needles():
        assert files_containing(data_dir, needle) == [], needle
    again = pairing("forget", "zq-7731")
    assert again.returncode == 5 and "zq-7731" in again.stderr


def test_cli_answers_are_plain_text_unless_markdown_is_asked_for(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chat answers are Markdown with user text escaped; a terminal must not show the escapes."""
    from assistant.cli import main

    people = write_participants_csv(tmp_path / "people.csv", [
        dict(id="m1", name="Ana (Annie) O'Neil", offers="Excel pivot tables & lookups",
             wants="Public speaking", department="Finance", career_stage="senior"),
        dict(id="m2", name="Bo Li", offers="Public speaking at conferences",
             wants="Excel [advanced] formulas", department="Sales", career_stage="early"),
    ])
    assert main(["ingest", "--quiet", str(people)]) == 0
    capsys.readouterr()
    assert main(["ask", "--as", "m2", "who can teach me Excel?"]) == 0
    text = capsys.readouterr().out
    assert "Ana (Annie) O'Neil" in text and "pivot tables & lookups" in text
    assert "\\" not in text and "**" not in text and "&amp;" not in text
    assert "Ask why?" not in text and "pairing explain m2 m1" in text  # terminal follow-ups
    assert main(["explain", "m2", "m1"]) == 0
    text = capsys.readouterr().out
    assert "Excel [advanced] formulas" in text and "\\" not in text
    assert main(["ask", "--as", "m2", "who can teach me Excel?", "--markdown"]) == 0
    assert "Ana \\(Annie\\) O'Neil" in capsys.readouterr().out
