"""The rule reading of skill phrases: each trigger's subject, its object, cleaned and split.

Part of :mod:`.cues`. A trigger's object runs to the next trigger or a clause boundary;
its subject is the nearest subject word before it in the clause, else the previous
trigger's subject when joined by "and", else the nearest in the sentence, else the
trigger's default. ``teach`` by the partner or ``learn`` by the writer is a want; the
other two are offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.converse.understand.cue_triggers import (
    _OTHER,
    _SELF,
    _TEACH,
    _THIRD_PERSON,
    _TRIGGERS,
    _Trigger,
)
from assistant.converse.understand.types import words as _words

_I = re.IGNORECASE
_SCAN_TOKEN = re.compile(r"[a-z][a-z'\-]*|[.,;:!?\u00a6]", _I)
_WILLING = frozenset({"happy", "glad", "willing", "able", "ready", "more"})  # "happy to help"
_SELF_WORDS = frozenset({"i", "we", "myself", "ourselves", "me"})
_OTHER_WORDS = _words(
    "someone somebody anyone anybody who whoever whom person people partner partners mentor "
    "mentors colleague colleagues they he she folks expert experts peer peers buddy match "
    "others everyone candidate candidates")
_CLAUSE_STOP = frozenset({",", "and", "but", "or", ";", ".", "!", "?", ":", "because", "so",
                          "while", "whereas", "then"})
_SENTENCE_STOP = frozenset({";", ".", "!", "?", ":"})
_ADVERBS = _words(
    "really also truly genuinely absolutely definitely totally particularly especially just "
    "actually")
_NEGATORS = frozenset({"not", "never", "no"})

_OBJECT_STOP = re.compile(
    r"[;!?:\u00a6()\[\]{}]|\.(?:\s|$)|\s-+\s|"
    r",\s*(?:and\s+|but\s+)?(?:i|we|who|someone|somebody|anyone|anybody|happy|keen|"
    r"in\s+exchange|in\s+return|please|thanks|if|so|because|ideally|preferably)\b|"
    r"\s(?:and|or|but)\s+(?:i|we|would|could|can|will|is|am|are|has|have|wants?|needs?|"
    r"knows?|then|who|maybe|in\s+exchange|in\s+return|they|he|she|someone|somebody|anyone|"
    r"their|happy|keen|looking|interested)\b|"
    r"\s(?:who|whom|which|whose|but|so|because|since|while|whereas|although|though|if|when|"
    r"unless|preferably|ideally|maybe|perhaps|then|someone|somebody|anyone|anybody|"
    r"in\s+exchange|in\s+return|to\s+help\s+me|please|thanks|thank\s+you|i|we|before|after|"
    r"during|ahead\s+of|without|actually|instead)\b|"
    r"\s(?:that|who)\s+(?:is|are|can|could|would|will|has|have|wants?|knows?|do|does|did)\b|"
    r"\s(?:for|to)\s+(?:me|my|us|our|myself|them|him|her|work|the\s+team)\b|\sat\s+work\b",
    _I)
_IDIOMS = re.compile(
    r"\b(?:pros|research|mergers|profit|diversity|equity|health|learning|trial|terms|supply|"
    r"rock|black|q|b|r|p|m|d|f|s)\s+and\s+(?:cons|development|acquisitions|loss|inclusion|"
    r"safety|error|conditions|demand|roll|white|a|b|d|l|e|i|p)\b", _I)
_SPLIT = re.compile(
    r"\s*(?:,|;|\s&\s|\bplus\b|\bas\s+well\s+as\b|\band\s+also\b|\band\b|\bor\b|"
    r"\balong\s+with\b|\bnor\b)\s*|(?<=[^\W\d_]{4})\s*/\s*(?=[^\W\d_]{4})", _I)
_LEAD_FILLER = re.compile(
    r"^(?:how\s+to\s+use|how\s+to|how|what|where|when|help\s+(?:with|on|in)|some|my|our|their|"
    r"his|her|your|a\s+bit\s+(?:of|about|more\s+about)|a\s+bit|a\s+little\s+(?:bit\s+)?(?:of|"
    r"about|more\s+about)?|a\s+lot\s+(?:of|about)|(?:the\s+)?(?:basics|fundamentals|"
    r"foundations)\s+of|the\s+ins\s+and\s+outs\s+of|(?:get\s+)?better\s+at|more\s+about|"
    r"about|more|the|a|an|with|on|in|at|of|into|up\s+on|to\s+use|use|using|to|do|doing|"
    r"stuff\s+like|things\s+like|skills\s+in|knowledge\s+of|understanding\s+of|also|really|"
    r"just|even|basically|like|say|any|other|things)\s+", _I)
_TRAIL_FILLER = re.compile(
    r"\s+(?:help|support|advice|guidance|tips|pointers|coaching|mentoring|well|really\s+well|"
    r"very\s+well|properly|skills?|expertise|know-how|in\s+exchange|in\s+return|please|too|"
    r"also|as\s+well|stuff|things|etc|and\s+stuff|better|a\s+bit|a\s+little|a\s+lot|lots|"
    r"daily|every\s+day|at\s+all|now|"
    r"soon|then|from\s+scratch|from\s+me|from\s+you|from\s+them|to\s+me|to\s+us|and|or|but|"
    r"who|can|could|would|will|i|to|with|is|are|the|a|an|me|more|basics|fast|quickly|asap|"
    r"together|back|especially|in\s+particular|first|here|around|for|fits?|works?|"
    r"gets\s+made|day\s+to\s+day)$", _I)
_EDGE_PUNCT = re.compile(r"^[\s\"'`(\[,.\-]+|[\s\"'`)\],.?!:;\-]+$")
_STOP_OBJECTS = _words(
    "it this that them him her me you us more others other something anything everything "
    "stuff things someone somebody anyone anybody people person partner partners mentor "
    "mentors one ones all what how help support skills skill learning better well some any "
    "match mentoring program programme scheme everyone feedback advice tips guidance "
    "coaching") | frozenset({
    "a partner", "a mentor", "a lot", "each other", "it all", "the program", "reverse mentoring",
    "reciprocal mentoring", "this program", "the programme", "my partner", "anything else",
    "that one", "this one", "new things", "your help", "someone else", "a match", "the scheme",
    "a good partner", "a good match", "second one", "first one", "last one",
})
_BAD_FIRST = _words(
    "to be someone somebody anyone anybody who which whom whose why i you we they he she "
    "it that this if is are was were am from find pick choose pair match meet decide not no "
    "partner partners here there")


@dataclass(frozen=True)
class _Hit:
    """One trigger occurrence."""

    start: int
    end: int
    trigger: _Trigger
    first_word: str


def _trigger_hits(text: str) -> list[_Hit]:
    """Non-overlapping trigger matches, leftmost then longest then table order."""
    found: list[tuple[int, int, int, _Hit]] = []
    for order, trig in enumerate(_TRIGGERS):
        for m in trig.pattern.finditer(text):
            if _looks_like_a_name(text, m.start()):
                continue
            word = m.group().split()[0].casefold() if m.group().strip() else ""
            found.append((m.start(), -(m.end() - m.start()), order,
                          _Hit(m.start(), m.end(), trig, word)))
    found.sort(key=lambda f: f[:3])
    hits: list[_Hit] = []
    for _, _, _, hit in found:
        if not hits or hit.start >= hits[-1].end:
            hits.append(hit)
    return hits


def _looks_like_a_name(text: str, start: int) -> bool:
    """A Title-case word mid-sentence ("Excel at", "Teams") is a name, not a verb."""
    word = text[start:start + 20].split()[0] if text[start:].strip() else ""
    if not (word[:1].isupper() and word[1:2].islower()) or word == "I":
        return False
    before = text[:start].rstrip()
    if not before or before[-1] in ".!?:;\u00a6-":
        return False
    words = re.findall(r"[^\W\d_]+", text)
    titled = sum(1 for w in words if w[:1].isupper())
    return titled * 2 < len(words)


def _tokens_before(text: str, start: int) -> list[str]:
    return [t.casefold() for t in _SCAN_TOKEN.findall(text[:start])]


def _last_subject(tokens: list[str], stops: frozenset[str],
                  selves: frozenset[str]) -> str | None:
    """The subject word closest before the end of ``tokens``, not past a ``stops`` token."""
    for tok in reversed(tokens):
        if tok in stops:
            return None
        if tok in selves:
            return _SELF
        if tok in _OTHER_WORDS:
            return _OTHER
    return None


def _near_subject(tokens: list[str], window: int = 6) -> str | None:
    """Subject word closest before a trigger, within its clause ("me" counts)."""
    return _last_subject(tokens[-window:], _CLAUSE_STOP, _SELF_WORDS)


def _sentence_subject(tokens: list[str]) -> str | None:
    """Subject word closest before a trigger, within its sentence."""
    return _last_subject(tokens, _SENTENCE_STOP, _SELF_WORDS - {"me"})


def _adjacent_subject(tokens: list[str]) -> str | None:
    for tok in reversed(tokens):
        if tok in _ADVERBS:
            continue
        if tok in _SELF_WORDS - {"me"}:
            return _SELF
        if tok in _OTHER_WORDS or tok in ("that", "which"):
            return _OTHER
        return None
    return None


def _negated(tokens: list[str]) -> bool:
    for tok in reversed(tokens[-3:]):
        if tok in _NEGATORS:
            return True
        if tok not in _ADVERBS and tok not in ("do", "does", "did", "am", "is", "are", "be"):
            return False
    return False


def _same_sentence(text: str, a: int, b: int) -> bool:
    return not re.search(r"[.;!?:]", text[a:b])


def _subject(text: str, hit: _Hit, prev: tuple[_Hit, str] | None) -> str | None:
    """Who does the trigger's verb: _SELF, _OTHER, or None to drop the trigger."""
    trig = hit.trigger
    if trig.subject:
        return trig.subject
    floor = prev[0].end if prev else 0
    tokens = _tokens_before(text, hit.start)
    if trig.strict:
        return _adjacent_subject(tokens)
    near = _near_subject(_tokens_before(text[floor:], hit.start - floor))
    if near:
        return near
    if prev and _same_sentence(text, prev[0].end, hit.start):
        return prev[1]
    default = (_OTHER if hit.first_word in _THIRD_PERSON
               else _SELF if hit.first_word in _WILLING else trig.default)
    return _sentence_subject(tokens) or default


