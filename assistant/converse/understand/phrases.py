"""The words of a phrase: a skill phrase's edges, the examples listed after it, and the
want left when a message is read for what it does not offer.

A phrase the tagger found loses cue, function and framing words at its edges and a
time phrase at its end ("presentation skills", "direct report next month"); a list of
examples after a dash or colon is kept with it ("network stuff - routers, VPNs, DNS").
What a message asks when the tagger found nothing wanted, or a problem the writer
tells ("my slides put people to sleep"), is the message minus what it offers, filters
and names.
"""

from __future__ import annotations

import re

from assistant.converse.understand.negation import negated, without_set_against
from assistant.converse.understand.situations import SUBJECT_VERB

_I = re.IGNORECASE

#: the writer in a message, and the words of a request or a question: a message with the
#: first and none of the second tells a problem of the writer's own
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|i'm|we|our|us)\b", _I)
_REQUEST = re.compile(
    r"\?|\b(?:wants?|wanted|wanna|needs?|needed|learn\w*|teach\w*|taught|help\w*|love|"
    r"keen|looking|seeking|after|improv\w*|better|mentor\w*|coach\w*|tips|advice|"
    r"lessons?|training|guidance|pointers|show|explain|recommend|find|match|pair|"
    r"partner|interested|hop(?:e|ing)|wish|like\s+to|mean|meant|how|what|who|where|"
    r"which|why|any(?:one|body)|some(?:one|body))\b", _I)


def problem_told(text: str) -> bool:
    """Whether ``text`` tells a problem of the writer's own rather than makes a request
    ("I keep losing track of my deadlines", "my slides put people to sleep")."""
    return bool(_FIRST_PERSON.search(text)) and not _REQUEST.search(text)


#: words for a group of people that are also skills' names ("leadership", "management")
_GROUPS = frozenset({"leadership", "management", "team", "board", "execs", "executives",
                     "clients", "customers", "stakeholders", "senior", "finance", "hr",
                     "sales", "marketing", "legal", "it", "ops", "operations"})


def group_subject(text: str, toks: list[tuple[str, int, int]], a: int, b: int) -> bool:
    """Whether the one-word span ``a..b`` is a group of people as the subject of a verb
    ("leadership zones out when...", "management never reads my reports"): who the
    problem is with, not what is to be learnt."""
    return (b - a == 1 and toks[a][0].casefold() in _GROUPS
            and bool(SUBJECT_VERB.match(text, toks[a][2])))


#: generic words that frame a skill rather than name it, stripped at a phrase's start
#: ("use Notion", "never written Python") or end ("presentation skills", "presenting
#: coaching", "Teams properly") when a word remains
_LEADING = frozenset({"use", "using", "used", "written", "wrote", "tried", "touched",
                      "done"})
_TRAILING = frozenset({"skills", "skill", "coaching", "advice", "support", "training",
                       "practice", "pointers", "help", "tips", "lessons",
                       # how or when, not what: "Teams properly", "Excel asap"
                       "properly", "actually", "really", "quickly", "asap", "better",
                       "basically", "anyway", "please", "now", "today", "soon"})


#: when, not what, at a phrase's end: "data analytics within 2 years", "direct report
#: next month"
_TIME_TAIL = re.compile(
    r"\s+(?:(?:within|in|by|before|over|for|during)\s+(?:the\s+)?(?:next\s+|coming\s+)?"
    r"(?:\d+|a|an|one|two|three|four|six|few|couple\s+of)?\s*(?:days?|weeks?|months?|years?|"
    r"quarters?)|(?:next|this|last|every)\s+(?:week|month|year|quarter|spring|summer|"
    r"autumn|winter))$", _I)


def phrase(text: str, toks: list[tuple[str, int, int]], i: int, j: int,
           edge: frozenset[str] = frozenset()) -> str:
    """The text of tokens i..j-1 without cue, function or framing words at either edge,
    nor a time phrase at its end."""
    whole = _edged(text, toks, i, j, edge)
    trimmed = _TIME_TAIL.sub("", whole)
    trimmed = without_set_against(trimmed)
    return trimmed if trimmed.strip() else whole


