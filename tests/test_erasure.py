"""Forget forgets everywhere: after ``pairing forget``, no file that the ingest, the chat or
the forget wrote holds a byte of the person, wherever it was written.

The chat runs as its own process with a private HOME and TMPDIR, serves the person's
agenda (.md, .ics) and the coordinator's cohort CSV, and stops; a second chat is killed
with SIGKILL while holding an agenda. A rejected row of the person sits in a rejects file
written with ``--rejects`` outside the data folder. Then ``pairing forget`` runs, and every
file under the data folder, the rejects location, HOME and TMPDIR is searched.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import files_containing, write_participants_csv
from gradio_client import Client
from ui_support import free_port

from assistant.config import Settings
from assistant.embed import CachedEmbeddings
from assistant.service import PairingService

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
CANARY = "Zephyrine Quokkabridge"
CANARY_ID = "zq-4417"
CANARY_SKILL = "quokka husbandry dashboards"


#: ``pairing`` with Ctrl+C turned into KeyboardInterrupt as in a terminal, even when this
#: test runs in a background job (whose children inherit SIGINT ignored, and Python then
#: leaves it ignored: the chat would never see the interrupt)
_INTERRUPTIBLE = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                  "from assistant.cli import main; sys.exit(main(sys.argv[1:]))")


def start_chat(env: dict[str, str], data: Path, port: int,
               log: Path) -> subprocess.Popen[str]:
    """The chat as its own process; what it prints goes to ``log`` (the terminal's part,
    outside every folder searched), never to a pipe nobody reads while it runs: a full
    pipe would block the chat, and a blocked chat cannot stop when told to."""
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _INTERRUPTIBLE, "--data-dir", str(data), "chat", "--port",
             str(port)], stdout=out, stderr=subprocess.STDOUT, text=True, env=env)
    end = time.monotonic() + 900
    while time.monotonic() < end:
        assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError("the chat did not start")


def agenda_and_cohort(url: str) -> list[str]:
    """Sign in as the canary, choose a partner, draft the agenda, pair the cohort: the
    server paths of every file it served."""
    client = Client(url, verbose=False, download_files=False)
    client.predict(CANARY_ID, api_name="/sign_in")
    client.predict("who would be a good partner for me?", api_name="/send")
    client.predict("pair me with the first one", api_name="/send")
    *_, md, ics = client.predict("draft our first session agenda", api_name="/send")
    *_, cohort = client.predict(api_name="/pair_cohort")
    paths = [_path(v) for v in (md, ics, cohort)]
    for path in paths:
        assert Path(path).exists(), path
    assert CANARY.encode() in Path(paths[0]).read_bytes()
    assert CANARY_ID.encode() in Path(paths[2]).read_bytes()
    return paths


def _path(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    assert isinstance(value, dict) and value.get("path"), value
    return str(value["path"])


def test_forget_leaves_no_byte_of_the_person_in_any_file_written(
        tmp_path: Path, embedder: CachedEmbeddings) -> None:
    sandbox = tmp_path / "sandbox"
    home, tmp = sandbox / "home", sandbox / "tmp"
    home.mkdir(parents=True)
    tmp.mkdir()
    data = tmp_path / "data"
    outside = tmp_path / "elsewhere" / "rejects.csv"
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    with (ROOT / "corpus" / "participants.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    canary = {**rows[-1], "id": CANARY_ID, "name": CANARY, "manager_id": "",
              "offers": f"{CANARY_SKILL}; Snapchat stories", "wants": "business strategy"}
    write_participants_csv(corpus / "participants.csv", [*rows, canary])
    later = write_participants_csv(tmp_path / "update.csv",
                                   [{**canary, "timezone": "Europe", "goals": CANARY}])
    with PairingService(Settings(data_dir=data, store="chroma"), mode="exclusive",
                        embeddings=CachedEmbeddings(embedder, data / "embed-cache.sqlite",
                                                    embedder.model_name)) as service:
        service.ingest([corpus])
        report = service.ingest([later], rejects_path=outside)
        assert report.rejected == 1 and CANARY.encode() in outside.read_bytes()

    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home), "TMPDIR": str(tmp),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_DATA_HOME": str(home / ".local")}
    env.pop("GRADIO_TEMP_DIR", None)
    started = time.time()
    # a chat that stops as with Ctrl+C
    port = free_port()
    log = tmp_path / "chat-1.log"
    chat = start_chat(env, data, port, log)
    served = agenda_and_cohort(f"http://127.0.0.1:{port}/")
    assert all(Path(p).is_relative_to(data) for p in served)
    chat.send_signal(signal.SIGINT)
    try:
        chat.wait(timeout=120)
    except subprocess.TimeoutExpired:
        chat.kill()
        raise AssertionError("the chat did not stop on SIGINT:\n"
                             + log.read_text(encoding="utf-8", errors="replace")) from None
    assert not [p for p in served if Path(p).exists()]  # removed on exit
    # a chat that is killed while holding the person's files
    port = free_port()
    chat = start_chat(env, data, port, tmp_path / "chat-2.log")
    served = agenda_and_cohort(f"http://127.0.0.1:{port}/")
    chat.kill()
    chat.wait()
    assert files_containing(data, CANARY)

    forget = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "--data-dir", str(data), "forget", CANARY_ID],
        capture_output=True, text=True, env=env, timeout=900)
    assert forget.returncode == 0, forget.stderr
    assert "1 rejected rows" in forget.stdout  # the one outside the data folder

    searched = [data, outside.parent, home, tmp]
    for needle in (CANARY, CANARY_ID, CANARY_SKILL):
        for folder in searched:
            assert files_containing(folder, needle) == [], (needle, folder)
    # and nothing of it went to the machine's own temporary folder
    system_tmp = Path(tempfile.gettempdir()) / "gradio"
    recent = [p for p in system_tmp.rglob("*") if p.is_file()
              and p.stat().st_mtime >= started] if system_tmp.is_dir() else []
    assert [p for p in recent if CANARY.encode() in p.read_bytes()] == []
    written = sum(1 for folder in searched for p in folder.rglob("*") if p.is_file())
    print(f"files searched for the canary: {written}")
