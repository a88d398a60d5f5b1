"""Embedding cache keyed by a hash of (model, text): the same statement is common across people."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.embed.base import embed_array

#: how long a write waits for another process's transaction on the same cache file
BUSY_SECONDS = 30.0


def text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class CachedEmbeddings(Embeddings):
    """Wraps any LangChain ``Embeddings``; vectors are kept in SQLite (or memory if no path).

    ``computed`` counts texts actually sent to the model, ``hits`` texts served from cache.

    Several processes may use one cache file at once (a chat and an ingest against a
    Chroma server): it is in WAL mode, so readers never block the writer, every write
    is one short transaction, and a busy database is waited for rather than failed.
    """

    def __init__(self, inner: Embeddings, path: Path | None, model_name: str) -> None:
        self.inner = inner
        self.model_name = model_name
        self.path = path
        self._lock = threading.Lock()
        self._memory: dict[str, bytes] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_SECONDS)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA secure_delete=ON")  # forgotten vectors are zeroed
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
            self._db.commit()
        self.computed = 0
        self.hits = 0

    def _get(self, keys: list[str]) -> dict[str, bytes]:
        if self._db is None:
            return {k: self._memory[k] for k in keys if k in self._memory}
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, v FROM vectors WHERE key IN ({marks})", part)
            found.update(rows.fetchall())
        return found

    def _put(self, items: dict[str, bytes]) -> None:
        if self._db is None:
            self._memory.update(items)
            return
        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", items.items())
        self._db.commit()

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Vectors of ``texts`` (a float32 row each), the model asked only for new texts."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        keys = [text_key(self.model_name, t) for t in texts]
        with self._lock:
            found = self._get(list(dict.fromkeys(keys)))
            missing = [t for t, k in dict(zip(texts, keys, strict=True)).items() if k not in found]
            if missing:
                vectors = embed_array(self.inner, missing)
                new = {text_key(self.model_name, t): row.tobytes()
                       for t, row in zip(missing, vectors, strict=True)}
                self._put(new)
                found.update(new)
                self.computed += len(missing)
            self.hits += len(texts) - len(missing)
        joined = bytearray(b"".join(found[k] for k in keys))  # writable, not copied again
        return np.frombuffer(joined, dtype=np.float32).reshape(len(keys), -1)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def forget(self, texts: Iterable[str]) -> int:
        """Remove the vectors of these texts and compact the file; returns how many went."""
        keys = list({text_key(self.model_name, t) for t in texts})
        with self._lock:
            if self._db is None:
                gone = sum(1 for k in keys if self._memory.pop(k, None) is not None)
                return gone
            before = self._db.total_changes
            self._db.executemany("DELETE FROM vectors WHERE key = ?", [(k,) for k in keys])
            self._db.commit()
            gone = self._db.total_changes - before
            self._db.execute("VACUUM")
            # copy the WAL back and empty it, so old pages leave the -wal file too
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return gone

    def __len__(self) -> int:
        if self._db is None:
            return len(self._memory)
        return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
