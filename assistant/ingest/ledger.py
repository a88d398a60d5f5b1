"""Which rejects files hold rows of which source file, wherever they were written.

Kept in ``DATA_DIR/rejects/ledger.json`` so that a re-ingest replaces a source's rejects
(rows that now pass disappear), ``stats`` can list them and ``forget`` can clean every one
of them, including files written with ``--rejects`` outside the data folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from assistant.ingest.rejects import SOURCE, read_rejects

LEDGER = "ledger.json"


def resolved(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


class RejectsLedger:
    """``{source file: [rejects files]}``, absolute paths, in the data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "rejects"
        self.path = self.folder / LEDGER

    # reading ------------------------------------------------------------------------
    def entries(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): [str(x) for x in v] for k, v in data.items() if isinstance(v, list)}

    def files(self) -> list[Path]:
        """Every rejects file known: those recorded, and any in the data folder's rejects
        folder (written before the ledger existed)."""
        found = {t for targets in self.entries().values() for t in targets}
        if self.folder.is_dir():
            found |= {resolved(p) for p in self.folder.glob("rejects*")
                      if p.suffix.lower() in (".csv", ".jsonl")}
        return sorted(Path(p) for p in found)

    def is_rejects_file(self, path: Path) -> bool:
        return resolved(path) in {str(p) for p in self.files()}

    def default_target(self, source: str, kind: str) -> Path:
        """``rejects-<file name>-<hash of its path>.csv`` (``.jsonl`` for JSONL sources)."""
        full = resolved(source)
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(full).stem)[:60] or "file"
        digest = hashlib.sha256(full.encode("utf-8", "surrogateescape")).hexdigest()[:10]
        suffix = ".jsonl" if kind == "jsonl" else ".csv"
        return self.folder / f"rejects-{stem}-{digest}{suffix}"

    def rows(self) -> dict[str, int | str]:
        """Rows in each rejects file (or why it cannot be read), for ``stats``."""
        out: dict[str, int | str] = {}
        for file in self.files():
            try:
                out[str(file)] = sum(1 for _ in read_rejects(file))
            except FileNotFoundError:
                out[str(file)] = "missing"
            except (OSError, ValueError) as exc:
                out[str(file)] = f"unreadable ({type(exc).__name__})"
        return out

    # writing ------------------------------------------------------------------------
    def replace(self, source: str, targets: list[Path]) -> None:
        """Record that ``source``'s rejects are now exactly in ``targets``."""
        data = self.entries()
        key = resolved(source)
        if targets:
            data[key] = sorted({resolved(t) for t in targets})
        else:
            data.pop(key, None)
        self._save(data)

    def previous(self, source: str) -> list[Path]:
        return [Path(t) for t in self.entries().get(resolved(source), [])]

    def drop_files(self, gone: list[Path]) -> None:
        names = {resolved(p) for p in gone}
        data = {k: [t for t in v if t not in names] for k, v in self.entries().items()}
        self._save({k: v for k, v in data.items() if v})

    def _save(self, data: dict[str, list[str]]) -> None:
        if not data and not self.path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".ledger.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def same_source(meta_source: object, source: str) -> bool:
    """Whether a rejects row's ``_source`` names ``source``."""
    return isinstance(meta_source, str) and bool(meta_source) and (
        meta_source == source or resolved(meta_source) == resolved(source))


__all__ = ["SOURCE", "RejectsLedger", "resolved", "same_source"]
