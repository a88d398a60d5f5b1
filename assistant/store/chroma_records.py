"""How this package lays its records out in Chroma, and how it opens and reads it.

Collections: ``participants`` (one record a person, the profile as JSON in its metadata),
``offers`` and ``wants`` (one vector a statement, its text and owner in metadata) and
``guidance`` (chunks as documents, for LangChain's Chroma vector store).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings  # noqa: F401  (telemetry off before chromadb loads)
from assistant.models import Participant, Statement, StatementKind

COLLECTIONS = {"offer": "offers", "want": "wants"}
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


def statement_metadata(st: Statement, with_text: bool) -> dict[str, str | int] | None:
    """A statement record's metadata: none in a local folder, owner and text on a server.

    The record's id (``owner::kind::index``) names the owner, the kind and the index, and
    the text is the owner's profile's; each metadata key costs every add (40,000
    statements: 5.5 s with the owner as metadata, 4.0-4.5 s with none). ``with_text`` keeps
    owner and text, for readers that check statements against profiles and delete by
    owner (a shared server).
    """
    if not with_text:
        return None
    return {"participant_id": st.participant_id, TEXT: st.text}


def statement_key(record_id: str) -> tuple[str, str, int]:
    """Owner, kind and index a statement record's id names (``owner::kind::index``; an
    owner's id may itself hold ``::``)."""
    owner, kind, index = record_id.rsplit("::", 2)
    return owner, kind, int(index)


def statement_ids(person: Participant) -> set[str]:
    """Ids of the statement records ``person``'s profile has."""
    return {st.id for st in person.statements()}


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


def person_metadata(person: Participant) -> dict[str, str]:
    """A person's record: the fingerprint re-ingest compares and the profile (JSON). The
    name is in the profile; as a key of its own it cost every add (10,000 people: 3.1-3.8 s
    with three keys, 3.1 s with two)."""
    return {"fingerprint": person.fingerprint(), PROFILE: person.model_dump_json()}


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
