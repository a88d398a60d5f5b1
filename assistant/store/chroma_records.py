"""How this package lays its records out in Chroma, and how it opens and reads it.

Collections: ``participants`` (one record a person, the profile as JSON in its metadata),
``offers`` and ``wants`` and ``guidance`` (chunks as documents, for LangChain's Chroma
vector store).

``offers`` and ``wants`` hold vectors in one of two layouts:

- **a record a distinct text** (a data folder): the id is the text's digest
  (:func:`text_id`), no metadata; whose statements the text is, and in which order, the
  profiles say. Two people who wrote the same words share one record; it goes when
  no stored profile says it any more. A synthetic 10,000-person cohort has 40,387
  statements and 18,007 distinct texts (offers and wants apart): 40,387 records took 4.7 s
  to write.
- **a record a statement** (a shared server, and folders written before 2026-11-28): the
  id is ``owner::kind::index``, on a server with owner and text in metadata, so that
  readers check each person's statements against the profile and writers delete by owner
  while other processes read and write the same collections.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings  # noqa: F401  (telemetry off before chromadb loads)
from assistant.models import Participant, Statement, StatementKind

COLLECTIONS: dict[StatementKind, str] = {"offer": "offers", "want": "wants"}
PEOPLE = "participants"
GUIDANCE = "guidance"
SPACE: dict[str, str | int] = {"hnsw:space": "cosine"}
BASE_NAMES = (PEOPLE, *COLLECTIONS.values(), GUIDANCE)
#: people and statements: Chroma builds an HNSW index as records arrive, and nothing
#: searches these collections' index (queries are exact over the loaded vectors, see
#: :meth:`ChromaStore.query`), so it is built cheaply: 10,000 adds took 5.1 s against
#: 7.6 s with Chroma's defaults. Collections made before keep their settings.
UNSEARCHED: dict[str, str | int] = {**SPACE, "hnsw:construction_ef": 10, "hnsw:M": 4}


#: metadata keys holding a statement's text and a person's profile (JSON). Kept out of
#: Chroma's ``documents``: Chroma builds a trigram full-text index over documents, which
#: nothing here searches, and that index was half the cost of an add (8,000 statements:
#: 0.56 ms a record with the text as a document, 0.33 ms in metadata; 3,000 profiles:
#: 1.04 ms against 0.39 ms). Folders written before keep theirs in documents, still read.
TEXT = "text"
PROFILE = "profile"


def statement_metadata(st: Statement) -> dict[str, str | int]:
    """A statement record's metadata on a shared server: owner and text, for readers that
    check statements against profiles and writers that delete by owner. Each metadata key
    costs every add (40,000 statements: 5.5 s with the owner as metadata, 4.0-4.5 s with
    none), which is why a data folder keeps text records with none."""
    return {"participant_id": st.participant_id, TEXT: st.text}


#: how the id of a text record starts (a statement record's id always holds ``::``)
TEXT_PREFIX = "text:"


def text_id(text: str) -> str:
    """The id of the record that holds the vector of ``text`` (of a kind)."""
    return TEXT_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def is_statement_record(record_id: str) -> bool:
    """Whether a record is a statement's (``owner::kind::index``), not a text's."""
    return "::" in record_id


def texts_of(people: Iterable[Participant], kind: StatementKind) -> set[str]:
    """The distinct texts of ``kind`` that ``people`` say."""
    return {t for p in people for t in (p.offers if kind == "offer" else p.wants)}


def text_records(items: Sequence[tuple[Participant, Mapping[str, Sequence[float]]]],
                 kind: StatementKind) -> dict[str, Sequence[float]]:
    """``{text id: vector}`` of the distinct texts of ``kind`` in ``items`` (one vector a
    text: the same words embed the same)."""
    out: dict[str, Sequence[float]] = {}
    for person, vectors in items:
        for st in person.statements():
            if st.kind == kind:
                out.setdefault(text_id(st.text), vectors[st.id])
    return out


def unsaid(before: Iterable[Participant], still: Iterable[Participant],
           kind: StatementKind) -> list[str]:
    """Ids of the text records of ``kind`` that ``before`` said and that nobody in
    ``still`` (every profile stored once the write is done) says."""
    gone = texts_of(before, kind) - texts_of(still, kind)
    return sorted(text_id(t) for t in gone)


def live_records(people: Iterable[Participant], kind: StatementKind) -> set[str]:
    """Ids of every record of ``kind`` that ``people``'s profiles can use, in either layout."""
    out: set[str] = set()
    for person in people:
        for st in person.statements():
            if st.kind == kind:
                out |= {st.id, text_id(st.text)}
    return out


