"""What is derived from the model is computed once per (model, vocabulary) and kept on
disk, and ``warm()`` loads everything a first answer needs before the chat is served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.embed import CachedEmbeddings, SentenceTransformerModel, make_embeddings
from assistant.embed.vocabulary import Concept, ConceptEnrichedEmbeddings, load_vocabulary
from assistant.service import DERIVED_DIR, PairingService


class Counting(Embeddings):
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, inner: SentenceTransformerModel) -> None:
        self.inner = inner
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def small_vocabulary() -> list[Concept]:
    return load_vocabulary()[:4]


def test_alias_vectors_are_computed_once_and_kept(st_model: SentenceTransformerModel,
                                                  tmp_path: Path) -> None:
    concepts = small_vocabulary()
    aliases = sum(len(c.aliases) for c in concepts)
    model = Counting(st_model)
    first = ConceptEnrichedEmbeddings(model, concepts, "m", cache_dir=tmp_path)
    vectors = np.asarray(first.embed_documents(["Snapchat stories", "Budgeting"]))
    assert model.texts == aliases + 2
    assert first.alias_file is not None and first.alias_file.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [first.alias_file.name]  # no temp left

    # a new process (here: a new object) reads them back, embedding no alias again
    again = ConceptEnrichedEmbeddings(model, concepts, "m", cache_dir=tmp_path)
    assert np.array_equal(np.asarray(again.embed_documents(["Snapchat stories", "Budgeting"])),
                          vectors)
    assert model.texts == aliases + 4

    # another model name or another vocabulary never reuses them
    other = ConceptEnrichedEmbeddings(model, concepts, "other-model", cache_dir=tmp_path)
    other.prepare()
    assert model.texts == 2 * aliases + 4
    fewer = ConceptEnrichedEmbeddings(model, concepts[:3], "m", cache_dir=tmp_path)
    fewer.prepare()
    assert model.texts == 3 * aliases + 4 - len(concepts[3].aliases)
    assert len({other.alias_file, fewer.alias_file, first.alias_file}) == 3

    # a damaged file is recomputed and replaced
    first.alias_file.write_bytes(b"not an array")
    damaged = ConceptEnrichedEmbeddings(model, concepts, "m", cache_dir=tmp_path)
    assert np.array_equal(np.asarray(damaged.embed_documents(["Snapchat stories", "Budgeting"])),
                          vectors)
    assert np.load(first.alias_file).shape == (aliases, 384)


def test_the_service_keeps_them_in_its_data_folder(data_dir: Path) -> None:
    enriched, _ = make_embeddings("sentence-transformers+vocab", data_dir / "x")
    assert isinstance(enriched, ConceptEnrichedEmbeddings)
    assert enriched.cache_dir == data_dir / "x"
    with PairingService(Settings(data_dir=data_dir), mode="shared") as service:
        assert isinstance(service.embeddings, CachedEmbeddings)
        layer = service.embeddings.inner
        assert isinstance(layer, ConceptEnrichedEmbeddings)
        assert layer.cache_dir == data_dir / DERIVED_DIR
        assert layer.alias_file is not None and layer.alias_file.parent == data_dir / DERIVED_DIR


def test_warm_loads_everything_a_first_answer_needs(
    service_factory: Any, write_csv: Any, tmp_path: Path, st_model: SentenceTransformerModel
) -> None:
    service = service_factory()
    people = [
        dict(id="a1", name="Ann One", offers=["Excel"], wants=["TikTok"]),
        dict(id="b2", name="Bo Two", offers=["TikTok videos"], wants=["Excel models"]),
    ]
    guide = tmp_path / "guide.md"
    guide.write_text("# Meetings\n\nMeet every two weeks.\n", encoding="utf-8")
    service.ingest([write_csv(tmp_path / "p.csv", people), guide])
    service.matcher._snapshot = None
    service._guidance_vs = None
    computed = service.embeddings.computed
    service.warm()
    assert service.matcher._snapshot is not None
    assert service.matcher.snapshot.sides["offer"].profile is not None
    assert service._guidance_vs is not None
    assert st_model._model is not None
    assert service.embeddings.computed == computed  # nothing new was embedded or cached


def test_chat_is_warm_before_it_is_served(
    service_factory: Any, write_csv: Any, tmp_path: Path, monkeypatch: Any,
    capsys: Any,
) -> None:
    """`pairing chat` loads everything and answers one request before it gives its
    address: when the app is launched, the first answer finds everything loaded."""
    import assistant.cli as cli
    from assistant.ui import gradio_app

    people = [dict(id="a1", name="Ann One", offers=["Excel"], wants=["TikTok"]),
              dict(id="b2", name="Bo Two", offers=["TikTok videos"], wants=["Excel models"])]
    guide = tmp_path / "guide.md"
    guide.write_text("# Meetings\n\nMeet every two weeks.\n", encoding="utf-8")
    ingesting = service_factory()
    ingesting.ingest([write_csv(tmp_path / "p.csv", people), guide])
    ingesting.close()
    before = ingesting.embeddings.computed  # the same per-test cache serves the chat
    seen: dict[str, Any] = {}

    def launch(service: Any, **kwargs: Any) -> None:
        seen["snapshot"] = service.matcher._snapshot is not None
        seen["guidance"] = service._guidance_vs is not None
        seen["printed"] = capsys.readouterr().out
        seen["embedded"] = service.embeddings.computed  # the warm-up request's phrases

    monkeypatch.setattr(cli, "_service", lambda args, mode: service_factory(mode=mode))
    monkeypatch.setattr(gradio_app, "launch", launch)
    assert cli.main(["chat"]) == 0
    assert seen["snapshot"] and seen["guidance"] and seen["embedded"] > before
    assert "Chat UI on http://127.0.0.1:7860/" in seen["printed"]
