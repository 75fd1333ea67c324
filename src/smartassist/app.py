"""create_app(settings): the FastAPI application with its routers, error handlers and runtime state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import anyio.to_thread
from fastapi import FastAPI

from smartassist import __version__
from smartassist.accounts.router import router as accounts_router
from smartassist.analytics.agent_status.router import router as agent_status_router
from smartassist.analytics.conversations.router import router as conversations_router
from smartassist.analytics.heavy import HeavyLimiter
from smartassist.analytics.intents.router import router as intents_router
from smartassist.analytics.queues.router import router as queues_router
from smartassist.analytics.user_status.router import router as user_status_router
from smartassist.apps.router import router as apps_router
from smartassist.auth.credentials import CredentialStore
from smartassist.auth.failed_auth import FailedAuthLimiter
from smartassist.auth.genuine import GenuineTokens
from smartassist.auth.ratelimit import shared_count
from smartassist.collector import freeze_startup_heap
from smartassist.config import Settings
from smartassist.crypto import SecretBox
from smartassist.db import make_engine, make_read_engine, make_sessionmaker
from smartassist.errors import install_error_handlers
from smartassist.ingest.router import router as ingest_router
from smartassist.ops.access_log import RequestObserver
from smartassist.ops.body_limit import BodyLimit
from smartassist.ops.health import router as health_router
from smartassist.ops.metrics import install_metrics
from smartassist.ops.metrics import router as metrics_router
from smartassist.ops.openapi import install_openapi
from smartassist.reads import Reads
from smartassist.state import Runtime
from smartassist.wfm.metrics_router import router as wfm_metrics_router
from smartassist.wfm.router import router as wfm_router


def build_runtime(settings: Settings) -> Runtime:
    url = settings.resolved_database_url()
    engine = make_engine(url)
    read_engine = make_read_engine(url)
    reads = Reads(url, read_engine)
    return Runtime(
        settings=settings,
        database_url=url,
        engine=engine,
        sessionmaker=make_sessionmaker(engine),
        read_engine=read_engine,
        secret_box=SecretBox(settings.resolved_secret_key()),
        admin_token=settings.resolved_admin_token(),
        reads=reads,
        credentials=CredentialStore(reads, settings.credentials_cache_seconds),
        genuine_tokens=GenuineTokens(),
    )


def serve_app() -> FastAPI:
    """The app a server process runs (`smartassist serve`): create_app with its startup heap frozen."""
    return create_app(freeze_heap=True)


def create_app(settings: Settings | None = None, *, freeze_heap: bool = False) -> FastAPI:
    settings = settings or Settings()
    runtime = build_runtime(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        await runtime.reads.open()
        if freeze_heap:
            freeze_startup_heap()
        yield
        await runtime.reads.close()
        runtime.dispose()

    app = FastAPI(
        title="smartassist-server",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # ops.openapi serves /docs and /redoc from installed assets
        redoc_url=None,
        description="Self-hosted replica of the SmartAssist public analytics API.",
        telemetry=None if settings.otel_telemetry else {"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    app.state.failed_auth = FailedAuthLimiter(settings.failed_auth_per_minute, partial(shared_count, runtime))
    app.state.heavy = HeavyLimiter(settings.heavy_requests_per_account)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestObserver, metrics=install_metrics(app))
    # Routes are matched in order: the public analytics routes, the busiest, are tried first. Their routes are
    # added to the app's own list, not include_router()'d: FastAPI 0.16x keeps an included router as one entry
    # whose matching walks its routes through per-route scope bookkeeping, ~60 us per request on /healthz (of
    # ~130 in process, bench/README.md), for what a plain list gives here: the routers have no prefix,
    # dependencies or limits of their own to apply, and auth/deps.py calls simple endpoints directly.
    for router in (
        intents_router,
        user_status_router,
        conversations_router,
        agent_status_router,
        wfm_router,
        queues_router,
        wfm_metrics_router,
        health_router,
        metrics_router,
        ingest_router,
        accounts_router,
        apps_router,
    ):
        app.router.routes.extend(router.routes)
    install_openapi(app)
    return app
