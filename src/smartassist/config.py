"""Settings: the only place that reads the environment (prefix SMARTASSIST_)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url

# The data directory holds the SQLite database (which SQLite creates world-readable under the usual umask)
# next to the generated secrets: only the server's user may enter it. Applies when the server creates it.
DATA_DIR_MODE = 0o700
# Every file the server writes there is the server user's alone, whatever the directory's mode (a directory
# made by hand, or by a container volume, is often 0755).
PRIVATE_FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SMARTASSIST_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str | None = None
    admin_token: str | None = None
    secret_key: str | None = None
    log_level: str = "info"
    jwt_leeway_seconds: int = 30
    max_token_bytes: int = 8192
    max_body_bytes: int = 10 * 1024 * 1024
    max_batch_records: int = 10_000
    rate_limit_per_minute: int = Field(default=0, ge=0)
    # What the limit counts: each account's requests (the vendor's "account level") or each app's.
    rate_limit_scope: Literal["account", "app"] = "account"
    redis_url: str | None = None
    # Threads per worker process for the routes that run in a thread (UserStatus, ingest, admin). Under the GIL
    # a few suffice to overlap database waits; more only contend for it, which delayed everything else the
    # worker serves (bench_load: IntentRealtimeData p99 in the mix 212 ms with 12 threads, 152 with 4).
    worker_threads: int = Field(default=4, ge=1, le=64)
    # How long a worker may answer token checks from the app credentials it read (auth/credentials.py): an
    # app's change or deletion takes effect everywhere within this time. 0 reads them for every request.
    credentials_cache_seconds: float = Field(default=1.0, ge=0, le=1)
    # Per connection and request (ops/http_server.py; docs/API.md §10 Limits). The head must hold a token of
    # max_token_bytes with room to spare.
    max_request_line_bytes: int = Field(default=8192, ge=256)
    max_request_head_bytes: int = Field(default=32768, ge=1024)
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=60.0, gt=0)
    keep_alive_timeout_seconds: int = Field(default=5, ge=1)
    max_connections: int = Field(default=512, ge=1)
    # Failed authentications per client address and minute before 429 (auth/failed_auth.py); 0 = no limit.
    failed_auth_per_minute: int = Field(default=60, ge=0)
    # Days of contact-center history `smartassist db prune` keeps (contactcenter/retention.py); None keeps all.
    retention_days: int | None = Field(default=None, ge=1)
    # The routes that render large bodies (analytics/heavy.py; docs/API.md §10 Limits): the largest response one
    # request may ask for (400 naming a smaller page or a coarser granularity beyond it), and how many of them
    # one account may have in progress at once per worker process (429 beyond it; 0 = no limit). Fewer than
    # worker_threads, so another account's request always finds a thread.
    max_response_bytes: int = Field(default=64 * 1024 * 1024, ge=65536)  # heavy.DEFAULT_MAX_RESPONSE_BYTES
    heavy_requests_per_account: int = Field(default=2, ge=0)
    # FastAPI's native OpenTelemetry traces, metrics and logs (active once an OpenTelemetry provider is configured).
    # Off unless asked for: FastAPI checks for a provider on every request otherwise, ~6 % of an in-process Call
    # Details request's CPU (py-spy; bench_call_details.py). The server's own metrics are at /metrics.
    otel_telemetry: bool = False

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded default: a SQLite file in the data directory. A SQLite file is
        made private (private_sqlite_files) before any connection opens it."""
        if self.database_url:
            url = self.database_url
        else:
            self.data_dir.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
            url = f"sqlite:///{(self.data_dir / 'smartassist.db').resolve()}"
        private_sqlite_files(url)
        return url

    def resolved_secret_key(self) -> str:
        return self.secret_key or _load_or_create(self.data_dir / "secret.key")

    def resolved_admin_token(self) -> str:
        return self.admin_token or _load_or_create(self.data_dir / "admin.token")

    def admin_token_file(self) -> Path | None:
        """Where the generated admin token lives, when none is configured."""
        return None if self.admin_token else self.data_dir / "admin.token"


def _load_or_create(path: Path) -> str:
    """Read a generated secret, or create it (mode 0600) on first use.

    The value is written to a private temp file and hard-linked into place, so two processes
    starting at once agree on one complete value.
    """
    if path.exists():
        path.chmod(PRIVATE_FILE_MODE)
        return path.read_text().strip()
    path.parent.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)  # whatever the umask
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def private_sqlite_files(url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (SQLite gives its -wal, -shm and -journal files the
    main file's mode), and make an existing one and its side files 0600. Other URLs are left alone."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return
    database = Path(parsed.database)
    if not database.exists():
        database.parent.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    for path in (database, *(database.with_name(database.name + suffix) for suffix in SQLITE_SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            path.chmod(PRIVATE_FILE_MODE)
