"""Escaping for each output format: profile text is user input and must stay literal.

* :func:`esc`: chat Markdown (rendered by the chat widget): HTML and Markdown escaped;
* :func:`md`: Markdown files a person downloads and opens anywhere: backslash escapes
  only, so the file reads as plain text (no ``&amp;``) and still renders literally;
* :func:`h`: HTML (quotes too, so it is safe inside attributes);
* :func:`plain`: chat Markdown back to terminal text.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~-])")
#: characters that can start markup inside a line of a Markdown file (``<`` opens HTML,
#: ``[`` a link, ``*``/``_``/``~`` emphasis); ``&`` only when it would start an entity
_MD_FILE = re.compile(r"([\\`*_\[\]<~])|&(?=#?\w+;)")
#: an escaped character, or emphasis: ``**``, or a ``*``/``_`` that touches a word
_MARKUP = re.compile(r"\\(.)|\*\*|\*(?=\S)|(?<=\S)\*|(?<!\w)_(?=\S)|(?<=\S)_(?!\w)")
_HEADING = re.compile(r"^#{1,6} +")
_LIST_MARK = re.compile(r"^\s*[*+-] +")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def esc(text: object) -> str:
    """User text for a chat message, shown exactly as typed (no markup, no HTML).

    Quotes are left alone: an entity such as ``&#x27;`` would have its ``#`` escaped and
    then show up literally.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(_CONTROL.sub("", str(text))), quote=False))


def md(text: object) -> str:
    """User text for a Markdown file: literal when rendered, readable when not."""
    return _MD_FILE.sub(lambda m: "\\" + m.group(0), _CONTROL.sub("", str(text)))


def h(text: object) -> str:
    """User text for HTML (quotes too, so it is safe inside attributes)."""
    return html.escape(str(text), quote=True)


def plain(markdown: str, bold: tuple[str, str] = ("", "")) -> str:
    """Chat Markdown as terminal text: escapes undone, emphasis and heading marks dropped.

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
