"""ChromaDB backend: a ``PersistentClient`` in the data folder, telemetry off.

Collections and their records: :mod:`assistant.store.chroma_records`. Guidance is written
and searched through LangChain's Chroma vector store.

Chroma keeps the text of deleted records in its SQLite write-ahead queue
(``embeddings_queue``), free pages of its metadata tables, its full-text index (older
folders) and unreferenced HNSW pages.
:meth:`ChromaStore.purge` therefore rebuilds the folder from the live records,
so that a forgotten person leaves no trace on disk.
"""

from __future__ import annotations

import contextlib
import gc
import json
import shutil
import subprocess
import sys
import tempfile
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
from assistant.store.chroma_records import (
    BASE_NAMES,
    COLLECTIONS,
    GUIDANCE,
    PEOPLE,
    PROFILE,
    SPACE,
    collection_metadata,
    get_all,
    needs_owner,
    open_client,
    person_metadata,
    read_statement,
    statement_ids,
    statement_key,
    statement_metadata,
    stored_text,
)


class ChromaStore(ParticipantStore):
    """Chroma persistent store in ``path`` (or in memory when ``path`` is None)."""

    #: statement records also keep their text (see :func:`statement_metadata`)
    texts_in_statements = False

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._open()
        self._cache: dict[str, StatementMatrix] = {}
        self._people_cache: list[Participant] | None = None

    def _open(self) -> None:
        self._handles: tuple[Any, Any, dict[str, Any], Any] | None = None
        if self.path is not None:
            _finish_swap(self.path)
            self.path.mkdir(parents=True, exist_ok=True)

    @property
    def _open_handles(self) -> tuple[Any, Any, dict[str, Any], Any]:
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
    def _cols(self) -> dict[str, Any]:
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
        self._drop_statements([p for p, _ in items])
        profile_vectors = []
        for kind, col in self._cols.items():
            rows: list[tuple[Statement, Sequence[float]]] = [
                (st, vecs[st.id]) for p, vecs in items for st in p.statements() if st.kind == kind
            ]
            for start, end in self._batches(len(rows)):
                part = rows[start:end]
                metas = [statement_metadata(st, self.texts_in_statements) for st, _ in part]
                col.upsert(
                    ids=[st.id for st, _ in part],
                    embeddings=np.asarray([v for _, v in part], dtype=np.float32),
                    metadatas=None if None in metas else metas,
                )
        for _person, vecs in items:
            mean = np.mean(np.asarray(list(vecs.values()), dtype=np.float32), axis=0)
            profile_vectors.append((mean / (np.linalg.norm(mean) or 1.0)).tolist())
        for start, end in self._batches(len(items)):
            people = [p for p, _ in items[start:end]]
            self._people.upsert(
                ids=[p.id for p in people],
                embeddings=profile_vectors[start:end],
                metadatas=[person_metadata(p) for p in people],
            )
        self._changed()

    def _drop_statements(self, people: list[Participant]) -> None:
        """Delete the statement records of ``people``'s stored profiles that their new
        profiles do not have (the rest are overwritten). A shared server's records name
        their owner in metadata, deleted by owner; a local folder's name it in the id
        only, and the stored profile says which ids it has (a person stored for the first
        time has none: nothing to delete)."""
        ids = [p.id for p in people]
        if self.texts_in_statements:
            for col in self._cols.values():
                for start, end in self._batches(len(ids)):
                    col.delete(where={"participant_id": {"$in": ids[start:end]}})
            return
        new = {p.id: statement_ids(p) for p in people}
        stale: list[str] = []
        for start, end in self._batches(len(ids)):  # SQLite binds one variable an id
            got = self._people.get(ids=ids[start:end], include=["metadatas", "documents"])
            for pid, m, d in zip(got["ids"], got["metadatas"] or [], got["documents"] or [],
                                 strict=True):
                old = Participant.model_validate_json(str(stored_text(m, d, PROFILE)))
                stale += sorted(statement_ids(old) - new[pid])
        for kind, col in self._cols.items():
            mine = [sid for sid in stale if statement_key(sid)[1] == kind]
            for start, end in self._batches(len(mine)):
                col.delete(ids=mine[start:end])

    def delete(self, participant_id: str) -> bool:
        found = self._people.get(ids=[participant_id], include=[])["ids"]
        for col in self._cols.values():
            col.delete(where={"participant_id": participant_id})  # records that name owners
            mine = [i for i in get_all(col, [])["ids"] if statement_key(i)[0] == participant_id]
            for start, end in self._batches(len(mine)):
                col.delete(ids=mine[start:end])
        self._people.delete(ids=[participant_id])
        self._changed()
        return bool(found)

    def _changed(self) -> None:
        self._cache.clear()
        self._people_cache = None
        self._bump()

    def participants(self) -> list[Participant]:
        if self._people_cache is None:
            got = get_all(self._people, ["metadatas", "documents"])
            people = [Participant.model_validate_json(str(stored_text(m, d, PROFILE)))
                      for m, d in zip(got["metadatas"], got["documents"], strict=True)]
            self._people_cache = sorted(people, key=lambda p: p.id)
            self._let_go_when_loaded()
        return list(self._people_cache)

    def fingerprints(self) -> dict[str, str]:
        got = get_all(self._people, ["metadatas"])
        metas = got["metadatas"] or []
        return {i: str(m.get("fingerprint", "")) for i, m in zip(got["ids"], metas, strict=True)}

    def statements(self, kind: StatementKind) -> StatementMatrix:
        if kind not in self._cache:
            got = get_all(self._cols[kind], ["embeddings", "documents", "metadatas"])
            records = list(zip(got["ids"], got["metadatas"], got["documents"], strict=True))
            owners = ({p.id: p for p in ChromaStore.participants(self)}
                      if any(needs_owner(m, d) for _, m, d in records) else {})
            read = [(row, read_statement(i, m, d, kind, owners))
                    for row, (i, m, d) in enumerate(records)]
            found = [(row, st) for row, st in read if st is not None]
            found.sort(key=lambda item: statement_order(item[1]))
            statements = [st for _, st in found]
            vectors = (got["embeddings"][[row for row, _ in found]] if found
                       else np.zeros((0, 0), dtype=np.float32))
            self._cache[kind] = StatementMatrix(statements, vectors)
            self._let_go_when_loaded()
        return self._cache[kind]

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
        """Rebuild the Chroma folder from live records so deleted text leaves the disk.

        The rebuild runs in a fresh Python process: hnswlib writes its whole index
        buffer, uninitialised bytes included, and in this process those bytes may
        still hold a deleted person's text. A process that never saw it cannot leak it.
        """
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
        self.close()
        gc.collect()  # drop this process's index objects before their folder goes
        fresh = self.path.with_name(self.path.name + ".rebuild")
        shutil.rmtree(fresh, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            dump_file = Path(tmp) / "records.json"
            dump_file.write_text(json.dumps(dump), encoding="utf-8")
            subprocess.run(
                [sys.executable, "-m", "assistant.store.chroma", str(dump_file), str(fresh)],
                check=True, capture_output=True,
            )
        # swapped by two renames, so a kill at any point leaves a whole folder (or the
        # rebuilt one beside it, which the next open puts in place): see _finish_swap
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        self.path.rename(old)
        fresh.rename(self.path)
        shutil.rmtree(old)
        gc.collect()
        self._drop_orphan_segments()
        # Reopened only on next use. Chroma rewrites index files when a process loads
        # them, and this process's memory may still hold the deleted text: `pairing
        # forget` exits here, so the rebuilt folder is only loaded by clean processes.
        self._changed()

    def _drop_orphan_segments(self) -> None:
        """Remove index folders the rebuilt database does not know (late writes of the old one)."""
        import sqlite3

        assert self.path is not None
        db = sqlite3.connect(self.path / "chroma.sqlite3")
        try:
            known = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
        finally:
            db.close()
        for folder in self.path.iterdir():
            if folder.is_dir() and folder.name not in known:
                shutil.rmtree(folder, ignore_errors=True)

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
        self._connection = self.connection + 1




def _finish_swap(path: Path) -> None:
    """Complete a :meth:`ChromaStore.purge` that was killed: put the rebuilt folder in place
    if the live one is gone, and remove leftovers (the old folder holds deleted text)."""
    fresh = path.with_name(path.name + ".rebuild")
    if not path.exists() and fresh.exists():
        fresh.rename(path)
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(path.with_name(path.name + ".old"), ignore_errors=True)


def _rebuild(dump_file: Path, target: Path) -> None:
    """Create a Chroma folder at ``target`` from a JSON dump of every collection."""
    dump = json.loads(dump_file.read_text(encoding="utf-8"))
    client = open_client(target)
    size = max(1, int(client.get_max_batch_size()))
    for name, got in dump.items():
        col = client.get_or_create_collection(name, metadata=collection_metadata(name))
        for start in range(0, len(got["ids"]), size):
            end = start + size
            col.add(
                ids=got["ids"][start:end], embeddings=got["embeddings"][start:end],
                documents=got["documents"][start:end], metadatas=got["metadatas"][start:end],
            )


if __name__ == "__main__":  # the clean process of ChromaStore.purge
    _rebuild(Path(sys.argv[1]), Path(sys.argv[2]))
