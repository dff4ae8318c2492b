"""FastAPI application factory: API routers, pages and static assets, all served locally."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from kuntur import __version__, domains
from kuntur.audit import commitments, keys, scheduled
from kuntur.border import service as border_service
from kuntur.citizens import keys as citizens_keys
from kuntur.config import Settings, get_settings
from kuntur.core import events, registry
from kuntur.core.db import SERVER_STATEMENT_TIMEOUT_MS, engine_for
from kuntur.core.errors import Unauthenticated
from kuntur.core.keepalive import KeepAliveShare
from kuntur.core.limits import BodySizeLimit, SecurityHeaders
from kuntur.core.web import UnitOfWorkRoute, add_routes, install_error_handlers
from kuntur.dispatch import service as dispatch_service
from kuntur.geography import service as geo
from kuntur.identity import crypto
from kuntur.identity import web as identity_web
from kuntur.identity.ratelimit import EventThrottle, LoginThrottle
from kuntur.identity.web import ActorDep
from kuntur.ops.metrics import RequestMetrics
from kuntur.oversight import scheduled as uof_sweep
from kuntur.results import scheduled as weekly_brief
from kuntur.web import pages

_startup_frozen = False
# A full collection after this many collections of the middle generation, not CPython's 10:
# under load, about once in two minutes instead of every 1.3 s (at 50 clients, 90 s: no
# full collection and 30 MB more resident memory, the cycles freed when it comes).
FULL_COLLECTION_EVERY = 1000


def freeze_startup_objects() -> None:
    """Put everything alive after startup out of the cyclic collector's reach, once a process.

    A started server holds about 200,000 long-lived objects (modules, the app, SQLAlchemy,
    pandas, igraph, phonenumbers' tables). A full collection walks them all: 100-200 ms on
    this 2-core machine, and a map request (tens of thousands of row tuples) set one off
    about every fifth time: that, not the SQL, was the map layer's p95 (docs/benchmarks.md).
    Frozen, a full collection walks only what requests made since. Objects are still freed
    by reference counting; only cycles among the frozen startup objects are never collected.

    Full collections are also made rarer (``FULL_COLLECTION_EVERY``). With the startup
    objects frozen, the store of long-lived objects the collector knows of is small, and
    CPython starts a full collection whenever a quarter as many again have survived two
    young collections. Under load, the requests in flight (a Lima-wide map request alone
    holds 16,000 row tuples) survive them: 50 clients set off a full collection about
    every 1.3 s in each process, each stopping the process for 50-240 ms (5 % of its time,
    and most of the load's p95 above its median; docs/benchmarks-notes.md).
    """
    global _startup_frozen
    if _startup_frozen:
        return
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
    _startup_frozen = True


def check_production_secrets(settings: Settings) -> None:
    """In production, refuse to start on a missing secret rather than make one up: raises
    the KunturError that names the file and the command that makes it. `kuntur serve`
    calls it before starting any worker, so a container or unit without its keys exits
    with that message instead of restarting workers that crash."""
    if settings.environment != "production":
        return
    keys.signing_key(settings.effective_audit_key_path, settings.environment)
    commitments.key_for(settings.effective_audit_commitment_key_path, settings.environment)
    crypto.for_settings(settings)
    citizens_keys.for_settings(settings)  # the desk's public key, the receipts' secret


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    domains.load()
    # A large watchlist's screening index, kept between processes (docs/border.md)
    border_service.configure_index_cache(settings.var_dir / "border-index")
    commitments.configure(settings.effective_audit_commitment_key_path, settings.environment)
    check_production_secrets(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        if settings.audit_checkpoint_interval_s > 0 and settings.environment != "test":
            tasks.append(asyncio.create_task(scheduled.run_forever(app.state.engine, settings)))
        if settings.uof_sweep_interval_s > 0 and settings.environment != "test":
            tasks.append(asyncio.create_task(uof_sweep.run_forever(app.state.engine, settings)))
        if settings.results_brief_interval_s > 0 and settings.environment != "test":
            tasks.append(asyncio.create_task(weekly_brief.run_forever(app.state.engine, settings)))
        processes = settings.server_processes or 1
        threads = settings.worker_threads or max(2, 2 * (os.cpu_count() or 2) // processes)
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # Load the district boundaries and their index before taking traffic: otherwise the
        # first requests of a busy night all wait seconds behind that load.
        await anyio.to_thread.run_sync(geo.locate_one, -77.03, -12.05)
        broker: events.Broker = app.state.broker
        broker.bind(asyncio.get_running_loop())
        eng: Engine = app.state.engine
        cache = dispatch_service.fleet_cache(eng)  # kept current by the live events
        broker.add_listener(cache.apply)
        cache.attach()
        if eng.dialect.name == "postgresql":
            ready = asyncio.Event()
            tasks.append(asyncio.create_task(events.listen_postgres(eng, broker, ready)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ready.wait(), 5.0)
        else:
            events.register(eng, broker)  # this process's commits
            tasks.append(asyncio.create_task(events.relay_sqlite(eng, broker)))  # the others'
        freeze_startup_objects()
        yield
        # The positions of the last moment, announced to the other processes' screens
        # before this one stops.
        await anyio.to_thread.run_sync(events.flush_merged)
        events.unregister(eng, broker)
        cache.detach()
        for task in tasks:
            task.cancel()

    # The stock /docs page loads Swagger UI from a CDN; ours serves the vendored copy. In
    # production the schema and its page are for signed-in users only (a map of every
    # route is reconnaissance for anyone else); elsewhere they stay open.
    production = settings.environment == "production"
    app = FastAPI(
        title="Kuntur",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None if production else "/openapi.json",
        lifespan=lifespan,
        description="Sistema de información del comando conjunto PNP / FF. AA.",
    )
    app.router.route_class = UnitOfWorkRoute  # routes declared on the app itself too
    app.state.settings = settings
    app.state.engine = engine or engine_for(
        settings.effective_database_url, statement_timeout_ms=SERVER_STATEMENT_TIMEOUT_MS
    )
    app.state.broker = events.Broker()
    app.state.authenticate = identity_web.authenticate  # who calls: core.web.get_context
    # Each process counts its share of the logon budget (connections spread between them).
    share = settings.server_processes or 1
    app.state.login_throttle = LoginThrottle(
        -(-settings.login_attempts_per_client // share),
        -(-settings.login_attempts_total // share),
        settings.login_window_s,
    )
    # Rejected tokens and CSRF failures written to the audit log per client, and in all,
    # per minute; more are counted, not written (identity/ratelimit.py).
    app.state.event_throttle = EventThrottle(
        per_client=-(-10 // share), total=-(-200 // share), window_s=60
    )
    install_error_handlers(app)
    # The tip form carries photos (kuntur.citizens): its own, larger limit (base64 in JSON).
    tip_bytes = settings.tip_upload_max_bytes
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        larger={
            "/denuncia": tip_bytes,
            "/api/citizens/public/tips": tip_bytes * 4 // 3 + 4096,
            # An evidence photo: room for one a little too large, so that the route itself
            # answers it in words (how large it is, the limit) rather than this layer.
            "/api/field/uof/photos": settings.field_photo_max_bytes * 2 + 64 * 1024,
        },
    )
    if share > 1:  # several processes share the clients out evenly (core/keepalive.py)
        app.add_middleware(KeepAliveShare, run_dir=settings.var_dir / "run")
    tile_origin = "/".join(settings.map_tile_url.split("/")[:3]) if settings.map_tile_url else None
    app.add_middleware(
        SecurityHeaders, production=settings.environment == "production", tile_origin=tile_origin
    )
    # Outermost: every answer counted and timed, refusals by the layers above included.
    app.add_middleware(
        RequestMetrics,
        subscribers=lambda: app.state.broker.subscribers,
        access_log=settings.log_format == "json",
    )
    for router in domains.routers():  # every domain's API, found in its views module
        add_routes(app, router)
    pages.add_declared_pages()  # each domain's pages, from its manifest
    add_routes(app, pages.router)
    for manifest in registry.manifests():  # a domain's own assets: /static/<domain>/...
        own = resources.files(f"kuntur.{manifest.domain}") / "static"
        if own.is_dir():
            app.mount(f"/static/{manifest.domain}", StaticFiles(directory=str(own)))
    static = resources.files("kuntur") / "web" / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    if production:

        @app.get("/openapi.json", include_in_schema=False)
        def openapi(actor: ActorDep) -> JSONResponse:
            if not actor.authenticated:
                raise Unauthenticated("log in first to read the API schema")
            return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def docs(actor: ActorDep) -> Response:
        if production and not actor.authenticated:
            return RedirectResponse("/login?next=/docs", status_code=303)
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Kuntur API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="data:,",
        )

    return app
