"""In-process store on numpy arrays: throw-away runs, benchmarks and the store contract tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore, VectorStore

from assistant.models import GuidanceChunk, Participant, Statement, StatementKind
from assistant.store.base import (
    KINDS,
    ParticipantStore,
    StatementHit,
    StatementMatrix,
    exact_top_k,
    guidance_metadata,
    statement_order,
)


class _GuidanceVectorStore(InMemoryVectorStore):
    """LangChain's in-memory store scores by cosine but leaves relevance undefined; a
    cosine is already a relevance (as in the Chroma backend), so return it as is."""

    def _select_relevance_score_fn(self) -> Callable[[float], float]:
        return lambda similarity: similarity


class MemoryStore(ParticipantStore):
    """Everything in dictionaries; nothing touches the disk."""

    def __init__(self) -> None:
        self._people: dict[str, Participant] = {}
        self._vectors: dict[str, dict[str, np.ndarray]] = {k: {} for k in KINDS}
        self._statements: dict[str, dict[str, Statement]] = {k: {} for k in KINDS}
        self._guidance: list[tuple[GuidanceChunk, list[float]]] = []
        self._cache: dict[str, StatementMatrix] = {}

    def upsert(self, person: Participant, vectors: dict[str, Sequence[float]]) -> None:
        self.delete(person.id)
        self._people[person.id] = person
        for st in person.statements():
            self._statements[st.kind][st.id] = st
            self._vectors[st.kind][st.id] = np.array(vectors[st.id], dtype=np.float32)  # a copy
        self._changed()

    def delete(self, participant_id: str) -> bool:
        person = self._people.pop(participant_id, None)
        if person is None:
            return False
        for st in person.statements():
            self._statements[st.kind].pop(st.id, None)
            self._vectors[st.kind].pop(st.id, None)
        self._changed()
        return True

    def _changed(self) -> None:
        self._cache.clear()
        self._bump()

    def participants(self) -> list[Participant]:
        return [self._people[k] for k in sorted(self._people)]

    def fingerprints(self) -> dict[str, str]:
        return {pid: p.fingerprint() for pid, p in self._people.items()}

    def statements(self, kind: StatementKind) -> StatementMatrix:
        if kind not in self._cache:
            ids = sorted(self._statements[kind],
                         key=lambda i: statement_order(self._statements[kind][i]))
            vectors = (
                np.stack([self._vectors[kind][i] for i in ids])
                if ids else np.zeros((0, 0), dtype=np.float32)
            )
            self._cache[kind] = StatementMatrix([self._statements[kind][i] for i in ids], vectors)
        return self._cache[kind]

    def query(self, kind: StatementKind, vectors: np.ndarray, k: int) -> list[list[StatementHit]]:
        return exact_top_k(self.statements(kind), vectors, k)

    def set_guidance(self, chunks: list[GuidanceChunk], vectors: list[list[float]]) -> None:
        sources = {c.source for c in chunks}
        kept = [(c, v) for c, v in self._guidance if c.source not in sources]
        self._guidance = kept + list(zip(chunks, vectors, strict=True))
        self._bump()

    def guidance_store(self, embeddings: Embeddings) -> VectorStore:
        store = _GuidanceVectorStore(embeddings)
        if self._guidance:
            store.add_documents(
                [
                    Document(id=c.id, page_content=c.text, metadata=guidance_metadata(c))
                    for c, _ in self._guidance
                ]
            )
        return store

    def guidance_count(self) -> int:
        return len(self._guidance)

    def guidance_chunks(self) -> list[GuidanceChunk]:
        return sorted((c for c, _ in self._guidance), key=lambda c: (c.source, c.order))
