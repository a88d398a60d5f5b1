"""Embeddings: the real packaged model, the text-hash cache, and the backend factory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.embed import (
    BACKENDS,
    CachedEmbeddings,
    EmbeddingModel,
    SentenceTransformerModel,
    embed_array,
    make_embeddings,
    text_key,
)
from assistant.errors import ConfigError


def test_real_model_gives_normalised_384_dim_vectors(st_model: SentenceTransformerModel) -> None:
    vectors = np.asarray(st_model.embed_documents(
        ["Financial modelling in Excel", "Building spreadsheet models of company finances",
         "Making short TikTok videos"]
    ))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.3  # paraphrases are close, unrelated skills are not
    query = np.asarray(st_model.embed_query("Financial modelling in Excel"))
    assert np.allclose(query, vectors[0], atol=1e-5)
    assert st_model.embed_documents([]) == []
    assert isinstance(st_model, EmbeddingModel)
    assert st_model.name == "sentence-transformers:all-MiniLM-L6-v2"


def test_cache_counts_hits_and_misses(embedder: CachedEmbeddings) -> None:
    cache = CachedEmbeddings(embedder, None, "unit")
    first = cache.embed_documents(["alpha skill", "beta skill"])
    assert (cache.computed, cache.hits) == (2, 0)
    again = cache.embed_documents(["beta skill", "gamma skill", "alpha skill"])
    assert (cache.computed, cache.hits) == (3, 2)
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])
    # repeats inside one call are embedded once
    cache.embed_documents(["delta", "delta", "delta"])
    assert cache.computed == 4
    assert len(cache) == 4
    assert cache.embed_documents([]) == []
    assert np.allclose(cache.embed_query("alpha skill"), first[0])


def test_every_layer_hands_over_one_float32_matrix_equal_to_its_lists(
    embedder: CachedEmbeddings, tmp_path: Path
) -> None:
    """The model, the vocabulary and the cache (memory and file) give ``embed_array`` a
    writable float32 matrix with the same numbers as LangChain's ``embed_documents``;
    any other LangChain ``Embeddings`` is converted."""
    texts = ["Public speaking", "Making short TikTok videos", "Public speaking"]
    on_file = CachedEmbeddings(embedder, tmp_path / "cache.sqlite", "unit")
    layers = [embedder.inner, embedder, CachedEmbeddings(embedder, None, "unit"), on_file]
    if getattr(embedder.inner, "inner", None) is not None:
        layers.append(embedder.inner.inner)
    for layer in layers:
        matrix = embed_array(layer, texts)
        assert matrix.dtype == np.float32 and matrix.shape == (3, 384)
        assert matrix.flags.writeable
        np.testing.assert_allclose(matrix, np.asarray(layer.embed_documents(texts)), atol=1e-6)
        assert embed_array(layer, []).size == 0
    on_file.close()

    class Lists(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [[float(len(t)), 1.0] for t in texts]

        def embed_query(self, text: str) -> list[float]:
            return [float(len(text)), 1.0]

    converted = embed_array(Lists(), ["ab", "abc"])
    assert converted.dtype == np.float32
    np.testing.assert_array_equal(converted, [[2.0, 1.0], [3.0, 1.0]])


def test_cached_vectors_equal_model_vectors(st_model: SentenceTransformerModel) -> None:
    cache = CachedEmbeddings(st_model, None, st_model.name)
    texts = ["Public speaking", "Negotiation with suppliers"]
    direct = np.asarray(st_model.embed_documents(texts))
    cache.embed_documents(texts)
    cached = np.asarray(cache.embed_documents(texts))
    assert cache.hits == 2
    assert np.allclose(direct, cached, atol=1e-6)


def test_cache_persists_across_instances(embedder: CachedEmbeddings, tmp_path: Path) -> None:
    path = tmp_path / "cache" / "vectors.sqlite"
    texts = ["SQL window functions", "Coaching new managers", "Canva templates"]
    one = CachedEmbeddings(embedder, path, "m")
    first = one.embed_documents(texts)
    assert one.computed == 3
    one.close()
    assert path.is_file()

    two = CachedEmbeddings(embedder, path, "m")
    second = two.embed_documents(texts)
    assert (two.computed, two.hits) == (0, 3)
    assert np.allclose(first, second)
    assert len(two) == 3
    # another model name never reuses these vectors
    other = CachedEmbeddings(embedder, path, "another-model")
    other.embed_documents(texts[:1])
    assert other.computed == 1
    two.close()
    other.close()


def test_cache_file_stores_hashes_not_texts(embedder: CachedEmbeddings, tmp_path: Path) -> None:
    path = tmp_path / "vectors.sqlite"
    cache = CachedEmbeddings(embedder, path, "m")
    cache.embed_documents(["Secret skill of Zebulon"])
    cache.close()
    assert b"Zebulon" not in path.read_bytes()
    keys = [k for (k,) in sqlite3.connect(path).execute("SELECT key FROM vectors")]
    assert keys == [text_key("m", "Secret skill of Zebulon")]


@pytest.mark.parametrize("persistent", [False, True])
def test_forget_removes_entries(embedder: CachedEmbeddings, tmp_path: Path,
                                persistent: bool) -> None:
    path = tmp_path / "v.sqlite" if persistent else None
    cache = CachedEmbeddings(embedder, path, "m")
    cache.embed_documents(["keep me", "forget me", "forget me too"])
    assert cache.forget(["forget me", "forget me too", "never cached", "forget me"]) == 2
    assert len(cache) == 1
    before = cache.computed
    cache.embed_documents(["keep me"])
    assert cache.computed == before
    cache.embed_documents(["forget me"])
    assert cache.computed == before + 1  # had to be embedded again
    if persistent:
        cache.close()
        reopened = CachedEmbeddings(embedder, path, "m")
        assert len(reopened) == 2
        reopened.close()


def test_factory_unknown_backend_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown embedding backend 'word2vec'"):
        make_embeddings("word2vec")
    with pytest.raises(ConfigError, match="sentence-transformers"):
        make_embeddings("")


def test_factory_builds_the_default_model_lazily() -> None:
    model, name = make_embeddings("sentence-transformers")
    assert isinstance(model, SentenceTransformerModel)
    assert name == "sentence-transformers:all-MiniLM-L6-v2"
    assert model._model is None  # nothing loaded until the first text is embedded
    assert set(BACKENDS) >= {"sentence-transformers", "ollama", "openai"}


def test_factory_passes_a_model_path(tmp_path: Path) -> None:
    model, name = make_embeddings(f"sentence-transformers:{tmp_path}")
    assert name == f"sentence-transformers:{tmp_path}"
    assert model.model_path == str(tmp_path)  # type: ignore[attr-defined]


def test_missing_model_folder_is_a_config_error(tmp_path: Path) -> None:
    model = SentenceTransformerModel(str(tmp_path / "no-such-model"))
    with pytest.raises(ConfigError, match="cannot load model"):
        model.embed_query("hello")


def test_cached_embeddings_is_a_langchain_embeddings(embedder: CachedEmbeddings) -> None:
    assert isinstance(embedder, Embeddings)
    assert isinstance(embedder.inner, Embeddings)


def test_traced_forward_gives_the_library_vectors_in_the_callers_order(
    st_model: SentenceTransformerModel,
) -> None:
    """The traced forward pass (made by a large batch, used by small ones after) returns
    the library's vectors, row for row in the order asked, for one word, a long text cut
    at the model's limit, and mixed lengths in one batch."""
    from assistant.embed.sentence import _TRACED, SMALL_BATCH, encode_with, traced_forward

    library = st_model.model
    texts = ["x", "Financial modelling in Excel", " ".join(["negotiation"] * 500),
             "Making short TikTok videos for the brand's recruiting channel", "SQL"]
    texts = texts * (SMALL_BATCH // len(texts) + 1)  # a large batch: it makes the pass
    expected = library.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False)
    got = encode_with(library, texts)
    assert traced_forward(library) is not None and _TRACED[library] is not None
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-5
    small = encode_with(library, texts[:3][::-1])  # one thread, the same traced pass
    assert np.abs(small - expected[:3][::-1]).max() < 1e-5


