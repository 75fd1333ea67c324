"""Settings: the only place that reads the environment (prefix SMARTASSIST_)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The data directory holds the SQLite database (which SQLite creates world-readable under the usual umask)
# next to the generated secrets: only the server's user may enter it. Applies when the server creates it.
DATA_DIR_MODE = 0o700


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

    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded default: a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'smartassist.db').resolve()}"

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
        return path.read_text().strip()
    path.parent.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
