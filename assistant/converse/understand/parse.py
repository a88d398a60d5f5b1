"""One message in, a :class:`ParsedRequest` out.

0. Misspelt skill words are put right (:mod:`.spelling`).
1. Rules for what is exact: an empty message, "start over", a bare ordinal ("the second
   one") or a bare "no" after a list, the filters (places, departments, stages, zones,
   names to skip) and the colleagues named.
2. The span tagger reads the skill phrases and whether each is wanted or offered; for a
   signed-in participant their profile is weighed with the wording (:mod:`.speaker`).
3. The intent classifier scores every intent.
4. Search is the default: a message read as help, small talk or a programme question
   that names a skill is a search unless the programme guidance fits it clearly better
   than anything a participant wrote (the ``probe``). When the tagger found no skill
   phrase but the "names a skill" head says the search names one ("acessibility pls"),
   the message minus cue and function words is the want; otherwise the profile fills
   in what the message leaves out. A problem told in the first person with no request
   word ("my slides put people to sleep", "I keep losing track of my deadlines") is
   searched as a whole besides the phrases found in it.
"""

from __future__ import annotations

import re
from typing import Protocol

import numpy as np

import assistant.converse.understand.cues as cues
import assistant.converse.understand.model as m
from assistant.converse.understand.context import compile_context, name_spans
from assistant.converse.understand.direction import contexts
from assistant.converse.understand.filters import scan_filters
from assistant.converse.understand.intents import NAME_PLACEHOLDER, intent_of
from assistant.converse.understand.negation import negated
from assistant.converse.understand.normalise import core, normalise, tokens
from assistant.converse.understand.phrases import (
    examples_after,
    group_subject,
    leftover_want,
    phrase,
    problem_told,
    with_examples,
)
from assistant.converse.understand.speaker import Speaker, model_encoder, with_lean
from assistant.converse.understand.spelling import default_lexicon
from assistant.converse.understand.targets import BARE_ORDINAL, find_ordinal, find_target
from assistant.converse.understand.types import (
    TARGETED,
    Filters,
    Intent,
    Named,
    Ordinal,
    ParseContext,
    ParsedRequest,
    Previous,
    Target,
    Unsure,
    union,
)

_I = re.IGNORECASE
#: a skill whose want/offer probabilities are closer than this is a close call
UNSURE_MARGIN = 0.35
#: the guidance must beat the best participant statement by this much (cosine) for a
#: message naming a skill to be answered as a programme question
PROGRAM_MARGIN = 0.05
#: a search with no want read is taken to name one (its leftover words) above this
#: probability of the "names a skill" head, else the profile's wants fill in
NAMES_SKILL = 0.5
#: a signed-in participant's message with no skill that the intent model reads as help
#: is searched on their profile when "search" has at least this probability, and the
#: answer offers the help too. Chosen on the examples file's cross-writer readings (each
#: writer read by a model trained on the others): of the help messages with a search
#: probability of 0.2 or more most ask how to find partners ("how do I find a partner
#: with you?"), and below it sit "what can you do?" and "instructions please"
HELP_OR_SEARCH = 0.2

_RESET = re.compile(
    r"(?:let\s+us\s+|can\s+we\s+|i\s+want\s+to\s+|i\s+would\s+like\s+to\s+|please\s+)?"
    r"(?:start\s+(?:over|again|afresh|from\s+scratch)|reset|restart|clear(?:\s+(?:everything|"
    r"all|(?:the\s+|my\s+|all\s+)?filters|(?:the\s+|my\s+)?search))?|begin\s+again|new\s+search|"
    r"forget\s+(?:everything|all\s+that|all\s+of\s+that)|from\s+the\s+top)\b", _I)
#: what "reset my dismissals" and the like reset: the people turned down, not the search
_DISMISSALS = re.compile(r"\b(?:dismiss\w*|turn(?:ed|s)?\s+down|rejections?|rejected|"
                         r"declined|blocked)\b", _I)
_BARE_NO = re.compile(r"(?:no|nope|nah|no\s+thanks?|no\s+thank\s+you|not\s+really)", _I)
#: "what about" and the like before a bare name ("Priya?", "and Sam?"): asking about them
_BARE_NAME_LEAD = re.compile(r"(?:and|so|ok(?:ay)?|hm+|what\s+about|and\s+what\s+about)?", _I)
#: a negated interest just before a skill phrase in its clause: "not interested in X",
#: "I don't want to learn X", "no need for X" name what the writer does not want



class Probe(Protocol):
    """How well the programme guidance and the participants' statements fit a text."""

    def guidance_vs_people(self, text: str) -> tuple[float, float]: ...


class Encoder(Protocol):
    def __call__(self, texts: list[str]) -> np.ndarray: ...


