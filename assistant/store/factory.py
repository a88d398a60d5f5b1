"""Choose a store backend by name: ``chroma`` (default, persistent) or ``memory``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import ConfigError
from assistant.store.base import ParticipantStore
from assistant.store.chroma import ChromaStore
from assistant.store.memory import MemoryStore

BACKENDS: dict[str, Callable[[Path | None], ParticipantStore]] = {
    "chroma": ChromaStore,
    "memory": lambda _path: MemoryStore(),
}


def make_store(name: str, data_dir: Path | None) -> ParticipantStore:
    """Open backend ``name``; persistent ones live in ``data_dir / 'chroma'``."""
    try:
        builder = BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown store '{name}' (choose from {', '.join(BACKENDS)})") from None
    return builder(data_dir / "chroma" if data_dir is not None else None)
