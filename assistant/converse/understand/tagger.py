"""Where the skill phrases are: a CRF over the message's tokens, learned from examples.

Every token gets a tag: ``B-skill``/``I-skill`` (part of something wanted or offered)
or ``O``; which way each phrase goes is :mod:`.direction`'s job. The features are the
token and its neighbours, its shape, the words before and after it in the same clause,
and whether the rules already took the token as a place, department or colleague's
name. Nothing here lists skills: an unseen skill is read from where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

import assistant.converse.understand.cues as cues
from assistant.converse.understand.examples import Example

TAGS = ("B-skill", "I-skill", "O")
_CLAUSE_BREAK = frozenset(",;.!?:()\"/|")
_DIGITS = re.compile(r"\d")


def _shape(token: str) -> str:
    out = re.sub(r"[A-Z]", "X", token)
    out = re.sub(r"[a-z]", "x", out)
    out = _DIGITS.sub("d", out)
    return re.sub(r"(.)\1+", r"\1\1", out)


def token_features(toks: Sequence[str], marks: Sequence[str],
                   rule: Sequence[str] = ()) -> list[dict[str, float | str]]:
    """Features of every token; ``marks[i]`` is ``name``, ``filter`` or ``""`` (rules);
    ``rule[i]`` is the rule reading of the token (``want``, ``offer`` or ``""``)."""
    low = [_DIGITS.sub("0", t.casefold()) for t in toks]
    n = len(toks)
    clause = [0] * n
    c = 0
    for i, t in enumerate(toks):
        if t in _CLAUSE_BREAK or low[i] in ("but", "and"):
            c += 1
        clause[i] = c
    feats: list[dict[str, float | str]] = []
    for i, tok in enumerate(toks):
        w = low[i]
        f: dict[str, float | str] = {
            "bias": 1.0, "w": w, "shape": _shape(tok), "suf3": w[-3:], "pre3": w[:3],
            "title": float(tok[:1].isupper()), "upper": float(tok.isupper() and len(tok) > 1),
            "punct": float(not any(ch.isalnum() for ch in tok)), "len": min(len(tok), 8) / 8,
        }
        if marks[i]:
            f["mark"] = marks[i]
        for d in (-3, -2, -1, 1, 2, 3):
            j = i + d
            f[f"w{d:+d}"] = low[j] if 0 <= j < n else ("<s>" if j < 0 else "</s>")
            if 0 <= j < n and marks[j]:
                f[f"mark{d:+d}"] = marks[j]
        f["w-1|w"] = f"{f['w-1']}|{w}"
        f["w|w+1"] = f"{w}|{f['w+1']}"
        f["w-2|w-1"] = f"{f['w-2']}|{f['w-1']}"
        f["w+1|w+2"] = f"{f['w+1']}|{f['w+2']}"
        f["pos"] = "first" if i == 0 else "last" if i == n - 1 else "mid"
        if rule:
            f["rule"] = rule[i] or "-"
            f["rule-1"] = (rule[i - 1] or "-") if i else "<s>"
            f["rule+1"] = (rule[i + 1] or "-") if i + 1 < n else "</s>"
        for j in range(i):
            if clause[j] == clause[i] and low[j] not in _CLAUSE_BREAK:
                f["L:" + low[j]] = 1.0
        for j in range(i + 1, n):
            if clause[j] == clause[i]:
                f["R:" + low[j]] = 1.0
        feats.append(f)
    return feats


def training_pairs(examples: Sequence[Example]) -> list[tuple[list[dict], list[str]]]:
    out = []
    for ex in examples:
        toks, tags = ex.tagged()
        marks = [t[2:] if t[2:] in ("name", "filter") else "" for t in tags]
        labels = [f"{t[:2]}skill" if t[2:] in ("want", "offer") else "O" for t in tags]
        out.append((token_features(toks, marks, cues.read(ex.text).token_labels), labels))
    return out


def train(examples: Sequence[Example], target: Path, c1: float = 0.05, c2: float = 0.05,
          iterations: int = 200) -> Path:
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in training_pairs(examples):
        trainer.append(xseq, yseq)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(target))
    return target


class SpanTagger:
    """A trained CRF (a crfsuite model file) that finds skill phrases among tokens."""

    def __init__(self, model_file: Path) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_file))

    def tags(self, toks: Sequence[str], marks: Sequence[str],
             rule: Sequence[str] = ()) -> list[str]:
        if not toks:
            return []
        return list(self._tagger.tag(token_features(toks, marks, rule)))

    def spans(self, toks: Sequence[str], marks: Sequence[str],
              rule: Sequence[str] = ()) -> list[tuple[int, int]]:
        """Token ranges ``(start, end)`` of the skill phrases, left to right."""
        return spans_of(self.tags(toks, marks, rule))


def spans_of(tags: Sequence[str]) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(tags):
        if tags[i] == "O":
            i += 1
            continue
        j = i + 1
        while j < len(tags) and tags[j].startswith("I-"):
            j += 1
        out.append((i, j))
        i = j
    return out
