"""Which of the paths given to ``pairing ingest`` are participant files and which guidance."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputFormatError

PARTICIPANT_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson"}
GUIDANCE_SUFFIXES = {".md", ".markdown"}


def classify(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(participant files, guidance files) among files and walked folders; earlier rejects
    files inside a walked folder are skipped (ingest them by name)."""
    people: list[Path] = []
    guides: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputFormatError(f"{path}: no such file or folder")
        walked = path.is_dir()
        try:
            files = sorted(p for p in path.rglob("*") if p.is_file()) if walked else [path]
        except OSError as exc:
            raise InputFormatError(f"{path}: cannot read the folder ({exc})") from exc
        for file in files:
            suffix = file.suffix.lower()
            if walked and file.name.startswith("rejects"):
                continue  # earlier rejects inside a corpus folder: ingest them explicitly
            if suffix in PARTICIPANT_SUFFIXES:
                people.append(file)
            elif suffix in GUIDANCE_SUFFIXES and file.name.lower() != "readme.md":
                guides.append(file)
            elif not path.is_dir():
                raise InputFormatError(
                    f"{file}: cannot ingest '{suffix}' files (participants: .csv, .tsv, "
                    ".jsonl; guidance: .md)"
                )
    return people, guides
