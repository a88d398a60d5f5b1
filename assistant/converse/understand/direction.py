"""Which way a skill phrase goes: wanted by the writer, or offered in return.

A logistic regression decides it for each span the tagger found, from the words around
the span (the span itself masked, so the skill's name never decides: TikTok can be
wanted or offered), the sentence embedding of that context ("I could teach X", "X is
beyond me", "my X for your Y"), and, for a long span that states a situation ("my
slides put people to sleep", "I run the finance team"), the embedding of the span
itself. A span joined to the previous one by a list word ("X, Y and Z") goes the same
way as the previous one, the span after a trade ("X in exchange for Y", "X in return
for Y") the opposite way, a span a role clause asks for ("mentor for X?", "I could
use a coach in X") is wanted, and a span someone else needs ("anyone need help with X?",
"who wants to learn X") is offered, and a span the writer tells trouble with ("stuck at
X", "X needs modernising") is wanted: that is grammar, not a guess.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SENTENCE_BREAK = frozenset(".!?;")
CLAUSE_BREAK = frozenset(",:()\"/|-") | SENTENCE_BREAK
CLAUSE_WORDS = frozenset({"and", "but", "or"})
LIST_WORDS = frozenset({",", "and", "or", "&", "/", "plus", "as", "well", "also", "+"})
#: who a clause is about: the nearest of these subjects before a span says whose wish or
#: skill it is (object words such as "me" are not subjects: in "who can teach me X and
#: wants Y", Y is what "who" wants)
ANCHORS = frozenset({
    "i", "we", "you", "someone", "somebody", "anyone", "anybody", "who", "whoever",
    "people", "they", "he", "she", "partner", "mentor", "colleague", "person", "folks",
    "everyone"})
#: words between two spans that make them a trade: one is given for the other
TRADE = (("in", "exchange", "for"), ("in", "return", "for"), ("in", "exchange", "of"))
#: a role word and a preposition right before a span ("mentor for X?", "a coach in X
#: needed") ask for someone who has X, unless the clause says the writer is that person
#: ("I'm a mentor for X", "happy to be a coach in X") or asks on someone else's behalf
#: ("anyone need a mentor for X?", an offer): see :func:`_role_asked`
ROLES = frozenset({"mentor", "coach", "tutor", "teacher", "trainer", "expert", "guru",
                   "buddy", "specialist", "mentors", "coaches", "tutors", "teachers"})
ROLE_LINKS = frozenset({"for", "in", "on", "with"})
ROLE_PARTICIPLES = frozenset({"needed", "wanted", "sought", "required"})
#: words that make a role clause an ask, before the span or after it
ASKING = frozenset({"need", "needed", "needs", "want", "wanted", "sought", "required",
                    "looking", "seeking", "use", "find", "recommend", "know", "please",
                    "anyone", "anybody", "any"})
#: a role word after one of these is a verb ("can mentor on X", "happy to coach in X")
VERB_BEFORE = frozenset({"can", "will", "could", "would", "might", "may", "should", "to",
                         "i", "we", "i'll", "i'd", "we'll", "also", "gladly", "happily"})
#: words that make it the writer's own role (an offer), or someone else's wish
BEING = frozenset({"am", "i'm", "im", "be", "been", "as", "available", "here", "offering",
                   "happy", "i've", "you", "anyone", "anybody", "who", "someone", "somebody",
                   "they", "people"})
#: someone else's need before a span ("anyone need help with X?", "who wants to learn X",
#: "any takers for X lessons?") makes it what the writer offers: see :func:`_others_need`
OTHERS = frozenset({"anyone", "anybody", "someone", "somebody", "who", "whoever",
                    "takers", "people", "folks", "colleagues"})
NEEDING = frozenset({"need", "needs", "needing", "want", "wants", "wanting", "like", "keen",
                     "interested", "fancy", "fancies", "struggling", "stuck", "takers"})
#: words that make it an ask after all: the other's ability ("anyone who knows X",
#: "someone who wants to teach me X"), the writer in the clause, a swap, company
NOT_OTHERS_NEED = frozenset({
    "can", "could", "know", "knows", "teach", "teaches", "show", "shows", "good", "great",
    "expert", "able", "i", "me", "my", "we", "us", "i'm", "i'd", "swap", "trade",
    "exchange", "else", "together", "too", "from"})
#: P(offer) at least of a span someone else needs
OTHERS_NEED_OFFER = 0.9
#: words of trouble in a span's clause make it a want told as a problem ("stuck at X",
#: "X needs modernising", "hopeless with X"): see :func:`_trouble`
TROUBLE = frozenset({
    "stuck", "struggle", "struggles", "struggling", "hopeless", "rubbish", "terrible",
    "awful", "useless", "clueless", "confused", "lost", "freeze", "freezes", "panic",
    "panics", "terrified", "nervous", "scared", "dread", "dreading", "mess", "messy",
    "overwhelmed", "drowning", "baffled", "bewildered", "intimidated", "failing",
    "modernising", "modernizing", "fixing", "sorting", "untangling", "rescuing"})
#: words that make a troubled clause an offer after all ("happy to help anyone stuck on X")
NOT_TROUBLE = frozenset({"can", "could", "happy", "glad", "teach", "show", "help", "helping",
                         "anyone", "anybody", "someone", "somebody", "who", "people",
                         "others", "colleagues", "folks", "they", "you"})
TROUBLE_OFFER = 0.2
#: the subjects that make a clause the writer's own (:data:`ANCHORS`; none: a fragment)
WRITER = frozenset({"i", "we", "<none>"})
#: what puts a comment after a skill, and how long it may be (:func:`_comment`)
COMMENT_MARKS = frozenset({":", "-", "\u2013", "\u2014"})
COMMENT_WORDS = 6
#: a comment opening with one of these leaves out its subject, the writer ("X - can
#: teach", "X: would love to learn"); it is read with "I" put back
ELLIPTIC = {**dict.fromkeys(("can", "could", "will", "would", "need", "want", "love"), "I"),
            **dict.fromkeys(("happy", "keen", "looking", "hoping", "seeking", "struggling"),
                            "I'm")}
#: how far from 0.5 the comment's reading must be to replace the span's own
COMMENT_SURE = 0.3
#: spans this long state a situation; their own words count
LONG_SPAN = 3
#: P(offer) at most of a span a role clause asks for (a want, not a close call)
ROLE_ASKED_OFFER = 0.1
SKILL = "<skill>"
Encoder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class SpanContext:
    """What the classifier sees of one span."""

    features: dict[str, float]
    context: str     # the clause around the span, the span written as "X"
    own_text: str    # the span's words when it is long, else ""
    coordinated: bool  # joined to the previous span by list words only
    traded: bool = False  # given for the previous span, or it for this one (:data:`TRADE`)
    role_asked: bool = False  # "mentor for X?": someone who has X is asked for (:data:`ROLES`)
    others_need: bool = False  # "anyone need help with X?": the writer offers X (:data:`OTHERS`)
    trouble: bool = False  # "stuck at X", "X needs modernising": a want (:data:`TROUBLE`)
    #: "X: can teach" read as "can teach X" (:func:`_comment`), used when it is sure
    commented: SpanContext | None = None


def contexts(toks: Sequence[str], spans: Sequence[tuple[int, int]],
             rule: Sequence[str] = ()) -> list[SpanContext]:
    """The :class:`SpanContext` of every span (token ranges) of one message; ``rule`` is
    the rule reading of each token (``want``, ``offer`` or ``""``)."""
    low = [t.casefold() for t in toks]
    owner = {i: n for n, (a, b) in enumerate(spans) for i in range(a, b)}
    out = []
    for k, (a, b) in enumerate(spans):
        f: dict[str, float] = {}
        left: list[str] = []
        i = a - 1
        while i >= 0 and low[i] not in CLAUSE_BREAK and low[i] not in CLAUSE_WORDS:
            left.append(SKILL if i in owner else low[i])
            i -= 1
        left.reverse()
        for n, w in enumerate(reversed(left[-4:]), 1):
            f[f"l{n}={w}"] = 1.0
        if len(left) >= 2:
            f[f"l2|l1={left[-2]} {left[-1]}"] = 1.0
        for w in left:
            f["L:" + w] = 1.0
        f["lbreak=" + (low[i] if i >= 0 else "<s>")] = 1.0
        if not left:
            f["l=none"] = 1.0
        # a colon's label says the side of what follows it ("can offer: X", "wishlist: X")
        label = _label_before(low, i, owner) if i >= 0 and low[i] == ":" else []
        for w in label:
            f["C:" + w] = 1.0
        if label:
            f["c1=" + label[-1]] = 1.0
        anchor = next((w for w in reversed(left) if w in ANCHORS), "")
        j = a - len(left) - 1
        while not anchor and j >= 0 and low[j] not in SENTENCE_BREAK:
            anchor = low[j] if low[j] in ANCHORS else ""
            j -= 1
        anchor = anchor or "<none>"
        f["anchor=" + anchor] = 1.0
        after = left[len(left) - left[::-1].index(anchor):] if anchor in left else left
        for w in after[-5:]:
            f[f"anchor|{anchor}|{w}"] = 1.0
        if after:
            f[f"anchor|{anchor}|l1|{after[-1]}"] = 1.0
        right: list[str] = []
        i = b
        while i < len(low) and low[i] not in CLAUSE_BREAK and low[i] not in CLAUSE_WORDS:
            right.append(SKILL if i in owner else low[i])
            i += 1
        for n, w in enumerate(right[:3], 1):
            f[f"r{n}={w}"] = 1.0
        for w in right:
            f["R:" + w] = 1.0
        f["rbreak=" + (low[i] if i < len(low) else "</s>")] = 1.0
        if not right:
            f["r=none"] = 1.0
        if rule:
            said = {rule[i] for i in range(a, b)} - {""}
            f["rule=" + ("/".join(sorted(said)) or "-")] = 1.0
        f["first"] = float(k == 0)
        f["question"] = float("?" in low)
        between = low[spans[k - 1][1]:a] if k else []
        coordinated = bool(k) and len(between) <= 3 and all(w in LIST_WORDS for w in between)
        long_text = " ".join(toks[a:b]) if b - a >= LONG_SPAN else ""
        shown = [*label, ":"] if label else []
        traded = bool(k) and not coordinated and _trade(between)
        end = next((w for w in low[b:] if w in SENTENCE_BREAK), "")
        role = _role_asked(left, right, end == "?")
        need = not role and _others_need(left, right)
        trouble = (not role and not need and anchor in WRITER
                   and _trouble([*left, *low[a:b]], right))
        remark = _comment(low, a, b, owner) if not left and not label else None
        moved = None
        if remark is not None:  # "X: can teach", "X - need help": also read "can teach X"
            order = [*range(*remark), *range(a, b), *([remark[1]] if end == "?" else [])]
            words = [toks[j] for j in order]
            labels = [rule[j] for j in order] if rule else []
            start = remark[1] - remark[0]
            subject = ELLIPTIC.get(low[remark[0]])
            if subject:  # the writer is the subject a note leaves out
                words, labels, start = [subject, *words], [""] * bool(rule) + labels, start + 1
            moved = contexts(words, [(start, start + b - a)], labels)[0]
        out.append(SpanContext(f, " ".join([*shown, *left, "X", *right]), long_text,
                               coordinated, traded, role, need, trouble, moved))
    return out


def _comment(low: Sequence[str], a: int, b: int, owner: dict[int, int]
             ) -> tuple[int, int] | None:
    """The token range of the comment after a span that opens its sentence and is
    followed by a colon or dash ("Canva - happy to teach", "strategy: keen to learn"),
    up to the sentence's end; None when there is none, it is long or it names a skill."""
    if a and low[a - 1] not in SENTENCE_BREAK:
        return None
    if b >= len(low) or low[b] not in COMMENT_MARKS:
        return None
    end = b + 1
    while end < len(low) and low[end] not in SENTENCE_BREAK:
        if end in owner:
            return None
        end += 1
    if not 0 < end - b - 1 <= COMMENT_WORDS:
        return None
    return b + 1, end


