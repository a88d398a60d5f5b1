"""Large writes to a data folder's Chroma store from a process of their own.

Chroma's Python bindings hold the interpreter lock for the whole of a write, so in the
ingesting process every write stops the model's Python between two layers: measured at
10,000 people, the writes took 5-8 s of the ingest whether a thread overlapped them with
the encode or not (a Python loop in another thread kept 1.5-10% of its speed during a
write). In a process of its own the store writes while the model encodes the next part.

The parent closes its Chroma client before the writer opens the folder (embedded Chroma
is not safe for two processes at once) and reopens it on its next read. Parts travel as
pickles over a pipe: the people and one float32 matrix of their statements' vectors.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from assistant.embed import sharing_cores
from assistant.errors import StoreWriteFailed
from assistant.models import Participant


class WriterProcess:
    """A child process that writes parts of people to the Chroma folder at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # its messages go to a file: a full pipe nobody reads would stop it mid-write
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.store.bulk_child", str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
        )
        #: peak resident memory of the writer, MiB (known once it has finished)
        self.peak_rss_mib: float | None = None
        self._failure: str | None = None
        self._ended: StoreWriteFailed | bool | None = False  # False: still running

    def write(self, people: list[Participant], vectors: dict[str, Sequence[float]]) -> int:
        """Write ``people`` with their statements' vectors (by statement id) and wait until
        the child has; returns how many. The caller's cores are shared meanwhile: the
        model leaves one to the child (:func:`~assistant.embed.sharing_cores`)."""
        ids = [st.id for p in people for st in p.statements()]
        matrix = np.asarray([vectors[i] for i in ids], dtype=np.float32)
        with sharing_cores():
            try:
                pickle.dump((people, ids, matrix), self._stdin,
                            protocol=pickle.HIGHEST_PROTOCOL)
                self._stdin.flush()
                answer = pickle.load(self._stdout)
            except (OSError, EOFError, pickle.UnpicklingError):
                answer = {}
        if answer.get("written") != len(people):
            self._failure = answer.get("error")
            self.finish()  # raises the child's own error
            raise StoreWriteFailed(f"the store's writer process at {self.path} stopped")
        return len(people)

    def finish(self) -> None:
        """End the child; raises :class:`~assistant.errors.StoreWriteFailed` if a write
        failed (the child's last error line in the message). Calling it again raises
        the same error, or nothing."""
        if self._ended is False:
            self._ended = self._end()
        if isinstance(self._ended, StoreWriteFailed):
            raise self._ended

    def _end(self) -> StoreWriteFailed | None:
        proc = self._proc
        out, _ = proc.communicate()  # closes its input: the child ends and answers
        self._errors.seek(0)
        err = self._errors.read().decode("utf-8", "replace").strip()
        self._errors.close()
        try:
            result: dict[str, Any] = pickle.loads(out) if out else {}
        except (EOFError, pickle.UnpicklingError):  # a child that died mid-answer
            result = {}
        self.peak_rss_mib = result.get("peak_rss_mib")
        if proc.returncode != 0 or "error" in result:
            detail = str(self._failure or result.get("error") or err)
            last = detail.splitlines()[-1] if detail else f"exit code {proc.returncode}"
            return StoreWriteFailed(f"writing to the store at {self.path} failed: {last}")
        return None

    @property
    def _stdin(self) -> IO[bytes]:
        assert self._proc.stdin is not None
        return self._proc.stdin

    @property
    def _stdout(self) -> IO[bytes]:
        assert self._proc.stdout is not None
        return self._proc.stdout
