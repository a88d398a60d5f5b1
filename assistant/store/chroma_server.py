"""ChromaDB server backend: the same collections as :class:`ChromaStore`, over HTTP.

Started with ``chroma run --path DIR --host 127.0.0.1 --port N``; several processes
(chat servers, a coordinator's ingest) use it at once, and the server serialises
their writes. Three things the embedded store gets from the data-folder lock are
done here instead:

- **Changes made elsewhere.** A small collection, ``pairing-state``, carries in its
  metadata a ``version`` token that every write replaces when it ends.
  :meth:`ChromaServerStore.refresh` reads it (one HTTP request) and, when it moved,
  drops the cached matrices and bumps :attr:`version`, so the matcher rebuilds its
  snapshot.
- **Consistent reads.** A write replaces a person's statements in several requests, and
  a reader may come in between. People and both statement matrices are read together
  and checked against each other: every person's statements must be exactly their
  profile's. A read that caught someone half-written is repeated; after a few tries
  (a writer that keeps rewriting the same people) that request goes without them,
  and the next refresh reads again. Statements of people not (or no longer) stored
  are left out.
- **Physical deletion.** :meth:`ChromaServerStore.purge` copies the live records into
  a new *generation* of collections (``participants-1``, ...), publishes it in the
  state and deletes the old collections, whose index files go with them. Readers
  still on the old generation meet "collection not found", read the state again and
  retry. Deleted text can survive in free pages of the server's ``chroma.sqlite3``
  until the operator runs ``chroma vacuum`` (see :data:`VACUUM_HINT`).

Writers must take turns: two processes writing at the same instant could interleave
a person's statements. Writers sharing a data folder are kept apart by its lock
(:func:`assistant.store.lock.folder_lock`); writers on different machines are not.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np

from assistant.errors import ConfigError, StoreUnreachable
from assistant.models import Participant, StatementKind
from assistant.store.base import StatementMatrix
from assistant.store.chroma import ChromaStore
from assistant.store.chroma_records import BASE_NAMES, SPACE

STATE = "pairing-state"
#: what an operator runs to clear deleted text from the server's own files
VACUUM_HINT = "stop the server, run `chroma vacuum --path DIR --force`, start it again"
T = TypeVar("T")


def parse_url(url: str) -> tuple[str, int, bool]:
    """``http(s)://host[:port]`` as (host, port, ssl); anything else is a ConfigError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"Chroma URL '{url}' is not http(s)://HOST:PORT")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigError(f"Chroma URL '{url}' has a path; give only http(s)://HOST:PORT")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 8000)
    except ValueError:
        raise ConfigError(f"Chroma URL '{url}' has a bad port") from None
    return parts.hostname, port, parts.scheme == "https"


