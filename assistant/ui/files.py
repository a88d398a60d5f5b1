"""Where the chat's downloads live, and who may fetch them.

Agendas and cohort CSVs name people, so they are written only under the data folder
(``DATA_DIR/ui/<pid>/``; Gradio's own cache is pointed there too, so it serves them in
place instead of copying them to the system's temporary folder). The folder of a process
is emptied when it exits and, if it was killed, by the next chat that starts; ``pairing
forget`` empties them all. With logins, each login's files sit in a folder of their own and
:class:`OwnFilesOnly` refuses them to every other login, whatever link they hold.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                Awaitable[None]]
UI_FOLDER = "ui"
ANYONE = "anyone"


def download_root(service: Any) -> Path:
    """This process's download folder (created empty, removed at exit); folders of chat
    processes that are gone are removed first. Gradio's cache is pointed at it."""
    if getattr(service, "persistent", False):
        base = Path(service.data_dir) / UI_FOLDER
    else:  # an in-memory service (tests, benchmarks): nothing of it may outlive the process
        base = Path(tempfile.gettempdir()) / f"pairing-ui-{os.getuid()}"
    base.mkdir(parents=True, exist_ok=True)
    for folder in base.iterdir():
        if folder.is_dir() and folder.name.isdigit() and not _running(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
    root = base / str(os.getpid())
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(mode=0o700)
    atexit.register(shutil.rmtree, root, True)
    os.environ["GRADIO_TEMP_DIR"] = str(root)  # read by Gradio when it builds components
    return root.resolve()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_name(username: str | None) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:20] if username else ANYONE


def owner_folder(root: Path, username: str | None) -> Path:
    """The folder of one login's files (``anyone`` when there are no logins)."""
    folder = root / owner_name(username)
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _requested_file(path: str) -> str | None:
    for marker in ("/file=", "/file/"):
        at = path.find(marker)
        if at >= 0:
            return path[at + len(marker):]  # decoded once by the server, as Gradio sees it
    return None


class OwnFilesOnly:
    """ASGI middleware: a file in a login's download folder goes to that login only."""

    def __init__(self, app: ASGI, root: Path) -> None:
        self.app = app
        self.root = root

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            wanted = _requested_file(str(scope.get("path", "")))
            if wanted is not None and not self._allowed(scope, wanted):
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"File not allowed."})
                return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope, wanted: str) -> bool:
        try:
            target = Path(wanted).resolve()
            inside = target.relative_to(self.root)
        except (ValueError, OSError, RuntimeError):
            return True  # not a download: Gradio's own rules decide
        app = scope.get("app")
        if getattr(app, "auth", None) is None or not inside.parts:
            return True  # no logins: everyone is the same person
        return inside.parts[0] == owner_name(_user(scope, app))


def _user(scope: Scope, app: Any) -> str | None:
    from starlette.requests import Request

    cookies = Request(scope).cookies
    cookie_id = getattr(app, "cookie_id", "")
    token = (cookies.get(f"access-token-{cookie_id}")
             or cookies.get(f"access-token-unsecure-{cookie_id}"))
    user = getattr(app, "tokens", {}).get(token) if token else None
    return str(user) if user else None
