"""Store stage: participants, statement vectors and guidance chunks."""

from assistant.store.base import KINDS, ParticipantStore, StatementHit, StatementMatrix
from assistant.store.chroma import ChromaStore
from assistant.store.chroma_server import ChromaServerStore
from assistant.store.factory import BACKENDS, make_store
from assistant.store.lock import DataDirLock
from assistant.store.memory import MemoryStore

__all__ = [
    "BACKENDS",
    "KINDS",
    "ChromaServerStore",
    "ChromaStore",
    "DataDirLock",
    "MemoryStore",
    "ParticipantStore",
    "StatementHit",
    "StatementMatrix",
    "make_store",
]
