"""A shared deployment end to end: one Chroma server, a chat serving, a coordinator ingesting.

The chat runs in this process (a PairingService with an open Conversation and the Gradio
app on a free port); ``pairing ingest --chroma-url`` runs as another process on the same
data folder while it serves. The people it adds must be answerable in the open chat.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from chroma_server import free_port
from conftest import write_participants_csv
from gradio_client import Client

from assistant import cli
from assistant.config import Settings
from assistant.converse.conversation import Conversation
from assistant.embed import CachedEmbeddings, SentenceTransformerModel
from assistant.service import PairingService
from assistant.ui import gradio_app

ROOT = Path(__file__).resolve().parents[1]
#: the plain packaged model on both sides: the subprocess then skips the vocabulary's
#: start-up cost, which this test is not about
EMBEDDING = "sentence-transformers"
HARPSICHORD = "who can teach me restoring antique harpsichords"
BASE = [
    dict(id="p1", name="Ada Byrne", offers="Public speaking", wants="Python basics",
         department="Sales"),
    dict(id="p2", name="Ben Okafor", offers="Excel budgeting", wants="Public speaking",
         department="Finance"),
]
NEWCOMER = dict(id="hn1", name="Hana Novak", offers="Restoring antique harpsichords",
                wants="Excel budgeting", department="Music")
CARD_ID = re.compile(r'class="pa-card[^"]*" data-id="([^"]+)"')


def test_ingest_while_the_chat_serves_answers_with_the_new_people(
    chroma_url: str, data_dir: Path, tmp_path: Path, st_model: SentenceTransformerModel
) -> None:
    settings = Settings(data_dir=data_dir, store="chroma", embedding=EMBEDDING,
                        chroma_url=chroma_url)

    def embeddings() -> CachedEmbeddings:
        return CachedEmbeddings(st_model, None, st_model.name)

    with PairingService(settings, mode="exclusive", embeddings=embeddings()) as first:
        first.ingest([write_participants_csv(tmp_path / "base.csv", BASE)])

    service = PairingService(settings, mode="shared", embeddings=embeddings())
    port = free_port()
    demo = gradio_app.launch(service, port=port, prevent_thread_lock=True, quiet=True)
    try:
        chat = Conversation(service, None)
        before = chat.send(HARPSICHORD)
        assert before.result is not None and before.result.abstained

        newcomers = write_participants_csv(tmp_path / "new.csv", [NEWCOMER])
        env = dict(os.environ, PAIRING_EMBEDDING=EMBEDDING, PAIRING_DATA_DIR=str(data_dir),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                            os.environ.get("PYTHONPATH")])))
        ingest = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest", str(newcomers),
             "--chroma-url", chroma_url, "--quiet"],
            capture_output=True, text=True, env=env, timeout=600,
        )
        assert ingest.returncode == 0, ingest.stderr
        assert "1 added" in ingest.stdout

        # the conversation opened before the ingest answers with the newcomer
        after = chat.send(HARPSICHORD)
        assert [c.id for c in after.candidates][:1] == ["hn1"], after.text
        assert "Hana Novak" in chat.context.names  # and knows her name now

        # and so does the Gradio app that was serving all along
        client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False,
                        download_files=str(tmp_path / "downloads"))
        *_, profile = client.predict("hn1", api_name="/sign_in")
        assert "Hana Novak" in profile
        _, _, cards, *_ = client.predict("who can teach me Excel budgeting", api_name="/send")
        assert CARD_ID.findall(cards)[:1] == ["p2"], cards
    finally:
        demo.close()
        service.close()


def test_the_environment_names_the_server(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("PAIRING_CHROMA_URL", url)
    assert Settings().chroma_url == url
    assert cli.main(["stats"]) == 7
    assert f"Cannot reach the Chroma server at {url}" in capsys.readouterr().err
