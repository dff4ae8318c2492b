"""The app finds each route as FastAPI's own matching would, with the domains' routes
flattened onto the app (core.web.add_routes) and the quick refusal of paths that cannot
match (core.web.UnitOfWorkRoute.matches)."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match

from kuntur.app import create_app
from kuntur.config import Settings


def _example(path: str) -> str:
    return re.sub(r"\{[^}:]+(:path)?\}", "7", path)


def _first_match(app, scope):  # type: ignore[no-untyped-def]
    """What the app's router does: the first route that fully matches, else the first partial."""
    partial = None
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route, Match.FULL
        if match == Match.PARTIAL and partial is None:
            partial = route
    return partial, Match.PARTIAL if partial else Match.NONE


def _plain_first_match(routes, scope):  # type: ignore[no-untyped-def]
    """The same walk by each route's own regex and methods alone: Starlette's rule."""
    partial = None
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        if not route.path_regex.match(scope["path"]):
            continue
        if scope["method"] in route.methods:
            return route, Match.FULL
        partial = partial or route
    return partial, Match.PARTIAL if partial else Match.NONE


def test_every_route_is_found_as_by_its_own_regex(settings: Settings) -> None:
    app = create_app(settings)
    routes = [r for r in app.router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 150  # every domain's API is on the app itself
    for route in routes:
        for method in sorted(route.methods):
            scope = {"type": "http", "method": method, "path": _example(route.path)}
            scope["root_path"] = ""
            found, how = _first_match(app, scope)
            expected, expected_how = _plain_first_match(routes, scope)
            assert (found, how) == (expected, expected_how), (method, route.path)
            assert how == Match.FULL


def test_wrong_method_unknown_path_and_root_path(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.delete("/api/auth/me").status_code == 405  # a path that exists
        assert client.get("/api/auth/mex").status_code == 404
        assert client.get("/api/nothing/here").status_code == 404
    # Behind a proxy that serves Kuntur under a prefix, the routes still match.
    with TestClient(app, root_path="/kuntur") as client:
        assert client.get("/kuntur/health/live").status_code == 200
        assert client.get("/kuntur/api/auth/me").status_code == 401


def test_domains_are_not_nested_routers(settings: Settings) -> None:
    # An included router is asked route by route, twice per request: with twenty domains
    # that walk cost about as much as a small request's own work (decision 0008).
    app = create_app(settings)
    nested = [type(r).__name__ for r in app.router.routes if hasattr(r, "original_router")]
    assert nested == []
