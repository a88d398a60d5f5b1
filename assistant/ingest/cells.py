"""Checks on single values, shared by every reader: whole numbers, text that is not text,
cell sizes, and a safe way to quote a value in a message."""

from __future__ import annotations

import math
import re
from typing import Any

#: longest cell accepted in a participant field; the longest real one (12 statements of
#: 400 characters) is far below it. Longer cells reject their row, whatever their size.
MAX_CELL_CHARS = 10_000
#: JSON objects and lists nested deeper than this reject their line (a participant record
#: is one object of text, numbers and lists of text)
MAX_JSON_DEPTH = 16

_WHOLE = re.compile(r"[+-]?[0-9]+")
#: C0 controls except tab, line feed and carriage return; DEL; C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class NotWhole(ValueError):
    """A value that is not a whole number written with the digits 0-9."""


def parse_whole_number(value: Any) -> int:
    """The one integer parser of every integer field.

    Accepts an ``int`` (not ``bool``), an integral finite ``float`` (JSON ``2.0``) and
    text of ASCII digits with at most one leading sign. Rejects Unicode digits
    (``²``, ``①``, Arabic-Indic), doubled signs, fractions, ``NaN`` and the rest with
    :class:`NotWhole`, whose message quotes the value safely.
    """
    if isinstance(value, bool):
        raise NotWhole(f"{shown(value)} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise NotWhole(f"{shown(value)} is not a whole number")
    if isinstance(value, str):
        text = value.strip()
        if _WHOLE.fullmatch(text) and len(text) <= 18:
            return int(text)
        raise NotWhole(f"{shown(value)} is not a whole number written with the digits 0-9")
    raise NotWhole(f"{type(value).__name__} {shown(value)} is not a whole number")


def text_problem(value: str) -> str:
    """Why ``value`` cannot be stored as text, or empty: bytes that were not UTF-8 (read
    as lone surrogates), control characters, or a cell beyond :data:`MAX_CELL_CHARS`."""
    found = _SURROGATE.search(value)
    if found:
        code = ord(found.group())
        if 0xDC80 <= code <= 0xDCFF:
            return (f"holds the byte 0x{code - 0xDC00:02X}, which is not UTF-8 text (save the "
                    "file as UTF-8)")
        return f"holds a lone surrogate (U+{code:04X}), which is not text"
    found = _CONTROL.search(value)
    if found:
        return f"holds the control character U+{ord(found.group()):04X}"
    if len(value) > MAX_CELL_CHARS:
        return f"holds {len(value):,} characters, at most {MAX_CELL_CHARS:,} are accepted"
    return ""


def encodable(value: str) -> bool:
    """True when ``value`` can be written as UTF-8 (holds no lone surrogate)."""
    return _SURROGATE.search(value) is None


def shown(value: Any, limit: int = 40) -> str:
    """``value`` quoted for a message: printable, any text, never longer than ``limit``."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + "..."
    return repr(text) if isinstance(value, str) else text.encode(
        "ascii", "backslashreplace").decode("ascii")


def json_depth(line: str) -> int:
    """How deeply ``[`` and ``{`` nest in a JSON text, outside strings (read without
    recursion, so any depth can be measured)."""
    depth = deepest = 0
    in_string = False
    for token in _STRUCTURE.findall(line):
        if token[0] == "\\":
            continue  # an escaped character, inside a string (outside one, JSON fails anyway)
        if token == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


# the only characters json_depth needs to see: a backslash always escapes the next
# character, so "\\." keeps escaped quotes and escaped backslashes together
_STRUCTURE = re.compile(r'\\.|["\[\]{}]', re.S)
