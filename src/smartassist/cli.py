"""The `smartassist` command: serve, db upgrade / downgrade / prune, demo, simulate, token."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import typer
from rich.console import Console

from smartassist import client_token, demo, migrate
from smartassist.clock import now_ms
from smartassist.config import Settings
from smartassist.contactcenter import retention
from smartassist.db import make_engine
from smartassist.ops import http_server
from smartassist.ops.logging_config import server_log_config
from smartassist.ops.metrics import MULTIPROC_ENV, prepare_multiprocess_dir
from smartassist.simulation import command, setup
from smartassist.simulation.writer import IngestError
from smartassist.timefmt import iso_ms

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
        "smartassist.app:serve_app",
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


@db_app.command("prune")
def db_prune(
    days: int | None = typer.Option(
        None, "--days", min=1, help="Days of history to keep [default: SMARTASSIST_RETENTION_DAYS]."
    ),
    batch: int = typer.Option(retention.DEFAULT_BATCH, "--batch", min=1, max=20_000, help="Rows per transaction."),
) -> None:
    """Delete contact-center history older than the retention (status events, interactions, logins,
    ended conversations); each agent's status at the cutoff is kept."""
    settings = Settings()
    keep = days or settings.retention_days
    if keep is None:
        typer.echo("no retention: set SMARTASSIST_RETENTION_DAYS or give --days", err=True)
        raise typer.Exit(2)
    cutoff = now_ms() - keep * 86_400_000
    engine = make_engine(settings.resolved_database_url())
    try:
        deleted = retention.prune(engine, cutoff, batch=batch)
    finally:
        engine.dispose()
    counts = ", ".join(f"{table} {count}" for table, count in deleted.items())
    typer.echo(f"deleted rows older than {iso_ms(cutoff)} ({keep} days): {counts}")


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


def _until(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO-8601 time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise typer.BadParameter("needs a zone (e.g. 2026-03-14T12:00:00Z)")
    return int(parsed.timestamp())


def _smartassist_command() -> str:
    executable = Path(sys.executable).with_name("smartassist")
    return str(executable) if executable.exists() else f"{sys.executable} -m smartassist"


@contextmanager
def _target(base_url: str | None) -> Iterator[tuple[httpx.Client, str | None]]:
    """Where the records go: a server over HTTP, or this machine's own app and database in process."""
    if base_url is not None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            yield client, None
        return
    settings = Settings()
    _prepare(settings)
    with command.in_process_client(settings) as client:
        yield client, settings.resolved_admin_token()


@app.command("simulate")
def simulate_command(
    days: int = typer.Option(1, min=0, max=366, help="Backfill whole UTC days: from N days before now, up to now."),
    live: bool = typer.Option(False, "--live", help="After the backfill, keep going in real time."),
    speed: float = typer.Option(1.0, min=0.001, help="Live: simulated seconds per real second."),
    duration: float | None = typer.Option(None, min=0, help="Live: stop after SECONDS (default: until Ctrl-C)."),
    seed: int = typer.Option(1, help="The world's seed: the same seed gives the same contact center."),
    agents: int = typer.Option(20, min=1, max=10_000, help="Number of agents."),
    base_url: str | None = typer.Option(
        None, help="A server to write to over HTTP (default: this machine's database, in process)."
    ),
    admin_token: str | None = typer.Option(
        None, envvar="SMARTASSIST_ADMIN_TOKEN", show_envvar=True, help="Admin token (finds or creates the account)."
    ),
    account: str = typer.Option("SmartAssist Simulation", help="Account name, found or created (admin token)."),
    account_id: str | None = typer.Option(None, help="An existing account's id instead of --account."),
    client_id: str | None = typer.Option(None, help="Write as this app (scope SmartAssist Data Ingestion)."),
    client_secret: str | None = typer.Option(
        None, envvar="SMARTASSIST_CLIENT_SECRET", show_envvar=True, help="The app's secret (with --client-id)."
    ),
    bot_id: str | None = typer.Option(None, help="The bot the sessions and conversations belong to."),
    until: str | None = typer.Option(None, help="Cut the backfill at this ISO-8601 time instead of now."),
    batch_size: int = typer.Option(5000, min=1, max=5000, help="Records per ingest request."),
    in_flight: int = typer.Option(
        1, min=1, max=4, help="Requests at once to a --base-url server (in process: one at a time)."
    ),
) -> None:
    """Fill every route with one consistent simulated contact center, through the ingest routes (§10).

    Re-running over the same period stores nothing twice: every record's id comes from the seed and the
    event, and a record already stored unchanged is counted as a duplicate.
    """
    console = Console(stderr=True, soft_wrap=True)
    options = command.Options(
        seed=seed,
        agents=agents,
        days=days,
        until=_until(until),
        live=live,
        speed=speed,
        duration_s=duration,
        bot_id=bot_id,
        batch_size=batch_size,
        in_flight=in_flight if base_url is not None else 1,
    )
    with _target(base_url) as (client, local_admin_token):
        token = admin_token or local_admin_token
        try:
            if client_id is not None:
                if client_secret is None or account_id is None:
                    raise typer.BadParameter("--client-id needs --client-secret and --account-id")
                headers = {"auth": client_token.mint(client_id, client_secret)}
                target_account = account_id
            elif token is None:
                raise typer.BadParameter("a remote server needs --admin-token (or --client-id and --client-secret)")
            else:
                headers = {"Authorization": f"Bearer {token}"}
                if account_id is not None:
                    setup.check_account(client, token, account_id)
                    target_account = account_id
                else:
                    target_account = setup.ensure_account(client, token, account)
            outcome = command.simulate(client, target_account, headers, options, console)
        except (setup.SetupError, IngestError, httpx.HTTPError) as exc:
            console.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(1) from exc
    console.print(outcome.summary())
    typer.echo(f"Account: {target_account}")


@app.command("demo")
def demo_command(
    base_url: str = typer.Option("http://127.0.0.1:8000", help="Where the server listens (for the curl lines)."),
) -> None:
    """`simulate --days 7` on the demo account and app (created on first use); print credentials and curls.

    Safe to run again: the demo account and app are found by name and the simulated records keep their ids,
    so a second run adds only the time that passed since the first.
    """
    console = Console(stderr=True, soft_wrap=True)
    with _target(None) as (client, local_admin_token):
        admin_token = local_admin_token or ""  # always set in process
        account_id = setup.ensure_account(client, admin_token, demo.ACCOUNT_NAME)
        app_credentials = setup.ensure_app(client, admin_token, account_id, demo.APP_NAME, demo.WANTED_SCOPES)
        options = command.Options(seed=demo.SEED, agents=demo.AGENT_COUNT, days=demo.DAYS, bot_id=demo.BOT_ID)
        outcome = command.simulate(client, account_id, {"Authorization": f"Bearer {admin_token}"}, options, console)
    console.print(outcome.summary())
    demo_setup = demo.DemoSetup(
        account_id=account_id,
        client_id=app_credentials.client_id,
        client_secret=app_credentials.client_secret,
        bot_id=demo.BOT_ID,
        scopes=app_credentials.scopes,
    )
    typer.echo(demo.instructions(demo_setup, outcome.end, base_url, _smartassist_command()))


def main() -> None:
    app()
