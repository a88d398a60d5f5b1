"""One contract every store backend keeps (parametrised over ``assistant.store.BACKENDS``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.vectorstores import VectorStore

from assistant.errors import ConfigError
from assistant.ingest import chunk_markdown
from assistant.models import Participant
from assistant.store import BACKENDS, ChromaStore, ParticipantStore, make_store

ALICE = Participant(id="alice", name="Alice Quist", offers=["Financial modelling in Excel",
                    "Negotiating supplier contracts"], wants=["Making TikTok videos"])
BOB = Participant(id="bob", name="Bob Ruiz", offers=["Editing short videos for TikTok"],
                  wants=["Excel spreadsheets for budgeting", "Public speaking"])
CARA = Participant(id="cara", name="Cara Singh", offers=["Gardening"], wants=["Python basics"])

GUIDE_A = """# Ground rules

## Confidentiality
What is said in a mentoring session stays between the two partners.

## Cancelling
Give your partner at least a day's notice when you cannot make a meeting.
"""
GUIDE_B = """# Agendas

## First session
Spend the first meeting getting to know each other and agreeing on goals.
"""


def vectors_for(person: Participant, embeddings: Any) -> dict[str, list[float]]:
    statements = person.statements()
    vecs = embeddings.embed_documents([s.text for s in statements])
    return {s.id: v for s, v in zip(statements, vecs, strict=True)}


@pytest.fixture(params=[*sorted(BACKENDS), "chroma-server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ParticipantStore]:
    """Every backend; ``chroma-server`` is the chroma backend on a real ``chroma run``."""
    if request.param == "chroma-server":
        backend = make_store("chroma", tmp_path, request.getfixturevalue("chroma_url"))
    else:
        backend = make_store(request.param, tmp_path)
    yield backend
    backend.close()


def test_unknown_store_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown store"):
        make_store("postgres", tmp_path)


def test_chroma_lives_in_the_data_folder(tmp_path: Path) -> None:
    store = make_store("chroma", tmp_path)
    try:
        assert isinstance(store, ChromaStore)
        assert store.path == tmp_path / "chroma"
        assert (tmp_path / "chroma").is_dir()
    finally:
        store.close()


class TestStoreContract:
    def fill(self, store: ParticipantStore, embeddings: Any) -> None:
        for person in (CARA, ALICE, BOB):
            store.upsert(person, vectors_for(person, embeddings))

    def test_empty_store(self, store: ParticipantStore) -> None:
        assert store.participants() == []
        assert store.fingerprints() == {}
        for kind in ("offer", "want"):
            matrix = store.statements(kind)  # type: ignore[arg-type]
            assert matrix.statements == []
            assert len(matrix.vectors) == 0
        assert store.query("offer", np.ones((2, 384), dtype=np.float32) / 20, 3) == [[], []]
        assert store.guidance_count() == 0
        assert store.delete("nobody") is False

    def test_participants_ordered_by_id_and_round_trip(self, store: ParticipantStore,
                                                      embeddings: Any) -> None:
        self.fill(store, embeddings)
        people = store.participants()
        assert [p.id for p in people] == ["alice", "bob", "cara"]
        assert people == [ALICE, BOB, CARA]

    def test_fingerprints(self, store: ParticipantStore, embeddings: Any) -> None:
        self.fill(store, embeddings)
        assert store.fingerprints() == {p.id: p.fingerprint() for p in (ALICE, BOB, CARA)}
        moved = ALICE.model_copy(update={"location": "Berlin"})
        store.upsert(moved, vectors_for(moved, embeddings))
        assert store.fingerprints()["alice"] == moved.fingerprint() != ALICE.fingerprint()

    def test_statements_matrix(self, store: ParticipantStore, embeddings: Any) -> None:
        self.fill(store, embeddings)
        offers = store.statements("offer")
        wants = store.statements("want")
        assert {s.text for s in offers.statements} == {*ALICE.offers, *BOB.offers, *CARA.offers}
        assert {s.text for s in wants.statements} == {*ALICE.wants, *BOB.wants, *CARA.wants}
        assert all(s.kind == "offer" for s in offers.statements)
        assert offers.vectors.shape == (4, 384)
        assert wants.vectors.shape == (4, 384)
        for matrix in (offers, wants):
            expected = np.asarray(embeddings.embed_documents([s.text for s in matrix.statements]))
            assert np.allclose(matrix.vectors, expected, atol=1e-5)  # rows aligned
        by_id = {s.id: s for s in offers.statements}
        assert by_id["alice::offer::1"].text == "Negotiating supplier contracts"
        assert by_id["alice::offer::1"].participant_id == "alice"
        assert by_id["alice::offer::1"].index == 1

    def test_upsert_replaces_all_statements(self, store: ParticipantStore,
                                            embeddings: Any) -> None:
        self.fill(store, embeddings)
        fewer = ALICE.model_copy(update={"offers": ["Sourdough baking"]})
        store.upsert(fewer, vectors_for(fewer, embeddings))
        offers = store.statements("offer").statements
        alice = [s.text for s in offers if s.participant_id == "alice"]
        assert alice == ["Sourdough baking"]
        assert len(store.participants()) == 3
        assert next(p for p in store.participants() if p.id == "alice") == fewer
        hit = store.query("offer", np.asarray(embeddings.embed_documents(
            ["Negotiating supplier contracts"])), 4)[0]
        assert all(h.statement.text != "Negotiating supplier contracts" for h in hit)

    def test_delete(self, store: ParticipantStore, embeddings: Any) -> None:
        self.fill(store, embeddings)
        assert store.delete("bob") is True
        assert store.delete("bob") is False
        assert [p.id for p in store.participants()] == ["alice", "cara"]
        assert "bob" not in store.fingerprints()
        for kind in ("offer", "want"):
            matrix = store.statements(kind)  # type: ignore[arg-type]
            assert all(s.participant_id != "bob" for s in matrix.statements)
            assert len(matrix.vectors) == len(matrix.statements)
        hits = store.query("offer", np.asarray(embeddings.embed_documents(["TikTok"])), 10)[0]
        assert "bob" not in {h.statement.participant_id for h in hits}

    def test_query_orders_by_similarity(self, store: ParticipantStore, embeddings: Any) -> None:
        self.fill(store, embeddings)
        queries = np.asarray(embeddings.embed_documents(
            ["Excel financial models", "short-form video on TikTok"]), dtype=np.float32)
        excel, tiktok = store.query("offer", queries, 3)
        assert excel[0].statement.id == "alice::offer::0"
        assert tiktok[0].statement.id == "bob::offer::0"
        for hits, q in ((excel, queries[0]), (tiktok, queries[1])):
            assert len(hits) == 3
            sims = [h.similarity for h in hits]
            assert sims == sorted(sims, reverse=True)
            for h in hits:  # similarity is the cosine of normalised vectors
                vec = np.asarray(embeddings.embed_documents([h.statement.text])[0])
                assert h.similarity == pytest.approx(float(vec @ q), abs=1e-4)
        wants = store.query("want", queries[:1], 10)[0]
        assert len(wants) == 4  # k larger than the collection returns everything
        assert wants[0].statement.id == "bob::want::0"
        assert all(h.statement.kind == "want" for h in wants)

    def test_set_guidance_replaces_by_source(self, store: ParticipantStore,
                                             embeddings: Any) -> None:
        a = chunk_markdown(GUIDE_A, "rules.md")
        b = chunk_markdown(GUIDE_B, "agendas.md")
        store.set_guidance(a, embeddings.embed_documents([c.text for c in a]))
        store.set_guidance(b, embeddings.embed_documents([c.text for c in b]))
        assert store.guidance_count() == 3
        shorter = chunk_markdown("# Ground rules\n\n## Confidentiality\nKeep it private.\n",
                                 "rules.md")
        store.set_guidance(shorter, embeddings.embed_documents([c.text for c in shorter]))
        assert store.guidance_count() == 2
        assert store.guidance_chunks() == sorted(b + shorter, key=lambda c: (c.source, c.order))
        vs = store.guidance_store(embeddings)
        docs = vs.similarity_search("how much notice before cancelling a meeting", k=5)
        assert {d.page_content for d in docs} == {"Keep it private.", b[0].text}

    def test_guidance_store_is_a_langchain_vector_store(self, store: ParticipantStore,
                                                        embeddings: Any) -> None:
        chunks = chunk_markdown(GUIDE_A, "rules.md") + chunk_markdown(GUIDE_B, "agendas.md")
        store.set_guidance(chunks, embeddings.embed_documents([c.text for c in chunks]))
        vs = store.guidance_store(embeddings)
        assert isinstance(vs, VectorStore)
        found = vs.similarity_search_with_relevance_scores(
            "my partner keeps cancelling at short notice", k=3)
        top, score = found[0]
        assert top.metadata["source"] == "rules.md"
        assert top.metadata["heading"] == "Ground rules: Cancelling"
        assert top.metadata["order"] == 1
        assert "notice" in top.page_content
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        # relevance is the cosine on every backend, so thresholds mean the same everywhere
        q = np.asarray(embeddings.embed_query("my partner keeps cancelling at short notice"))
        d = np.asarray(embeddings.embed_query(top.page_content))
        assert score == pytest.approx(float(q @ d), abs=1e-3)
        first = vs.similarity_search("what to do in the first meeting", k=1)[0]
        assert first.metadata["heading"] == "Agendas: First session"

    def test_version_changes_on_every_write(self, store: ParticipantStore,
                                            embeddings: Any) -> None:
        seen = [store.version]
        store.upsert(ALICE, vectors_for(ALICE, embeddings))
        seen.append(store.version)
        store.upsert(BOB, vectors_for(BOB, embeddings))
        seen.append(store.version)
        store.delete("bob")
        seen.append(store.version)
        chunks = chunk_markdown(GUIDE_B, "agendas.md")
        store.set_guidance(chunks, embeddings.embed_documents([c.text for c in chunks]))
        seen.append(store.version)
        assert len(set(seen)) == len(seen), seen
        before = store.version
        store.participants()
        store.statements("offer")
        store.query("offer", np.asarray(embeddings.embed_documents(["x"])), 1)
        assert store.version == before  # reads do not change it

    def test_reads_after_write_are_fresh(self, store: ParticipantStore, embeddings: Any) -> None:
        store.upsert(ALICE, vectors_for(ALICE, embeddings))
        assert len(store.statements("offer").statements) == 2  # fills any read cache
        store.upsert(BOB, vectors_for(BOB, embeddings))
        assert len(store.statements("offer").statements) == 3
        assert [p.id for p in store.participants()] == ["alice", "bob"]

    def test_purge_keeps_live_data(self, store: ParticipantStore, embeddings: Any) -> None:
        self.fill(store, embeddings)
        chunks = chunk_markdown(GUIDE_A, "rules.md")
        store.set_guidance(chunks, embeddings.embed_documents([c.text for c in chunks]))
        store.delete("bob")
        offers_before = store.statements("offer")
        store.purge()
        assert [p.id for p in store.participants()] == ["alice", "cara"]
        assert store.fingerprints() == {"alice": ALICE.fingerprint(), "cara": CARA.fingerprint()}
        after = store.statements("offer")
        assert [s.id for s in after.statements] == [s.id for s in offers_before.statements]
        assert np.allclose(after.vectors, offers_before.vectors, atol=1e-6)
        assert store.guidance_count() == 2
        hits = store.query("offer", np.asarray(embeddings.embed_documents(["Excel"])), 1)
        assert hits[0][0].statement.participant_id == "alice"
        # still writable after the purge
        store.upsert(BOB, vectors_for(BOB, embeddings))
        assert len(store.participants()) == 3


def test_chroma_data_survives_reopen(tmp_path: Path, embeddings: Any) -> None:
    store = ChromaStore(tmp_path / "chroma")
    store.upsert(ALICE, vectors_for(ALICE, embeddings))
    chunks = chunk_markdown(GUIDE_A, "rules.md")
    store.set_guidance(chunks, embeddings.embed_documents([c.text for c in chunks]))
    store.close()
    again = ChromaStore(tmp_path / "chroma")
    try:
        assert again.participants() == [ALICE]
        assert again.guidance_count() == 2
        assert again.statements("offer").vectors.shape == (2, 384)
    finally:
        again.close()


def test_two_chroma_stores_in_one_process(tmp_path: Path, embeddings: Any) -> None:
    """Closing or purging one store must not break another open in the same process."""
    one = ChromaStore(tmp_path / "one")
    two = ChromaStore(tmp_path / "two")
    try:
        one.upsert(ALICE, vectors_for(ALICE, embeddings))
        two.upsert(BOB, vectors_for(BOB, embeddings))
        one.purge()
        two.upsert(CARA, vectors_for(CARA, embeddings))
        two.purge()
        one.close()
        assert [p.id for p in two.participants()] == ["bob", "cara"]
        two.delete("cara")
        two.purge()
        assert [p.id for p in two.participants()] == ["bob"]
    finally:
        one.close()
        two.close()


def test_closing_one_of_two_stores_on_one_folder_keeps_the_other(
    tmp_path: Path, embeddings: Any
) -> None:
    first = ChromaStore(tmp_path / "chroma")
    first.upsert(ALICE, vectors_for(ALICE, embeddings))
    second = ChromaStore(tmp_path / "chroma")
    try:
        first.close()
        first.close()  # closing twice is harmless
        assert second.participants() == [ALICE]
        hits = second.query("offer", np.asarray(embeddings.embed_documents(["Excel"])), 1)
        assert hits[0][0].statement.participant_id == "alice"
        second.upsert(BOB, vectors_for(BOB, embeddings))
    finally:
        second.close()
    again = ChromaStore(tmp_path / "chroma")
    try:
        assert [p.id for p in again.participants()] == ["alice", "bob"]
    finally:
        again.close()


def test_statements_come_in_owner_order_with_their_vectors(
    store: ParticipantStore, embeddings: Any
) -> None:
    """Every store orders a kind's statements by owner, then as written ("::10" after
    "::2"), so the matcher reads each person's statements as one run without a copy."""
    many = Participant(id="m", name="Mo Many", offers=[f"Skill number {i}" for i in range(12)],
                       wants=["Public speaking"])
    for person in (BOB, many, ALICE):
        store.upsert(person, vectors_for(person, embeddings))
    matrix = store.statements("offer")
    got = [(st.participant_id, st.index) for st in matrix.statements]
    assert got == [("alice", 0), ("alice", 1), ("bob", 0), *[("m", i) for i in range(12)]]
    assert matrix.vectors.dtype == np.float32 and matrix.vectors.shape == (15, 384)
    again = embeddings.embed_documents([st.text for st in matrix.statements])
    np.testing.assert_allclose(matrix.vectors, np.asarray(again, dtype=np.float32), atol=1e-6)