def profile_rows(people: Sequence[Participant], kind: StatementKind,
                 ids: Sequence[str]) -> tuple[list[Statement], list[int]]:
    """The statements of ``kind`` that ``people`` (ordered by id) say, in
    :func:`~assistant.store.base.statement_order`, each with the row of ``ids`` holding its
    vector: the statement's own record (older folders), else its text's. A statement with
    neither is left out."""
    rows = {record: row for row, record in enumerate(ids)}
    statements: list[Statement] = []
    found: list[int] = []
    for person in people:
        for st in person.statements():
            if st.kind != kind:
                continue
            row = rows.get(st.id)
            if row is None:
                row = rows.get(text_id(st.text))
            if row is not None:
                statements.append(st)
                found.append(row)
    return statements, found


def statement_key(record_id: str) -> tuple[str, str, int]:
    """Owner, kind and index a statement record's id names (``owner::kind::index``; an
    owner's id may itself hold ``::``)."""
    owner, kind, index = record_id.rsplit("::", 2)
    return owner, kind, int(index)


def read_statement(record_id: str, metadata: dict[str, Any] | None, document: str | None,
                   kind: StatementKind, owners: Mapping[str, Participant]) -> Statement | None:
    """The statement a record holds, in any layout this package wrote: owner, kind and
    index in metadata or only in the id, the text in metadata, as the document, or only
    in the owner's profile. None for a record whose owner's profile does not have it."""
    metadata = metadata or {}
    named, _, index = statement_key(record_id)
    owner_id = str(metadata.get("participant_id") or named)
    if metadata.get("index") is not None:
        index = int(metadata["index"])
    text = stored_text(metadata, document, TEXT)
    if text is None:
        owner = owners.get(owner_id)
        said = () if owner is None else (owner.offers if kind == "offer" else owner.wants)
        if index >= len(said):
            return None
        text = said[index]
    return Statement(owner_id, kind, index, str(text))


def needs_owner(metadata: dict[str, Any] | None, document: str | None) -> bool:
    """Whether a statement record's text is only in its owner's profile."""
    return stored_text(metadata or {}, document, TEXT) is None


def profile_vectors(items: Sequence[tuple[Participant, Mapping[str, Sequence[float]]]]
                    ) -> np.ndarray:
    """A person record's vector: the normalised mean of their statements' vectors, for
    every person of ``items`` at once (10,000 people one by one: 0.55 s of an ingest)."""
    counts = np.asarray([len(vectors) for _, vectors in items])
    if not len(counts) or not counts.all():
        raise ValueError("every person stored has at least one statement")
    rows = np.asarray([v for _, vectors in items for v in vectors.values()], dtype=np.float32)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    means = np.add.reduceat(rows, starts, axis=0) / counts[:, None]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return (means / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def person_metadata(person: Participant) -> dict[str, str]:
    """A person's record: the fingerprint re-ingest compares and the profile (JSON). The
    name is in the profile; as a key of its own it cost every add (10,000 people: 3.1-3.8 s
    with three keys, 3.1 s with two)."""
    return {"fingerprint": person.fingerprint(), PROFILE: person.model_dump_json()}


def profiles(got: Mapping[str, Any]) -> list[Participant]:
    """The profiles a ``get`` of the people collection returned (metadatas and documents
    included), in its order."""
    return [Participant.model_validate_json(str(stored_text(m, d, PROFILE)))
            for m, d in zip(got["metadatas"] or [], got["documents"] or [], strict=True)]


def stored_text(metadata: dict[str, Any], document: str | None, key: str) -> str | None:
    """What a record keeps under ``key`` in its metadata, else its document (older
    folders), else None."""
    value = metadata.get(key)
    return str(value) if value is not None else document


def collection_metadata(base: str) -> dict[str, str | int]:
    """Metadata a collection is created with, by its base name (one of BASE_NAMES)."""
    return dict(SPACE) if base == GUIDANCE else dict(UNSEARCHED)


def open_client(path: Path | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if path is None:
        return chromadb.EphemeralClient(settings=settings)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


#: records a single Chroma ``get`` returns: Chroma binds one SQL variable a record, and
#: SQLite refuses more than 32,766 (every read of a 50,000-person cohort failed)
PAGE = 20_000
#: records a page when vectors are read: Chroma hands a page of vectors over as Python
#: floats before numpy sees them (a 20,000-vector page peaked at 450 MB for 60 MB of
#: float32), so vectors come in small pages and are kept as float32 as they arrive
VECTOR_PAGE = 2_000


def get_all(col: Any, include: list[str]) -> dict[str, Any]:
    """Every record of a collection, read a page at a time; ``embeddings``, when asked
    for, is one float32 matrix (a row per id)."""
    page = VECTOR_PAGE if "embeddings" in include else PAGE
    out: dict[str, Any] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        got = col.get(include=include, limit=page, offset=offset)
        for key in out:
            part = got.get(key)
            if key == "embeddings":
                if part is not None and len(part):
                    out[key].append(np.asarray(part, dtype=np.float32))
            else:
                out[key].extend(list(part) if part is not None else [])
        offset += len(got["ids"])
        if len(got["ids"]) < page:
            break
    if "embeddings" in out:
        out["embeddings"] = (np.concatenate(out["embeddings"]) if out["embeddings"]
                             else np.zeros((0, 0), dtype=np.float32))
    return out
