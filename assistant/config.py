"""Settings: where data lives and which backends to use.

Every value has a default and can be overridden by an environment variable
(``PAIRING_*``) or explicitly by the caller (CLI flags, tests).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.errors import ConfigError

# Chroma must never phone home; set before chromadb is imported anywhere.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


#: the packaged all-MiniLM-L6-v2 plus the skills vocabulary of ``assistant/embed/skills.toml``
DEFAULT_EMBEDDING = "sentence-transformers+vocab"


def reporting_levels(value: str | None) -> int | None:
    """``PAIRING_REPORTING_LEVELS``: a number of levels (default 2) or ``all`` (the whole
    management chain, the strict setting)."""
    text = (value or "").strip().casefold()
    if not text:
        return 2
    if text in ("all", "any", "strict"):
        return None
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise ConfigError(f"PAIRING_REPORTING_LEVELS must be a number of levels (1 or more) or "
                      f"'all', not {value!r}")


def default_data_dir() -> Path:
    """Per-user data folder: ``$PAIRING_DATA_DIR`` or the XDG data home."""
    env = os.environ.get("PAIRING_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "reciprocal-pairing"


def lean_memory() -> bool:
    """``PAIRING_LEAN_MEMORY``: anything but ``0`` (the default is on). Read on its own,
    before a command builds its :class:`Settings`: large freed blocks go back to the
    system at once, two allocator arenas (:mod:`assistant.allocator`); ``0`` keeps
    glibc's defaults."""
    return os.environ.get("PAIRING_LEAN_MEMORY", "1").strip() != "0"


@dataclass(frozen=True)
class Settings:
    """Configuration of one assistant instance."""

    data_dir: Path = field(default_factory=default_data_dir)
    embedding: str = field(
        default_factory=lambda: os.environ.get("PAIRING_EMBEDDING", DEFAULT_EMBEDDING)
    )
    store: str = field(default_factory=lambda: os.environ.get("PAIRING_STORE", "chroma"))
    llm: str = field(default_factory=lambda: os.environ.get("PAIRING_LLM", ""))
    #: a Chroma server (``http://HOST:PORT``) to use instead of the data folder's own
    #: store; the embedding cache and rejects files stay in the data folder
    chroma_url: str = field(default_factory=lambda: os.environ.get("PAIRING_CHROMA_URL", ""))
    #: reporting-line rule: levels of one management chain kept apart (None: all of it)
    reporting_levels: int | None = field(
        default_factory=lambda: reporting_levels(os.environ.get("PAIRING_REPORTING_LEVELS"))
    )

    def with_data_dir(self, data_dir: str | Path | None) -> Settings:
        return self if data_dir is None else replace(self, data_dir=Path(data_dir).expanduser())

    def with_chroma_url(self, url: str | None) -> Settings:
        return self if url is None else replace(self, chroma_url=url.strip())
