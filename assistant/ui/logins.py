"""Logins of the chat UI from the command line (``pairing chat --auth/--coordinator/
--auth-file``), read and checked before anything is served; no Gradio here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputFormatError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
COORDINATOR_ROLE = ":coordinator"


def logins(
    auth: Sequence[str], coordinator: Sequence[str], auth_file: Path | None = None
) -> tuple[list[tuple[str, str]], set[str] | None]:
    """Logins for the chat UI and who among them may coordinate (None: every login).

    ``auth`` and ``coordinator`` hold ``USER:PASSWORD``; ``auth_file`` has one a line,
    ending in ``:coordinator`` for coordinators, ``#`` for comments. A user name has no
    ``:``; a password may, but does not start or end with a space.
    """
    entries = [(value, False, "--auth") for value in auth]
    entries += [(value, True, "--coordinator") for value in coordinator]
    if auth_file is not None:
        try:
            lines = auth_file.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InputFormatError(f"cannot read {auth_file}: {why}") from exc
        before = len(entries)
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                role = line.casefold().endswith(COORDINATOR_ROLE)
                entries.append((line[: -len(COORDINATOR_ROLE)] if role else line, role,
                                f"{auth_file} line {number}"))
        if len(entries) == before:
            raise InputFormatError(f"{auth_file} has no logins (one USER:PASSWORD a line)")
    found: dict[str, str] = {}
    chosen: set[str] = set()
    for value, is_coordinator, where in entries:
        user, sep, password = value.partition(":")
        user = user.strip()
        if not sep or not user or not password:
            raise InputFormatError(f"{where}: a login is USER:PASSWORD")
        if password != password.strip():
            raise InputFormatError(f"{where}: the password of '{user}' starts or ends with a "
                                   "space")
        if where == "--auth" and password.casefold().endswith(COORDINATOR_ROLE):
            raise InputFormatError(f"{where}: give coordinators with --coordinator "
                                   f"{user}:PASSWORD")
        if found.get(user, password) != password:
            raise InputFormatError(f"{where}: '{user}' is given two different passwords")
        found[user] = password
        if is_coordinator:
            chosen.add(user)
    return list(found.items()), (chosen or None)


__all__ = ["COORDINATOR_ROLE", "LOOPBACK", "logins"]
