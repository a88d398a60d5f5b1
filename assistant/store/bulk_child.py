"""The writer process of :class:`assistant.store.bulk.WriterProcess`: reads parts of
people from standard input and writes them to the Chroma folder named on its command
line, answering on standard output after each part."""

from __future__ import annotations

import os
import pickle
import resource
import sys
import traceback
from pathlib import Path
from typing import IO

from assistant.store.chroma import ChromaStore


def serve(path: Path, source: IO[bytes], sink: IO[bytes]) -> int:
    """The child's loop: write each part read from ``source``, answering ``{"written"}``
    to ``sink``, until the input ends; then answer ``{"peak_rss_mib"}``. A failure answers
    ``{"error"}`` and ends the loop. Returns the exit code."""
    store = ChromaStore(path)
    written = 0
    try:
        while True:
            try:
                people, ids, matrix = pickle.load(source)
            except EOFError:
                break
            rows = dict(zip(ids, matrix, strict=True))
            store.upsert_many([(p, {st.id: rows[st.id] for st in p.statements()})
                               for p in people])
            written += len(people)
            pickle.dump({"written": len(people)}, sink)  # the parent waits for this
            sink.flush()
    except Exception:  # reported to the parent, which raises it
        pickle.dump({"error": traceback.format_exc(), "before": written}, sink)
        sink.flush()
        return 1
    finally:
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mib = peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
    pickle.dump({"total": written, "peak_rss_mib": round(peak_mib, 1)}, sink)
    sink.flush()
    return 0


def _main() -> int:
    """The writer process: the answer goes to the parent on the original standard output,
    and anything a library prints there goes to standard error instead."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return serve(Path(sys.argv[1]), sys.stdin.buffer, answer)


if __name__ == "__main__":  # the writer process of WriterProcess
    sys.exit(_main())