def test_exact_top_k_is_a_stable_sort_cut_at_k() -> None:
    """The partial selection gives what sorting every row would: the k best, ties to the
    earlier row."""
    from assistant.models import Statement
    from assistant.store.base import StatementMatrix, exact_top_k

    rng = np.random.default_rng(3)
    stored = rng.integers(-3, 4, size=(40, 6)).astype(np.float32)  # many exact ties
    stored[stored.sum(axis=1) == 0, 0] = 1.0
    matrix = StatementMatrix([Statement("p", "offer", i, f"t{i}") for i in range(40)], stored)
    asked = rng.integers(-3, 4, size=(7, 6)).astype(np.float32) + 0.5
    # the same arithmetic as the store's, so that equal cosines stay exactly equal
    unit = asked / np.linalg.norm(asked, axis=1, keepdims=True)
    every = (unit @ stored.T) / np.linalg.norm(stored, axis=1)
    assert any(len(set(row.tolist())) < len(row) for row in every)  # ties to break
    for k in (1, 5, 17, 40, 60):
        got = exact_top_k(matrix, asked, k)
        for sims, hits in zip(every, got, strict=True):
            want = np.argsort(-sims, kind="stable")[:k]
            assert [h.statement.index for h in hits] == want.tolist()
            np.testing.assert_allclose([h.similarity for h in hits], sims[want], atol=1e-6)


