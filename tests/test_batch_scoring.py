"""Vectorised scoring (what ``Matcher.find`` and ``explain`` use) equals the scalar path.

``Matcher._score`` scores one candidate at a time with :func:`direction` and
:func:`soft_adjustment`; ``Matcher._score_all`` scores every candidate of a request as
array operations. Same numbers (to float noise), same evidence, notes and flags.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_match import COHORT

from assistant.match import (
    Candidate,
    DropKind,
    FlagKind,
    Matcher,
    PreferenceWeights,
    Request,
    ScoringConfig,
    soft_adjustment,
)
from assistant.match.batch import closest_kept, exactness, links, plain
from assistant.match.preferences import PeopleTable
from assistant.models import Participant
from assistant.store import ChromaStore
from assistant.store.writer import embed_and_store

# the hand-made cohort plus people the vocabulary check weakens, several statements each
EXTRA: list[dict[str, Any]] = [
    dict(id="lee", name="Lee Snakeman", offers=["python and reptile care", "Budgeting basics"],
         wants=["Budgeting basics", "Snapchat", "Public speaking"], department="Finance",
         career_stage="mid", timezone="Asia/Kolkata"),
    dict(id="max", name="Max Coder", offers=["Python programming for data analysis", "SQL",
                                             "Instagram Reels"],
         wants=["Public speaking", "Negotiating contracts"], career_stage="early",
         timezone="America/Los_Angeles"),
    dict(id="ann", name="Ann Learner", offers=["Budgeting basics", "Snapchat stories"],
         wants=["Python", "Excel financial modelling"], department="marketing",
         timezone="Australia/Sydney"),
    dict(id="bob", name="Bob Twin", offers=["Excel financial modelling"],
         wants=["Editing TikTok clips"], department="Sales", career_stage="mid",
         location="Berlin", timezone="Europe/Berlin"),
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Matcher:
    store = ChromaStore(tmp_path_factory.mktemp("batch") / "chroma")
    embed_and_store(embedder, store, [Participant(**row) for row in [*COHORT, *EXTRA]])
    yield Matcher(store, embedder)
    store.close()


def assert_same(fast: Candidate, slow: Candidate) -> None:
    assert fast.id == slow.id
    for name in ("score", "reciprocal", "teaches", "learns"):
        assert getattr(fast, name) == pytest.approx(getattr(slow, name), abs=1e-6), name
    assert (fast.notes, fast.flags) == (slow.notes, slow.flags)
    assert (fast.one_sided, fast.weak, fast.misread) == (slow.one_sided, slow.weak, slow.misread)
    for got, want in ((fast.to_asker, slow.to_asker), (fast.to_candidate, slow.to_candidate)):
        assert [(x.want, x.offer, x.caveat) for x in got] == [
            (x.want, x.offer, x.caveat) for x in want]
        assert [x.similarity for x in got] == pytest.approx([x.similarity for x in want],
                                                            abs=1e-6)
        assert [x.strength for x in got] == pytest.approx([x.strength for x in want], abs=1e-6)


REQUESTS = [
    Request(wants=["Python"]),
    Request(wants=["Excel"], offers=["TikTok"]),
    Request(wants=["Snapchat", "public speaking"], offers=["budgeting", "python"]),
    Request(wants=["looking after a pet snake"], offers=["Instagram"]),
    Request(wants=["Learning Spanish"], offers=[]),
]


def requests(matcher: Matcher) -> list[Request]:
    people = sorted(matcher.snapshot.people)
    return REQUESTS + [Request(asker_id=pid) for pid in people] + [
        Request(wants=["Negotiation"], offers=["Short videos"], asker_id="max"),
        Request(wants=["Python"], asker_id="ann"),
    ]


def test_every_candidate_scores_the_same_both_ways(matcher: Matcher) -> None:
    snap = matcher.snapshot
    compared = caveats = 0
    for request in requests(matcher):
        asker = matcher.person(request.asker_id) if request.asker_id else None
        wants = request.wants or (asker.wants if asker else [])
        offers = request.offers or (asker.offers if asker else [])
        want_vecs = matcher._side(request.asker_id, wants, "want")
        offer_vecs = matcher._side(request.asker_id, offers, "offer")
        everyone = list(range(len(snap.order)))
        batch, score, reciprocal = matcher._score_all(asker, everyone, want_vecs, offer_vecs,
                                                      bool(offers))
        for c, person in enumerate(snap.order):
            slow = matcher._score(asker, person, wants, want_vecs, offers, offer_vecs,
                                  batch.ceilings)
            to_asker, to_cand = links(batch, c, snap.sides["offer"], snap.sides["want"],
                                      wants, offers, matcher.check)
            fast = matcher._candidate(asker, person, float(score[c]), float(reciprocal[c]),
                                      float(batch.teaches[c]), float(batch.learns[c]),
                                      to_asker, to_cand, bool(offers))
            assert_same(fast, slow)
            compared += 1
            caveats += sum(bool(x.caveat) for x in fast.to_asker + fast.to_candidate)
    assert compared > 300
    assert caveats > 0  # the vocabulary check took part


def test_find_ranks_as_the_scalar_path(matcher: Matcher) -> None:
    """find() (vectorised) lists the candidates the scalar scores would, in that order."""
    snap = matcher.snapshot
    for request in requests(matcher):
        result = matcher.find(request, k=50)
        asker = matcher.person(request.asker_id) if request.asker_id else None
        want_vecs = matcher._side(request.asker_id, result.wants, "want")
        offer_vecs = matcher._side(request.asker_id, result.offers, "offer")
        assert result.rank_ceilings is not None
        slow = [matcher._score(asker, snap.people[c.id], result.wants, want_vecs,
                               result.offers, offer_vecs, result.rank_ceilings)
                for c in result.candidates]
        for fast, ref in zip(result.candidates, slow, strict=True):
            assert_same(fast, ref)
        scores = [c.score for c in slow]
        assert scores == sorted(scores, reverse=True)
        shown = {c.id for c in result.candidates} | {c.id for c in result.near_misses}
        for pid in set(snap.people) - shown - set(result.dropped):
            other = matcher._score(asker, snap.people[pid], result.wants, want_vecs,
                                   result.offers, offer_vecs, result.rank_ceilings)
            listed = not other.weak or (other.teaches >= matcher.config.list_below
                                        and not other.misread)
            # anyone left out was either not retrieved or not good enough to list
            assert result.abstained or not listed or not result.candidates or (
                other.score <= result.candidates[-1].score + 1e-6), pid


def test_explain_equals_the_scalar_path(matcher: Matcher) -> None:
    snap = matcher.snapshot
    for a, b in itertools.permutations(["ava", "ben", "lee", "max", "ann", "kim"], 2):
        pa = matcher.person(a)
        slow = matcher._score(pa, matcher.person(b), pa.wants, snap.vectors["want"][a],
                              pa.offers, snap.vectors["offer"][a])
        fast = matcher.explain(a, b)
        # explain adds the reporting-line flag on top of the scores
        fast.flags = [f for f in fast.flags if f.kind is not FlagKind.REPORTING_LINE]
        assert_same(fast, slow)


def test_people_table_bonus_equals_soft_adjustment() -> None:
    crowd = [Participant(**row) for row in [*COHORT, *EXTRA]] + [
        Participant(id="nz", name="Nia Zed", offers=["x"], wants=["y"],
                    timezone="Pacific/Auckland", career_stage="executive"),
        Participant(id="nt", name="No Tz", offers=["x"], wants=["y"], department="Sales"),
    ]
    weights = PreferenceWeights()
    table = PeopleTable(crowd)
    everyone = np.arange(len(crowd))
    bonus = table.bonus(everyone, everyone, weights)
    for i, j in itertools.permutations(range(len(crowd)), 2):
        assert bonus[i, j] == soft_adjustment(crowd[i], crowd[j], weights)[0]


def test_find_keeps_programme_exclusions_and_load(matcher: Matcher) -> None:
    """The programme's exclusions and partners (``Request.excluded``/``load``) are hard
    rules before the batch is scored: the excluded never listed, a person the load fills
    dropped as full (or listed flagged with ``include_full``), the rest listed; with a
    fixed ceiling (no candidate sets another's) in the same order as before."""
    fixed = Matcher(matcher.store, matcher.embeddings,
                    replace(ScoringConfig(), relative_ceiling=None))
    plain = matcher.find(Request(asker_id="ann"), k=50)
    listed = [c.id for c in plain.candidates]
    assert len(listed) >= 3
    gone, full = listed[0], listed[1]
    capacity = matcher.person(full).capacity
    request = Request(asker_id="ann", excluded={gone: "ann turned them down"},
                      load={full: capacity})
    result = matcher.find(request, k=50)
    assert result.dropped[gone].kind is DropKind.PROGRAMME
    assert result.dropped[gone].text == "ann turned them down"
    assert result.dropped[full].kind is DropKind.FULL
    assert sorted(c.id for c in result.candidates) == sorted(
        c for c in listed if c not in (gone, full))
    before = [c.id for c in fixed.find(Request(asker_id="ann"), k=50).candidates]
    after = [c.id for c in fixed.find(request, k=50).candidates]
    assert after == [c for c in before if c not in (gone, full)]
    shown = matcher.find(replace(request, include_full=True), k=50)
    assert full in [c.id for c in shown.candidates]
    assert shown.dropped[gone].kind is DropKind.PROGRAMME


def test_exactness_is_part_of_the_batched_ranking(matcher: Matcher) -> None:
    """The exactness bonus (``ScoringConfig.exact_weight``) reaches the batched scores as
    the scalar path adds it: with the bonus off, scores drop by exactly that bonus."""
    snap = matcher.snapshot
    everyone = list(range(len(snap.order)))
    asker = matcher.person("ann")
    want_vecs, offer_vecs = snap.vectors["want"]["ann"], snap.vectors["offer"]["ann"]
    batch, score, _ = matcher._score_all(asker, everyone, want_vecs, offer_vecs, True)
    bonus = exactness(batch, matcher.config, True, closest_kept(batch))
    assert (bonus > 0).any() and bonus.max() <= matcher.config.exact_weight
    off = Matcher(matcher.store, matcher.embeddings,
                  replace(matcher.config, exact_weight=0.0), matcher.weights)
    _, plain, _ = off._score_all(asker, everyone, want_vecs, offer_vecs, True)
    np.testing.assert_allclose(score - plain, bonus, atol=1e-12)


def test_a_neighbouring_skill_ranks_below_the_skill_named_outright(
    tmp_path: Path, embedder: Any,
) -> None:
    """``relative_ceiling``: two candidates who both want exactly what the asker offers,
    one offering the wanted skill by name (Mandarin), one a neighbouring skill
    (Japanese, which the vocabulary pulls close). On the fixed ceiling both count as
    fully teaching it and only the small exactness bonus separates them; relative to the
    closest offer among the candidates, the neighbour no longer counts as fully taught.
    Shown strengths, reciprocity and flags keep the fixed ceiling."""
    people = [
        Participant(id="asker", name="Ann Asker", offers=["Canva design"], wants=["Mandarin"]),
        Participant(id="exact", name="Mei Exact", offers=["Mandarin"], wants=["Canva design"]),
        Participant(id="near", name="Jun Near", offers=["Japanese"], wants=["Canva design"]),
    ]
    store = ChromaStore(tmp_path / "chroma")
    embed_and_store(embedder, store, people)
    try:
        # the plain retriever's cosine (``plain_weight``) would separate them on its own
        relative = Matcher(store, embedder, replace(ScoringConfig(), plain_weight=0.0))
        fixed = Matcher(store, embedder, replace(relative.config, relative_ceiling=None))
        request = Request(asker_id="asker")
        assert [c.id for c in Matcher(store, embedder).find(request, k=5).candidates] == [
            "exact", "near"]
        ranked = relative.find(request, k=5)
        plain = fixed.find(request, k=5)
        assert plain.rank_ceilings is None and ranked.rank_ceilings is not None
        score = {c.id: c.score for c in ranked.candidates}
        plain_score = {c.id: c.score for c in plain.candidates}
        assert [c.id for c in ranked.candidates] == ["exact", "near"]
        gap, plain_gap = (score["exact"] - score["near"],
                          plain_score["exact"] - plain_score["near"])
        assert plain_gap < relative.config.exact_weight  # only the exactness bonus
        assert gap > plain_gap + 0.05
        for a, b in zip(sorted(ranked.candidates, key=lambda c: c.id),
                        sorted(plain.candidates, key=lambda c: c.id), strict=True):
            assert (a.teaches, a.learns, a.reciprocal, a.weak, a.flags) == (
                b.teaches, b.learns, b.reciprocal, b.weak, b.flags)
    finally:
        store.close()


def test_the_plain_retrievers_cosine_is_part_of_the_batched_ranking(matcher: Matcher) -> None:
    """``plain_weight`` reaches the batched scores as the scalar path adds it: with the
    weight at 0, scores drop by exactly that term, the closest cosine between a wanted
    statement and the candidate's offers (links the vocabulary check weakened count 0)."""
    snap = matcher.snapshot
    everyone = list(range(len(snap.order)))
    asker = matcher.person("ann")
    want_vecs, offer_vecs = snap.vectors["want"]["ann"], snap.vectors["offer"]["ann"]
    batch, score, _ = matcher._score_all(asker, everyone, want_vecs, offer_vecs, True)
    term = plain(closest_kept(batch), matcher.config)
    assert term.max() > 0.5 and term.max() <= matcher.config.plain_weight + 1e-6
    off = Matcher(matcher.store, matcher.embeddings,
                  replace(matcher.config, plain_weight=0.0), matcher.weights)
    _, without, _ = off._score_all(asker, everyone, want_vecs, offer_vecs, True)
    np.testing.assert_allclose(score - without, term, atol=1e-12)
    # "python and reptile care" reads as the snake: no plain credit for Ann's "Python"
    lee = snap.position["lee"]
    to_ann = links(batch, everyone.index(lee), snap.sides["offer"], snap.sides["want"],
                   list(matcher.person("ann").wants), list(matcher.person("ann").offers),
                   matcher.check)[0]
    python = [link for link in to_ann if link.want == "Python"]
    assert python and python[0].caveat
    assert term[everyone.index(lee)] == pytest.approx(
        matcher.config.plain([link for link in to_ann if not link.caveat]))


def test_among_close_reciprocal_scores_the_nearest_offer_comes_first(
    tmp_path: Path, embedder: Any,
) -> None:
    """Two candidates who both teach what is asked for at full strength: one offers it by
    name and wants something else, the other offers a narrower use of it and wants what
    the asker offers. The reciprocal score alone puts the second first; fused with the
    plain retriever's cosine (the default), the one whose offer is the skill asked for."""
    people = [
        Participant(id="asker", name="Ann Asker", offers=["Budgeting"], wants=["Instagram"]),
        Participant(id="named", name="Nia Named", offers=["Instagram"], wants=["Strategy"]),
        Participant(id="narrow", name="Ned Narrow", offers=["Instagram food photography"],
                    wants=["Budgeting"]),
    ]
    store = ChromaStore(tmp_path / "chroma")
    embed_and_store(embedder, store, people)
    try:
        fused = Matcher(store, embedder)
        alone = Matcher(store, embedder, replace(fused.config, plain_weight=0.0))
        request = Request(asker_id="asker")
        assert [c.id for c in alone.find(request, k=5).candidates] == ["narrow", "named"]
        shown = fused.find(request, k=5).candidates
        assert [c.id for c in shown] == ["named", "narrow"]
        # what a person reads (strengths, reciprocity, flags) does not change
        for a, b in zip(shown, sorted(alone.find(request, k=5).candidates,
                                      key=lambda c: c.id != "named"), strict=True):
            assert (a.id, a.teaches, a.learns, a.reciprocal, a.flags) == (
                b.id, b.teaches, b.learns, b.reciprocal, b.flags)
    finally:
        store.close()
