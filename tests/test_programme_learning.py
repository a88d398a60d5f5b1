"""Learning score weights from fit ratings: the direction of the fit, the gate, the use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import write_participants_csv
from programme_support import Clock, write_ring

from assistant.match import PreferenceWeights, ScoringConfig
from assistant.programme.learning import (
    cross_validated,
    fit_weights,
    gate,
    learn,
    spearman,
)
from assistant.programme.rounds import start_round
from assistant.programme.weights import ComponentWeights

DEFAULT = ComponentWeights.of(ScoringConfig(), PreferenceWeights())


def synthetic(drive: int, n: int = 120, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Components of ``n`` rated pairs; fit follows component ``drive`` (with noise)."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.uniform(0.3, 1.0, n), rng.uniform(0.0, 1.0, n),
                         rng.choice([-0.05, 0.0, 0.03, 0.05, 0.09], n)])
    signal = (x[:, drive] - x[:, drive].min()) / np.ptp(x[:, drive])
    y = np.clip(np.rint(1 + 4 * signal + rng.normal(0, 0.6, n)), 1, 5)
    return x, y


def test_the_default_weights_read_back_from_the_config() -> None:
    assert DEFAULT.as_tuple() == pytest.approx((0.55, 0.45, 1.0))
    config, weights = ComponentWeights(0.3, 0.7, 2.0).apply(ScoringConfig(), PreferenceWeights())
    assert config.reverse_weight == pytest.approx(0.7)
    assert weights.other_department == pytest.approx(0.06)
    assert weights.no_overlap == pytest.approx(-0.10)
    assert weights.work_start == PreferenceWeights().work_start
    again = ComponentWeights.of(config, weights)
    assert again.as_tuple() == pytest.approx((0.3, 0.7, 2.0))


@pytest.mark.parametrize(("drive", "grows"), [(0, "teach"), (1, "learn"), (2, "preferences")])
def test_weights_move_towards_the_component_that_predicts_fit(drive: int, grows: str) -> None:
    x, y = synthetic(drive)
    learned = fit_weights(x, y, DEFAULT)
    assert learned is not None
    before, after = DEFAULT.as_tuple(), learned.as_tuple()
    index = ("teach", "learn", "preferences").index(grows)
    assert after[index] > before[index] + 0.1, (before, after)
    # and the learned score ranks held-out ratings better than the current one
    assert cross_validated(x, y, DEFAULT, 1.0, 20.0) > spearman(DEFAULT.score(x), y)


def test_more_ratings_move_the_weights_further() -> None:
    x, y = synthetic(1, n=200)
    few = fit_weights(x[:25], y[:25], DEFAULT)
    many = fit_weights(x, y, DEFAULT)
    assert few is not None and many is not None
    assert DEFAULT.learn < few.learn < many.learn


def test_ratings_that_ignore_the_components_learn_nothing() -> None:
    x, _ = synthetic(0)
    assert fit_weights(x, np.full(len(x), 4.0), DEFAULT) is None


def test_a_component_that_never_varied_keeps_its_weight() -> None:
    x, y = synthetic(1)
    x[:, 2] = 0.04  # everyone got the same preference bonus
    learned = fit_weights(x, y, DEFAULT)
    assert learned is not None
    assert learned.preferences == pytest.approx(DEFAULT.preferences)
    assert learned.learn > DEFAULT.learn + 0.1


def write_one_sided_suite(folder: Path) -> Path:
    """One question whose right answer needs the learn direction: Bea teaches TikTok a
    little less closely than Al but wants the budgeting the asker offers."""
    folder.mkdir(parents=True)
    (folder / "suite.toml").write_text('name = "one-sided"\ndescription = "learn matters"\n',
                                       encoding="utf-8")
    write_participants_csv(folder / "participants.csv", [
        dict(id="ask", name="Asha Kent", offers="Budget planning", wants="Gardening"),
        dict(id="al", name="Al Rowe", offers="Making TikTok videos", wants="Bird watching"),
        dict(id="bea", name="Bea Lund", offers="Short TikTok clips for a brand",
             wants="Budget planning for a team"),
    ])
    case = {"id": "q1", "asker": "ask", "text": "who can teach me to make TikTok videos? I "
            "can help with budget planning", "relevant": {"bea": 2, "al": 1}}
    (folder / "queries.jsonl").write_text(json.dumps(case) + "\n", encoding="utf-8")
    return folder


def test_the_gate_refuses_weights_that_make_a_suite_worse(
    embeddings: Any, tmp_path: Path
) -> None:
    suite = write_one_sided_suite(tmp_path / "suite")
    config, weights = ScoringConfig(), PreferenceWeights()
    problems, names = gate(config, weights, ComponentWeights(1.0, 0.0, 1.0), [suite], embeddings)
    assert names == ["one-sided"]
    assert any("ndcg@5 dropped" in p for p in problems), problems
    problems, _ = gate(config, weights, ComponentWeights(0.5, 0.5, 1.0), [suite], embeddings)
    assert problems == []


def test_learned_weights_are_applied_and_used_after_a_restart(
    service_factory: Any, embeddings: Any, tmp_path: Path
) -> None:
    service = service_factory()
    service.programme.clock = Clock()
    service.ingest([write_ring(tmp_path)])
    programme = service.programme
    too_few = learn(programme, [], min_ratings=5)
    assert not too_few.applied and "at least 5" in too_few.reason
    # round 1 pairs the ring perfectly (rated well), round 2 with a neighbour: one skill
    # each way (rated lower)
    for number, fits in ((1, (5, 4)), (2, (3, 2))):
        start_round(programme, number)
        for pair in programme.confirm_all():
            programme.feedback(pair.a, pair.b, fits[0])
            programme.feedback(pair.b, pair.a, fits[1])
    suite = write_one_sided_suite(tmp_path / "suite")
    out = learn(programme, [suite], min_ratings=10, embeddings=embeddings)
    assert out.ratings == 28 and out.after is not None
    assert out.spearman_before is not None and out.spearman_before > 0.5
    assert out.evaluated == ["one-sided"]
    assert out.after.teach + out.after.learn == pytest.approx(1.0)
    # every pair is senior-early: the preference bonus never varied, so it keeps its weight
    assert out.after.preferences == pytest.approx(DEFAULT.preferences)
    assert (out.applied, out.problems) == (True, [])  # the suite has no preferences to lose
    stored = programme.record.learned()
    assert len(stored) == 1 and stored[0]["ratings"] == 28
    assert stored[0]["evidence"]["before"] == pytest.approx(list(DEFAULT.as_tuple()))
    service.close()
    again = service_factory()
    config, weights = out.after.apply(ScoringConfig(), PreferenceWeights())
    assert again.config.reverse_weight == pytest.approx(config.reverse_weight)
    assert again.weights == weights
    assert again.matcher.config == again.config
