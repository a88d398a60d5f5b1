"""A note in the data folder while a command writes to the store.

``ingest`` and ``forget`` write it (atomically) before their first store write and remove
it when they finish. They hold the folder's exclusive lock meanwhile, so a process that
opens the folder and finds the note knows that the writer died (killed, power cut): the
store may hold part of its work. Reads are refused until the command is run again, and
the note says which embedding model the interrupted ingest was using, so the re-run is
not mistaken for a change of model.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

NOTE = "write-in-progress.json"


@dataclass(frozen=True)
class Interrupted:
    """What the note of a writer that did not finish says."""

    operation: str  # "ingest" or "forget"
    target: str  # the participant of a forget
    model: str
    since: str
    pid: int

    def describe(self) -> str:
        if self.operation == "forget":
            return (f"`pairing forget {self.target}` (pid {self.pid}, {self.since}) did not "
                    "finish; run it again")
        return (f"the ingest started {self.since} (pid {self.pid}) did not finish, so the "
                "store may hold part of it; run `pairing ingest` again on the same files")


class WriteJournal:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / NOTE

    def read(self) -> Interrupted | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Interrupted(str(data.get("operation", "ingest")), str(data.get("target", "")),
                               str(data.get("model", "")), str(data.get("since", "?")),
                               int(data.get("pid", 0)))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, AttributeError):
            return Interrupted("ingest", "", "", "?", 0)  # unreadable: still interrupted

    def begin(self, operation: str, model: str, target: str = "") -> None:
        record = {"operation": operation, "target": target, "model": model,
                  "since": time.strftime("%Y-%m-%d %H:%M:%S"), "pid": os.getpid()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".write-note.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(temp, self.path)

    def end(self) -> None:
        self.path.unlink(missing_ok=True)