def _role_asked(left: Sequence[str], right: Sequence[str], question: bool) -> bool:
    """Whether a span's clause asks for a person in a role for it: the clause's words
    before the span end in a role noun, maybe a participle, and a preposition ("mentor
    for", "coach needed for"); its sentence is a question (``question``) or the clause
    holds an asking word; and no word says the role is the writer's or the wish someone
    else's, nor is the role word a verb ("can mentor on X")."""
    if len(left) < 2 or left[-1] not in ROLE_LINKS:
        return False
    at = len(left) - 3 if left[-2] in ROLE_PARTICIPLES and len(left) >= 3 else len(left) - 2
    if left[at] not in ROLES or any(w in BEING for w in left):
        return False
    if at and left[at - 1] in VERB_BEFORE:
        return False
    return question or any(w in ASKING for w in (*left, *right))


def _others_need(left: Sequence[str], right: Sequence[str]) -> bool:
    """Whether a span's clause says someone else needs it: its words before the span hold
    a subject of :data:`OTHERS` followed by a word of :data:`NEEDING` ("does anyone need
    help with", "who wants to learn", "any takers for"), and no word of the clause says
    it is their ability, the writer's own wish, a swap or learning together."""
    subject = max((n for n, w in enumerate(left) if w in OTHERS), default=-1)
    if subject < 0:
        return False
    after = left[subject:]
    # "like" is a wish after "would" ("who'd like"), else a comparison ("someone like Sam")
    wish = any(w in NEEDING and (w != "like" or prev == "would" or prev.endswith("'d"))
               for prev, w in zip(["", *after], after, strict=False))
    return wish and not any(w in NOT_OTHERS_NEED for w in (*after, *right))


