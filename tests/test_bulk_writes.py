"""Large ingests into a data folder: the store writes from a process of its own, and the
model leaves that process a core while it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assistant.store.writer as writer
from assistant.embed import sentence
from assistant.errors import StoreWriteFailed
from assistant.models import Participant
from assistant.store import ChromaStore
from assistant.store.bulk import WriterProcess

PEOPLE = [
    Participant(id=f"p{i}", name=f"Person {i}", offers=[offer, f"Team lead of squad {i}"],
                wants=[want])
    for i, (offer, want) in enumerate([
        ("Financial modelling in Excel", "Making TikTok videos"),
        ("Editing short videos for TikTok", "Public speaking"),
        ("Gardening", "Python basics"),
        ("Python for data cleaning", "Negotiating supplier contracts"),
        ("Negotiating supplier contracts", "Instagram for a small brand"),
    ])
]


def stored(path: Path) -> tuple[list[Participant], dict[str, tuple[list[str], np.ndarray]]]:
    store = ChromaStore(path)
    try:
        people = store.participants()
        matrices = {kind: store.statements(kind) for kind in ("offer", "want")}
        return people, {k: ([st.id for st in m.statements], m.vectors)
                        for k, m in matrices.items()}
    finally:
        store.close()


def test_a_large_ingest_writes_the_same_records_from_a_writer_process(
    tmp_path: Path, embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More people than one part: the folder's store is written by a child process, and
    what it holds is what the store writes itself for a small ingest."""
    here = ChromaStore(tmp_path / "here")
    try:
        writer.embed_and_store(embeddings, here, PEOPLE)  # one part: written in-process
        assert getattr(here, "bulk_peak_rss_mib", None) is None
    finally:
        here.close()

    monkeypatch.setattr(writer, "EMBED_STEP", 2)  # so 5 people are more than one part
    child = ChromaStore(tmp_path / "child")
    try:
        writer.embed_and_store(embeddings, child, PEOPLE)
        assert child.bulk_peak_rss_mib is not None and child.bulk_peak_rss_mib > 0
        # the parent's store reads what the child wrote without being reopened by hand
        assert [p.id for p in child.participants()] == [p.id for p in PEOPLE]
    finally:
        child.close()

    people_here, here_rows = stored(tmp_path / "here")
    people_child, child_rows = stored(tmp_path / "child")
    assert people_child == people_here == PEOPLE
    for kind in ("offer", "want"):
        assert child_rows[kind][0] == here_rows[kind][0]
        assert len(child_rows[kind][0]) == sum(len(getattr(p, f"{kind}s")) for p in PEOPLE)
        np.testing.assert_allclose(child_rows[kind][1], here_rows[kind][1], atol=1e-6)


def test_a_write_the_writer_process_cannot_make_is_an_error_not_a_hang(
    tmp_path: Path, embeddings: Any
) -> None:
    """Vectors of another length than the folder's: Chroma refuses them in the child, and
    the parent raises with Chroma's reason, then can still read what was stored before."""
    store = ChromaStore(tmp_path / "chroma")
    first = PEOPLE[0]
    vectors = embeddings.embed_documents([st.text for st in first.statements()])
    store.upsert(first, {st.id: v for st, v in zip(first.statements(), vectors, strict=True)})
    try:
        other = PEOPLE[1]
        with (pytest.raises(StoreWriteFailed, match="dimension") as failed,
              store.bulk_writes() as write):
            assert write is not None
            write([other], {st.id: [0.5, 0.5, 0.5] for st in other.statements()})
        assert str(tmp_path / "chroma") in str(failed.value)
        assert [p.id for p in store.participants()] == [first.id]
    finally:
        store.close()


def test_the_writer_process_reports_a_child_that_stopped(tmp_path: Path) -> None:
    """A child that dies before answering (here: killed) fails the write with its exit
    code, rather than leaving the parent waiting."""
    proc = WriterProcess(tmp_path / "chroma")
    proc._proc.kill()
    person = PEOPLE[2]
    with pytest.raises(StoreWriteFailed, match="exit code -9"):
        proc.write([person], {st.id: [1.0] * 384 for st in person.statements()})


def test_a_large_encode_leaves_claimed_cores_free_and_keeps_the_order(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large batches are encoded in chunks, longest text first, each on the threads no
    other work claimed; the rows come back in the order of the texts."""
    class Torch:
        threads = 2

        def get_num_threads(self) -> int:
            return self.threads

        def set_num_threads(self, n: int) -> None:
            self.threads = n

    torch = Torch()
    monkeypatch.setattr(sentence, "CHUNK", 3)
    monkeypatch.setattr(sentence, "_cores", None)
    calls: list[tuple[list[str], int]] = []

    def run(part: list[str]) -> np.ndarray:
        calls.append((part, torch.threads))
        return np.asarray([[float(len(t))] for t in part], dtype=np.float32)

    texts = ["bb", "a", "dddd", "ccc", "eeeee", "ffffff", "g"]
    out = sentence._encode_large(run, texts, torch)
    assert [t for part, _ in calls for t in part] == sorted(texts, key=len, reverse=True)
    assert {threads for _, threads in calls} == {2}
    assert out[:, 0].tolist() == [float(len(t)) for t in texts]

    calls.clear()
    with sentence.sharing_cores():
        sentence._encode_large(run, texts, torch)
    assert {threads for _, threads in calls} == {1}
    assert torch.threads == 2  # given back after the batch
    with sentence.sharing_cores(), sentence.sharing_cores():  # never fewer than one
        calls.clear()
        sentence._encode_large(run, texts, torch)
    assert {threads for _, threads in calls} == {1}
