"""A real `smartassist serve` in a subprocess, for tests (and benchmarks) that kill or starve the server.

In-process TestClient can't show what happens when the process dies or its database connections drop:
these tests need the server as it runs in production, talking to it over loopback HTTP.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base_url: str, process: subprocess.Popen[Any] | None, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll /readyz until it answers 200; RuntimeError if the process exits first or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {timeout_s} s")


class ServerProcess:
    """`python -m smartassist serve` on a free loopback port, with its own data dir and database.

    start() waits for /readyz; kill() is SIGKILL (no shutdown handlers run); stop() is a clean SIGTERM.
    The server's output goes to `<data_dir>/server.log`, shown by `log_tail()` when a test fails.
    """

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        admin_token: str,
        secret_key: str,
        workers: int = 1,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self._env = {key: value for key, value in os.environ.items() if not key.startswith("SMARTASSIST_")}
        self._env.update(
            {
                "SMARTASSIST_DATABASE_URL": database_url,
                "SMARTASSIST_ADMIN_TOKEN": admin_token,
                "SMARTASSIST_SECRET_KEY": secret_key,
                "SMARTASSIST_DATA_DIR": str(data_dir),
                "SMARTASSIST_LOG_LEVEL": "warning",
                **(extra_env or {}),
            }
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "smartassist",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                cwd=self.data_dir,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()
        return self

    @property
    def pid(self) -> int:
        """The server's process id (with one worker, the process that serves)."""
        if self._process is None:
            raise RuntimeError("the server is not running")
        return self._process.pid

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        try:
            wait_ready(self.base_url, self._process, timeout_s)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}:\n{self.log_tail()}") from None

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn's supervisor and its workers) and reap it."""
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=10)
        self._process = None

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
            self._process.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._process = None

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server's processes (its process group), from /proc."""
        assert self._process is not None, "not started"
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[2]) == self._process.pid:  # pgrp: start_new_session made the server its leader
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