def _trouble(left: Sequence[str], right: Sequence[str]) -> bool:
    """Whether a span's clause, the span's own words included (``left``), tells of trouble
    with it (a word of :data:`TROUBLE`) and no word makes the clause someone else's or
    the writer's offer (:data:`NOT_TROUBLE`). Only a clause whose subject is the writer,
    or that has none, counts (the caller checks): "a partner who ... is stuck on X"
    describes the partner."""
    words = (*left, *right)
    return any(w in TROUBLE for w in words) and not any(w in NOT_TROUBLE for w in words)


def _trade(between: Sequence[str]) -> bool:
    """Whether the words between two spans hold one of :data:`TRADE`."""
    return any(tuple(between[i : i + len(t)]) == t
               for t in TRADE for i in range(len(between) - len(t) + 1))


def _label_before(low: Sequence[str], colon: int, owner: dict[int, int]) -> list[str]:
    """The words of the label before the colon at ``colon`` (back to the previous clause
    break), or [] when a skill is among them ("SQL: happy to teach" has no label)."""
    i = colon - 1
    words: list[str] = []
    while i >= 0 and low[i] not in CLAUSE_BREAK:
        if i in owner:
            return []
        words.append(low[i])
        i -= 1
    return words[::-1][-4:]


def with_grammar(items: Sequence[SpanContext], p: Sequence[float]) -> list[float]:
    """``p`` (P(offer) of each span as read alone) after the grammar: a coordinated span
    goes the previous span's way, and a traded span the opposite way. The side before
    the trade keeps its reading, since its clause holds the request words ("I want to
    learn X in return for Y advice", "I can do X in exchange for Y lessons"); the side
    after it names only what is given for it, which the words around it do not settle.
    A span a role clause asks for (:func:`_role_asked`) is wanted: the examples teach
    "mentor for X" as the writer's own role, which a question or an asking word undoes.
    A span someone else needs (:func:`_others_need`) is offered: "need help with X" is the
    strongest sign of a want in the examples, whoever's need it is. A span the writer
    tells trouble with (:func:`_trouble`) is wanted."""
    out: list[float] = []
    for item, value in zip(items, p, strict=True):
        if out and item.coordinated:
            value = out[-1]
        elif out and item.traded:
            value = 1.0 - out[-1]
        elif item.role_asked:
            value = min(value, ROLE_ASKED_OFFER)
        elif item.others_need:
            value = max(value, OTHERS_NEED_OFFER)
        elif item.trouble:
            value = min(value, TROUBLE_OFFER)
        out.append(float(value))
    return out


