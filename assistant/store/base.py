"""What every store backend offers; :mod:`tests.test_store_contract` holds each to it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from assistant.models import GuidanceChunk, Participant, Statement, StatementKind

KINDS: tuple[StatementKind, StatementKind] = ("offer", "want")


@dataclass(frozen=True)
class StatementHit:
    """A stored statement returned by a similarity query."""

    statement: Statement
    similarity: float


def statement_order(statement: Statement) -> tuple[str, int]:
    """How a store orders the statements of a kind: by owner, then as the owner wrote them
    (the matcher reads each person's statements as one run, with no reordering copy)."""
    return statement.participant_id, statement.index


@dataclass
class StatementMatrix:
    """All statements of one kind with their vectors (rows aligned with ``statements``,
    in :func:`statement_order`)."""

    statements: list[Statement]
    vectors: np.ndarray
    _norms: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def norms(self) -> np.ndarray:
        """Each row's length, computed once (queries divide by it instead of normalising
        a copy of every stored vector each time)."""
        if self._norms is None:
            stored = np.asarray(self.vectors, dtype=np.float32)
            self._norms = np.maximum(np.linalg.norm(stored, axis=1), 1e-12)
        return self._norms


class ParticipantStore(ABC):
    """Participants, one vector per offer and per want statement, and guidance chunks."""

    @abstractmethod
    def upsert(self, person: Participant, vectors: dict[str, Sequence[float]]) -> None:
        """Store ``person`` and replace all their statements; ``vectors`` maps statement id."""

    @abstractmethod
    def delete(self, participant_id: str) -> bool:
        """Remove a person and their statements; True if they were there."""

    @abstractmethod
    def participants(self) -> list[Participant]:
        """Every stored person, ordered by id."""

    @abstractmethod
    def fingerprints(self) -> dict[str, str]:
        """``{id: fingerprint}`` of stored people (decides what re-ingest must redo)."""

    @abstractmethod
    def statements(self, kind: StatementKind) -> StatementMatrix:
        """Every stored statement of ``kind`` with its vector."""

    @abstractmethod
    def query(self, kind: StatementKind, vectors: np.ndarray, k: int) -> list[list[StatementHit]]:
        """For each query vector, the ``k`` most similar statements of ``kind``."""

    @abstractmethod
    def set_guidance(self, chunks: list[GuidanceChunk], vectors: list[list[float]]) -> None:
        """Replace chunks of the same sources with these (other sources stay)."""

    @abstractmethod
    def guidance_store(self, embeddings: Embeddings) -> VectorStore:
        """A LangChain vector store over the guidance chunks, for retrieval."""

    @abstractmethod
    def guidance_count(self) -> int:
        """How many guidance chunks are stored."""

    @abstractmethod
    def guidance_chunks(self) -> list[GuidanceChunk]:
        """Every stored guidance chunk, ordered by source and position."""

    #: True when other processes may write the same data at the same time (a server):
    #: the data-folder lock does not cover it, so callers :meth:`refresh` before reading
    shared: bool = False

    def refresh(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Notice writes made by other processes since the last call (:attr:`version` then
        changes). Stores that only this process writes have nothing to do."""

    def label(self, name: str) -> str | None:
        """A small named value kept with the data (None if unset)."""
        return getattr(self, "_labels", {}).get(name)

    def set_label(self, name: str, value: str) -> None:
        """Keep ``value`` under ``name`` with the data. Shared stores keep it where every
        process sees it; the default keeps it for this object's life."""
        self._labels = getattr(self, "_labels", {}) | {name: value}

    def purge(self) -> None:  # noqa: B027 - optional hook, nothing to do by default
        """Physically drop deleted data (backends that keep tombstones override this)."""

    @property
    def purge_residue(self) -> str | None:
        """What :meth:`purge` cannot erase, in words for an operator (None: nothing)."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and handles."""

    def release(self) -> None:  # noqa: B027 - optional hook
        """Let go of what the backend holds for the writes so far (at the end of an
        ingest); the next call opens what it needs again. Nothing by default."""

    @property
    def version(self) -> int:
        """Changes whenever stored data changes (lets callers cache derived matrices)."""
        return getattr(self, "_version", 0)

    @property
    def connection(self) -> int:
        """Changes whenever objects this store handed out earlier (a
        :meth:`guidance_store`) may have stopped working: the store closed its client."""
        return getattr(self, "_connection", 0)

    def _bump(self) -> None:
        self._version = self.version + 1


def exact_top_k(matrix: StatementMatrix, vectors: np.ndarray, k: int) -> list[list[StatementHit]]:
    """For each query vector, the ``k`` statements of ``matrix`` with the highest cosine,
    exactly; ties go to the earlier row (``matrix`` is in :func:`statement_order`), so the
    same query gives the same hits in every process."""
    if not matrix.statements or len(vectors) == 0:
        return [[] for _ in range(len(vectors))]
    stored = np.asarray(matrix.vectors, dtype=np.float32)
    asked = np.asarray(vectors, dtype=np.float32)
    asked = asked / np.maximum(np.linalg.norm(asked, axis=1, keepdims=True), 1e-12)
    sims = (asked @ stored.T) / matrix.norms
    out = []
    for row in sims:
        out.append([StatementHit(matrix.statements[i], float(row[i])) for i in _top(row, k)])
    return out


def _top(row: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest values, largest first, ties to the lower index; the
    same as a stable descending sort cut at ``k``, without sorting the whole row."""
    if k >= len(row):
        return np.argsort(-row, kind="stable")[:k]
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = row[np.argpartition(-row, k - 1)[:k]].min()
    near = np.flatnonzero(row >= kth)  # the top k and everything tied with the k-th
    return near[np.lexsort((near, -row[near]))][:k]


def guidance_metadata(chunk: GuidanceChunk) -> dict[str, str | int]:
    return {"source": chunk.source, "heading": chunk.heading, "order": chunk.order}
