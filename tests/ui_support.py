"""Helpers shared by the UI tests: serve the Gradio app on a free loopback port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.embed import CachedEmbeddings
from assistant.service import PairingService
from assistant.ui import gradio_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def open_service(folder: Path, embedder: CachedEmbeddings, mode: str) -> PairingService:
    return PairingService(
        Settings(data_dir=folder, store="chroma"), mode=mode,  # type: ignore[arg-type]
        embeddings=CachedEmbeddings(embedder, None, embedder.model_name),
    )


def serve(
    folder: Path, sources: list[Path], embedder: CachedEmbeddings, **launch: Any
) -> Iterator[tuple[str, Any, PairingService]]:
    """Ingest exclusively, close, reopen shared and launch the app on a free port
    (``launch``: more arguments for :func:`gradio_app.launch`, e.g. logins)."""
    with open_service(folder, embedder, "exclusive") as service:
        service.ingest(sources)
    service = open_service(folder, embedder, "shared")
    port = free_port()
    demo = gradio_app.launch(service, port=port, prevent_thread_lock=True, quiet=True, **launch)
    try:
        yield f"http://127.0.0.1:{port}/", demo, service
    finally:
        demo.close()
        service.close()
