"""The writing side of :class:`~assistant.service.PairingService` over one data folder:
ingest, forget, and which embedding model the stored vectors were built with.

:class:`FolderWrites` is a base of the service (it reads the attributes the service
sets in its constructor, listed on the class), so ``service.py`` stays the facade of the
read side and this file holds every write.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from langchain_core.embeddings import Embeddings

from assistant.embed import CachedEmbeddings
from assistant.errors import StaleIndex, UnknownParticipant, WriteInterrupted
from assistant.files import atomic_write_text
from assistant.ingest import ParticipantBatch, RejectsLedger, load_guidance, load_participants
from assistant.ingest.files import classify
from assistant.ingest.ledger import file_rejects, forget_rejects
from assistant.match import Matcher
from assistant.models import GuidanceChunk, Participant
from assistant.store import ParticipantStore
from assistant.store.journal import Interrupted, WriteJournal
from assistant.store.writer import embed_and_store

#: file in the data folder naming the embedding model (and vocabulary) of its vectors
EMBEDDING_MARKER = "embedding-model.txt"
#: the same, kept as a store label when the store is shared (a Chroma server)
EMBEDDING_LABEL = "embedding_model"
#: folder in the data folder for the chat's downloads (emptied at start, exit and forget)
UI_FOLDER = "ui"
_UNREAD = object()
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, person by person, and where the rejected rows went."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: int = 0
    problems: list[str] = field(default_factory=list)
    rejects_file: Path | None = None
    rejects_files: list[Path] = field(default_factory=list)
    guidance_chunks: int = 0
    guidance_files: int = 0
    embedded: int = 0
    #: people and guidance sections already stored and re-embedded because the
    #: embedding model changed since they were stored
    reembedded_people: int = 0
    reembedded_guidance: int = 0
    seconds: float = 0.0
    #: what the interrupted write this ingest completes was, if any
    resumed: str = ""


@dataclass
class ForgetReport:
    participant_id: str
    name: str
    statements: int
    cache_entries: int
    reject_rows: int
    #: what the store could not erase from its own files (a Chroma server's), or None
    residue: str | None = None
    #: rows of the programme record erased (pairs, sessions, feedback, dismissals)
    programme_rows: int = 0
    #: rejects files recorded in the data folder that could not be cleaned, with why
    unreachable: list[str] = field(default_factory=list)


class ForgetsPeople(Protocol):
    """What a forget needs of the programme record: erase a person's rows, say how many."""

    def forget(self, person: str, name: str = "") -> int: ...


