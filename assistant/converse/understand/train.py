"""Build the shipped understanding model from the examples file, and measure it.

    python -m assistant.converse.understand.train            # write model/ and print figures
    python -m assistant.converse.understand.train --check    # figures only, write nothing

The examples come from several writers (``source`` a, b, c...) who wrote apart from each
other and from every evaluation suite; training on the others and testing on one writer
measures how the model does on wordings it has never seen. The sentences generated from
role-word frames (:mod:`.grammar`) are always on the training side, never tested on. The
shipped model is trained on all of them.
Training is deterministic (L-BFGS on a fixed order) and takes seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import assistant.converse.understand.cues as cues
import assistant.converse.understand.model as m
import assistant.converse.understand.tagger as t
from assistant.converse.understand.direction import DirectionClassifier, SpanContext, contexts
from assistant.converse.understand.examples import (
    EXAMPLES_FILE,
    Example,
    load_examples,
)
from assistant.converse.understand.grammar import grammar_examples, training_hash
from assistant.converse.understand.intents import IntentClassifier, masked, names_skill
from assistant.converse.understand.speaker import model_encoder
from assistant.converse.understand.types import Intent

#: chosen by cross-writer accuracy (see the module docstring); n-grams need two examples
INTENT_C = 8.0
INTENT_EMBED_WEIGHT = 2.0
TAGGER_C1 = 0.05
TAGGER_C2 = 0.05
DIRECTION_C = 4.0
DIRECTION_CONTEXT_WEIGHT = 2.0
DIRECTION_SPAN_WEIGHT = 2.0


_VECTORS: dict[str, np.ndarray] = {}


def _encode(texts: list[str]) -> np.ndarray:
    """Sentence vectors, each text encoded once a run (the cross-writer models reuse them)."""
    todo = list(dict.fromkeys(t for t in texts if t not in _VECTORS))
    if todo:
        for text, vector in zip(todo, model_encoder(todo), strict=True):
            _VECTORS[text] = vector
    if not texts:
        return model_encoder([])
    return np.stack([_VECTORS[t] for t in texts])


def gold_spans(example: Example) -> tuple[list[str], list[tuple[int, int]], list[bool]]:
    """Tokens, skill spans (token ranges) and whether each is offered, from the labels."""
    toks, tags = example.tagged()
    spans: list[tuple[int, int]] = []
    offered: list[bool] = []
    for a, b in t.spans_of([g if g[2:] in ("want", "offer") else "O" for g in tags]):
        spans.append((a, b))
        offered.append(tags[a][2:] == "offer")
    return toks, spans, offered


def direction_data(examples: Sequence[Example]) -> tuple[list[SpanContext], list[bool]]:
    items: list[SpanContext] = []
    labels: list[bool] = []
    for ex in examples:
        toks, spans, offered = gold_spans(ex)
        items += contexts(toks, spans, cues.read(ex.text).token_labels)
        labels += offered
    return items, labels


def fit(examples: Sequence[Example], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    t.train(examples, folder / "tagger.crfsuite", TAGGER_C1, TAGGER_C2)
    items, offered = direction_data(examples)
    DirectionClassifier.fit(items, offered, _encode, DIRECTION_C, DIRECTION_CONTEXT_WEIGHT,
                            DIRECTION_SPAN_WEIGHT).save(folder)
    texts = [masked(e) for e in examples]
    vectors = _encode(texts)
    clf = IntentClassifier.fit(texts, [e.intent.value for e in examples], vectors,
                               c=INTENT_C, embed_weight=INTENT_EMBED_WEIGHT)
    clf.save(folder)
    searches = [i for i, e in enumerate(examples) if e.intent is Intent.SEARCH]
    head = IntentClassifier.fit([texts[i] for i in searches],
                                [names_skill(examples[i]) for i in searches], vectors[searches],
                                c=INTENT_C, embed_weight=INTENT_EMBED_WEIGHT)
    head.save(folder, "skill")


def non_content(examples: Sequence[Example]) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return m.cue_words(examples) | frozenset(ENGLISH_STOP_WORDS)


def measure(train_on: Sequence[Example], test_on: Sequence[Example]) -> dict[str, float]:
    """Accuracy of intents, of "names a skill" and of directions (given the labelled spans),
    and token F1 of the skill spans, of a model trained on ``train_on``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fit(train_on, folder)
        m.save_meta(folder, "", non_content(train_on), {})
        model = m.load(folder)
        texts = [masked(e) for e in test_on]
        p = model.intents.probabilities(texts, _encode(texts))
        predicted = [model.intents.classes[i] for i in p.argmax(axis=1)]
        accuracy = float(np.mean([a == e.intent.value for a, e in zip(predicted, test_on,
                                                                        strict=True)]))
        searches = [i for i, e in enumerate(test_on) if e.intent is Intent.SEARCH]
        q = model.names_skill.probabilities([texts[i] for i in searches],
                                            _encode([texts[i] for i in searches]))
        skill_accuracy = float(np.mean([
            model.names_skill.classes[int(row.argmax())] == names_skill(test_on[i])
            for row, i in zip(q, searches, strict=True)]))
        tp = fp = fn = 0
        for ex in test_on:
            toks, tags = ex.tagged()
            marks = [g[2:] if g[2:] in ("name", "filter") else "" for g in tags]
            rule = cues.read(ex.text).token_labels
            for p_tag, g_tag in zip(model.tagger.tags(toks, marks, rule), tags, strict=True):
                pl, gl = p_tag != "O", g_tag[2:] in ("want", "offer")
                tp, fp, fn = tp + (pl and gl), fp + (pl and not gl), fn + (gl and not pl)
        items, offered = direction_data(test_on)
        p_offer = model.direction.p_offer(items, _encode) if items else []
        direction = float(np.mean([(p >= 0.5) == o for p, o in zip(p_offer, offered,
                                                                    strict=True)]))
    return {"intent_accuracy": round(accuracy, 3),
            "names_skill_accuracy": round(skill_accuracy, 3),
            "skill_token_f1": round(2 * tp / max(2 * tp + fp + fn, 1), 3),
            "direction_accuracy": round(direction, 3)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.converse.understand.train")
    parser.add_argument("--check", action="store_true", help="measure only, write nothing")
    parser.add_argument("--quick", action="store_true",
                        help="write the model without measuring it on held-out writers")
    args = parser.parse_args(argv)
    written = load_examples(EXAMPLES_FILE)
    generated = grammar_examples()
    examples = written + generated
    by = {s: [e for e in written if e.source == s] for s in sorted({e.source for e in written})}
    figures: dict[str, object] = {"examples": len(written), "generated": len(generated)}
    if len(by) > 1 and not args.quick:
        for source, held in by.items():
            rest = [e for e in examples if e.source != source]
            figures[f"others -> {source}"] = measure(rest, held)
    for key, value in figures.items():
        print(f"{key}: {value}")
    if args.check:
        return 0
    started = time.perf_counter()
    fit(examples, m.MODEL_DIR)
    seconds = time.perf_counter() - started
    measured = {k: v for k, v in figures.items() if "->" in k}
    if not measured and (m.MODEL_DIR / "meta.json").exists():  # --quick keeps the last figures
        last = json.loads((m.MODEL_DIR / "meta.json").read_text("utf-8"))
        measured = last.get("cross_writer", {})
    m.save_meta(m.MODEL_DIR, training_hash(), non_content(examples),
                {"cross_writer": measured, "training_seconds": round(seconds, 1)})
    print(f"trained on {len(examples)} examples in {seconds:.1f}s -> {m.MODEL_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
