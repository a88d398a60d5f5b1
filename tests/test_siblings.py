"""Sibling items: nobody-fits when everyone who clears the bar offers another short item."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.match import Matcher, Request, ScoringConfig
from assistant.match.scoring import Link
from assistant.match.siblings import (
    asks_for_a_language,
    items,
    languages_in,
    only_siblings,
    sibling,
)
from assistant.models import Participant
from assistant.store import ChromaStore
from assistant.store.writer import embed_and_store


@pytest.mark.parametrize(("want", "offer"), [
    ("Japanese", "Mandarin"),
    ("korean", "Mandarin and Malay (conversational)"),
    ("Italian", "French (native)"),
    ("French lessons", "Spanish - native, grew up in Valencia"),
    ("Welsh", "Gaelic"),
    ("Japanese", "Mandarin small talk for business dinners"),
])
def test_another_language_is_a_sibling(want: str, offer: str) -> None:
    assert sibling(want, offer)


@pytest.mark.parametrize(("want", "offer"), [
    ("Spanish", "Spanish (A-level)"),                          # the language itself
    ("Mandarin", "Chinese"),                                   # a name for either Chinese
    ("Chinese", "Mandarin"),
    ("Japanese", "Doing business across Asian markets"),       # not a language taught
    ("Japanese", "Gen Z translator"),
    ("French", "Excel and Spanish"),                           # Excel may be what came near
    ("French for the Lyon trade fair next spring", "Spanish"),  # not a short want
    ("coding", "Python"),               # a broad want met by a specific offer
    ("AWS", "SAP"),                     # other named items are left to the model
    ("piano", "Music production"),
    ("Japanese", ""),
])
def test_not_a_sibling(want: str, offer: str) -> None:
    assert not sibling(want, offer)


def test_languages_are_found_by_any_of_their_names() -> None:
    assert languages_in("Cymraeg i ddechreuwyr") == languages_in("Welsh")
    assert len(languages_in("Chinese")) == 2            # Mandarin or Cantonese
    assert languages_in("Bahasa Indonesia") == languages_in("indonesian")
    assert languages_in("Frenchay hospital") == set()   # whole words only
    assert languages_in("Polish") and not languages_in("polish my slides")  # as written
    # only a short want naming one language lets the engine read anyone's links
    assert asks_for_a_language(["Excel", "Japanese"])
    assert not asks_for_a_language(["coding", "Chinese", "French for the Lyon trade fair"])


def test_an_offer_lists_its_items_without_its_comment() -> None:
    assert items("Mandarin and Malay (conversational)") == ["Mandarin", "Malay"]
    assert items("Spanish - native, grew up in Valencia") == ["Spanish"]
    assert items("Git / GitHub; Postgres") == ["Git", "GitHub", "Postgres"]


def _links(*pairs: tuple[str, str, float]) -> list[Link]:
    return [Link(want, offer, 0.5, strength) for want, offer, strength in pairs]


def test_only_siblings_needs_every_clearing_link_of_everyone_to_be_one() -> None:
    never = lambda want, offer: False  # noqa: E731
    japanese = [_links(("Japanese", "Mandarin", 0.9)), _links(("Japanese", "Dutch", 0.5))]
    assert only_siblings(japanese, 0.4, never)
    # someone below the bar does not count either way
    assert only_siblings([*japanese, _links(("Japanese", "Japanese for travel", 0.3))],
                         0.4, never)
    # one real teacher among them: not a nobody-fits
    assert not only_siblings([*japanese, _links(("Japanese", "Japanese for travel", 0.8))],
                             0.4, never)
    # nobody clears the bar: nothing to decide here
    assert not only_siblings([_links(("Japanese", "Mandarin", 0.2))], 0.4, never)
    # the vocabulary calls them one skill
    assert not only_siblings(japanese, 0.4, lambda want, offer: offer == "Mandarin")


def test_the_check_stops_at_the_first_real_teacher() -> None:
    seen: list[str] = []

    def candidates() -> Iterator[list[Link]]:
        for offer in ("Python for data analysis", "Mandarin", "Dutch"):
            seen.append(offer)
            yield _links(("Python", offer, 0.9))

    assert not only_siblings(candidates(), 0.4, lambda want, offer: False)
    assert seen == ["Python for data analysis"]


@pytest.fixture(scope="module")
def languages(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Matcher]:
    store = ChromaStore(tmp_path_factory.mktemp("siblings") / "chroma")
    rows = [
        dict(id="mei", name="Mei Tan", offers=["Mandarin"], wants=["Budgeting"]),
        dict(id="sol", name="Sol Ruiz", offers=["Spanish"], wants=["Negotiation"]),
        dict(id="ada", name="Ada Quist", offers=["Spreadsheets"], wants=["Public speaking"]),
    ]
    embed_and_store(embedder, store, [Participant(**row) for row in rows])
    yield Matcher(store, embedder)
    store.close()


def test_a_language_nobody_speaks_is_a_nobody_fits_with_the_near_ones(
    languages: Matcher,
) -> None:
    result = languages.find(Request(wants=["Japanese"]), k=5)
    assert result.abstained and result.candidates == []
    assert "mei" in [c.id for c in result.near_misses]
    # without the rule the Mandarin speaker clears the bar and is presented
    plain = Matcher(languages.store, languages.embeddings, ScoringConfig(sibling_abstain=False))
    assert "mei" in [c.id for c in plain.find(Request(wants=["Japanese"]), k=5).candidates]


def test_the_item_itself_and_one_skill_by_the_vocabulary_are_still_found(
    languages: Matcher,
) -> None:
    assert [c.id for c in languages.find(Request(wants=["Mandarin"]), k=5).candidates][:1] == [
        "mei"]
    excel = languages.find(Request(wants=["Excel"]), k=5)
    assert not excel.abstained
    assert [c.id for c in excel.candidates][:1] == ["ada"]




def test_the_chat_names_the_other_languages_as_such(tmp_path: Path, embedder: Any) -> None:
    from assistant.config import Settings
    from assistant.converse.conversation import Conversation
    from assistant.embed import CachedEmbeddings
    from assistant.present.escape import esc
    from assistant.present.html import panel
    from assistant.present.markdown import NEAR_BELOW_BAR, NEAR_OTHER_ITEMS, markdown
    from assistant.present.view import Lead, view
    from assistant.service import PairingService

    path = tmp_path / "people.csv"
    path.write_text("id,name,offers,wants\n"
                    "m1,Mei Tan,Mandarin (conversational),Budgeting\n"
                    "s1,Sol Ruiz,Spanish,Negotiation\n"
                    "a1,Ada Quist,Excel formulas,Public speaking\n", encoding="utf-8")
    with PairingService(Settings(data_dir=tmp_path / "d", store="chroma"), mode="exclusive",
                        embeddings=CachedEmbeddings(embedder, None, embedder.model_name)
                        ) as service:
        service.ingest([path])
        reply = Conversation(service, None).send("who can teach me Japanese?")
    assert reply.kind == "abstain" and reply.result is not None
    assert reply.result.other_items and reply.result.near_misses
    assert "offers Japanese itself" in reply.result.reason
    text = markdown(reply)
    assert NEAR_OTHER_ITEMS in text and NEAR_BELOW_BAR not in text
    assert f'Mei Tan ("{esc("Mandarin (conversational)")}")' in text
    # the cards say "closest to", not "can teach you"
    assert all(view(c, None, False).to_you.lead is Lead.CLOSEST for c in reply.result.near_misses)
    html = panel(reply, {})
    assert html is not None and NEAR_OTHER_ITEMS in html


def test_a_language_that_is_no_concept_is_not_one_skill_with_its_nearest(
    languages: Matcher,
) -> None:
    # "Italian" is nearest to a concept it does not clearly name: a Spanish speaker (whose
    # concept is Spanish) and a French one stay other languages, not one skill
    check = languages.check
    assert check is not None
    for offer in ("Spanish", "French"):
        assert not check.same_skill(languages._embed(["Italian", offer]))
    assert check.same_skill(languages._embed(["Excel", "Spreadsheets"]))
