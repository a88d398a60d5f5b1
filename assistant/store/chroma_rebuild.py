"""Rebuilding a data folder's Chroma store from its live records (``pairing forget``).

Chroma keeps the text of deleted records in its SQLite write-ahead queue
(``embeddings_queue``), free pages of its metadata tables, its full-text index (older
folders) and unreferenced HNSW pages. :func:`rebuild_folder` therefore writes the live
records into a new folder, from a fresh Python process, and swaps it in.
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.models import Participant
from assistant.store.chroma_records import (
    COLLECTIONS,
    collection_metadata,
    live_records,
    open_client,
)


def only_live(dump: dict[str, dict[str, list[Any]]], people: Sequence[Participant]) -> None:
    """Leave out of ``dump`` (collection name -> ids, embeddings, documents, metadatas) the
    statement and text records no profile of ``people`` uses: a write killed half-way
    can leave some, and a forgotten person's words must not outlive the rebuild."""
    for kind, name in COLLECTIONS.items():
        live = live_records(people, kind)
        part = dump[name]
        keep = [row for row, record in enumerate(part["ids"]) if record in live]
        dump[name] = {key: [values[row] for row in keep] if values else values
                      for key, values in part.items()}


def rebuild_folder(path: Path, dump: dict[str, dict[str, list[Any]]]) -> None:
    """Replace the Chroma folder ``path`` with one holding only ``dump``.

    The rebuild runs in a fresh Python process: hnswlib writes its whole index buffer,
    uninitialised bytes included, and in this process those bytes may still hold a
    deleted person's text. A process that never saw it cannot leak it.
    """
    fresh = path.with_name(path.name + ".rebuild")
    shutil.rmtree(fresh, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        dump_file = Path(tmp) / "records.json"
        dump_file.write_text(json.dumps(dump), encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "assistant.store.chroma_rebuild", str(dump_file), str(fresh)],
            check=True, capture_output=True,
        )
    # swapped by two renames, so a kill at any point leaves a whole folder (or the
    # rebuilt one beside it, which the next open puts in place): see finish_swap
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old)
    gc.collect()
    _drop_orphan_segments(path)


def _drop_orphan_segments(path: Path) -> None:
    """Remove index folders the rebuilt database does not know (late writes of the old one)."""
    import sqlite3

    db = sqlite3.connect(path / "chroma.sqlite3")
    try:
        known = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
    finally:
        db.close()
    for folder in path.iterdir():
        if folder.is_dir() and folder.name not in known:
            shutil.rmtree(folder, ignore_errors=True)


def finish_swap(path: Path) -> None:
    """Complete a :func:`rebuild_folder` that was killed: put the rebuilt folder in place
    if the live one is gone, and remove leftovers (the old folder holds deleted text)."""
    fresh = path.with_name(path.name + ".rebuild")
    if not path.exists() and fresh.exists():
        fresh.rename(path)
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(path.with_name(path.name + ".old"), ignore_errors=True)


def _rebuild(dump_file: Path, target: Path) -> None:
    """Create a Chroma folder at ``target`` from a JSON dump of every collection."""
    dump = json.loads(dump_file.read_text(encoding="utf-8"))
    client = open_client(target)
    size = max(1, int(client.get_max_batch_size()))
    for name, got in dump.items():
        col = client.get_or_create_collection(name, metadata=collection_metadata(name))
        for start in range(0, len(got["ids"]), size):
            end = start + size
            col.add(
                ids=got["ids"][start:end], embeddings=got["embeddings"][start:end],
                documents=got["documents"][start:end], metadatas=got["metadatas"][start:end],
            )


if __name__ == "__main__":  # the clean process of rebuild_folder
    _rebuild(Path(sys.argv[1]), Path(sys.argv[2]))
