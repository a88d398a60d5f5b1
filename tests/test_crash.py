"""Crash consistency: ``pairing ingest`` killed with SIGKILL before, during and after its
store write, then run again: the counts are exact and questions are answered.

Between a kill during the write and the re-run, the data folder says so (reads refused,
exit 6) instead of claiming the vectors were made by another embedding model.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_participants_csv

from assistant.config import Settings
from assistant.embed import CachedEmbeddings
from assistant.errors import WriteInterrupted
from assistant.match import Request
from assistant.service import PairingService
from assistant.store.journal import NOTE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 400
PHRASES = ["Snapchat stories", "TikTok editing", "Excel pivot tables", "SQL basics",
           "business strategy", "negotiation", "budgeting", "public speaking",
           "Canva design", "LinkedIn posts", "Python scripting", "client communication"]


def cohort(path: Path) -> tuple[Path, int, int]:
    """A cohort of PEOPLE with a manager tree; returns (file, offers, wants)."""
    rng = random.Random(7)
    rows = []
    offers = wants = 0
    for i in range(PEOPLE):
        teach = rng.sample(PHRASES, rng.randint(1, 3))
        learn = rng.sample([p for p in PHRASES if p not in teach], rng.randint(1, 3))
        offers, wants = offers + len(teach), wants + len(learn)
        rows.append({"id": f"c{i:04d}", "name": f"Person {i}", "offers": teach, "wants": learn,
                     "manager_id": f"c{(i - 1) // 5:04d}" if i else "",
                     "location": rng.choice(["London", "Leeds", "Paris"])})
    return write_participants_csv(path, rows), offers, wants


def start_ingest(data: Path, source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "ingest", str(source),
         "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})


def kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool], limit: float = 600) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()``; False if it ended first."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the ingest never reached the point to kill it at")


def open_shared(data: Path, embedder: CachedEmbeddings) -> PairingService:
    return PairingService(Settings(data_dir=data, store="chroma"), mode="shared",
                          embeddings=CachedEmbeddings(embedder, None, embedder.model_name))


def test_ingest_killed_before_during_and_after_its_store_write(
        tmp_path: Path, embedder: CachedEmbeddings) -> None:
    source, offers, wants = cohort(tmp_path / "cohort.csv")
    data = tmp_path / "data"
    note = data / NOTE
    holders = data / ".holders"
    kills = 0

    # 1. before the store write: the lock is held, the model loads, nothing is written yet
    proc = start_ingest(data, source)
    assert kill_when(proc, lambda: holders.is_dir() and any(holders.glob("*.json")))
    kills += 1
    assert not note.exists()
    with open_shared(data, embedder) as service:  # nothing was written: an empty folder
        assert service.stats()["participants"] == 0
        assert not list(holders.glob(f"{proc.pid}.json"))  # the dead holder's note is gone

    # 2. during the store write
    proc = start_ingest(data, source)
    seen: list[int] = []

    def writing() -> bool:  # the note is there and the store has grown since it appeared
        if not note.exists():
            return False
        size = 0
        for file in (data / "chroma").rglob("*"):
            with contextlib.suppress(OSError):
                size += file.stat().st_size if file.is_file() else 0
        seen.append(size)
        return size > seen[0] or len(seen) > 2000

    assert kill_when(proc, writing)
    kills += 1
    with open_shared(data, embedder) as service:
        assert service.built_with() == service.embedding_name  # not 'unknown'
        with pytest.raises(WriteInterrupted, match="did not finish"):
            service.find(Request(wants=["Snapchat"]))
        assert "did not finish" in str(service.stats()["incomplete"])
    ask = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "ask",
         "who can teach me Snapchat"], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert ask.returncode == 6, ask.stderr
    assert "did not finish" in ask.stderr and "embedding model" not in ask.stderr

    # 3. after the store write (the note is gone, the process is closing), or as late as
    # the process lets us: the re-run completes the interrupted ingest
    proc = start_ingest(data, source)
    killed = kill_when(proc, lambda: (data / "embedding-model.txt").exists() and
                       not note.exists())
    kills += int(killed)
    if not killed:
        out = proc.communicate()[0]
        assert "completing an interrupted write" in out

    # 4. the re-run: exact counts, no false "model changed", questions answered
    final = start_ingest(data, source)
    out, err = final.communicate(timeout=900)
    assert final.returncode == 0, err
    assert "model changed" not in out and "re-embedded" not in out
    with open_shared(data, embedder) as service:
        stats = service.stats()
        assert (stats["participants"], stats["offer_statements"], stats["want_statements"]) \
            == (PEOPLE, offers, wants)
        assert stats["incomplete"] == ""
        result = service.find(Request(wants=["Snapchat stories"], offers=["budgeting"]), k=3)
        assert result.candidates
    stats_cli = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "stats", "--json"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert json.loads(stats_cli.stdout)["participants"] == PEOPLE
    assert kills >= 2
    print(f"kills survived: {kills}")


def test_a_forget_killed_between_its_two_renames_is_completed_on_open(tmp_path: Path) -> None:
    import shutil

    from assistant.models import Participant
    from assistant.store.chroma import ChromaStore

    path = tmp_path / "chroma"
    person = Participant(id="a1", name="Ann", offers=["x"], wants=["y"])
    store = ChromaStore(path)
    store.upsert(person, {st.id: [1.0, 0.0, 0.0] for st in person.statements()})
    store.close()
    shutil.copytree(path, tmp_path / "chroma.rebuild")  # the rebuilt folder, complete
    path.rename(tmp_path / "chroma.old")  # killed after the first rename
    reopened = ChromaStore(path)
    assert [p.id for p in reopened.participants()] == ["a1"]
    reopened.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chroma"]