def _object_text(text: str, start: int, end: int) -> str:
    chunk = text[start:end]
    stop = _OBJECT_STOP.search(chunk)
    return chunk[: stop.start()] if stop else chunk


def _clean(phrase: str) -> str | None:
    """Strip filler from one skill phrase; None if nothing skill-like is left."""
    out = _EDGE_PUNCT.sub("", phrase.strip())
    for _ in range(8):
        new = _EDGE_PUNCT.sub("", _LEAD_FILLER.sub("", out))
        if new == out or not new:
            break
        out = new
    for _ in range(8):
        new = _EDGE_PUNCT.sub("", _TRAIL_FILLER.sub("", out))
        if new == out or not new or new.casefold() in _STOP_OBJECTS:
            break
        out = new
    words = out.split()
    if not words or not re.search(r"[^\W_]", out) or len(words) > 7:
        return None
    if out.casefold() in _STOP_OBJECTS or words[0].casefold() in _BAD_FIRST:
        return None
    return out


def _split(phrase: str) -> list[str]:
    guarded = _IDIOMS.sub(lambda m: re.sub(r"\s+and\s+", "\u0001", m.group()), phrase)
    parts = [p.replace("\u0001", " and ") for p in _SPLIT.split(guarded) if p]
    return [c for c in (_clean(p) for p in parts) if c]


def extract_skills(text: str) -> tuple[list[str], list[str]]:
    """(wants, offers) read from ``text`` (filters already blanked out)."""
    wants: list[str] = []
    offers: list[str] = []
    hits = _trigger_hits(text)
    prev: tuple[_Hit, str] | None = None
    for i, hit in enumerate(hits):
        subject = _subject(text, hit, prev)
        if subject is None or _negated(_tokens_before(text, hit.start)):
            continue
        prev = (hit, subject)
        stop = hits[i + 1].start if i + 1 < len(hits) else len(text)
        skills = _split(_object_text(text, hit.end, stop))
        into_wants = (hit.trigger.role == _TEACH) == (subject == _OTHER)
        target = wants if into_wants else offers
        target.extend(s for s in skills if s.casefold() not in {t.casefold() for t in target})
    return wants, offers

