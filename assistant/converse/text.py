"""Safe text for Markdown answers: profile text is user input and must not become markup."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~])")


def esc(text: str) -> str:
    """Escape HTML and Markdown so that user text renders as the literal characters typed."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))