def test_chroma_reads_every_vector_across_small_pages(
    tmp_path: Path, embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Vectors are read a small page at a time: pages of 2 records give the same matrix
    (float32, owner order) as one page for everything."""
    import assistant.store.chroma_records as chroma

    store = make_store("chroma", tmp_path)
    try:
        for person in (ALICE, BOB, CARA):
            store.upsert(person, vectors_for(person, embeddings))
        whole = store.statements("want")
        monkeypatch.setattr(chroma, "VECTOR_PAGE", 2)
        store.close()
        paged = make_store("chroma", tmp_path)
        try:
            again = paged.statements("want")
        finally:
            paged.close()
    finally:
        store.close()
    assert [st.id for st in again.statements] == [st.id for st in whole.statements]
    assert len(again.statements) == 4 and again.vectors.dtype == np.float32
    np.testing.assert_array_equal(again.vectors, whole.vectors)


def test_chroma_keeps_texts_in_metadata_and_reads_older_folders_documents(
    tmp_path: Path, embeddings: Any
) -> None:
    """Profiles live in metadata (no full-text index is built) and statements' texts are
    their profiles'; a folder written with them as Chroma documents, as before, reads
    back the same, and so does one whose statements name their owner in metadata."""
    from assistant.store.chroma_records import COLLECTIONS, PEOPLE, text_id

    store = ChromaStore(tmp_path / "new")
    try:
        store.upsert(ALICE, vectors_for(ALICE, embeddings))
        assert store.client.get_collection(PEOPLE).get(include=["documents"])["documents"] == [None]
        offers = store.client.get_collection(COLLECTIONS["offer"]).get(
            include=["documents", "metadatas"])
        assert offers["documents"] == [None, None]
        # a record a distinct text, its id the text's digest: no metadata at all
        assert offers["metadatas"] == [None, None]
        assert sorted(offers["ids"]) == sorted(text_id(t) for t in ALICE.offers)
        expected = (store.participants(), store.statements("offer").statements)
    finally:
        store.close()
    assert expected[0] == [ALICE]

    old = ChromaStore(tmp_path / "old")
    try:
        vecs = vectors_for(ALICE, embeddings)
        old.client.get_collection(PEOPLE).add(
            ids=[ALICE.id], embeddings=[vecs[next(iter(vecs))]],
            documents=[ALICE.model_dump_json()],
            metadatas=[{"fingerprint": ALICE.fingerprint(), "name": ALICE.name}])
        for kind, name in COLLECTIONS.items():
            mine = [st for st in ALICE.statements() if st.kind == kind]
            if mine:
                old.client.get_collection(name).add(
                    ids=[st.id for st in mine], embeddings=[vecs[st.id] for st in mine],
                    documents=[st.text for st in mine],
                    metadatas=[{"participant_id": st.participant_id, "kind": st.kind,
                                "index": st.index} for st in mine])
        assert old.participants() == expected[0]
        assert old.statements("offer").statements == expected[1]
        assert old.fingerprints() == {ALICE.id: ALICE.fingerprint()}
    finally:
        old.close()

    owned = ChromaStore(tmp_path / "owned")  # the layout of 2026-11: the owner in metadata
    try:
        vecs = vectors_for(ALICE, embeddings)
        owned.client.get_collection(PEOPLE).add(
            ids=[ALICE.id], embeddings=[vecs[next(iter(vecs))]],
            metadatas=[{"fingerprint": ALICE.fingerprint(), "name": ALICE.name,
                        "profile": ALICE.model_dump_json()}])
        for kind, name in COLLECTIONS.items():
            mine = [st for st in ALICE.statements() if st.kind == kind]
            owned.client.get_collection(name).add(
                ids=[st.id for st in mine], embeddings=[vecs[st.id] for st in mine],
                metadatas=[{"participant_id": st.participant_id} for st in mine])
        assert owned.participants() == expected[0]
        assert owned.statements("offer").statements == expected[1]
        fewer = ALICE.model_copy(update={"offers": ALICE.offers[:1]})
        owned.upsert(fewer, vectors_for(fewer, embeddings))  # re-ingest: one offer less
        kept = owned.client.get_collection(COLLECTIONS["offer"]).get(include=[])["ids"]
        assert kept == [text_id(fewer.offers[0])]  # the statement records made way
        assert [st.text for st in owned.statements("offer").statements] == fewer.offers
    finally:
        owned.close()


def test_chroma_drops_what_a_new_profile_no_longer_says_and_forgets_strays(
    tmp_path: Path, embeddings: Any
) -> None:
    """Re-ingesting a person with fewer statements deletes the text records nobody says any
    more, and forgetting someone deletes every statement record whose id names them, also
    records an ingest killed between its writes left without a profile."""
    from assistant.store.chroma_records import COLLECTIONS, text_id

    store = ChromaStore(tmp_path / "chroma")
    try:
        store.upsert_many([(p, vectors_for(p, embeddings)) for p in (ALICE, BOB)])
        fewer = BOB.model_copy(update={"wants": BOB.wants[1:]})
        store.upsert_many([(fewer, vectors_for(fewer, embeddings))])
        wants = store.client.get_collection(COLLECTIONS["want"])
        assert sorted(wants.get(include=[])["ids"]) == sorted(
            text_id(t) for t in (ALICE.wants[0], "Public speaking"))
        assert [(st.participant_id, st.text) for st in store.statements("want").statements] == [
            ("alice", ALICE.wants[0]), ("bob", "Public speaking")]
        stray = vectors_for(CARA, embeddings)
        store.client.get_collection(COLLECTIONS["offer"]).add(
            ids=["cara::offer::0"], embeddings=[stray["cara::offer::0"]])
        assert store.delete("cara") is False  # no profile was stored
        assert store.delete("bob") is True
        left = {name: sorted(store.client.get_collection(name).get(include=[])["ids"])
                for name in COLLECTIONS.values()}
        assert left == {"offers": sorted(text_id(t) for t in ALICE.offers),
                        "wants": [text_id(ALICE.wants[0])]}
    finally:
        store.close()


def test_chroma_keeps_one_record_a_text_while_anyone_says_it(
    tmp_path: Path, embeddings: Any
) -> None:
    """Two people who wrote the same words share one record; each reads it as their own
    statement, it stays while either still says it (re-ingest, delete) and goes with the
    last, and a purge copies no record that no profile uses."""
    from assistant.store.chroma_records import COLLECTIONS, text_id

    twin = Participant(id="dana", name="Dana Ortiz", offers=[ALICE.offers[1], "Podcast editing"],
                       wants=[ALICE.wants[0]])
    store = ChromaStore(tmp_path / "chroma")
    offers = lambda: sorted(  # noqa: E731
        store.client.get_collection(COLLECTIONS["offer"]).get(include=[])["ids"])
    try:
        store.upsert_many([(p, vectors_for(p, embeddings)) for p in (ALICE, twin)])
        shared = text_id(ALICE.offers[1])
        assert offers() == sorted({*(text_id(t) for t in ALICE.offers),
                                   text_id("Podcast editing")})
        matrix = store.statements("offer")
        rows = {st.id: i for i, st in enumerate(matrix.statements)}
        assert [st.id for st in matrix.statements] == [
            "alice::offer::0", "alice::offer::1", "dana::offer::0", "dana::offer::1"]
        np.testing.assert_array_equal(matrix.vectors[rows["alice::offer::1"]],
                                      matrix.vectors[rows["dana::offer::0"]])
        fewer = ALICE.model_copy(update={"offers": ALICE.offers[:1]})
        store.upsert(fewer, vectors_for(fewer, embeddings))
        assert shared in offers()  # Dana still says it
        assert store.delete("dana") is True
        assert shared not in offers() and text_id("Podcast editing") not in offers()
        assert offers() == [text_id(ALICE.offers[0])]
        store.client.get_collection(COLLECTIONS["offer"]).add(  # left by a killed write
            ids=[text_id("Orphaned words")], embeddings=[matrix.vectors[0]])
        store.purge()
        assert offers() == [text_id(ALICE.offers[0])]
        assert [st.text for st in store.statements("offer").statements] == ALICE.offers[:1]
    finally:
        store.close()


def test_chroma_writes_a_text_once_a_client_and_again_for_a_new_model(
    tmp_path: Path, embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within one open client a text already written is not written again (an ingest's
    parts repeat texts); once the client closed, a re-embedding (another model) writes
    every text again, so no statement keeps an old vector."""
    from assistant.store.chroma_records import COLLECTIONS

    twin = Participant(id="dana", name="Dana Ortiz", offers=[ALICE.offers[0]],
                       wants=["Podcast editing"])
    store = ChromaStore(tmp_path / "chroma")
    try:
        offers = store.client.get_collection(COLLECTIONS["offer"])
        calls: list[list[str]] = []
        real = type(offers).upsert

        def counted(col: Any, **kw: Any) -> Any:
            if col.name == COLLECTIONS["offer"]:
                calls.append(list(kw["ids"]))
            return real(col, **kw)

        monkeypatch.setattr(type(offers), "upsert", counted)
        store.upsert_many([(ALICE, vectors_for(ALICE, embeddings))])
        store.upsert_many([(twin, vectors_for(twin, embeddings))])
        monkeypatch.undo()
        assert [len(c) for c in calls] == [2]  # Dana's offer is Alice's first: written once
        store.close()
        flipped = {pid: -np.asarray(v) for pid, v in vectors_for(ALICE, embeddings).items()}
        store.upsert_many([(ALICE, flipped)])
        matrix = store.statements("offer")
        rows = {st.id: i for i, st in enumerate(matrix.statements)}
        np.testing.assert_allclose(matrix.vectors[rows["dana::offer::0"]],
                                   flipped["alice::offer::0"], atol=1e-6)
    finally:
        store.close()


def test_chroma_lets_its_client_go_after_each_whole_read(tmp_path: Path, embeddings: Any) -> None:
    """Chroma keeps what a read loaded until its client closes: after each whole
    collection is read, the store closes it, answers from what it holds, and a later
    guidance search opens Chroma again through a fresh LangChain store."""
    store = ChromaStore(tmp_path / "chroma")
    try:
        for person in (ALICE, BOB):
            store.upsert(person, vectors_for(person, embeddings))
        chunks = chunk_markdown(GUIDE_A, "rules.md")
        store.set_guidance(chunks, embeddings.embed_documents([c.text for c in chunks]))
        opened = store.connection
        assert store.participants() == [ALICE, BOB]
        assert store.connection == opened + 1
        store.statements("offer")
        wants = store.statements("want")
        assert store.connection == opened + 3
        assert store.statements("want") is wants and store.participants() == [ALICE, BOB]
        hits = store.guidance_store(embeddings).similarity_search("cancel a meeting", k=1)
        assert [h.metadata["heading"] for h in hits] == ["Ground rules: Cancelling"]
        assert store.connection == opened + 3  # opened again, not closed again
    finally:
        store.close()


def test_chroma_skips_a_statement_record_whose_owner_has_no_such_statement(
    tmp_path: Path, embeddings: Any
) -> None:
    """A statement's text is its owner's profile's: a record left without one (its owner
    gone, or an index the profile no longer has) is not read as a statement."""
    from assistant.store.chroma_records import COLLECTIONS

    store = ChromaStore(tmp_path / "chroma")
    try:
        store.upsert(ALICE, vectors_for(ALICE, embeddings))
        vector = vectors_for(ALICE, embeddings)[ALICE.statements()[0].id]
        store.client.get_collection(COLLECTIONS["offer"]).add(
            ids=["ghost::offer::0", "alice::offer::7"], embeddings=[vector, vector],
            metadatas=[{"participant_id": "ghost"}, {"participant_id": "alice"}])
        offers = store.statements("offer")
    finally:
        store.close()
    assert [st.id for st in offers.statements] == ["alice::offer::0", "alice::offer::1"]
    assert [st.text for st in offers.statements] == ALICE.offers
    assert offers.vectors.shape == (2, 384)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread niceness is POSIX")
def test_ingest_writes_from_a_thread_that_yields_the_cpu_to_the_model(
    embeddings: Any
) -> None:
    """The store is written from a thread below the model's priority (the model keeps
    both cores; the writes take what it leaves), and the caller's priority is untouched."""
    import threading

    from assistant.store.memory import MemoryStore
    from assistant.store.writer import WRITER_NICE, embed_and_store

    seen: list[tuple[int, int]] = []

    class Watched(MemoryStore):
        def upsert(self, person: Participant, vectors: dict[str, Any]) -> None:
            me = threading.get_native_id()
            seen.append((me, os.getpriority(os.PRIO_PROCESS, me)))
            super().upsert(person, vectors)

    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    store = Watched()
    embed_and_store(embeddings, store, [ALICE, BOB, CARA])
    assert len(seen) == 3 and {tid for tid, _ in seen} != {threading.get_native_id()}
    assert {nice for _, nice in seen} == {max(caller, WRITER_NICE)}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller
    assert sorted(p.id for p in store.participants()) == ["alice", "bob", "cara"]


def test_ingest_lets_the_store_release_its_working_set_at_the_end(
    tmp_path: Path, embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once every part of an ingest is written, the store lets go of what it holds for
    writing (Chroma in a folder: its client closes), once; what is stored is what one
    part stores."""
    import assistant.store.writer as writer

    people = [ALICE, BOB, CARA]
    whole = ChromaStore(tmp_path / "whole")
    try:
        writer.embed_and_store(embeddings, whole, people)
        expected = {k: whole.statements(k) for k in ("offer", "want")}
        expected_people = whole.participants()
    finally:
        whole.close()

    released: list[tuple[bool, bool, int]] = []

    class Watched(ChromaStore):
        def release(self) -> None:
            was_open = self._handles is not None  # the part's writes opened the client
            super().release()
            released.append((was_open, self._handles is None, len(self.participants())))

    monkeypatch.setattr(writer, "parts", lambda n: [(0, 1), (1, 2), (2, 3)])
    store = Watched(tmp_path / "parts")
    try:
        writer.embed_and_store(embeddings, store, people)
        # once, with every part stored: the open client closed
        assert released == [(True, True, 3)]
        assert store.participants() == expected_people
        for kind, matrix in expected.items():
            got = store.statements(kind)
            assert [st.id for st in got.statements] == [st.id for st in matrix.statements]
            np.testing.assert_allclose(got.vectors, matrix.vectors, atol=1e-6)
    finally:
        store.close()


def test_profile_vectors_are_each_persons_normalised_mean(embeddings: Any) -> None:
    """A person record's vector, computed for a whole store call at once, is the
    normalised mean of that person's statement vectors, one row a person in order."""
    from assistant.store.chroma_records import profile_vectors

    items = [(p, vectors_for(p, embeddings)) for p in (ALICE, BOB, CARA)]
    got = profile_vectors(items)
    assert got.shape == (3, 384) and got.dtype == np.float32
    for row, (_, vecs) in zip(got, items, strict=True):
        mean = np.mean(np.asarray(list(vecs.values()), dtype=np.float32), axis=0)
        np.testing.assert_allclose(row, mean / np.linalg.norm(mean), atol=1e-6)
    with pytest.raises(ValueError):
        profile_vectors([(ALICE.model_copy(update={"offers": [], "wants": []}), {})])
