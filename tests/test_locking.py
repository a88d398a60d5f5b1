"""Two processes on one data folder: shared readers, one exclusive writer, never waiting."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import DataDirBusy
from assistant.service import PairingService
from assistant.store import DataDirLock

# Opens the service on the folder in argv[1] with the mode in argv[2], says "ready",
# and holds the folder until a line arrives on stdin (or the process is killed).
HOLDER = """
import sys
from pathlib import Path
from assistant.config import Settings
from assistant.service import PairingService
service = PairingService(Settings(data_dir=Path(sys.argv[1]), store="chroma"),
                         mode=sys.argv[2], command="test-holder")
print("ready", flush=True)
sys.stdin.readline()
service.close()
print("closed", flush=True)
"""
STARTUP_TIMEOUT = 120  # generous: only a safety net against a hung child, never a measurement


class Holder:
    def __init__(self, folder: Path, mode: str) -> None:
        env = dict(os.environ, PAIRING_DATA_DIR=str(folder))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(folder), mode], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        line = self._readline()
        assert line == "ready", f"holder did not start: {line!r} {self.stderr()}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _readline(self) -> str:
        assert self.proc.stdout is not None
        import selectors

        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=STARTUP_TIMEOUT):
                self.proc.kill()
                pytest.fail("holder process did not answer in time")
        return self.proc.stdout.readline().strip()

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return ""
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        assert self._readline() == "closed"
        self.proc.wait(timeout=STARTUP_TIMEOUT)

    def crash(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=STARTUP_TIMEOUT)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STARTUP_TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def holder(data_dir: Path) -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for h in started:
        h.stop()


@contextlib.contextmanager
def hang_guard(seconds: float = 60) -> Iterator[None]:
    """Fail instead of hanging if an open ever waits for a lock (a safety net, not a timing)."""
    def timeout(*_: object) -> None:
        raise TimeoutError("opening the data folder waited for a lock")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def open_service(folder: Path, mode: str, embeddings: object) -> PairingService:
    with hang_guard():
        return PairingService(Settings(data_dir=folder, store="chroma"), mode=mode,  # type: ignore[arg-type]
                              embeddings=embeddings)  # type: ignore[arg-type]


def test_exclusive_open_fails_at_once_while_a_reader_holds_the_folder(
    data_dir: Path, holder: list[Holder], embeddings: object
) -> None:
    reader = Holder(data_dir, "shared")
    holder.append(reader)

    with pytest.raises(DataDirBusy) as info:
        open_service(data_dir, "exclusive", embeddings)
    busy = info.value
    assert f"pid {reader.pid}" in busy.holder
    assert "test-holder" in busy.holder and "shared" in busy.holder
    assert busy.wanted == "exclusive"
    assert str(data_dir) in str(busy) and f"pid {reader.pid}" in str(busy)

    # another reader is welcome at the same time
    second = open_service(data_dir, "shared", embeddings)
    assert second.participants() == []
    second.close()

    # once the holder has gone, the writer gets in
    reader.release()
    writer = open_service(data_dir, "exclusive", embeddings)
    try:
        assert writer.lock is not None and writer.lock.mode == "exclusive"
    finally:
        writer.close()


def test_shared_open_fails_while_a_writer_holds_the_folder(
    data_dir: Path, holder: list[Holder], embeddings: object
) -> None:
    writer = Holder(data_dir, "exclusive")
    holder.append(writer)
    with pytest.raises(DataDirBusy, match=f"pid {writer.pid}.*exclusive"):
        open_service(data_dir, "shared", embeddings)
    writer.release()
    open_service(data_dir, "shared", embeddings).close()


def test_a_killed_holder_does_not_block(
    data_dir: Path, holder: list[Holder], embeddings: object
) -> None:
    crashed = Holder(data_dir, "exclusive")
    holder.append(crashed)
    with pytest.raises(DataDirBusy):
        open_service(data_dir, "shared", embeddings)
    crashed.crash()
    assert crashed.proc.returncode == -signal.SIGKILL
    # the OS dropped the lock with the process; its note may stay behind but blocks nothing
    service = open_service(data_dir, "exclusive", embeddings)
    try:
        assert service.participants() == []
        # and a dead process is never named as a holder
        assert f"pid {crashed.pid}" not in DataDirLock(data_dir, "shared").holders()
    finally:
        service.close()


def test_lock_is_released_on_close_within_one_process(data_dir: Path) -> None:
    first = DataDirLock(data_dir, "exclusive", "first").acquire()
    with pytest.raises(DataDirBusy):
        DataDirLock(data_dir, "shared").acquire()
    first.release()
    with (DataDirLock(data_dir, "shared"), DataDirLock(data_dir, "shared"),
          pytest.raises(DataDirBusy)):
        DataDirLock(data_dir, "exclusive").acquire()
    with DataDirLock(data_dir, "exclusive") as lock:
        assert lock.mode == "exclusive"
