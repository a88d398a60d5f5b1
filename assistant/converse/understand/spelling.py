"""Misspelt and abbreviated skill words put right before the message is read
("negotation tips", "dashbords", "netwroking", "proj mgmt").

A word is left alone when it is an English word (the embedding model's word list), a
word of the cohort's statements or of the skills vocabulary, or one of the cohort's
names and places. Any other word of five letters or more that is one edit (a letter
dropped, added, changed, or two letters swapped) from a word the cohort or the
vocabulary uses for a skill becomes that word; several such words: the one they use
most. An unknown short word that no edit puts right may abbreviate a skill word: its
start ("proj", "perf") or, written in consonants, its skeleton ("mgmt", "mktg"). Nothing
here lists misspellings or abbreviations: the cohort and the vocabulary are the lexicon.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: shorter words have too many neighbours one edit away ("sing" is one from "sign")
MIN_LENGTH = 5
#: longer words are left as written: no skill word is this long, and a word's edits grow
#: with the square of its length (a 20,000-letter "word" would need gigabytes)
MAX_LENGTH = 40
#: an unknown word this short is put right too, to a request word or a longer skill word
#: ("wnat to lern powr bi"): the word list says it is no English word
SHORT_LENGTH = 4
#: the words requests are made of, which a typo must not turn into a skill of its own
REQUEST_WORDS = frozenset([
    "want", "wants", "wanted", "learn", "learning", "teach", "teaching", "taught",
    "someone", "somebody", "anyone", "anybody", "mentor", "mentors", "mentoring", "coach",
    "coaching", "help", "helping", "need", "needs", "looking", "improve", "better",
    "please", "would", "could", "should", "like", "interested", "understand", "know",
    "show", "about", "with", "who", "what", "how", "people", "person", "skills", "skill",
    "anything", "something", "everyone", "really", "started", "start", "getting",
    "thanks", "tips", "advice", "session", "sessions", "partner", "match", "pair",
    "paired", "swap", "offer", "offering",
])
#: shortest and longest abbreviation written for a skill word ("mgr", "strat"); a start
#: must be one letter longer than the shortest ("proj", not "pro")
ABBREVIATION = (3, 6)
#: short stage and role words never expanded: the filter rules read the stage words
#: ("exec", "grad", "vp") as written; "mgr" is kept with them
STAGE_WORDS = frozenset(["exec", "execs", "grad", "grads", "vp", "vps", "mgr", "mgrs"])
_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = string.ascii_lowercase
#: endings of inflected words: "excels" is Excel's verb, not a misspelling of it
_ENDINGS = ("", "s", "es", "ed", "d", "ing", "er", "ers", "ly")


@dataclass(frozen=True)
class Lexicon:
    """Words that are right as written, and the skill words a misspelling may become."""

    known: frozenset[str]
    #: skill word -> how often the cohort and the vocabulary use it
    targets: dict[str, int]
    #: the targets by first letter, built on first use (abbreviations)
    _initials: dict[str, list[str]] | None = field(default=None, compare=False, repr=False)

    def correct(self, text: str) -> str:
        """``text`` with each unknown word one edit from a skill word replaced by it."""
        if not self.targets:
            return text
        return _WORD.sub(self._fix, text)

    def _fix(self, match: re.Match[str]) -> str:
        word = match.group()
        low = word.casefold()
        if not SHORT_LENGTH <= len(low) <= MAX_LENGTH or not low.isascii() \
                or self._known(low) or low in REQUEST_WORDS:
            return word
        kinds = _edits(low)
        edits = set().union(*kinds)
        # a word one letter short of a target's plural is that target's singular
        # ("meetup" for "meetups"), a form of the same word, not a misspelling; a short
        # word with a capital may be a name or a brand ("Miro"): only request words then
        found = [w for w in edits if w in self.targets and w != low + "s"
                 and (len(low) >= MIN_LENGTH or (word == low and len(w) > len(low)))]
        if not found:
            if asked := _request_word(kinds):
                return _cased(word, asked)
            full = None if low in STAGE_WORDS else self._expanded(low)
            return _cased(word, full) if full else word
        best = max(found, key=lambda w: (self.targets[w], w))
        return _cased(word, best)

    def _expanded(self, low: str) -> str | None:
        """The skill word an unknown short word abbreviates, or None: its start ("proj",
        "strat", "perf") or, for a word of consonants, its skeleton ("mgmt", "mktg",
        "mgr", "reqs": the same first and last letter, the letters in order). Several
        words: the one the cohort and the vocabulary use most."""
        if not ABBREVIATION[0] <= len(low) <= ABBREVIATION[1] or not low.isalpha():
            return None
        prefix = len(low) >= ABBREVIATION[0] + 1
        skeleton = sum(c in "aeiouy" for c in low[1:]) == 0
        if not (prefix or skeleton):
            return None
        found = [t for t in self._by_initial().get(low[0], ())
                 if len(t) >= len(low) + 2
                 and ((prefix and t.startswith(low))
                      or (skeleton and t[-1] == low[-1] and _in_order(low, t)))]
        return max(found, key=lambda t: (self.targets[t], t)) if found else None

    def _by_initial(self) -> dict[str, list[str]]:
        if self._initials is None:
            initials: dict[str, list[str]] = {}
            for target in self.targets:
                initials.setdefault(target[0], []).append(target)
            object.__setattr__(self, "_initials", initials)
        return self._initials or {}

    def _known(self, low: str) -> bool:
        """A word as written, or an inflection of one ("excels", "pitched", "coders")."""
        return any(low.endswith(end) and (low[:len(low) - len(end)] in self.known
                                          or low[:len(low) - len(end)] in self.targets)
                   for end in _ENDINGS)


def _request_word(kinds: tuple[set[str], ...]) -> str | None:
    """The one request word among a word's edits (``kinds``, as :func:`_edits` gives them):
    a swap of two letters first ("wnat"), then a letter dropped or added ("lern"), then
    one changed; None when no kind of edit gives exactly one."""
    for kind in kinds:
        hits = kind & REQUEST_WORDS
        if hits:
            return next(iter(hits)) if len(hits) == 1 else None
    return None


def _in_order(short: str, word: str) -> bool:
    """Whether the letters of ``short`` occur in ``word`` in order, from its first."""
    rest = iter(word)
    return all(letter in rest for letter in short)


def _cased(word: str, fix: str) -> str:
    """``fix`` in the case ``word`` was written in."""
    if word.isupper() and len(word) > 1:
        return fix.upper()
    return fix.capitalize() if word[:1].isupper() else fix


def _edits(word: str) -> tuple[set[str], set[str], set[str]]:
    """Every string one edit from ``word``, by kind: two neighbours swapped, a letter
    dropped or added, a letter changed."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swaps = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    drops_adds = {a + b[1:] for a, b in cuts if b} | {a + c + b for a, b in cuts
                                                      for c in _LETTERS}
    changes = {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    return swaps, drops_adds, changes


def words_of(texts: Iterable[str]) -> Counter[str]:
    """How often each word (lower case) occurs in ``texts``."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.casefold() for w in _WORD.findall(text))
    return counts


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The whole words of the packaged model's word-piece list (about 20,000 English words)."""
    from assistant.embed.sentence import packaged_model_path

    path = Path(packaged_model_path()) / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:  # a model without a word list: only the cohort's words count as known
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


@lru_cache(maxsize=1)
def vocabulary_words() -> Counter[str]:
    """Words of the skills vocabulary's labels and aliases, with their counts."""
    from assistant.embed.vocabulary import load_vocabulary

    concepts = [c for c in load_vocabulary() if c.kind == "skill"]
    return words_of([c.label for c in concepts] + [a for c in concepts for a in c.aliases])


def build_lexicon(statements: Iterable[str], names: Iterable[str] = ()) -> Lexicon:
    """The lexicon of a cohort: its statements' words and the vocabulary's are targets;
    English words, those and the cohort's names and places are known."""
    targets = vocabulary_words() + words_of(statements)
    targets = Counter({w: n for w, n in targets.items() if len(w) >= MIN_LENGTH})
    known = english_words() | frozenset(words_of(names))
    return Lexicon(known, dict(targets))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon without a cohort: the skills vocabulary's words."""
    return build_lexicon([])
