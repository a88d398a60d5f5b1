"""The assistant's public API: one object the CLI, the UI and the evals all use.

It wires the stages (ingest -> embed -> store -> match) to one data folder and
holds that folder's process lock for its whole life; its writes (ingest, forget, the
check of which model built the stored vectors) are in :mod:`assistant.folder_writes`.
With a Chroma server (``Settings.chroma_url``) the store is the server's, shared with
other processes: readers take no lock and look for other processes' writes at every
request.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from assistant.config import Settings
from assistant.embed import CachedEmbeddings, embed_array, make_embeddings, warm_up
from assistant.errors import (
    EmptyStore,
    UnknownParticipant,
)
from assistant.folder_writes import (
    _UNREAD,
    EMBEDDING_LABEL,
    EMBEDDING_MARKER,
    UI_FOLDER,
    FolderWrites,
    ForgetReport,
    IngestReport,
    Progress,
)
from assistant.ingest import RejectsLedger
from assistant.match import (
    Candidate,
    CohortResult,
    CohortScores,
    Matcher,
    MatchResult,
    PreferenceWeights,
    Request,
    ScoringConfig,
    SolverOptions,
    cohort_scores,
    pair_people,
)
from assistant.models import Participant
from assistant.programme.api import Programme
from assistant.programme.weights import applied_scoring
from assistant.store import DataDirLock, ParticipantStore, make_store
from assistant.store.journal import WriteJournal
from assistant.store.lock import Mode, folder_lock

#: folder in the data folder for what is derived from the model (vocabulary vectors)
DERIVED_DIR = "derived"
#: what the callers import from here (the write side's names live in folder_writes)
__all__ = [
    "DERIVED_DIR", "EMBEDDING_LABEL", "EMBEDDING_MARKER", "UI_FOLDER", "ForgetReport",
    "GuidanceHit", "IngestReport", "PairingService", "Progress",
]


@dataclass
class GuidanceHit:
    source: str
    heading: str
    text: str
    score: float

    @property
    def citation(self) -> str:
        return f"{self.source} > {self.heading}"


class PairingService(FolderWrites):
    """Ingest, match, explain, pair a cohort and search guidance over one data folder."""

    def __init__(
        self, settings: Settings | None = None, *, mode: Mode = "shared",
        embeddings: Embeddings | None = None, store: ParticipantStore | None = None,
        config: ScoringConfig | None = None, weights: PreferenceWeights | None = None,
        command: str = "",
    ) -> None:
        self.settings = settings or Settings()
        self.data_dir = self.settings.data_dir
        self.lock: DataDirLock | None = None
        persistent = store is None and self.settings.store != "memory"
        if persistent:
            self.lock = folder_lock(self.data_dir, mode, command,
                                    server=bool(self.settings.chroma_url))
        try:
            # the store first: a Chroma server that does not answer fails before the model loads
            self.store = store or make_store(self.settings.store, self.data_dir,
                                             self.settings.chroma_url)
            if embeddings is None:
                derived = self.data_dir / DERIVED_DIR if persistent else None
                inner, name = make_embeddings(self.settings.embedding, derived)
                cache = self.data_dir / "embed-cache.sqlite" if persistent else None
                embeddings = CachedEmbeddings(inner, cache, name)
            self.embeddings = embeddings
        except BaseException:
            self.close()
            raise
        self.persistent = persistent
        self.journal = WriteJournal(self.data_dir)
        self.interrupted = self.journal.read() if persistent else None
        self.rejects = RejectsLedger(self.data_dir)
        self._built_with: str | object | None = _UNREAD
        self.embedding_name = str(
            getattr(self.embeddings, "model_name", None)
            or getattr(self.embeddings, "name", None) or type(self.embeddings).__name__
        )
        self.config = config or ScoringConfig(reporting_levels=self.settings.reporting_levels)
        self.weights = weights or PreferenceWeights()
        if config is None and weights is None:  # weights learned from the programme's ratings
            try:
                self.config, self.weights = applied_scoring(self.programme.record, self.config,
                                                            self.weights)
            except BaseException:
                self.close()
                raise
        self.matcher = Matcher(self.store, self.embeddings, self.config, self.weights)
        self._guidance_vs: VectorStore | None = None
        self._guidance_version: tuple[int, int] = (-1, -1)

    # lifecycle -------------------------------------------------------------------
    @functools.cached_property
    def programme(self) -> Programme:
        """The programme record of this data folder (pairs, sessions, feedback, dismissals)."""
        return Programme(self)

    def close(self) -> None:
        if "programme" in self.__dict__:
            self.programme.close()
        store = getattr(self, "store", None)
        if store is not None:
            store.close()
        embeddings = getattr(self, "embeddings", None)
        if isinstance(embeddings, CachedEmbeddings):
            embeddings.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def warm(self) -> None:
        """Load now what a first answer would load (the model, the vocabulary's vectors,
        every statement with the vocabulary's view of it, the vector indexes), so that
        the first request is as fast as the next. Writes nothing to the caches."""
        snap = self.matcher.snapshot
        if not snap.people:  # nothing to answer yet: nothing worth loading
            return
        self._check_vectors()
        warm_up(self.embeddings)
        self.matcher.find(Request(asker_id=snap.order[0].id), k=1)  # opens the vector indexes
        stored = snap.sides["offer"].vectors
        if self.store.guidance_count() and len(stored):
            self._guidance_store().similarity_search_by_vector(stored[0].tolist(), k=1)

    def __enter__(self) -> PairingService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # read side ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Notice what other processes wrote to a shared store (Chroma server mode); every
        read below starts with it, so a running chat sees people ingested elsewhere.
        Costs one request to the server; nothing in embedded mode."""
        self.store.refresh()

    def participants(self) -> list[Participant]:
        self.refresh()
        return list(self.matcher.snapshot.people.values())

    def get(self, participant_id: str) -> Participant:
        self.refresh()
        return self.matcher.person(participant_id)

    def resolve(self, ref: str) -> Participant:
        """A participant by id, full name or unique first name (case-insensitive)."""
        self.refresh()
        people = self.matcher.snapshot.people
        if ref in people:
            return people[ref]
        key = ref.strip().casefold()
        for field_of in (lambda p: p.id.casefold(), lambda p: p.name.casefold(),
                         lambda p: p.first_name.casefold()):
            hits = [p for p in people.values() if field_of(p) == key]
            if len(hits) == 1:
                return hits[0]
        raise UnknownParticipant(ref, self.suggest(ref))

    def find(self, request: Request, k: int = 5) -> MatchResult:
        self.refresh()
        self._check_vectors()
        return self.matcher.find(self.programme.constrain(request), k)

    def assess(self, request: Request, participant_id: str) -> Candidate:
        self._check_vectors()
        return self.matcher.assess(request, participant_id)

    def explain(self, a_id: str, b_id: str) -> Candidate:
        self.refresh()
        self._check_vectors()
        return self.matcher.explain(a_id, b_id)

    def pair_cohort(
        self, locks: Iterable[tuple[str, str]] = (), exclusions: Iterable[tuple[str, str]] = (),
        min_score: float | None = None, options: SolverOptions | None = None,
    ) -> CohortResult:
        """Pair everyone (people sorted by id) from pair scores streamed in blocks."""
        self.refresh()
        snap = self.matcher.snapshot
        if not snap.people:
            raise EmptyStore("no participants have been ingested yet")
        self._check_vectors()
        return pair_people(snap.order, snap.sides["offer"], snap.sides["want"], self.config,
                           self.weights, self.matcher.check, locks, exclusions, min_score,
                           options)

    def cohort_scores(self) -> CohortScores:
        """Every pair's scores as dense matrices (what :meth:`pair_cohort` maximises),
        people sorted by id: for evaluation baselines on small cohorts; n x n memory."""
        self.refresh()
        snap = self.matcher.snapshot
        if not snap.people:
            raise EmptyStore("no participants have been ingested yet")
        self._check_vectors()
        people = sorted(snap.people.values(), key=lambda p: p.id)
        return cohort_scores(people, snap.vectors["offer"], snap.vectors["want"], self.config,
                             self.weights, self.matcher.check)

    def search_guidance(self, question: str, k: int = 3) -> list[GuidanceHit]:
        """Guidance sections most relevant to ``question`` (LangChain vector store)."""
        self.refresh()
        if self.store.guidance_count() == 0:
            return []
        self._check_vectors()
        docs = self._guidance_store().similarity_search_with_relevance_scores(question, k=k)
        hits = []
        for doc, score in docs:
            meta = doc.metadata
            hits.append(GuidanceHit(str(meta.get("source", "")), str(meta.get("heading", "")),
                                    doc.page_content, float(score)))
        return hits

    def _guidance_store(self) -> VectorStore:
        made_for = (self.store.version, self.store.connection)
        if self._guidance_vs is None or self._guidance_version != made_for:
            self._guidance_vs = self.store.guidance_store(self.embeddings)
            self._guidance_version = made_for
        return self._guidance_vs

    def stats(self) -> dict[str, object]:
        self.refresh()
        snap = self.matcher.snapshot
        people = list(snap.people.values())
        depts: dict[str, int] = {}
        for p in people:
            depts[p.department or "(none)"] = depts.get(p.department or "(none)", 0) + 1
        cache = len(self.embeddings) if isinstance(self.embeddings, CachedEmbeddings) else None
        return {
            "data_dir": str(self.data_dir),
            "participants": len(people),
            "offer_statements": len(snap.matrix["offer"].statements),
            "want_statements": len(snap.matrix["want"].statements),
            "guidance_chunks": self.store.guidance_count(),
            "at_capacity": sum(1 for p in people if p.at_capacity),
            "departments": dict(sorted(depts.items())),
            "embedding_cache_entries": cache,
            "embedding_model": self.embedding_name,
            "vectors_built_with": self.built_with(),
            "store": self.settings.store,
            "chroma_server": self.settings.chroma_url or None,
            "rejects_files": self.rejects.rows() if self.persistent else {},
            "incomplete": self.interrupted.describe() if self.interrupted else "",
        }

    def embed(self, texts: list[str]) -> np.ndarray:
        return embed_array(self.embeddings, texts)
