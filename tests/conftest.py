"""Shared fixtures: a private data folder per test, one real embedding model per session.

Principles: real components on small data (the packaged all-MiniLM-L6-v2 model and a
real Chroma store in ``tmp_path``), nothing touches the user's data folder, and the
model is loaded once per session.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from chroma_server import ChromaServer

from assistant.config import DEFAULT_EMBEDDING, Settings
from assistant.embed import CachedEmbeddings, SentenceTransformerModel
from assistant.embed.vocabulary import ConceptEnrichedEmbeddings, load_vocabulary
from assistant.service import PairingService

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CSV_FIELDS = (
    "id", "name", "offers", "wants", "role", "department", "manager_id", "location",
    "timezone", "career_stage", "capacity", "current_pairs", "goals",
)


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def write_participants_csv(
    path: Path, rows: Iterable[Mapping[str, Any]], fields: Iterable[str] | None = None
) -> Path:
    """Write participant rows (offers/wants may be lists, joined with '; ') as CSV."""
    rows = list(rows)
    if fields is None:
        used = {k for r in rows for k in r}
        fields = [f for f in CSV_FIELDS if f in used] + sorted(used - set(CSV_FIELDS))
    fields = list(fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in fields})
    return path


def write_participants_jsonl(path: Path, rows: Iterable[Mapping[str, Any] | str]) -> Path:
    """Write one JSON object a line; a ``str`` row is written verbatim (for bad lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(dict(r)) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; nothing may touch the user's real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PAIRING_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name in ("PAIRING_STORE", "PAIRING_EMBEDDING", "PAIRING_LLM", "PAIRING_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One real Chroma server (``chroma run``) for the session, started on first use."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    yield server
    server.stop()


@pytest.fixture
def chroma_url(chroma_server: ChromaServer) -> str:
    """The session's Chroma server, emptied for this test."""
    chroma_server.wipe()
    return chroma_server.url


@pytest.fixture(scope="session")
def st_model() -> SentenceTransformerModel:
    """The real packaged sentence-transformers model, loaded once per session."""
    model = SentenceTransformerModel()
    model.embed_query("warm up")  # load now, not inside the first test that uses it
    return model


@pytest.fixture(scope="session")
def embedder(
    st_model: SentenceTransformerModel, request: pytest.FixtureRequest
) -> CachedEmbeddings:
    """Session-wide in-memory cache around the production default embeddings: the real
    model plus the skills vocabulary (repeated texts embed once). The vocabulary's alias
    vectors are kept in pytest's cache folder, as a data folder keeps them (in a folder of
    the session when the cache is off: ``-p no:cacheprovider``)."""
    cache = getattr(request.config, "cache", None)
    folder = (cache.mkdir("vocabulary") if cache is not None
              else request.getfixturevalue("tmp_path_factory").mktemp("vocabulary"))
    enriched = ConceptEnrichedEmbeddings(st_model, load_vocabulary(), st_model.name,
                                         cache_dir=folder)
    return CachedEmbeddings(enriched, None, enriched.name)


@pytest.fixture
def embeddings(embedder: CachedEmbeddings) -> CachedEmbeddings:
    """A per-test cache in front of the session one: counters and ``forget`` are per test."""
    return CachedEmbeddings(embedder, None, embedder.model_name)


@pytest.fixture
def write_csv() -> Callable[..., Path]:
    return write_participants_csv


@pytest.fixture
def write_jsonl() -> Callable[..., Path]:
    return write_participants_jsonl


_DEFAULT = object()


@pytest.fixture
def service_factory(
    data_dir: Path, embeddings: CachedEmbeddings
) -> Iterator[Callable[..., PairingService]]:
    """Open :class:`PairingService` on the test's data folder (closed after the test).

    ``embeddings`` defaults to the per-test cache around the shared model; pass
    ``embeddings=None`` to let the service build its own model and SQLite cache.
    """
    opened: list[PairingService] = []

    def factory(
        mode: str = "exclusive", embeddings: Any = _DEFAULT, folder: Path | None = None,
        **kwargs: Any,
    ) -> PairingService:
        emb = embeddings_default if embeddings is _DEFAULT else embeddings
        settings = Settings(
            data_dir=folder or data_dir, store="chroma", embedding=DEFAULT_EMBEDDING
        )
        service = PairingService(settings, mode=mode, embeddings=emb, **kwargs)  # type: ignore[arg-type]
        opened.append(service)
        return service

    embeddings_default = embeddings
    yield factory
    for service in reversed(opened):
        service.close()


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory, embedder: CachedEmbeddings
) -> Iterator[PairingService]:
    """The demo corpus, ingested once per session and opened shared (as ``pairing chat``
    does), so a command-line test may read the same folder at the same time."""
    folder = tmp_path_factory.mktemp("demo-data")
    settings = Settings(data_dir=folder, store="chroma", embedding=DEFAULT_EMBEDDING)
    cached = CachedEmbeddings(embedder, None, embedder.model_name)
    with PairingService(settings, mode="exclusive", embeddings=cached) as service:
        service.ingest([CORPUS])
    service = PairingService(settings, mode="shared", embeddings=cached)
    yield service
    service.close()


@pytest.fixture(autouse=True)
def _demo_record_per_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The session's ``demo`` is shared, but its programme record is each test's own: a
    chat selection proposes a pair and "not him" is remembered, so what one test's chat
    recorded is erased before the next test asks."""
    yield
    if "demo" not in request.fixturenames:
        return
    programme = request.getfixturevalue("demo").programme
    people = {pid for pair in programme.pairs() for pid in pair.ids}
    people |= {d.participant for d in programme.dismissals()}
    for pid in sorted(people):
        programme.forget(pid)


def raw_files(folder: Path) -> list[Path]:
    """Every regular file below ``folder``."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def files_containing(folder: Path, needle: str) -> list[Path]:
    """Files below ``folder`` whose raw bytes contain ``needle`` (UTF-8 or UTF-16)."""
    patterns = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    hits = []
    for file in raw_files(folder):
        data = file.read_bytes()
        if any(p in data for p in patterns):
            hits.append(file)
    return hits


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh --with-browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
