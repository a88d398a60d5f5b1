"""A reply as terminal text: the chat Markdown with its markup undone, so the words and
figures are the chat's own."""

from __future__ import annotations

from assistant.converse.reply import Reply, ReplyKind
from assistant.present.agenda import agenda_text
from assistant.present.escape import plain
from assistant.present.figures import LEGEND
from assistant.present.markdown import markdown


def text(reply: Reply, bold: tuple[str, str] = ("", "")) -> str:
    """Plain text of ``reply`` (``bold``: what to print around strong text, e.g. ANSI)."""
    if reply.kind is ReplyKind.AGENDA and reply.agenda is not None:
        return agenda_text(reply.agenda)
    out = plain(markdown(reply, follow_ups=False), bold)
    if reply.kind in (ReplyKind.CANDIDATES, ReplyKind.EXPLAIN):
        out += "\n\n" + LEGEND
    return out
