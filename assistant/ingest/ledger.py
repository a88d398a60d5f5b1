"""Which rejects files hold rows of which source file, wherever they were written.

Kept in ``DATA_DIR/rejects/ledger.json`` so that a re-ingest replaces a source's rejects
(rows that now pass disappear), ``stats`` can list them and ``forget`` can clean every one
of them, including files written with ``--rejects`` outside the data folder.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from assistant.ingest.participants import ParticipantBatch
from assistant.ingest.rejects import ID, RAW, SOURCE, read_rejects, rewrite_without, write_rejects
from assistant.ingest.rows import Reject

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
        if not data:
            self.path.unlink(missing_ok=True)
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


def file_rejects(ledger: RejectsLedger, batch: ParticipantBatch,
                 rejects_path: Path | None) -> list[Path]:
    """Write this ingest's rejected rows, replacing what earlier ingests of the same files
    wrote (so rows that now pass are gone): one rejects file per source file in the data
    folder, or all of them in ``rejects_path``. A rejects file ingested again keeps only
    its rows that still fail. Returns the files written."""
    by_source: dict[str, list[Reject]] = {source: [] for source in batch.sources}
    for reject in batch.rejects:
        by_source.setdefault(reject.row.source, []).append(reject)
    targets: dict[str, Path | None] = {}
    for source, kind in batch.sources.items():
        if rejects_path is not None:
            targets[source] = rejects_path if by_source[source] else None
        elif ledger.is_rejects_file(Path(source)):
            targets[source] = Path(source)
        else:
            targets[source] = ledger.default_target(source, kind)
    for source in batch.sources:
        target = targets[source]
        keep = resolved(target) if target is not None else None

        def of_source(_cells: dict[str, object], meta: dict[str, object],
                      source: str = source) -> bool:
            return same_source(meta.get(SOURCE), source)

        for old in ledger.previous(source):
            if str(old) != keep and old.exists():
                rewrite_without(old, of_source)
    written: list[Path] = []
    if rejects_path is not None and batch.rejects:
        written.append(write_rejects(batch.rejects, rejects_path))
    for source, target in targets.items():
        if rejects_path is None and target is not None:
            if by_source[source]:
                written.append(write_rejects(by_source[source], target))
            elif target.exists():
                target.unlink()  # every row of this file passes now
        ledger.replace(source, [target] if target is not None and by_source[source] else [])
    ledger.drop_files([p for p in ledger.files() if not p.exists()])
    return written


def belongs_to(participant_id: str, cells: dict[str, object], meta: dict[str, object]) -> bool:
    """Whether a rejects row is the person's: its id, or (a row never read into cells)
    its raw text naming the id."""
    if meta.get(ID) == participant_id:
        return True
    raw = meta.get(RAW)
    if not meta.get(ID) and isinstance(raw, str) and raw:
        pattern = rf"(?<![A-Za-z0-9_.@+\-]){re.escape(participant_id)}(?![A-Za-z0-9_.@+\-])"
        return re.search(pattern, raw) is not None
    return False


def forget_rejects(ledger: RejectsLedger, participant_id: str) -> tuple[int, list[str]]:
    """Remove the person's rows from every rejects file known, wherever it was written.
    Returns (rows removed, files that could not be reached, each with the reason)."""
    removed = 0
    unreachable: list[str] = []
    gone: list[Path] = []
    for file in ledger.files():
        try:
            removed += rewrite_without(
                file, lambda cells, meta: belongs_to(participant_id, cells, meta))
        except FileNotFoundError:
            unreachable.append(f"{file} (no longer there: moved or deleted?)")
            gone.append(file)
        except (OSError, ValueError, csv.Error) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            unreachable.append(f"{file} ({why})")
    ledger.drop_files([*gone, *(f for f in ledger.files() if not f.exists())])
    return removed, unreachable
