"""The same question on the same data gets the same answer in every process.

Three fresh interpreters (each with its own string-hash seed, its own load of the Chroma
folder) answer the same requests; the replies must be identical. Before retrieval was
exact, the signed-in chief executive's request counted 57 people on her reporting line
in one process and 58 in the next.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embed import CachedEmbeddings
from assistant.service import PairingService

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, sys
from assistant.config import Settings
from assistant.converse.conversation import Conversation
from assistant.present import markdown
from assistant.service import PairingService

requests = [
    ("hf001", ["who can teach me Snapchat and wants strategy help"]),
    ("hf002", ["who would be a good partner for me?", "more", "only people in London"]),
    (None, ["I'm keen to pick up TikTok and could offer help with budgeting", "why?"]),
    ("hf024", ["who can teach me Instagram and wants strategy help", "not in my department"]),
]
out = []
with PairingService(Settings().with_data_dir(sys.argv[1]), mode="shared") as service:
    for who, messages in requests:
        convo = Conversation(service, who)
        for message in messages:
            reply = convo.send(message)
            out.append([reply.kind, markdown(reply), [c.id for c in reply.candidates],
                        [round(c.score, 6) for c in reply.candidates]])
    result = service.pair_cohort()
    out.append([[p.a.id, p.b.id] for p in result.pairs])
    out.append(sorted(result.unmatched.items()))
print(json.dumps(out))
"""


def test_one_request_three_processes_one_answer(
        tmp_path: Path, embedder: CachedEmbeddings) -> None:
    data = tmp_path / "data"
    with PairingService(Settings(data_dir=data, store="chroma"), mode="exclusive",
                        embeddings=CachedEmbeddings(embedder, None, embedder.model_name)
                        ) as service:
        service.ingest([ROOT / "corpus"])
    # the processes build their own embedding model and cache, as `pairing ask` does
    (data / "embed-cache.sqlite").unlink(missing_ok=True)
    replies = []
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(data)], capture_output=True, text=True,
            timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-2000:]
        replies.append(json.loads(done.stdout))
    assert replies[0] == replies[1] == replies[2]
    answers = replies[0][:-2]
    assert [kind for kind, *_ in answers if kind == "error"] == []  # answered, not refused
    assert "on your reporting line" in answers[0][1]  # the request that once varied
