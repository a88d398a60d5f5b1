"""Safe text for Markdown answers: profile text is user input and must not become markup."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~])")
#: an escaped character, or emphasis: ``**``, or a ``*``/``_`` that touches a word
_MARKUP = re.compile(r"\\(.)|\*\*|\*(?=\S)|(?<=\S)\*|(?<!\w)_(?=\S)|(?<=\S)_(?!\w)")
_HEADING = re.compile(r"^#{1,6} +")
_LIST_MARK = re.compile(r"^\s*[*+-] +")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def esc(text: str) -> str:
    """Escape HTML and Markdown so that user text renders as the literal characters typed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def plain(markdown: str, bold: tuple[str, str] = ("", "")) -> str:
    """Answer Markdown as terminal text: escapes undone, emphasis and heading marks dropped.

    ``bold`` is what to print around ``**strong**`` text (ANSI codes on a terminal). User
    text went through :func:`esc`, so what the user typed comes back literally; guidance
    quoted as written keeps list markers and a lone ``*``. Control characters are
    dropped, so profile text cannot drive the terminal.
    """
    strong = False

    def swap(match: re.Match[str]) -> str:
        nonlocal strong
        literal, token = match.group(1), match.group(0)
        if literal is not None:
            return literal
        if token == "**":
            strong = not strong
            return bold[0] if strong else bold[1]
        return ""

    lines = []
    for line in _CONTROL.sub("", markdown).split("\n"):
        line = _HEADING.sub("", line)
        lead = _LIST_MARK.match(line)
        head, body = (lead.group(0), line[lead.end():]) if lead else ("", line)
        lines.append(head + _MARKUP.sub(swap, body).rstrip(" "))
    out = html.unescape("\n".join(lines))
    return out + bold[1] if strong else out
