"""Whole-file writes that other processes never see half done."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(target: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """Write ``target`` through a hidden temporary file in the same folder, renamed over
    it on success (``os.replace`` is atomic): a reader sees the old file or the new one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(target: Path, text: str) -> None:
    with atomic_open(target) as handle:
        handle.write(text)
