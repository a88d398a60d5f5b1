"""Keep two processes from corrupting one data folder.

Chroma's embedded mode is thread-safe but not process-safe. Commands that only
read (``chat``, ``ask``, ``explain``, ``match``, ``stats``) take a shared lock;
commands that write (``ingest``, ``forget``) take an exclusive one. Locks are
never waited for: a conflicting command fails at once with :class:`DataDirBusy`
naming the process that holds the folder. The OS drops a lock when its process
dies, so a crash never leaves the folder blocked; the note of a process that is gone
(killed, so it could not remove it) is removed by the next process that takes the lock.

With a Chroma server (:func:`folder_lock` with ``server=True``) the server takes
the store's writes from many processes, so readers take no lock and ``ingest``
runs while ``chat`` serves. Writers still take turns on the folder (a second lock
file), because they rewrite its rejects files and must not interleave a person's
statements on the server. The embedding cache is SQLite in WAL mode, safe for
readers and a writer at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Literal

from assistant.errors import DataDirBusy

Mode = Literal["shared", "exclusive"]


class DataDirLock:
    """An advisory ``flock`` on ``DATA_DIR/.lock`` plus a note saying who holds it."""

    def __init__(self, data_dir: Path, mode: Mode, command: str = "", name: str = "") -> None:
        self.data_dir = data_dir
        self.mode = mode
        self.command = command or " ".join(Path(a).name for a in sys.argv[:2])
        self._handle: IO[str] | None = None
        #: ``""`` for the folder lock, ``"writers"`` for server mode's writers' turn
        self.name = name
        self._file = data_dir / (f".{name}.lock" if name else ".lock")
        self._notes = data_dir / (f".holders-{name}" if name else ".holders")
        self._note = self._notes / f"{os.getpid()}.json"

    def acquire(self) -> DataDirLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = self._file.open("a+")
        flag = fcntl.LOCK_SH if self.mode == "shared" else fcntl.LOCK_EX
        try:
            fcntl.flock(handle, flag | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataDirBusy(str(self.data_dir), self.holders(), self.mode) from None
        self._handle = handle
        self._note.parent.mkdir(exist_ok=True)
        self._drop_stale_notes()
        temp = self._note.with_suffix(".tmp")  # written whole, then renamed: never half
        temp.write_text(
            json.dumps({"pid": os.getpid(), "mode": self.mode, "command": self.command,
                        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
                        "started": _started(os.getpid())})
        )
        temp.replace(self._note)
        return self

    def _drop_stale_notes(self) -> None:
        for note in self._notes.glob("*.json"):
            if not _alive(note):
                note.unlink(missing_ok=True)

    def holders(self) -> str:
        """Who holds the folder, from the notes of processes still alive."""
        found = []
        for note in sorted(self._notes.glob("*.json")):
            if not _alive(note):
                continue
            try:
                info = json.loads(note.read_text())
            except (OSError, ValueError):
                continue
            if int(info["pid"]) != os.getpid():
                found.append(f"pid {info['pid']}: {info.get('command') or '?'}, {info['mode']}")
        return "; ".join(found) or "another process"

    def release(self) -> None:
        if self._handle is not None:
            self._note.unlink(missing_ok=True)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def folder_lock(data_dir: Path, mode: Mode, command: str = "", server: bool = False
                ) -> DataDirLock | None:
    """The lock a command takes on ``data_dir`` (acquired), or None when it needs none.

    Embedded store: readers share the folder, writers have it alone. Chroma server:
    readers take nothing; writers take turns among themselves only.
    """
    if not server:
        return DataDirLock(data_dir, mode, command).acquire()
    if mode == "shared":
        return None
    return DataDirLock(data_dir, "exclusive", command, name="writers").acquire()


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, from /proc), or empty: tells a
    live holder from a new process that was given a dead holder's pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def _alive(note: Path) -> bool:
    """Whether the process a holder note names still runs (and is that same process)."""
    try:
        info = json.loads(note.read_text())
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    started = str(info.get("started", ""))
    return not started or started == _started(pid)
