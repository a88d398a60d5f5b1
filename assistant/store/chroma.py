"""ChromaDB backend: a ``PersistentClient`` in the data folder, telemetry off.

Collections and their records: :mod:`assistant.store.chroma_records`. Guidance is written
and searched through LangChain's Chroma vector store.

Chroma keeps the text of deleted records in its files: :meth:`ChromaStore.purge` rebuilds
the folder from the live records (:mod:`assistant.store.chroma_rebuild`), so that a
forgotten person leaves no trace on disk.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from assistant.config import Settings  # noqa: F401  (telemetry off before chromadb loads)
from assistant.models import GuidanceChunk, Participant, Statement, StatementKind
from assistant.store.base import (
    ParticipantStore,
    StatementHit,
    StatementMatrix,
    exact_top_k,
    guidance_metadata,
    statement_order,
)
from assistant.store.chroma_rebuild import finish_swap, only_live, rebuild_folder
from assistant.store.chroma_records import (
    BASE_NAMES,
    COLLECTIONS,
    GUIDANCE,
    PEOPLE,
    SPACE,
    collection_metadata,
    get_all,
    is_statement_record,
    needs_owner,
    open_client,
    person_metadata,
    profile_rows,
    profile_vectors,
    profiles,
    read_statement,
    statement_key,
    statement_metadata,
    text_records,
    unsaid,
)


class ChromaStore(ParticipantStore):
    """Chroma persistent store in ``path`` (or in memory when ``path`` is None)."""

    #: a record a statement, owner and text in metadata (a shared server), instead of a
    #: record a distinct text (see :mod:`assistant.store.chroma_records`)
    texts_in_statements = False

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._open()
        self._cache: dict[str, StatementMatrix] = {}
        self._people_cache: list[Participant] | None = None

    def _open(self) -> None:
        self._handles: tuple[Any, Any, dict[StatementKind, Any], Any] | None = None
        #: text records written through the open client (see :meth:`_write_texts`)
        self._written: dict[StatementKind, set[str]] = {kind: set() for kind in COLLECTIONS}
        #: ids of every stored person, when the open client read them all (fingerprints)
        self._known: set[str] | None = None
        if self.path is not None:
            finish_swap(self.path)
            self.path.mkdir(parents=True, exist_ok=True)

    @property
    def _open_handles(self) -> tuple[Any, Any, dict[StatementKind, Any], Any]:
        """Client and collections, opened on first use (and again after :meth:`purge`)."""
        if self._handles is None:
            client = self._make_client()
            names = self._names()
            people = self._collection(client, names[PEOPLE], PEOPLE)
            cols = {kind: self._collection(client, names[name], name)
                    for kind, name in COLLECTIONS.items()}
            guidance = self._collection(client, names[GUIDANCE], GUIDANCE)
            self._handles = (client, people, cols, guidance)
        return self._handles

    def _make_client(self) -> Any:
        return open_client(self.path)

    def _collection(self, client: Any, name: str, base: str) -> Any:
        return client.get_or_create_collection(name, metadata=collection_metadata(base))

    def _names(self) -> dict[str, str]:
        """Chroma collection name of each of :data:`BASE_NAMES` (the server store renames)."""
        return {name: name for name in BASE_NAMES}

    @property
    def client(self) -> Any:
        return self._open_handles[0]

    @property
    def _people(self) -> Any:
        return self._open_handles[1]

    @property
    def _cols(self) -> dict[StatementKind, Any]:
        return self._open_handles[2]

    @property
    def _guidance(self) -> Any:
        return self._open_handles[3]

    def _batches(self, n: int) -> list[tuple[int, int]]:
        size = max(1, int(self.client.get_max_batch_size()))
        return [(i, min(n, i + size)) for i in range(0, n, size)]

    # participants -----------------------------------------------------------------
    def upsert(self, person: Participant, vectors: dict[str, Sequence[float]]) -> None:
        self.upsert_many([(person, vectors)])

    def upsert_many(self, items: list[tuple[Participant, dict[str, Sequence[float]]]]) -> None:
        """Store several people in a few Chroma calls (ingest of large files)."""
        if not items:
            return
        if self.texts_in_statements:
            self._write_statements(items)
        else:
            self._write_texts(items)
        means = profile_vectors(items)
        for start, end in self._batches(len(items)):
            people = [p for p, _ in items[start:end]]
            self._people.upsert(
                ids=[p.id for p in people], embeddings=means[start:end],
                metadatas=[person_metadata(p) for p in people],
            )
        if self._known is not None:
            self._known.update(p.id for p, _ in items)
        self._changed()

    def _write_texts(self, items: list[tuple[Participant, dict[str, Sequence[float]]]]) -> None:
        """A data folder: a record a distinct text (:mod:`~assistant.store.chroma_records`),
        not written again while the client that wrote it is open (an ingest's parts repeat
        texts, and the same words embed the same in one process; the client closes after a
        whole read and at the end of an ingest, and a new process may embed with another
        model, so every text is written at least once a process); then the records the
        people's stored profiles had that nobody says any more."""
        for kind, col in self._cols.items():
            rows = text_records(items, kind)
            ids = [i for i in rows if i not in self._written[kind]]
            for start, end in self._batches(len(ids)):
                col.upsert(ids=ids[start:end], embeddings=np.asarray(
                    [rows[i] for i in ids[start:end]], dtype=np.float32))
            self._written[kind].update(ids)
        ids = [p.id for p, _ in items]
        if self._known is not None:  # a first ingest asks Chroma for no old profiles
            ids = [i for i in ids if i in self._known]
        before = self._stored(ids) if ids else []
        if before:
            self._drop_unsaid(before, [p for p, _ in items])

    def _stored(self, ids: list[str]) -> list[Participant]:
        """The stored profiles of those of ``ids`` that have one."""
        out: list[Participant] = []
        for start, end in self._batches(len(ids)):  # SQLite binds one variable an id
            out += profiles(self._people.get(ids=ids[start:end],
                                             include=["metadatas", "documents"]))
        return out

    def _drop_unsaid(self, before: list[Participant], after: list[Participant]) -> None:
        """``before`` (stored profiles) become ``after`` (none: deleted). Delete their
        statement records (older folders) and the text records nobody says any more."""
        replaced = {p.id for p in (*before, *after)}
        others: list[Participant] | None = None
        for kind, col in self._cols.items():
            stale = [st.id for p in before for st in p.statements() if st.kind == kind]
            gone = unsaid(before, after, kind)
            if gone and others is None:  # every other profile, read once, only if needed
                others = [p for p in profiles(get_all(self._people, ["metadatas", "documents"]))
                          if p.id not in replaced]
            if gone:
                gone = unsaid(before, [*after, *(others or [])], kind)
            doomed = stale + gone
            self._written[kind].difference_update(gone)
            for start, end in self._batches(len(doomed)):
                col.delete(ids=doomed[start:end])

    def _write_statements(self, items: list[tuple[Participant, dict[str, Sequence[float]]]]
                          ) -> None:
        """A shared server: a record a statement, owner and text in metadata; the people's
        old records are deleted by owner first."""
        ids = [p.id for p, _ in items]
        for col in self._cols.values():
            for start, end in self._batches(len(ids)):
                col.delete(where={"participant_id": {"$in": ids[start:end]}})
        for kind, col in self._cols.items():
            rows: list[tuple[Statement, Sequence[float]]] = [
                (st, vecs[st.id]) for p, vecs in items for st in p.statements() if st.kind == kind
            ]
            for start, end in self._batches(len(rows)):
                part = rows[start:end]
                col.upsert(
                    ids=[st.id for st, _ in part],
                    embeddings=np.asarray([v for _, v in part], dtype=np.float32),
                    metadatas=[statement_metadata(st) for st, _ in part],
                )

    def delete(self, participant_id: str) -> bool:
        before = self._stored([participant_id])
        for col in self._cols.values():
            col.delete(where={"participant_id": participant_id})  # records that name owners
            mine = [i for i in get_all(col, [])["ids"]
                    if is_statement_record(i) and statement_key(i)[0] == participant_id]
            for start, end in self._batches(len(mine)):
                col.delete(ids=mine[start:end])
        if before and not self.texts_in_statements:
            self._drop_unsaid(before, [])
        self._people.delete(ids=[participant_id])
        if self._known is not None:
            self._known.discard(participant_id)
        self._changed()
        return bool(before)

    def _changed(self) -> None:
        self._cache.clear()
        self._people_cache = None
        self._bump()

    def participants(self) -> list[Participant]:
        if self._people_cache is None:
            people = profiles(get_all(self._people, ["metadatas", "documents"]))
            self._people_cache = sorted(people, key=lambda p: p.id)
            self._let_go_when_loaded()
        return list(self._people_cache)

    def fingerprints(self) -> dict[str, str]:
        got = get_all(self._people, ["metadatas"])
        metas = got["metadatas"] or []
        self._known = set(got["ids"])
        return {i: str(m.get("fingerprint", "")) for i, m in zip(got["ids"], metas, strict=True)}

    def statements(self, kind: StatementKind) -> StatementMatrix:
        if kind not in self._cache:
            got = get_all(self._cols[kind], ["embeddings", "documents", "metadatas"])
            if self.texts_in_statements:
                statements, rows = self._read_statements(kind, got)
            else:  # the profiles say who says what (either layout, or both)
                people = ChromaStore.participants(self)
                statements, rows = profile_rows(people, kind, got["ids"])
            vectors = (got["embeddings"][rows] if rows
                       else np.zeros((0, 0), dtype=np.float32))
            self._cache[kind] = StatementMatrix(statements, vectors)
            self._let_go_when_loaded()
        return self._cache[kind]

    def _read_statements(self, kind: StatementKind, got: dict[str, Any]
                         ) -> tuple[list[Statement], list[int]]:
        """Statement records as they say themselves (owner and text in metadata: a shared
        server, whose readers check them against the profiles)."""
        records = list(zip(got["ids"], got["metadatas"], got["documents"], strict=True))
        owners = ({p.id: p for p in ChromaStore.participants(self)}
                  if any(needs_owner(m, d) for _, m, d in records) else {})
        read = [(row, read_statement(i, m, d, kind, owners))
                for row, (i, m, d) in enumerate(records) if is_statement_record(i)]
        found = [(row, st) for row, st in read if st is not None]
        found.sort(key=lambda item: statement_order(item[1]))
        return [st for _, st in found], [row for row, _ in found]

    def release(self) -> None:
        """In a data folder, close the client: Chroma keeps the indexes and pages its
        writes touched until then (a shared server's client holds nothing of the kind)."""
        self._close_if_local()

    def _let_go_when_loaded(self) -> None:
        """Close the client after a whole collection was read into this store.

        Chroma keeps what a read loaded (the records' vectors) until its client closes:
        about 120 MB for 10,000 people, beside this store's own copy. Closed after each
        collection, it never holds more than one. The next call that needs Chroma (the
        next collection, guidance, a write) opens it again.
        """
        self._close_if_local()

    def _close_if_local(self) -> None:
        if self.path is not None:
            self.close()

    def query(self, kind: StatementKind, vectors: np.ndarray, k: int) -> list[list[StatementHit]]:
        """Exact nearest statements, ties broken by id (see :func:`exact_top_k`).

        Not Chroma's HNSW query: that index is approximate, and until it is persisted each
        process rebuilds it from the write-ahead log with several threads, so two processes
        got different neighbours for one request (one counted 57 people on a reporting
        line, the next 58). The vectors are in memory already: the matcher scores them.
        """
        return exact_top_k(self.statements(kind), vectors, k)

    # guidance -------------------------------------------------------------------------
    def set_guidance(self, chunks: list[GuidanceChunk], vectors: list[list[float]]) -> None:
        for source in sorted({c.source for c in chunks}):
            self._guidance.delete(where={"source": source})
        for start, end in self._batches(len(chunks)):
            part = chunks[start:end]
            self._guidance.add(
                ids=[c.id for c in part],
                embeddings=vectors[start:end],
                documents=[c.text for c in part],
                metadatas=[guidance_metadata(c) for c in part],
            )
        self._bump()

    def guidance_store(self, embeddings: Embeddings) -> VectorStore:
        from langchain_chroma import Chroma

        return Chroma(
            client=self.client, collection_name=self._names()[GUIDANCE],
            embedding_function=embeddings, collection_metadata=SPACE,
        )

    def guidance_count(self) -> int:
        return int(self._guidance.count())

    def guidance_chunks(self) -> list[GuidanceChunk]:
        got = get_all(self._guidance, ["documents", "metadatas"])
        chunks = [
            GuidanceChunk(str(m["source"]), str(m["heading"]), str(d), int(m["order"]))
            for d, m in zip(got["documents"] or [], got["metadatas"] or [], strict=True)
        ]
        return sorted(chunks, key=lambda c: (c.source, c.order))

    # physical deletion ----------------------------------------------------------------
    def purge(self) -> None:
        """Rebuild the Chroma folder from live records so deleted text leaves the disk
        (:func:`~assistant.store.chroma_rebuild.rebuild_folder`)."""
        if self.path is None:
            return
        dump = {
            name: {
                "ids": got["ids"],
                "embeddings": [list(map(float, v)) for v in got["embeddings"]],
                "documents": got["documents"] or [],
                "metadatas": got["metadatas"] or [],
            }
            for name, col in self._all_collections().items()
            for got in [get_all(col, ["embeddings", "documents", "metadatas"])]
        }
        only_live(dump, ChromaStore.participants(self))
        self.close()
        gc.collect()  # drop this process's index objects before their folder goes
        rebuild_folder(self.path, dump)
        # Reopened only on next use. Chroma rewrites index files when a process loads
        # them, and this process's memory may still hold the deleted text: `pairing
        # forget` exits here, so the rebuilt folder is only loaded by clean processes.
        self._changed()

    def _all_collections(self) -> dict[str, Any]:
        return {PEOPLE: self._people, GUIDANCE: self._guidance} | {
            COLLECTIONS[k]: c for k, c in self._cols.items()
        }

    def close(self) -> None:
        if self._handles is None:
            return
        # Release only this store's reference: Chroma shares one system per folder and
        # stops it when the last client closes. Stopping it directly and clearing the
        # global cache broke every other store open in the process (same folder: the
        # other store's calls fail; other folders: their systems leak).
        with contextlib.suppress(Exception):
            self.client.close()
        self._handles = None
        self._written = {kind: set() for kind in COLLECTIONS}
        self._known = None
        self._connection = self.connection + 1
