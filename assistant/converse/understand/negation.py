"""Skills the message does not want: after a negated interest ("not interested in
marketing") or set against another ("Power BI not Excel", "Tableau rather than Power BI").
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bnever|\bno)\s+(?:\w+\s+){0,2}?(?:interested|keen|into|looking|want|"
    r"wanting|need|needing|care|interest|bothered)\b(?:\s+\w+){0,3}?\s*$", _I)
_SET_AGAINST = re.compile(r"(?:\brather\s+than|\binstead\s+of|\bas\s+opposed\s+to|"
                          r"[\w)]\s*,?\s+but\s+not|([\w)]+),?\s+not)\s+$", _I)
#: words before a "not" that negate a verb, not set one skill against another
_VERBISH = frozenset([
    "to", "do", "does", "did", "can", "could", "will", "would", "should", "shall", "may",
    "might", "must", "am", "is", "are", "was", "were", "be", "been", "i", "we", "you",
    "they", "he", "she", "how", "why", "what", "who",
])
_CLAUSE_END = re.compile(r"[,;.!?]|\bbut\b|\bthough\b|\bhowever\b", _I)
#: a skill set against another at a phrase's end ("Power BI not Excel", "Tableau rather
#: than Power BI"): the other is not wanted; a short tail only, after a word that can end
#: a skill ("how to not freeze" keeps its "not")
_NOT_THAT = re.compile(r"(\w*)\s*[,-]?\s*\b(?:not|rather\s+than|instead\s+of|but\s+not|"
                       r"as\s+opposed\s+to)(?:\s+[\w+#.'-]+){1,3}\s*$", _I)


def negated(text: str, start: int) -> bool:
    """Whether the clause before offset ``start`` ends in a negated interest, or the skill
    at ``start`` is set against another ("Tableau rather than Power BI", "SQL, not Excel")."""
    before = text[:start]
    against = _SET_AGAINST.search(before)
    if against and (against.group(1) or "").casefold() not in _VERBISH:
        return True
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    return bool(_NEGATED.search(before[cut[-1] if cut else 0:]))


#: a clause after a comma, semicolon or dash that opens with "not" or "no" says what the
#: phrase before it is not ("the language - not after help posting on social media")
_NOT_CLAUSE = re.compile(r"\s*(?:[,;]|\s[-\u2013\u2014])\s*(?:but\s+)?(?:not|no)\b.*$", _I | re.S)


def without_set_against(phrase: str) -> str:
    """``phrase`` without a skill set against it at its end ("Power BI not Excel" ->
    "Power BI"), nor a clause that says what it is not ("Dutch - not after help with
    social media" -> "Dutch"); a "not" after a verb word stays ("how to not freeze")."""
    clause = _NOT_CLAUSE.search(phrase)
    if clause and clause.start() > 0:
        phrase = phrase[:clause.start()]
    against = _NOT_THAT.search(phrase)
    if against and against.group(1).casefold() not in _VERBISH:
        return phrase[:against.start(1) + len(against.group(1))]
    return phrase
