"""Sibling items: a short want that only another short item of the same kind comes near.

The model puts names of one kind close together: "Japanese" lies at cosine 0.81 from
"Mandarin", "piano" at 0.68 from "Music production", "AWS" near "SAP". When someone asks
for one such item and every candidate who clears the bar offers a different one, the
honest answer is that nobody teaches it, with the near ones as near misses, not a list
that presents a Mandarin speaker as a Japanese teacher.

A link is a sibling when the want is one short item (at most :data:`MAX_WORDS` content
words, its last word not a plural: "deadlines" or "followers" name a kind of thing, not
one item), the offer is a list of short items (before any dash, colon or bracket), and no
item shares a word stem with the want ("Insta" and "Instagram", "bees" and "Beekeeping"
share one). The skills vocabulary can still say the two are one skill ("Excel" and
"Spreadsheets"): the caller passes that check in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.match.scoring import Link

#: content words an item may have and still count as one short item
MAX_WORDS = 2
_STOP = frozenset({"a", "an", "and", "at", "basic", "basics", "by", "for", "from", "in",
                   "my", "of", "on", "or", "our", "some", "the", "to", "with", "your"})
_WORD = re.compile(r"[A-Za-z0-9+#]+")
#: where an offer's own words end and its comment starts ("Mandarin (conversational)",
#: "Outlook wizardry - calendars, rules")
_COMMENT = re.compile(r"\s+[-–—]\s+|[(:]")
_LIST = re.compile(r",|;|/|&|\band\b|\bplus\b")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _STOP]


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _plural(word: str) -> bool:
    """A plural common noun ("deadlines"), not an acronym ("AWS") or a mass noun."""
    return not word.isupper() and _singular(word.lower()) != word.lower()


def _share_stem(a: list[str], b: list[str]) -> bool:
    for x in (_singular(w.lower()) for w in a):
        for y in (_singular(w.lower()) for w in b):
            if x == y or (min(len(x), len(y)) >= 3 and (x.startswith(y) or y.startswith(x))):
                return True
            if len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5]:
                return True
    return False


def items(offer: str) -> list[list[str]]:
    """The content words of each item an offer lists, its comment left out."""
    head = _COMMENT.split(offer, maxsplit=1)[0]
    return [words for part in _LIST.split(head) if (words := _words(part))]


def sibling(want: str, offer: str) -> bool:
    """Whether ``offer`` lists only short items other than the one short item ``want``
    names (see the module's description)."""
    wanted = _words(want)
    if not wanted or len(wanted) > MAX_WORDS or _plural(wanted[-1]):
        return False
    listed = items(offer)
    return bool(listed) and all(
        len(item) <= MAX_WORDS and not _share_stem(wanted, item) for item in listed)


def only_siblings(candidates: Iterable[list[Link]], bar: float,
                  same_skill: Callable[[str, str], bool]) -> bool:
    """True when at least one candidate's links (what they offer against each want) reach
    ``bar`` and every link that does, of every candidate, is a sibling that
    ``same_skill`` does not call one skill. Stops at the first candidate with a real link,
    so pass the candidates lazily, strongest first."""
    seen = False
    for links in candidates:
        clearing = [link for link in links if link.strength >= bar]
        if not clearing:
            continue
        seen = True
        if not all(sibling(link.want, link.offer) and not same_skill(link.want, link.offer)
                   for link in clearing):
            return False
    return seen