def _edged(text: str, toks: list[tuple[str, int, int]], i: int, j: int,
           edge: frozenset[str]) -> str:
    def dropped(tok: str) -> bool:
        return tok.casefold() in edge or not any(ch.isalnum() for ch in tok)

    while True:
        before = (i, j)
        while i < j and dropped(toks[i][0]):
            i += 1
        while j > i and dropped(toks[j - 1][0]):
            j -= 1
        if j - i > 1 and toks[i][0].casefold() in _LEADING:
            i += 1
        if j - i > 1 and toks[j - 1][0].casefold() in _TRAILING:
            j -= 1
        if (i, j) == before:
            return text[toks[i][1]:toks[j - 1][2]] if i < j else ""


#: what may stand between a skill and a dash or colon that opens its examples
_BEFORE_EXAMPLES = frozenset({"stuff", "things", "training", "skills", "basics", "tips"})
_OPENS = frozenset({"-", "\u2013", "\u2014", ":", "("})
_ENDS = frozenset({".", "!", "?", ";", ")"})
#: filler that closes a list of examples ("phishing, passwords, that kind of thing")
_FILLER_TAIL = re.compile(
    r"(?:,?\s*(?:and|or)?\s*(?:that|this|those)\s+(?:kind|sort|type)\s+of\s+(?:thing|stuff)s?"
    r"|,?\s*(?:etc\.?|and\s+so\s+on|and\s+stuff|and\s+all\s+that|or\s+whatever|"
    r"and\s+the\s+like))\s*$", _I)


def examples_after(text: str, toks: list[tuple[str, int, int]], end: int,
                   spans: list[tuple[int, int]], marks: list[str]) -> str:
    """The list of examples that follows a skill after a dash, colon or bracket
    ("network stuff - routers, VPNs, DNS"), when the tagger read no skill of its own
    in it and it holds no name or filter: it says which part of the skill is meant."""
    i = end
    while i < len(toks) and toks[i][0].casefold() in _BEFORE_EXAMPLES:
        i += 1
    if i >= len(toks) or toks[i][0] not in _OPENS:
        return ""
    j = i + 1
    while j < len(toks) and toks[j][0] not in _ENDS:
        j += 1
    inside = range(i + 1, j)
    words = [k for k in inside if any(ch.isalnum() for ch in toks[k][0])]
    listed = any(toks[k][0] in (",", "/") or toks[k][0].casefold() in ("and", "or")
                 for k in inside)
    if (len(words) < 2 or not listed or any(marks[k] for k in inside)
            or any(a < j and b > i + 1 for a, b in spans)):
        return ""
    return _FILLER_TAIL.sub("", text[toks[i + 1][1]:toks[j - 1][2]]).strip(" ,")


def with_examples(said: str, examples: str) -> str:
    return f"{said} ({examples})" if said and examples else said


#: verbs of getting in touch ("who should I talk to?") and words of time ("at the
#: moment"): they never name what to learn, so a leftover of only these is no want
_NOT_ALONE = frozenset({
    "talk", "talking", "speak", "speaking", "chat", "chatting", "reach", "contact",
    "contacting", "connect", "connecting", "approach", "ask", "meet", "meeting", "see",
    "link", "moment", "minute", "day", "days", "week", "weeks", "month", "months", "year",
    "years", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "time",
    "while", "currently", "recently", "lately"})


_SENTENCE_END = frozenset(".!?;")


def leftover_want(text: str, toks: list[tuple[str, int, int]], offered: set[int],
                  marks: list[str], cue_words: frozenset[str]) -> list[str]:
    """The message minus what it offers, filters and names, if anything skill-like is left:
    a phrase for each sentence that has some."""
    keep = [i for i in range(len(toks)) if i not in offered and not marks[i]]
    content = [i for i in keep if any(ch.isalnum() for ch in toks[i][0])
               and toks[i][0].casefold() not in cue_words
               and not negated(text, toks[i][1])]
    if all(toks[i][0].casefold() in _NOT_ALONE for i in content):
        return []
    # a sentence each: one phrase across a full stop would blend two topics ("I keep the
    # bees on the roof. Terrified of speaking in public")
    groups: list[list[int]] = []
    for i in content:
        if groups and not any(toks[j][0] in _SENTENCE_END for j in range(groups[-1][-1], i)):
            groups[-1].append(i)
        else:
            groups.append([i])
    found = [phrase(text, toks, g[0], g[-1] + 1, cue_words) for g in groups
             if not all(toks[i][0].casefold() in _NOT_ALONE for i in g)]
    return [f for f in found if f]
