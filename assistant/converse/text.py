"""Safe text for Markdown answers: profile text is user input and must not become markup."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~])")
_MARKUP = re.compile(r"\\(.)|\*\*|\*")


def esc(text: str) -> str:
    """Escape HTML and Markdown so that user text renders as the literal characters typed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def plain(markdown: str, bold: tuple[str, str] = ("", "")) -> str:
    """Answer Markdown as terminal text: escapes undone, emphasis dropped.

    ``bold`` is what to print around ``**strong**`` text (ANSI codes on a terminal).
    Only markup this package writes is understood: user text inside went through
    :func:`esc`, so a literal ``*`` the user typed stays.
    """
    strong = [False]

    def swap(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        if match.group(0) == "**":
            strong[0] = not strong[0]
            return bold[0] if strong[0] else bold[1]
        return ""

    return html.unescape(_MARKUP.sub(swap, markdown))
