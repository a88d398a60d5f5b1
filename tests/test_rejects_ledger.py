"""One rejects file per source file, replaced on re-ingest, listed by stats, cleaned by forget
wherever it was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import write_participants_csv

from assistant.ingest import read_rejects

GOOD = [{"id": f"g{i}", "name": f"Good {i}", "offers": "Excel", "wants": "TikTok"}
        for i in range(3)]


def bad(pid: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "name": f"Bad {pid}", "offers": "SQL", "wants": "Canva",
            "timezone": "Mars/Base", **extra}


def test_one_rejects_file_per_source_replaced_on_reingest(service_factory: Any,
                                                          tmp_path: Path) -> None:
    service = service_factory()
    one = write_participants_csv(tmp_path / "one.csv", [*GOOD, bad("b1"), bad("b2")])
    two = write_participants_csv(tmp_path / "two.csv", [bad("b3")])
    first = service.ingest([one, two])
    assert len(first.rejects_files) == 2
    again = service.ingest([one])
    assert again.rejects_files == first.rejects_files[:1]  # the same file, replaced
    assert len(list((service.data_dir / "rejects").glob("rejects-*"))) == 2

    # b1 fixed: its row leaves the rejects file; b2 still fails and stays
    fixed = write_participants_csv(one, [*GOOD, bad("b1", timezone="Europe/Paris"), bad("b2")])
    service.ingest([fixed])
    rows = [meta["_id"] for _, meta in read_rejects(first.rejects_files[0])]
    assert rows == ["b2"]
    stats = service.stats()["rejects_files"]
    assert stats == {str(first.rejects_files[0]): 1, str(first.rejects_files[1]): 1}

    # every row passes: the file goes
    write_participants_csv(one, [*GOOD, bad("b2", timezone="UTC")])
    assert service.ingest([one]).rejects_files == []
    assert not first.rejects_files[0].exists()


def test_ingesting_a_rejects_file_keeps_only_what_still_fails(service_factory: Any,
                                                              tmp_path: Path) -> None:
    service = service_factory()
    source = write_participants_csv(tmp_path / "in.csv", [*GOOD, bad("b1"), bad("b2")])
    (rejects,) = service.ingest([source]).rejects_files
    text = rejects.read_text(encoding="utf-8")
    rejects.write_text(text.replace("Mars/Base", "Europe/Oslo", 1), encoding="utf-8")
    report = service.ingest([rejects])
    assert report.added == ["b1"] and report.rejected == 1
    assert [meta["_id"] for _, meta in read_rejects(rejects)] == ["b2"]


def test_forget_cleans_rejects_written_anywhere_and_names_what_it_cannot(
        service_factory: Any, tmp_path: Path) -> None:
    service = service_factory()
    people = write_participants_csv(tmp_path / "in.csv", [*GOOD, bad("b1"), bad("b2")])
    outside = tmp_path / "elsewhere" / "out.csv"
    gone = tmp_path / "elsewhere" / "gone.csv"
    blocked = tmp_path / "elsewhere" / "blocked.csv"
    service.ingest([people], rejects_path=outside)
    other = write_participants_csv(tmp_path / "other.csv", [bad("b1", name="Second")])
    service.ingest([other], rejects_path=gone)
    third = write_participants_csv(tmp_path / "third.csv", [bad("b1", name="Third")])
    service.ingest([third], rejects_path=blocked)
    gone.unlink()
    blocked.unlink()
    blocked.mkdir()  # a folder where the file was: it cannot be read
    report = service.forget("b1")
    assert report.reject_rows == 1
    assert [meta["_id"] for _, meta in read_rejects(outside)] == ["b2"]
    assert len(report.unreachable) == 2
    assert any(str(gone) in u and "no longer there" in u for u in report.unreachable)
    assert any(str(blocked) in u for u in report.unreachable)
