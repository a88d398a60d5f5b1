"""The trained understanding model: span tagger, intent classifier and cue words, as files.

``python -m assistant.converse.understand.train`` builds the files in ``model/`` from the
examples file; they are shipped, so no process trains anything. ``meta.json`` records the
examples file's hash and a test checks it, so a changed examples file with stale model
files fails CI instead of running silently.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.converse.understand.direction import DirectionClassifier
from assistant.converse.understand.examples import Example
from assistant.converse.understand.intents import IntentClassifier
from assistant.converse.understand.normalise import tokens
from assistant.converse.understand.tagger import SpanTagger
from assistant.converse.understand.types import Intent

MODEL_DIR = Path(__file__).with_name("model")
#: bump when features or the training recipe change, so shipped files count as stale
RECIPE_VERSION = 3


@dataclass
class UnderstandingModel:
    tagger: SpanTagger
    direction: DirectionClassifier
    intents: IntentClassifier
    #: does a search name a skill at all, or does it leave everything to the profile
    names_skill: IntentClassifier
    #: words that, in the examples, stand around skills rather than in them ("who",
    #: "teach", "please", "suit"): a search made only of these names no skill
    cue_words: frozenset[str]
    examples_hash: str


def cue_words(examples: Sequence[Example], share: float = 0.85, least: int = 3) -> frozenset[str]:
    """Words found mostly outside skill spans in the searches of ``examples``."""
    inside: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    for ex in examples:
        if ex.intent is not Intent.SEARCH:
            continue
        toks, tags = ex.tagged()
        for tok, tag in zip(toks, tags, strict=True):
            word = tok.casefold()
            (inside if tag[2:] in ("want", "offer") else outside)[word] += 1
    return frozenset(w for w, n in outside.items()
                     if n >= least and n / (n + inside[w]) >= share)


def save_meta(folder: Path, model_hash: str, cues: frozenset[str],
              extra: dict[str, object]) -> None:
    meta = {"examples_hash": model_hash, "recipe": RECIPE_VERSION, "cue_words": sorted(cues),
            **extra}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")


def load(folder: Path = MODEL_DIR) -> UnderstandingModel:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return UnderstandingModel(SpanTagger(folder / "tagger.crfsuite"),
                              DirectionClassifier.load(folder), IntentClassifier.load(folder),
                              IntentClassifier.load(folder, "skill"),
                              frozenset(meta["cue_words"]),
                              str(meta["examples_hash"]))


_LOADED: dict[Path, UnderstandingModel] = {}
_LOCK = threading.Lock()


def shared(folder: Path = MODEL_DIR) -> UnderstandingModel:
    """The model in ``folder``, loaded once per process."""
    with _LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = load(folder)
        return _LOADED[folder]


def content_words(text: str, non_content: frozenset[str]) -> list[str]:
    """The words of ``text`` that are neither cue words, function words nor punctuation."""
    return [tok for tok, _, _ in tokens(text)
            if any(ch.isalnum() for ch in tok) and tok.casefold() not in non_content]
