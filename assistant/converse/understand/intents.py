"""Intent of a message: a linear classifier on the sentence embedding and word n-grams.

Trained on the labelled examples file (:mod:`.examples`). The embedding (the packaged
all-MiniLM-L6-v2, the model the assistant already loads) carries meaning across
wordings never seen; the n-grams carry the exact cue words. Names of colleagues are
replaced by one placeholder first, so "what about Tiana?" and "what about Omar?" are the
same message to the classifier.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.converse.understand.examples import Example
from assistant.converse.understand.types import Intent

Encoder = Callable[[list[str]], np.ndarray]
NAME_PLACEHOLDER = "Alex"
_WORD = re.compile(r"[a-z0-9][a-z0-9'+#&.\-]*|[?!]")


def grams(text: str) -> list[str]:
    """Word unigrams and bigrams of a message, lower case, digits folded, and the rule
    reading's intent as one more feature."""
    import assistant.converse.understand.cues as cues
    from assistant.converse.understand.normalise import normalise

    toks = [re.sub(r"\d", "0", t) for t in _WORD.findall(text.casefold())]
    return [*toks, *(f"{a} {b}" for a, b in itertools.pairwise(toks)),
            "rule-intent:" + cues.read(normalise(text)).intent]


def masked(example: Example) -> str:
    """The example's text with colleagues' names replaced by the placeholder."""
    text = example.text
    for span in sorted(example.spans, key=lambda s: -s.start):
        if span.label == "name":
            text = text[:span.start] + NAME_PLACEHOLDER + text[span.end:]
    return text


class IntentClassifier:
    """Multinomial logistic regression over [embedding, tf-idf n-grams]."""

    def __init__(self, classes: list[str], vocab: dict[str, int], idf: np.ndarray,
                 coef: np.ndarray, intercept: np.ndarray, embed_weight: float) -> None:
        self.classes = classes
        self.vocab = vocab
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.embed_weight = embed_weight

    # features ------------------------------------------------------------------------
    def _sparse(self, text: str) -> np.ndarray:
        row = np.zeros(len(self.vocab), dtype=np.float32)
        for gram, count in Counter(grams(text)).items():
            j = self.vocab.get(gram)
            if j is not None:
                row[j] = (1 + math.log(count)) * self.idf[j]
        norm = float(np.linalg.norm(row))
        return row / norm if norm else row

    def features(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        sparse = np.stack([self._sparse(t) for t in texts]) if texts else np.zeros((0, 0))
        return np.hstack([vectors * self.embed_weight, sparse]).astype(np.float32)

    # prediction ----------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        logits = self.features(texts, vectors) @ self.coef.T + self.intercept
        if logits.shape[1] == 1:  # a two-class model has one row of weights
            logits = np.hstack([np.zeros_like(logits), logits])
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, text: str, vector: np.ndarray) -> dict[str, float]:
        p = self.probabilities([text], vector[None, :])[0]
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def binary(self, text: str, vector: np.ndarray) -> float:
        """Probability of the second class of a two-class model."""
        return float(self.probabilities([text], vector[None, :])[0][1])

    # training and files ----------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], vectors: np.ndarray,
            c: float = 4.0, embed_weight: float = 1.0, min_df: int = 2) -> IntentClassifier:
        from sklearn.linear_model import LogisticRegression

        df: Counter[str] = Counter()
        for t in texts:
            df.update(set(grams(t)))
        kept = sorted(g for g, n in df.items() if n >= min_df)
        vocab = {g: i for i, g in enumerate(kept)}
        n = len(texts)
        idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in kept], dtype=np.float32)
        classes = sorted(set(labels))
        model = cls(classes, vocab, idf, np.zeros(0), np.zeros(0), embed_weight)
        x = model.features(texts, vectors)
        lr = LogisticRegression(C=c, max_iter=3000)
        lr.fit(x, [classes.index(label) for label in labels])
        model.coef = lr.coef_.astype(np.float32)
        model.intercept = lr.intercept_.astype(np.float32)
        return model

    def save(self, folder: Path, name: str = "intent") -> None:
        np.savez(folder / f"{name}.npz", idf=self.idf, coef=self.coef, intercept=self.intercept)
        (folder / f"{name}.json").write_text(json.dumps(
            {"classes": self.classes, "vocab": sorted(self.vocab, key=self.vocab.__getitem__),
             "embed_weight": self.embed_weight}, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str = "intent") -> IntentClassifier:
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / f"{name}.npz")
        vocab = {g: i for i, g in enumerate(meta["vocab"])}
        return cls(list(meta["classes"]), vocab, arrays["idf"], arrays["coef"],
                   arrays["intercept"], float(meta["embed_weight"]))


def names_skill(example: Example) -> str:
    """Label of the "does this search name a skill?" head."""
    return "skill" if any(s.label in ("want", "offer") for s in example.spans) else "profile"


def intent_of(scores: dict[str, float]) -> Intent:
    return Intent(max(scores, key=lambda k: (scores[k], k)))
