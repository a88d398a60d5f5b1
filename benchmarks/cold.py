"""A cold ``pairing ask`` (a new process) against loading the model and encoding one sentence.

Both run as child processes, in turn (A B A B ...), and the ratio is taken pair by pair
so that a machine whose speed drifts still gives a fair ratio; CPU seconds (user +
system, the kernel's accounting of the finished child) are the figure to read, wall
seconds are reported beside them. Every asked sentence is new to the data folder's
embedding cache, so the ask loads the model as a person's first question would.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from statistics import median
from typing import Any

MODEL_LOAD = (
    "from assistant.embed import SentenceTransformerModel; "
    "SentenceTransformerModel().embed_query('who can teach me something new')"
)
#: asked in turn; none is a statement of the demo corpus or of the synthetic cohort
QUESTIONS = [
    "who can teach me drone photography and wants help with negotiation",
    "I'd like to learn podcast editing and can offer budgeting in return",
    "who can show me spreadsheet dashboards and wants presentation coaching",
    "anyone to teach me mobile video storytelling, I can help with contracts",
    "who can teach me online community building and wants strategy advice",
    "I want to learn no-code app building and could teach public speaking",
]


def _child(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and exit code of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:3])} failed: {done.stderr.decode()[-500:]}")
    return cpu, wall, done.returncode


def _cache_rows(data_dir: Path) -> int:
    db = sqlite3.connect(data_dir / "embed-cache.sqlite")
    try:
        return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
    finally:
        db.close()


def measure(data_dir: Path, runs: int = 3, start: int = 0) -> dict[str, Any]:
    """``runs`` pairs of (cold ask on ``data_dir``, model load); medians and ratios."""
    env = dict(os.environ, PAIRING_DATA_DIR=str(data_dir), PAIRING_CHROMA_URL="")
    pairing = [sys.executable, "-m", "assistant.cli", "ask"]
    load = [sys.executable, "-c", MODEL_LOAD]
    asks: list[tuple[float, float]] = []
    loads: list[tuple[float, float]] = []
    encoded = 0
    for r in range(runs):
        question = QUESTIONS[(start + r) % len(QUESTIONS)] + f" (run {start + r})"
        rows = _cache_rows(data_dir)
        cpu, wall, _ = _child([*pairing, question], env)
        encoded += int(_cache_rows(data_dir) > rows)  # the model really embedded it
        asks.append((cpu, wall))
        cpu, wall, _ = _child(load, env)
        loads.append((cpu, wall))
    return {
        "runs": runs, "asks_that_encoded": encoded,
        "ask_cpu_seconds": median(a[0] for a in asks),
        "ask_wall_seconds": median(a[1] for a in asks),
        "model_load_cpu_seconds": median(b[0] for b in loads),
        "model_load_wall_seconds": median(b[1] for b in loads),
        "ratio_cpu": median(a[0] / b[0] for a, b in zip(asks, loads, strict=True)),
        "ratio_wall": median(a[1] / b[1] for a, b in zip(asks, loads, strict=True)),
    }


def demo_corpus() -> Path | None:
    """The repository's demo corpus, when running from a checkout."""
    folder = Path(__file__).resolve().parent.parent / "corpus"
    return folder if (folder / "participants.csv").is_file() else None