def test_a_model_the_traced_pass_cannot_reproduce_is_encoded_by_the_library(
    st_model: SentenceTransformerModel,
) -> None:
    """With the first token's vector as the sentence vector (another pooling than the mean
    the traced pass computes), the probe tells them apart and the library encodes."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Pooling

    from assistant.embed.sentence import SMALL_BATCH, encode_with, traced_forward

    library = st_model.model
    first_token = SentenceTransformer(
        modules=[library[0], Pooling(library.get_embedding_dimension(), "cls")],
        device="cpu")
    assert traced_forward(first_token) is None
    texts = [f"statement number {i} about dashboards" for i in range(SMALL_BATCH + 2)]
    expected = first_token.encode(texts, normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)
    assert np.abs(encode_with(first_token, texts) - expected).max() < 1e-6
    mean = encode_with(library, texts)
    assert np.abs(mean - expected).max() > 0.01  # the two poolings really differ


def test_warming_up_the_model_makes_the_traced_pass_before_any_request(
    st_model: SentenceTransformerModel,
) -> None:
    """The chat's warm-up makes the traced forward pass even when nothing large is encoded
    (a data folder whose vocabulary vectors are already kept), so the first message's
    small batch already uses it."""
    from assistant.embed import warm_up
    from assistant.embed.sentence import _TRACED

    _TRACED.pop(st_model.model, None)
    st_model.embed_query("a small batch makes no traced pass")
    assert _TRACED.get(st_model.model) is None
    warm_up(st_model)
    assert _TRACED.get(st_model.model) is not None
