"""Embedding people's statements and writing them to a store, the two overlapped."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import pairwise

from langchain_core.embeddings import Embeddings

from assistant.allocator import release_freed
from assistant.embed.base import embed_array
from assistant.models import Participant
from assistant.store.base import ParticipantStore

#: people whose statements one model call embeds, and people one store call writes
EMBED_STEP, STORE_STEP = 2048, 256
#: niceness of the writer thread: the model's threads keep every core and the writes
#: take the moments they leave (tokenising, Python between batches). 10,000 people,
#: writes about 10 s of CPU against a 50 s encode: ingest / raw encode 0.86 and 0.86
#: (0.81, 0.82 against the rate right after) in two runs, against 0.78-0.86 (0.75-0.87)
#: in four at the writer's normal priority
WRITER_NICE = 15


def parts(n: int, step: int = EMBED_STEP, tail: int = STORE_STEP) -> list[tuple[int, int]]:
    """``(start, end)`` of the parts ``n`` people are embedded in: ``step`` people each,
    the last cut to at most ``tail``. The model embeds a part while the store writes the
    one before, so only the last part's write waits alone; at 4,000 people that write took
    3.4 s of a 33 s ingest when the parts were 2,048 and 1,952 people."""
    if n <= 0:
        return []
    cuts = [*range(0, n, step), n]
    if n - cuts[-2] > tail:
        cuts.insert(-1, n - tail)
    return list(pairwise(cuts))


def embed_and_store(
    embeddings: Embeddings, store: ParticipantStore, todo: list[Participant],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Embed ``todo``'s statements and store them; the store writes one part while
    the model embeds the next (a writer thread), and the model gets large calls so
    its length-sorted batches waste little padding (at 2,000 people, parts of 512 people
    ingested at 0.61x the raw encode rate, parts of 2,048 at 0.69x). The last part is
    small (see :func:`parts`): its write is the one nothing overlaps."""
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer",
                            initializer=_yield_cpu) as writer:
        pending: list[Future[int]] = []
        for start, end in parts(len(todo)):
            part = todo[start:end]
            statements = [st for p in part for st in p.statements()]
            vectors = embed_array(embeddings, [st.text for st in statements])
            by_id: dict[str, Sequence[float]] = dict(
                zip((st.id for st in statements), vectors, strict=True)  # rows, not copies
            )
            done += _wait(pending, done, len(todo), progress)  # one part at a time
            pending = [writer.submit(_write, store, part[i : i + STORE_STEP], by_id)
                       for i in range(0, len(part), STORE_STEP)]
        _wait(pending, done, len(todo), progress)
    if todo:
        # the store lets go of what it held for the writes (Chroma's working set, kept
        # until its client closes), and the allocator hands back what was freed. Once, at
        # the end: a release after every part of 2,048 people lowered the ingest's own
        # peak at 10,000 people (877 MiB against 916; 698 MiB kept afterwards against
        # 882), but at 50,000 people its 25 reopenings made the ingest 180 s against 144 s
        store.release()
        release_freed()


def _wait(pending: list[Future[int]], done: int, total: int,
          progress: Callable[[int, int], None] | None) -> int:
    """Wait for a part's writes; returns how many were written."""
    written = 0
    for future in pending:
        written += future.result()
        if progress:
            progress(done + written, total)
    return written


def _yield_cpu() -> None:
    """Lower the calling thread's priority to :data:`WRITER_NICE` (Linux: a thread has
    its own niceness; elsewhere, or when refused, nothing changes)."""
    setpriority = getattr(os, "setpriority", None)
    if setpriority is not None and hasattr(threading, "get_native_id"):
        with contextlib.suppress(OSError):
            setpriority(os.PRIO_PROCESS, threading.get_native_id(), WRITER_NICE)


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