class ChromaServerStore(ChromaStore):
    """Participants, statements and guidance on a Chroma server, shared between processes.

    ``attempts``: how often a read caught in the middle of another process's write is
    repeated before the half-written people are left out of it.
    """

    shared = True

    def __init__(self, url: str, attempts: int = 5) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.url = url.strip().rstrip("/")
        self._address = parse_url(self.url)
        self.attempts = attempts
        self._http: Any = None
        self._state: dict[str, Any] = {}
        self._seen = ""  # state version the caches and handles were made for
        super().__init__(None)
        self._state = self._read_state()
        self._seen = str(self._state.get("version", ""))

    # connection and state ---------------------------------------------------------
    def _make_client(self) -> Any:
        if self._http is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            host, port, ssl = self._address
            try:
                self._http = chromadb.HttpClient(
                    host=host, port=port, ssl=ssl,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
                raise StoreUnreachable(self.url, str(exc)) from None
        return self._http

    def _names(self) -> dict[str, str]:
        generation = int(self._state.get("generation", 0))
        return {name: _named(name, generation) for name in BASE_NAMES}

    def _collection(self, client: Any, name: str, base: str) -> Any:
        # Chroma's default index here, not the cheap one of the folder's store: a server
        # writes its index files from its own memory (see purge_residue), and the cheap
        # index was not measured against that
        if not int(self._state.get("generation", 0)):
            return client.get_or_create_collection(name, metadata=SPACE)
        # a later generation exists once its purge published it; never create it again
        # from a stale state (the purge may already have moved on and deleted it)
        return client.get_collection(name)

    def _state_collection(self) -> Any:
        from chromadb.errors import NotFoundError

        client = self._make_client()
        try:
            return self._guard(lambda: client.get_collection(STATE))
        except NotFoundError:
            initial = {"generation": 0, "version": uuid.uuid4().hex}
            return self._guard(lambda: client.get_or_create_collection(STATE, metadata=initial))

    def _read_state(self) -> dict[str, Any]:
        return dict(self._state_collection().metadata or {})

    def _write_state(self, state: dict[str, Any]) -> None:
        col = self._state_collection()
        self._guard(lambda: col.modify(metadata=state))
        self._state = dict(state)

    def _guard(self, call: Callable[[], T]) -> T:
        """Run ``call``; a server that stopped answering becomes :class:`StoreUnreachable`."""
        import httpx

        try:
            return call()
        except (httpx.TransportError, ConnectionError) as exc:
            raise StoreUnreachable(self.url, str(exc) or type(exc).__name__) from None

    def refresh(self) -> None:
        state = self._read_state()
        if int(state.get("generation", 0)) != int(self._state.get("generation", 0)):
            self._handles = None  # another process purged: collections have new names
        self._state = state
        if str(state.get("version", "")) != self._seen:
            self._seen = str(state.get("version", ""))
            self._changed()

    def label(self, name: str) -> str | None:
        value = self._state.get(f"label.{name}")
        return None if value is None else str(value)

    def set_label(self, name: str, value: str) -> None:
        self._write_state(self._read_state() | {f"label.{name}": value})

    # writes: each ends by publishing a new version, which other processes' refresh sees
    def _publish(self, **changes: Any) -> None:
        version = uuid.uuid4().hex
        self._write_state(self._read_state() | changes | {"version": version})
        self._seen = version
        self._changed()

    def upsert_many(self, items: list[tuple[Participant, dict[str, Any]]]) -> None:
        if not items:
            return
        try:
            self._guard(partial(ChromaStore.upsert_many, self, items))
        finally:
            self._publish()

    def delete(self, participant_id: str) -> bool:
        try:
            return self._guard(partial(ChromaStore.delete, self, participant_id))
        finally:
            self._publish()

    def set_guidance(self, chunks: Any, vectors: list[list[float]]) -> None:
        try:
            self._guard(partial(ChromaStore.set_guidance, self, chunks, vectors))
        finally:
            self._publish()

    # reads --------------------------------------------------------------------------
    def _again(self, call: Callable[[], T]) -> T:
        """Run a read, again when another process's write got in its way: a purge removed
        our collections (reopen them by the state's names), or the server answered a read
        racing a delete with an internal "Error finding id"."""
        from chromadb.errors import InternalError, NotFoundError

        for attempt in range(self.attempts):
            try:
                return self._guard(call)
            except NotFoundError:
                if attempt == self.attempts - 1:
                    raise
                self._state = self._read_state()
                self._handles = None
            except InternalError:
                if attempt == self.attempts - 1:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")  # attempts >= 1

    def _load(self) -> None:
        """People and both statement matrices, checked against each other (module doc)."""
        kinds: tuple[StatementKind, ...] = ("offer", "want")
        for attempt in range(self.attempts):
            version = str(self._read_state().get("version", ""))
            self._cache.clear()
            self._people_cache = None
            people = self._again(super().participants)
            matrices = {kind: self._again(partial(ChromaStore.statements, self, kind))
                        for kind in kinds}
            torn = _torn(people, matrices)
            if not torn or attempt == self.attempts - 1:
                break
            time.sleep(0.02 * (attempt + 1))
        if torn:
            people = [p for p in people if p.id not in torn]
            version = ""  # incomplete: read again at the next refresh
        known = {p.id for p in people}
        self._people_cache = people
        self._cache.update({kind: _only(matrices[kind], known) for kind in kinds})
        self._seen = version

    def participants(self) -> list[Participant]:
        if self._people_cache is None:
            self._load()
        return super().participants()

    def statements(self, kind: StatementKind) -> StatementMatrix:
        if kind not in self._cache:
            self._load()
        return super().statements(kind)

    def fingerprints(self) -> dict[str, str]:
        return self._again(super().fingerprints)

    def query(self, kind: StatementKind, vectors: Any, k: int) -> Any:
        # the query is exact over the loaded statements (ChromaStore.query): look for other
        # processes' writes first, so a reader never answers from a purged snapshot
        self.refresh()
        return self._again(lambda: ChromaStore.query(self, kind, vectors, k))

    def guidance_count(self) -> int:
        return self._again(super().guidance_count)

    def guidance_chunks(self) -> Any:
        return self._again(super().guidance_chunks)

    def guidance_store(self, embeddings: Any) -> Any:
        from langchain_chroma import Chroma

        return self._again(lambda: Chroma(
            client=self.client, collection_name=self._names()["guidance"],
            embedding_function=embeddings, collection_metadata=SPACE,
            create_collection_if_not_exists=False,
        ))

    # physical deletion ----------------------------------------------------------------
    @property
    def purge_residue(self) -> str | None:
        return (f"the Chroma server at {self.url} may keep deleted text in free pages of its "
                f"chroma.sqlite3 until its operator runs `chroma vacuum`: {VACUUM_HINT}; "
                "and the vector index files it writes (data_level0.bin) can hold, in their "
                "unused space, leftovers of requests the server received, which vacuum "
                "does not reach: a server folder rebuilt by a process that never held "
                "the text is the only sure erasure")

    def purge(self) -> None:
        """Copy the live records into a new generation of collections, drop the old ones."""
        self._guard(self._next_generation)

    def _next_generation(self) -> None:
        from chromadb.errors import NotFoundError

        self._state = self._read_state()
        self._handles = None  # the current generation's collections, whoever made them
        old = self._all_collections()
        generation = int(self._state.get("generation", 0)) + 1
        client = self._make_client()
        for base, col in old.items():
            got = col.get(include=["embeddings", "documents", "metadatas"])
            name = _named(base, generation)
            with contextlib.suppress(NotFoundError):  # left by a purge that died half-way
                client.delete_collection(name)
            fresh = client.create_collection(name, metadata=SPACE)
            ids = got["ids"]
            for start, end in self._batches(len(ids)):
                fresh.add(ids=ids[start:end],
                          embeddings=[list(map(float, v)) for v in got["embeddings"][start:end]],
                          documents=(got["documents"] or [])[start:end],
                          metadatas=(got["metadatas"] or [])[start:end])
        self._publish(generation=generation)
        self._handles = None
        for col in old.values():
            with contextlib.suppress(NotFoundError):  # another purge got there first
                client.delete_collection(col.name)

    #: readers check each person's statements against their profile (``_torn``)
    texts_in_statements = True

    def _let_go_when_loaded(self) -> None:
        """Nothing to let go: the server, not this process, holds what a read loads."""

    def close(self) -> None:
        self._handles = None
        if self._http is not None:
            with contextlib.suppress(Exception):
                self._http.close()
            self._http = None


def _torn(people: list[Participant], matrices: dict[StatementKind, StatementMatrix]
          ) -> set[str]:
    """Ids of people whose stored statements are not exactly their profile's."""
    found: dict[tuple[StatementKind, str], dict[int, str]] = {}
    for kind, matrix in matrices.items():
        for st in matrix.statements:
            found.setdefault((kind, st.participant_id), {})[st.index] = st.text
    return {p.id for p in people
            if found.get(("offer", p.id), {}) != dict(enumerate(p.offers))
            or found.get(("want", p.id), {}) != dict(enumerate(p.wants))}


def _only(matrix: StatementMatrix, people: set[str]) -> StatementMatrix:
    """The rows of ``matrix`` that belong to ``people``."""
    keep = [i for i, st in enumerate(matrix.statements) if st.participant_id in people]
    if len(keep) == len(matrix.statements):
        return matrix
    vectors = matrix.vectors[keep] if keep else np.zeros((0, 0), dtype=np.float32)
    return StatementMatrix([matrix.statements[i] for i in keep], vectors)


def _named(base: str, generation: int) -> str:
    return base if generation == 0 else f"{base}-{generation}"
