"""Normalisation and tokens: the same text for the rules, the tagger and the classifier."""

from __future__ import annotations

import re

_I = re.IGNORECASE

_TRANSLATE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": " - ", "\u00a0": " "})
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, _I), r) for p, r in (
        (r"\bcan't\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon't\b", "will not"),
        (r"\bshan't\b", "shall not"), (r"n't\b", " not"), (r"\b(i)'m\b", r"\1 am"),
        (r"\bim\b", "I am"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
        (r"'d\b", " would"), (r"\blet's\b", "let us"),
        (r"\b(what|that|who|it|he|she|there|how|where|here)'s\b", r"\1 is"),
        (r"\bwanna\b", "want to"), (r"\bgonna\b", "going to"), (r"\bgotta\b", "have to"),
        (r"\bpl[sz]\b", "please"), (r"\bppl\b", "people"), (r"\bu\b", "you"),
        (r"\s+&\s+", " and "),  # "Excel & SQL"; R&D and P&L keep theirs
        (r"\s+", " "),
    )
)


def normalise(text: str) -> str:
    # a lone surrogate (possible in a browser's text) is no character: it becomes "?"
    out = text.encode("utf-8", "replace").decode("utf-8").translate(_TRANSLATE)
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return out.strip()


_LEAD_PLEASANTRY = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|yo|thanks|thank\s+you|thx|ta|cheers|ok|okay|great|cool|"
    r"perfect|nice|awesome|lovely|brilliant|good\s+(?:morning|afternoon|evening)|hm+|um+|"
    r"uh+|so|well|right|alright|yes|yeah|yep|sure|please|oh|and)"
    r"(?:\s+(?:there|so\s+much|a\s+lot|again|very\s+much|all|everyone))?(?:[\s,.!]+|$))+",
    _I,
)
_TRAIL_PLEASANTRY = re.compile(
    r"(?:[\s,.!?;:]|\b(?:please|thanks|thank\s+you|thx|cheers)\b)+$", _I)


def core(text: str) -> str:
    """``text`` without leading/trailing pleasantries and punctuation (never empty if text)."""
    core = _LEAD_PLEASANTRY.sub("", text)
    core = _TRAIL_PLEASANTRY.sub("", core).strip()
    return core or text.strip(" .!?,")


#: words (letters/digits with inner ' - . & / + #, and a trailing + or #: "C++", "R&D",
#: "UI/UX", "Node.js") and single punctuation marks
TOKEN = re.compile(r"[^\W_](?:[\w]|['\-.&/](?=[^\W_]))*[+#]*|[^\w\s]|_")


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for every token of ``text``."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