class DirectionClassifier:
    """P(offer) for a span; the rest is want."""

    def __init__(self, names: list[str], coef: np.ndarray, intercept: float,
                 context_weight: float, span_weight: float) -> None:
        self.names = names
        self.index = {n: i for i, n in enumerate(names)}
        self.coef = coef
        self.intercept = intercept
        self.context_weight = context_weight
        self.span_weight = span_weight

    def _matrix(self, items: Sequence[SpanContext], encoder: Encoder) -> np.ndarray:
        sparse = np.zeros((len(items), len(self.names)), dtype=np.float32)
        for r, item in enumerate(items):
            for name, value in item.features.items():
                j = self.index.get(name)
                if j is not None:
                    sparse[r, j] = value
        texts = [it.context for it in items] + [it.own_text for it in items if it.own_text]
        vectors = encoder(texts) if texts else np.zeros((0, 0), dtype=np.float32)
        dim = vectors.shape[1]
        ctx = vectors[: len(items)] * self.context_weight
        own = np.zeros((len(items), dim), dtype=np.float32)
        n = len(items)
        for r, item in enumerate(items):
            if item.own_text:
                own[r] = vectors[n] * self.span_weight
                n += 1
        return np.hstack([sparse, ctx, own])

    def p_offer(self, items: Sequence[SpanContext], encoder: Encoder) -> list[float]:
        """P(offer) of each span: its own reading, or its comment's when that is sure
        (:attr:`SpanContext.commented`), then the grammar (:func:`with_grammar`)."""
        if not items:
            return []
        p = self._p(items, encoder)
        moved = [(n, it.commented) for n, it in enumerate(items) if it.commented is not None]
        if moved:
            again = self._p([item for _, item in moved], encoder)
            for (n, _), value in zip(moved, again, strict=True):
                if abs(value - 0.5) >= COMMENT_SURE:
                    p[n] = value
        return with_grammar(items, p)

    def _p(self, items: Sequence[SpanContext], encoder: Encoder) -> list[float]:
        z = self._matrix(items, encoder) @ self.coef + self.intercept
        return [float(v) for v in 1 / (1 + np.exp(-z))]

    @classmethod
    def fit(cls, items: Sequence[SpanContext], offered: Sequence[bool], encoder: Encoder,
            c: float = 2.0, context_weight: float = 1.0,
            span_weight: float = 2.0) -> DirectionClassifier:
        from sklearn.linear_model import LogisticRegression

        keep = [i for i, it in enumerate(items) if not it.coordinated]
        names = sorted({k for i in keep for k in items[i].features})
        model = cls(names, np.zeros(0), 0.0, context_weight, span_weight)
        x = model._matrix([items[i] for i in keep], encoder)
        lr = LogisticRegression(C=c, max_iter=5000)
        lr.fit(x, [bool(offered[i]) for i in keep])
        model.coef = lr.coef_[0].astype(np.float32)
        model.intercept = float(lr.intercept_[0])
        return model

    def save(self, folder: Path) -> None:
        np.save(folder / "direction.npy", self.coef)
        (folder / "direction.json").write_text(json.dumps(
            {"names": self.names, "intercept": self.intercept,
             "context_weight": self.context_weight, "span_weight": self.span_weight},
            ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> DirectionClassifier:
        meta = json.loads((folder / "direction.json").read_text(encoding="utf-8"))
        return cls(list(meta["names"]), np.load(folder / "direction.npy"),
                   float(meta["intercept"]), float(meta["context_weight"]),
                   float(meta["span_weight"]))
