"""Split one free-text answer into separate skill statements."""

from __future__ import annotations

import re

_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u25aa\u25cf\u2013\u2014>]+|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+", re.I
)
_SEPARATORS = re.compile(r"\s*(?:;|\r?\n|\u2022|\s\|\s)\s*")


def split_statements(text: str) -> list[str]:
    """Split on ``;``, new lines, bullets and `` | ``; drop empties and repeats.

    >>> split_statements("- Snapchat stories\\n- TikTok; Canva")
    ['Snapchat stories', 'TikTok', 'Canva']
    """
    out: list[str] = []
    seen: set[str] = set()
    for part in _SEPARATORS.split(text or ""):
        # a leading "." is kept: ".NET" is a skill
        part = _BULLET.sub("", part).strip().lstrip(",").rstrip(",.").strip()
        part = re.sub(r"\s+", " ", part)
        key = part.casefold()
        if part and key not in seen:
            seen.add(key)
            out.append(part)
    return out


def split_all(values: list[str]) -> list[str]:
    """Split every element of a list (JSONL lists may still hold bullets) and de-duplicate."""
    return split_statements("\n".join(values))
