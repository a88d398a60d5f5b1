"""Rejects files: every rejected row written whole, whatever it holds, and read back.

A CSV rejects file has the row's own columns, then ``_source``, ``_line``, ``_errors``,
``_id`` (the row's participant id), ``_raw`` (the text of a record that could not be read
into cells) and ``_escaped`` (which cells were escaped, in words). A cell or a column
title is written as a JSON string literal, in double quotes, when it starts with ``"``,
could start a spreadsheet formula (``= + - @``, tab, carriage return), or holds something
UTF-8 cannot hold (a byte that was not UTF-8, read as a lone surrogate). Reading a rejects
file back (ingesting it, or :func:`read_rejects`) undoes exactly that, so every cell is
recovered as it was read. A JSONL rejects file holds each record with the same keys; a
record whose own keys clash with them is kept whole under ``_record``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from assistant.ingest.cells import encodable
from assistant.ingest.rows import Reject

SOURCE, LINE, ERRORS, ID, RAW, ESCAPED, RECORD = (
    "_source", "_line", "_errors", "_id", "_raw", "_escaped", "_record")
META = (SOURCE, LINE, ERRORS, ID, RAW, ESCAPED)
_FORMULA = ("=", "+", "-", "@", "\t", "\r", '"')


def is_rejects_header(columns: Iterable[str]) -> bool:
    names = set(columns)
    return SOURCE in names and ERRORS in names


def encode_cell(value: str) -> tuple[str, bool]:
    """``value`` as written in a CSV rejects file, and whether it was escaped."""
    if value.startswith(_FORMULA) or not encodable(value):
        return json.dumps(value), True  # ASCII, in double quotes: inert and reversible
    return value, False


def decode_cell(value: str) -> str:
    """The cell a rejects file's ``value`` stands for (see :func:`encode_cell`)."""
    if value.startswith('"'):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, str):
            return decoded
    return value


def write_rejects(rejects: list[Reject], target: Path) -> Path:
    """Write rejected rows whole, with their line and reasons, to CSV or JSONL by suffix.

    The file is written next to ``target`` and renamed over it, so an interrupted write
    never leaves half a file (nor loses the previous one).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if target.suffix.lower() == ".jsonl":
                for reject in rejects:
                    out.write(_json_record(reject) + "\n")
            else:
                _write_csv(rejects, out)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _reasons(reject: Reject) -> str:
    return _plain(" | ".join(p.describe() for p in reject.problems))


def _plain(text: str) -> str:
    """Text for a meta cell: what UTF-8 cannot hold shown as an escape."""
    return text if encodable(text) else text.encode("utf-8", "backslashreplace").decode()


def _row_id(reject: Reject) -> str:
    value = reject.row.values.get("id")
    return "" if value is None else _plain(str(value).strip())


def _json_record(reject: Reject) -> str:
    row = reject.row
    meta: dict[str, Any] = {SOURCE: row.source, LINE: row.line, ERRORS: _reasons(reject),
                            ID: _row_id(reject)}
    if row.raw is not None:
        meta[RAW] = row.raw
    clash = any(key in META or key == RECORD for key in row.original)
    record = {**meta, RECORD: row.original} if clash else {**row.original, **meta}
    # ensure_ascii writes any lone surrogate as a \\u escape that reads back exactly
    text = json.dumps(record, ensure_ascii=False, allow_nan=True)
    return text if encodable(text) else json.dumps(record, ensure_ascii=True)


def _write_csv(rejects: list[Reject], out: Any) -> None:
    columns: dict[str, str] = {}  # column as read -> column as written
    for reject in rejects:
        for key in reject.row.original:
            if key not in columns:
                written, _ = encode_cell(key)
                if written in META:
                    written = json.dumps(key)
                columns[key] = written
    writer = csv.writer(out)
    writer.writerow([*columns.values(), *META])
    for reject in rejects:
        cells: dict[str, str] = {}
        escaped: list[str] = []
        for key, value in reject.row.original.items():
            text, was_escaped = encode_cell(_as_text(value))
            if was_escaped or (not isinstance(value, str) and value is not None):
                escaped.append(key)
            cells[key] = text
        raw = reject.row.raw
        raw_text, raw_escaped = encode_cell(raw) if raw is not None else ("", False)
        if raw_escaped:
            escaped.append(RAW)
        note = ""
        if escaped:
            note = ("written as JSON (a value that is not text, a leading = + - @ \" or a "
                    "byte that is not UTF-8); ingesting this file reads them back: "
                    + ", ".join(_plain(k) for k in escaped))
        meta = [encode_cell(v)[0] for v in (reject.row.source, str(reject.row.line),
                                            _reasons(reject), _row_id(reject))]
        writer.writerow([*(cells.get(k, "") for k in columns), *meta, raw_text, note])


def _as_text(value: Any) -> str:
    """A cell value as text: strings as they are, other JSON values as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def split_csv(header: list[str], cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """A CSV rejects row as (the row's own cells, decoded; the meta columns)."""
    own: dict[str, str] = {}
    meta: dict[str, str] = {}
    for name, value in zip(header, cells, strict=False):
        if name in META:
            meta[name] = decode_cell(value)
        else:
            own[decode_cell(name)] = decode_cell(value)
    return own, meta


def split_json(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JSONL rejects record as (the row's own record; the meta keys)."""
    meta = {k: record[k] for k in META if k in record}
    if isinstance(record.get(RECORD), dict):
        return dict(record[RECORD]), meta
    return {k: v for k, v in record.items() if k not in META}, meta


def read_rejects(path: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every record of a rejects file as (the row's own cells, decoded exactly as they
    were read; the meta columns ``_source``, ``_line``, ``_errors``, ``_id``, ``_raw``)."""
    if path.suffix.lower() == ".jsonl":
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                yield split_json(json.loads(line))
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for cells in reader:
            yield split_csv(header, cells)


def rewrite_without(path: Path, drop: Callable[[dict[str, Any], dict[str, Any]], bool]) -> int:
    """Remove the records ``drop(cells, meta)`` selects from the rejects file ``path``;
    delete the file when nothing is left. Returns how many were removed."""
    if path.suffix.lower() == ".jsonl":
        lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]
        kept = [ln for ln in lines if not drop(*split_json(json.loads(ln)))]
        if len(kept) != len(lines):
            _replace(path, "".join(ln + "\n" for ln in kept) if kept else None)
        return len(lines) - len(kept)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return 0
    header, body = rows[0], rows[1:]
    kept_rows = [r for r in body if not drop(*split_csv(header, r))]
    if len(kept_rows) != len(body):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *kept_rows])
        _replace(path, buffer.getvalue() if kept_rows else None)
    return len(body) - len(kept_rows)


def _replace(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink()
        return
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(temp, path)
