"""The `smartassist` command: serve, db upgrade, demo, token."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from smartassist import client_token, demo, migrate
from smartassist.clock import now_ms
from smartassist.config import Settings
from smartassist.crypto import SecretBox
from smartassist.db import make_engine, make_sessionmaker
from smartassist.ops import http_server
from smartassist.ops.logging_config import server_log_config
from smartassist.ops.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

app = typer.Typer(help="smartassist-server: a self-hosted SmartAssist analytics API.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _prepare(settings: Settings) -> None:
    """Migrate, and make the generated secrets exist before any worker starts."""
    migrate.upgrade(settings.resolved_database_url())
    settings.resolved_secret_key()
    token_file = settings.admin_token_file()
    if token_file is not None:
        created = not token_file.exists()
        settings.resolved_admin_token()
        if created:
            # Never the token itself: this stream ends up in logs (journald, docker logs) others may read.
            typer.echo(f"Generated an admin token into {token_file} (mode 0600); read it from there", err=True)
        else:
            typer.echo(f"Admin token: read from {token_file} (or set SMARTASSIST_ADMIN_TOKEN)", err=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
) -> None:
    """Apply migrations, then run the HTTP server."""
    settings = Settings()
    _prepare(settings)
    if workers > 1 or os.environ.get(MULTIPROC_ENV):
        # prometheus-client reads this at import, in each worker: set it before uvicorn spawns them.
        os.environ[MULTIPROC_ENV] = str(prepare_multiprocess_dir(settings.data_dir / "prometheus"))
    http_server.serve(
        "smartassist.app:create_app",
        settings,
        workers,
        factory=True,
        host=host,
        port=port,
        log_level=settings.log_level,
        log_config=server_log_config(settings.log_level),
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: head)."""
    migrate.upgrade(Settings().resolved_database_url(), revision)
    typer.echo(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(..., help="Target revision, e.g. base.")) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(Settings().resolved_database_url(), revision)
    typer.echo(f"database at {revision}")


@app.command()
def token(
    client_id: str = typer.Option(..., "--client-id", help="The app's clientId (becomes the appId claim)."),
    client_secret: str = typer.Option(
        ...,
        "--client-secret",
        envvar="SMARTASSIST_CLIENT_SECRET",
        help="The app's client secret (or env SMARTASSIST_CLIENT_SECRET).",
        show_envvar=True,
    ),
    alg: str = typer.Option("HS256", "--alg", help="HS256 or HS512 (must be enabled on the app)."),
    jti: bool = typer.Option(False, "--jti", help="Add a random jti (and exp within 1 h) for Enforce JTI apps."),
    ttl: int | None = typer.Option(None, "--ttl", min=1, help="Expire after SECONDS (sets exp)."),
    jwe_key: Path | None = typer.Option(
        None,
        "--jwe-key",
        exists=True,
        dir_okay=False,
        help="Public JWK file (or credentials JSON) to encrypt to (Enforce JWE).",
    ),
    sub: str | None = typer.Option(None, "--sub", help="Optional sub claim."),
) -> None:
    """Mint a token like a client would, and print it alone on stdout."""
    try:
        public_jwk = client_token.load_public_jwk(jwe_key) if jwe_key is not None else None
        minted = client_token.mint(
            client_id, client_secret, alg=alg, sub=sub, with_jti=jti, ttl_s=ttl, public_jwk=public_jwk
        )
    except client_token.TokenOptionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(minted)


@app.command("demo")
def demo_command(
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Where the server listens (for the curl lines)."),
) -> None:
    """Load a demo account, app, bot, 20 agents and a week of data; print credentials and curl commands.

    Safe to run again: the demo account and app are found by name and the data is upserted, so a second
    run adds only the hours that passed since the first.
    """
    settings = Settings()
    _prepare(settings)
    engine = make_engine(settings.resolved_database_url())
    try:
        with make_sessionmaker(engine)() as session:
            setup = demo.ensure_account_and_app(session, SecretBox(settings.resolved_secret_key()))
            agents = demo.demo_agents()
            end = demo.week_end(now_ms())
            week = demo.generate_week(agents, end)
            with typer.progressbar(length=len(agents) + week.size, label="Loading demo data", file=sys.stderr) as bar:
                demo.load(session, setup, agents, week, bar.update)
    finally:
        engine.dispose()
    executable = Path(sys.executable).with_name("smartassist")
    command = str(executable) if executable.exists() else f"{sys.executable} -m smartassist"
    typer.echo(demo.instructions(setup, end, base_url, command))


def main() -> None:
    app()