def parse(text: str, context: ParseContext | None = None, has_candidates: bool = False,
          probe: Probe | None = None, encoder: Encoder | None = None,
          model: m.UnderstandingModel | None = None,
          speaker: Speaker | None = None) -> ParsedRequest:
    """Read one chat message (see the module docstring); ``speaker``: the signed-in
    participant's profile, weighed with the wording for each phrase's direction."""
    raw = text or ""
    lexicon = context.lexicon if context is not None and context.lexicon else default_lexicon()
    normal = lexicon.correct(normalise(raw))
    short = core(normal)
    ctx = compile_context(context)
    if not short.strip(" ?.!,"):
        return ParsedRequest(Intent.HELP if "?" in normal else Intent.SMALLTALK, [], [],
                             Filters(), raw=raw)
    if _RESET.match(short):
        return ParsedRequest(Intent.RESET, [], [], Filters(), raw=raw,
                             dismissals=bool(_DISMISSALS.search(normal)))
    if has_candidates and BARE_ORDINAL.fullmatch(short):
        digits = re.sub(r"\D", "", short)
        position: Target = find_ordinal(short) or Ordinal(int(digits))
        return ParsedRequest(Intent.SELECT, [], [], Filters(), target=position, raw=raw)
    if _BARE_NO.fullmatch(short):  # turning down the last list, or nothing to turn down
        if has_candidates:
            return ParsedRequest(Intent.REJECT, [], [], Filters(), target=Previous(), raw=raw)
        return ParsedRequest(Intent.SMALLTALK, [], [], Filters(), raw=raw)

    model = model or m.shared()
    scan = scan_filters(normal, ctx)
    names = name_spans(normal, ctx)
    if len(names) == 1:
        start, end, name = names[0]
        if _BARE_NAME_LEAD.fullmatch(normal[:start].strip(" ,")) \
                and not normal[end:].strip(" ?.!").removeprefix("'s"):
            return ParsedRequest(Intent.ABOUT, [], [], Filters(), target=Named(name), raw=raw)
    toks = tokens(normal)
    marks = [_mark(start, end, scan.spans, names) for _, start, end in toks]
    words = [t for t, _, _ in toks]
    rule = cues.read(normal).token_labels
    # a name or a filter ("on GMT", "in Leeds") is never a skill, whatever the tagger says
    tagged = [(a, b) for a, b in model.tagger.spans(words, marks, rule)
              if not all(marks[i] or not any(ch.isalnum() for ch in words[i])
                         for i in range(a, b))]
    spans = [(a, b) for a, b in tagged
             if not negated(normal, toks[_head(toks, a, b, model.cue_words)][1])]
    # "leadership zones out when...": a group of people as a subject is who the trouble
    # is with, not a skill; what is left of the message is then the want
    subjects = [(a, b) for a, b in spans if group_subject(normal, toks, a, b)]
    spans = [sp for sp in spans if sp not in subjects]
    encode = _Batch(encoder or model_encoder)
    masked = _masked(normal, names)
    encode.want([masked])
    items = contexts(words, spans, rule)
    encode.want([it.context for it in items] + [it.own_text for it in items if it.own_text])
    phrases = [with_examples(phrase(normal, toks, a, b, model.cue_words),
                             examples_after(normal, toks, b, tagged, marks))
               for a, b in spans]
    p_offer = model.direction.p_offer(items, encode)
    if speaker is not None:
        # only readings the profile could turn, or make a close call, are weighed (the
        # others would cost an encoding for nothing)
        open_ = [i for i, (ph, p) in enumerate(zip(phrases, p_offer, strict=True))
                 if ph and speaker.could_turn(p, UNSURE_MARGIN)]
        if open_:
            lean = np.zeros(len(phrases), dtype=np.float32)
            lean[open_] = speaker.lean(encode([phrases[i] for i in open_]))
            p_offer = with_lean(p_offer, lean)
    wants: list[str] = []
    offers: list[str] = []
    unsure: list[Unsure] = []
    offered: set[int] = set()
    for (a, b), said, p in zip(spans, phrases, p_offer, strict=True):
        if not said:
            continue
        label = "offer" if p >= 0.5 else "want"
        (offers if p >= 0.5 else wants).append(said)
        if p >= 0.5:
            offered.update(range(a, b))
        if abs(2 * p - 1) < UNSURE_MARGIN:
            unsure.append(Unsure(said, label, round(abs(2 * p - 1), 3)))
    wants, offers = _dedupe(wants), _dedupe(offers)

    vector = encode([masked])[0]
    scores = model.intents.predict(masked, vector)
    intent = intent_of(scores)
    target = find_target(short, ctx) if intent in TARGETED else None
    intent, target = _settle(intent, target, bool(wants or offers), scan.filters,
                             has_candidates, normal, probe)
    if intent is Intent.SEARCH and not tagged \
            and model.names_skill.binary(masked, vector) >= NAMES_SKILL:
        wants = leftover_want(normal, toks, offered, marks, model.cue_words)
    wider: list[str] = []
    if intent is Intent.SEARCH and wants and tagged:  # untagged: the wants are the leftover
        wider = [w for w in leftover_want(normal, toks, offered, marks, model.cue_words)
                 if w.casefold() not in {x.casefold() for x in wants}]
    if wider and not offers and not any(rule) and problem_told(normal):
        # a problem told, not a request made ("I keep losing track of my projects and
        # deadlines"): the phrases the tagger found are a part of it; the whole of it
        # is searched for too
        wants = [*wants, *wider]
    if intent is Intent.SEARCH and not wants and not offers and subjects:
        wants = leftover_want(normal, toks, offered, marks, model.cue_words)
    also = None
    if intent is Intent.HELP and speaker is not None and not (wants or offers) \
            and scores.get(str(Intent.SEARCH), 0.0) >= HELP_OR_SEARCH:
        intent, also = Intent.SEARCH, Intent.HELP
    if intent not in (Intent.SEARCH, Intent.REJECT):
        wants, offers, unsure = [], [], []
    filters = scan.filters
    if intent is Intent.REJECT and isinstance(target, Named):
        filters.exclude_names = union(filters.exclude_names, [target.name])
    return ParsedRequest(intent, wants, offers, filters, target=target,
                         question=raw.strip() if intent is Intent.PROGRAM else None,
                         raw=raw, scores=scores, unsure=unsure,
                         dismissals=intent is Intent.RESET and bool(_DISMISSALS.search(normal)),
                         wider=wider, also=also)


