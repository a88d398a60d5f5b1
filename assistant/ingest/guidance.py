"""Guidance documents: Markdown chunked by heading, with source and heading kept."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from assistant.errors import InputFormatError
from assistant.models import GuidanceChunk

# closing hashes only count after a space, so "## Teaching C#" keeps its "#"
_HEADING = re.compile(r"^(#{1,4})\s+(.+?)(?:\s+#+)?\s*$")
MAX_CHUNK_CHARS = 1500


def chunk_markdown(text: str, source: str) -> list[GuidanceChunk]:
    """One chunk per heading section; long sections are split at paragraph breaks.

    The heading of a chunk is its own heading; the document title (first ``#``)
    is prefixed when the section is deeper, so a citation reads
    ``file.md > Title: Section``.
    """
    title = ""
    sections: list[tuple[str, list[str]]] = []
    heading = ""
    lines: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            if lines:
                sections.append((heading, lines))
            level, name = len(match.group(1)), match.group(2).strip()
            if level == 1 and not title:
                title = name
            heading = name if level == 1 or not title else f"{title}: {name}"
            lines = []
        else:
            lines.append(line)
    if lines:
        sections.append((heading, lines))

    chunks: list[GuidanceChunk] = []
    for head, body in sections:
        for piece in _pieces("\n".join(body).strip()):
            chunks.append(GuidanceChunk(source, head or title or source, piece, len(chunks)))
    return chunks


def _pieces(body: str) -> list[str]:
    if not body:
        return []
    if len(body) <= MAX_CHUNK_CHARS:
        return [body]
    out: list[str] = []
    current = ""
    for para in re.split(r"\n\s*\n", body):
        if current and len(current) + len(para) > MAX_CHUNK_CHARS:
            out.append(current.strip())
            current = ""
        current += para + "\n\n"
    if current.strip():
        out.append(current.strip())
    return out


def load_guidance(paths: Iterable[Path]) -> list[GuidanceChunk]:
    """Read Markdown files (or every ``*.md`` below a folder) into chunks."""
    chunks: list[GuidanceChunk] = []
    for path in paths:
        files = sorted(path.rglob("*.md")) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise InputFormatError(f"{file}: not UTF-8 text ({exc})") from exc
            chunks.extend(chunk_markdown(text, file.name))
    return chunks