class FolderWrites:
    """Ingest, forget and the embedding-model check of one data folder."""

    data_dir: Path
    persistent: bool
    store: ParticipantStore
    embeddings: Embeddings
    embedding_name: str
    journal: WriteJournal
    interrupted: Interrupted | None
    rejects: RejectsLedger
    matcher: Matcher
    _built_with: str | object | None

    if TYPE_CHECKING:  # the service's programme record (a cached property there)
        @property
        def programme(self) -> ForgetsPeople: ...

    # ingest ------------------------------------------------------------------------
    def ingest(
        self, paths: Sequence[Path], mapping: Mapping[str, str] | None = None,
        strict: bool = False, rejects_path: Path | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest participant files and guidance (files or folders), idempotently."""
        started = time.perf_counter()
        self.store.refresh()
        people_files, guide_files = classify(paths)
        report = IngestReport()
        batch = None
        known: dict[str, str] | None = None  # who is stored, read once (a read of everyone)
        if people_files:  # read and validate everything before the first write
            known = self.store.fingerprints()
            batch = load_participants(people_files, mapping, known_ids=known.keys(),
                                      strict=strict)
        chunks = load_guidance(guide_files) if guide_files else []
        if self.interrupted is not None:
            report.resumed = self.interrupted.describe()
        if self.persistent:
            self.journal.begin("ingest", self.embedding_name)
        if self.built_with() not in (None, self.embedding_name):
            self._reembed_stored(report, progress)
        if batch is not None and known is not None:
            self._ingest_people(batch, known, rejects_path, progress, report)
        if chunks:
            self._ingest_guidance(chunks)
            report.guidance_chunks = len(chunks)
            report.guidance_files = len({c.source for c in chunks})
        if self.persistent:
            people = (bool(known or report.added or report.updated) if known is not None
                      else bool(self.store.fingerprints()))
            if people or self.store.guidance_count():
                if self.store.shared:  # with the vectors, where every process sees it
                    self.store.set_label(EMBEDDING_LABEL, self.embedding_name)
                else:
                    atomic_write_text(self.data_dir / EMBEDDING_MARKER,
                                      self.embedding_name + "\n")
                self._built_with = self.embedding_name
            self.journal.end()
            self.interrupted = None
        report.seconds = time.perf_counter() - started
        return report

    def built_with(self) -> str | None:
        """Embedding model of the stored vectors: None when nothing is stored (or in memory).

        A data folder from before the marker file existed reports ``"unknown"``. Read once
        per service (every search checks it): while this service holds the folder's lock
        no other process can ingest, and this one's own ingests update it. A shared store
        keeps it as a label, read again with every :meth:`refresh`.
        """
        if self.store.shared and self.persistent:
            label = self.store.label(EMBEDDING_LABEL)
            if label is not None:
                return label
            return "unknown" if self.matcher.snapshot.people or self.store.guidance_count() \
                else None
        if self._built_with is _UNREAD:
            self._built_with = self._read_marker()
        return self._built_with  # type: ignore[return-value]

    def _read_marker(self) -> str | None:
        if not self.persistent:
            return None
        marker = self.data_dir / EMBEDDING_MARKER
        if marker.exists():
            return marker.read_text(encoding="utf-8").strip()
        if self.interrupted is not None and self.interrupted.model:
            return self.interrupted.model  # the first ingest was killed before the marker
        return "unknown" if self.store.fingerprints() or self.store.guidance_count() else None

    def check_readable(self) -> None:
        """Raise if the folder cannot answer questions: an interrupted write, or vectors
        of another embedding model."""
        self._check_vectors()

    def _check_vectors(self) -> None:
        if self.interrupted is not None:
            raise WriteInterrupted(str(self.data_dir), self.interrupted.describe())
        built = self.built_with()
        if built not in (None, self.embedding_name):
            raise StaleIndex(str(self.data_dir), str(built), self.embedding_name)

    def _reembed_stored(self, report: IngestReport, progress: Progress | None) -> None:
        """Everyone and every guidance section already stored, embedded again."""
        people = self.store.participants()
        self._embed_and_store(people, progress)
        chunks = self.store.guidance_chunks()
        if chunks:
            self._ingest_guidance(chunks)
        report.reembedded_people = len(people)
        report.reembedded_guidance = len(chunks)

    def _ingest_people(
        self, batch: ParticipantBatch, before: dict[str, str], rejects_path: Path | None,
        progress: Progress | None, report: IngestReport,
    ) -> None:
        report.rejected = len(batch.rejects)
        report.problems = [p.describe() for p in batch.problems]
        if self.persistent or rejects_path is not None:
            report.rejects_files = file_rejects(self.rejects, batch, rejects_path)
            report.rejects_file = report.rejects_files[-1] if report.rejects_files else None
        todo: list[Participant] = []
        for person in batch.participants:
            old = before.get(person.id)
            if old == person.fingerprint():
                report.unchanged.append(person.id)
            else:
                (report.updated if old else report.added).append(person.id)
                todo.append(person)
        computed_before = getattr(self.embeddings, "computed", 0)
        self._embed_and_store(todo, progress)
        report.embedded = getattr(self.embeddings, "computed", 0) - computed_before

    def _embed_and_store(self, todo: list[Participant], progress: Progress | None) -> None:
        embed_and_store(self.embeddings, self.store, todo, progress)

    def _ingest_guidance(self, chunks: list[GuidanceChunk]) -> None:
        vectors = self.embeddings.embed_documents([c.text for c in chunks])
        self.store.set_guidance(chunks, vectors)

    # forget ------------------------------------------------------------------------
    def forget(self, ref: str) -> ForgetReport:
        """Erase a person (by id or full name) from the store, the embedding cache, every
        rejects file recorded (wherever it was written), the programme record and the chat's
        download folder. A first name alone is not enough for something this final."""
        self.store.refresh()
        person = self.store.participants()
        key = ref.strip().casefold()
        found = next((p for p in person if p.id == ref), None)
        if found is None:
            named = [p for p in person if key in (p.id.casefold(), p.name.casefold())]
            found = named[0] if len(named) == 1 else None
        participant_id = found.id if found is not None else ref
        redo = (self.interrupted is not None and self.interrupted.operation == "forget"
                and self.interrupted.target == participant_id)
        if self.persistent:
            self.journal.begin("forget", self.embedding_name, participant_id)
        reject_rows, unreachable = forget_rejects(self.rejects, participant_id)
        programme_rows = self.programme.forget(participant_id, found.name if found else "")
        if found is None and not reject_rows and not programme_rows and not redo:
            self._end_write()
            raise UnknownParticipant(ref, self.suggest(ref))
        cache_entries = 0
        statements = 0
        if found is not None:
            self.store.delete(participant_id)
            self._reattach_reports(found)
            others = {t for p in self.store.participants() for t in (*p.offers, *p.wants)}
            mine = [t for t in (*found.offers, *found.wants) if t not in others]
            statements = len(found.offers) + len(found.wants)
            if isinstance(self.embeddings, CachedEmbeddings):
                cache_entries = self.embeddings.forget(mine)
        self.store.purge()
        if self.persistent:  # the chat is not running (it holds the folder): its files go
            shutil.rmtree(self.data_dir / UI_FOLDER, ignore_errors=True)
        self._end_write()
        name = found.name if found else participant_id
        return ForgetReport(participant_id, name, statements, cache_entries, reject_rows,
                            residue=self.store.purge_residue, programme_rows=programme_rows,
                            unreachable=unreachable)

    def _end_write(self) -> None:
        if self.persistent:
            if self.interrupted is None or self.interrupted.operation == "forget":
                self.journal.end()
                self.interrupted = None
            else:  # an ingest is still incomplete: keep saying so
                self.journal.begin("ingest", self.interrupted.model)

    def _reattach_reports(self, gone: Participant) -> None:
        """Keep reporting lines whole: the person's reports now report to their manager."""
        moved = [p.model_copy(update={"manager_id": gone.manager_id})
                 for p in self.store.participants() if p.manager_id == gone.id]
        self._embed_and_store(moved, None)

    def suggest(self, ref: str, limit: int = 3) -> list[str]:
        import difflib

        people = self.matcher.snapshot.people.values()
        labels = {p.id: p.id for p in people} | {p.name.casefold(): p.id for p in people}
        close = difflib.get_close_matches(ref.casefold(), list(labels), n=limit, cutoff=0.6)
        return [f"{labels[c]}" for c in close]