#: intents a two-way wish does not turn into a search, and what makes a message a question
_OWN_TOPIC = frozenset({Intent.WHY, Intent.ABOUT, Intent.AGENDA, Intent.RESET, Intent.REJECT})
_ASKS = re.compile(r"\?|^\s*(?:what|how|why|when|where|who|is|are|does|do|can|could)\b", re.I)


def _settle(intent: Intent, target: Target | None, skills: bool, filters: Filters,
            has_candidates: bool, text: str, probe: Probe | None,
            ) -> tuple[Intent, Target | None]:
    """Apply what the classifier cannot see: targets, filters, the cohort and the guidance."""
    if isinstance(target, Named) and target.name in filters.exclude_names:
        # "someone other than Jasmine": the one named is the one left out; with skills
        # ("someone who knows Excel but not Jonas") a new search that leaves them out
        return (Intent.SEARCH, None) if skills else (Intent.REJECT, target)
    if intent in TARGETED and target is None:
        if intent is Intent.WHY:  # "why?": the answer shown last (the dialogue checks)
            return intent, Previous()
        if intent is Intent.REJECT:
            return intent, Previous()
        if skills:
            return Intent.SEARCH, None
    if intent is Intent.REFINE and skills:
        return Intent.SEARCH, None
    if intent in (Intent.HELP, Intent.SMALLTALK) and skills:
        return Intent.SEARCH, None
    if intent is Intent.PROGRAM and skills and probe is not None:
        guidance, people = probe.guidance_vs_people(text)
        if guidance < people + PROGRAM_MARGIN:
            return Intent.SEARCH, None
    if intent is Intent.SEARCH and not skills and not filters.is_empty() and has_candidates:
        return Intent.REFINE, None
    if filters.two_way and not skills and intent not in _OWN_TOPIC and (
            intent in (Intent.SEARCH, Intent.REFINE) or not _ASKS.search(text)):
        # a wish about the exchange ("someone I can teach back") is about partners
        return (Intent.REFINE if has_candidates else Intent.SEARCH), None
    return intent, target


def _head(toks: list[tuple[str, int, int]], a: int, b: int, edge: frozenset[str]) -> int:
    """The first token of span a..b-1 that is not a cue or function word."""
    return next((i for i in range(a, b) if toks[i][0].casefold() not in edge
                 and any(ch.isalnum() for ch in toks[i][0])), a)


def _mark(start: int, end: int, filter_spans: list[tuple[int, int]],
          names: list[tuple[int, int, str]]) -> str:
    if any(s <= start and end <= e for s, e, _ in names):
        return "name"
    if any(s <= start and end <= e for s, e in filter_spans):
        return "filter"
    return ""


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _masked(text: str, names: list[tuple[int, int, str]]) -> str:
    for start, end, _ in sorted(names, reverse=True):
        text = text[:start] + NAME_PLACEHOLDER + text[end:]
    return text


class _Batch:
    """One encoder call for every text a parse needs (the model runs once a message)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.pending: list[str] = []
        self.done: dict[str, np.ndarray] = {}

    def want(self, texts: list[str]) -> None:
        self.pending += [t for t in texts if t not in self.done]

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys([*self.pending, *(t for t in texts if t not in self.done)]))
        todo = [t for t in todo if t not in self.done]
        if todo:
            for text, vector in zip(todo, self.encoder(todo), strict=True):
                self.done[text] = vector
        self.pending = []
        return np.stack([self.done[t] for t in texts])
