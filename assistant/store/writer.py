"""Embedding people's statements and writing them to a store, the two overlapped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from langchain_core.embeddings import Embeddings

from assistant.models import Participant
from assistant.store.base import ParticipantStore


def embed_and_store(
    embeddings: Embeddings, store: ParticipantStore, todo: list[Participant],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Embed ``todo``'s statements and store them; the store writes one part while
    the model embeds the next (a writer thread), and the model gets large calls so
    its length-sorted batches waste little padding (at 2,000 people, parts of 512 people
    ingested at 0.61x the raw encode rate, parts of 2,048 at 0.69x)."""
    embed_step, store_step = 2048, 256
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer") as writer:
        pending: list[Future[int]] = []
        for start in range(0, len(todo), embed_step):
            part = todo[start : start + embed_step]
            statements = [st for p in part for st in p.statements()]
            vectors = embeddings.embed_documents([st.text for st in statements])
            by_id: dict[str, Sequence[float]] = dict(
                zip((st.id for st in statements), vectors, strict=True)
            )
            for future in pending:  # one part in the writer at a time
                done += future.result()
                if progress:
                    progress(done, len(todo))
            pending = [writer.submit(_write, store, part[i : i + store_step], by_id)
                       for i in range(0, len(part), store_step)]
        for future in pending:
            done += future.result()
            if progress:
                progress(done, len(todo))


def _write(store: ParticipantStore, people: list[Participant],
           vectors: dict[str, Sequence[float]]) -> int:
    items = [(p, {st.id: vectors[st.id] for st in p.statements()}) for p in people]
    upsert_many = getattr(store, "upsert_many", None)
    if upsert_many is not None:
        upsert_many(items)
    else:
        for person, vecs in items:
            store.upsert(person, vecs)
    return len(people)
