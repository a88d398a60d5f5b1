"""Sibling languages: a language asked for that only other languages come near.

The model puts the names of languages close together: "Japanese" lies at cosine 0.81
from "Mandarin", "Italian" at 0.80 from "Spanish", "Turkish" at 0.58 from "Arabic", so
a speaker of the one clears the bar for the other. When someone asks for one language
and every candidate who clears the bar teaches only other languages, the honest answer
is that nobody teaches it, with the near ones as near misses.

Languages are a closed class of names (:data:`LANGUAGES`, the file ``languages.txt``),
and knowing one never teaches another. Other named items were measured and left to the
model: a broad want ("coding", "AI", "design") is met by specific offers ("Python",
"ChatGPT prompting", "Figma") exactly as "Japanese" is neared by "Mandarin", and the
two cannot be told apart from the texts or the vectors (``evals/README.md``).

A link is a sibling when the want is a short phrase (at most :data:`MAX_WORDS` content
words) naming exactly one language, and every item the offer lists before any comment
names a language, none of them that one ("Mandarin and Malay (conversational)" or
"Mandarin small talk for business dinners" for "korean"; not "Doing business across
Asian markets", nor "Excel and Spanish", whose Excel may be what came close).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from assistant.match.scoring import Link

#: content words a want may have and still be one short phrase
MAX_WORDS = 2
LANGUAGES = Path(__file__).with_name("languages.txt")
_STOP = frozenset({"a", "an", "and", "at", "basic", "basics", "by", "for", "from", "in",
                   "my", "of", "on", "or", "our", "some", "the", "to", "with", "your"})
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
#: where an offer's own words end and its comment starts ("Mandarin (conversational)",
#: "Spanish - native, grew up in Valencia", "Dutch: conversational")
_COMMENT = re.compile(r"\s+[-–—]\s+|[(:]")
_LIST = re.compile(r",|;|/|&|\band\b|\bplus\b")


@lru_cache(maxsize=1)
def _names() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """A pattern finding any language name, and the languages each name stands for."""
    by_name: dict[str, set[int]] = {}
    exact: dict[str, bool] = {}  # each name as written: matched with its case ("=")?
    lines = LANGUAGES.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(x for x in lines if x.strip() and not x.startswith("#")):
        for written in (n.strip() for n in line.split("|")):
            name = written.removeprefix("=")
            exact[name] = written.startswith("=")
            by_name.setdefault(name.casefold(), set()).add(number)
    alternatives = [f"(?-i:{re.escape(name)})" if as_written else re.escape(name)
                    for name, as_written in sorted(exact.items(), key=lambda x: -len(x[0]))]
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])",
                         re.IGNORECASE)
    return pattern, {name: frozenset(ids) for name, ids in by_name.items()}


def languages_in(text: str) -> set[int]:
    """The languages ``text`` names (a name standing for two gives both)."""
    pattern, by_name = _names()
    found: set[int] = set()
    for match in pattern.finditer(text):
        found |= by_name[match.group(0).casefold()]
    return found


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.casefold() not in _STOP]


def items(offer: str) -> list[str]:
    """The items an offer lists, its comment left out."""
    head = _COMMENT.split(offer, maxsplit=1)[0]
    return [part.strip() for part in _LIST.split(head) if _words(part)]


def _language_asked(want: str) -> set[int]:
    """The language ``want`` names when it is a short phrase naming one, else none."""
    named = languages_in(want)
    return named if len(named) == 1 and len(_words(want)) <= MAX_WORDS else set()


def sibling(want: str, offer: str) -> bool:
    """Whether ``offer`` teaches only other languages than the one ``want`` names (see
    the module's description)."""
    wanted = _language_asked(want)
    if not wanted:
        return False
    listed = items(offer)
    return bool(listed) and all(
        (named := languages_in(item)) and not named & wanted for item in listed)


def asks_for_a_language(wants: list[str]) -> bool:
    """Whether some want is a short phrase naming one language: only then can a link be a
    sibling, so a caller skips reading any candidate's links otherwise."""
    return any(_language_asked(w) for w in wants)


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
