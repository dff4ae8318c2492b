"""Request size limit: refuse bodies larger than the configured maximum before reading them.

A pure ASGI middleware so it also guards streaming bodies without a Content-Length.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kuntur.core.ids import new_request_id


class BodySizeLimit:
    """``max_bytes`` for every request, or the limit ``larger`` names for its exact path (a
    form that carries photos)."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(send, max_bytes)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send, max_bytes)

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        body = json.dumps({"detail": f"request body larger than {max_bytes} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


# No page may ask for the camera, the microphone or the device's position, except the
# field app (issue 20), whose phone reports its unit's position while on duty.
POLICY = b"geolocation=(), camera=(), microphone=()"
FIELD_POLICY = b"geolocation=(self), camera=(), microphone=()"


class SecurityHeaders:
    """Headers every response carries: no sniffing, no framing, a strict content policy
    (every asset is Kuntur's own), no caching of pages or API answers, HSTS in production."""

    def __init__(self, app: ASGIApp, *, production: bool, tile_origin: str | None) -> None:
        self.app = app
        img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
        self.csp = (
            f"default-src 'self'; img-src {img}; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'"
        )
        # Swagger UI's page starts itself with one inline script.
        self.docs_csp = self.csp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        self.csp_bytes, self.docs_csp_bytes = self.csp.encode(), self.docs_csp.encode()
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        # One reference per request, for the audit log and for the person who reports a
        # failure: the client's X-Request-Id (cut to 64 characters) or a new one, echoed back.
        given = next((v for k, v in scope.get("headers", []) if k == b"x-request-id"), b"")[:64]
        reference = given or new_request_id().encode()
        if not given:
            # In place, not a copy: the layers outside (the metrics) read what the router
            # adds to this same scope (the route template).
            scope["headers"] = [*scope.get("headers", []), (b"x-request-id", reference)]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-request-id", reference),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"permissions-policy", FIELD_POLICY if path == "/campo" else POLICY),
                    (
                        b"content-security-policy",
                        self.docs_csp_bytes if path == "/docs" else self.csp_bytes,
                    ),
                ]
                # Nothing but the static assets may be kept by a browser or a proxy: pages
                # and API answers carry what the signed-in person may see.
                has_policy = any(k.lower() == b"cache-control" for k, _v in headers)
                if not path.startswith("/static/") and not has_policy:
                    headers.append((b"cache-control", b"no-store"))
                if self.production:
                    headers.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
