"""Choose a store backend by name: ``chroma`` (default, persistent) or ``memory``.

With a Chroma server URL the ``chroma`` backend is the server's
(:class:`~assistant.store.chroma_server.ChromaServerStore`) instead of the data folder's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import ConfigError
from assistant.store.base import ParticipantStore
from assistant.store.chroma import ChromaStore
from assistant.store.chroma_server import ChromaServerStore
from assistant.store.memory import MemoryStore

BACKENDS: dict[str, Callable[[Path | None], ParticipantStore]] = {
    "chroma": ChromaStore,
    "memory": lambda _path: MemoryStore(),
}


def make_store(name: str, data_dir: Path | None, chroma_url: str = "") -> ParticipantStore:
    """Open backend ``name``; persistent ones live in ``data_dir / 'chroma'``, or on the
    Chroma server at ``chroma_url`` when one is given."""
    try:
        builder = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown store '{name}' (choose from {', '.join(BACKENDS)})") from None
    if chroma_url:
        if name != "chroma":
            raise ConfigError(f"a Chroma server URL needs the 'chroma' store, not '{name}'")
        return ChromaServerStore(chroma_url)
    return builder(data_dir / "chroma" if data_dir is not None else None)
