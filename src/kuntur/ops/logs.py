"""Structured logs: one JSON object per line, for the log collector.

``KUNTUR_LOG_FORMAT=json`` (``kuntur serve``) formats every log record this way and adds an
access line per request (``kuntur.access``: method, route template, status, milliseconds,
request id). No personal data: the route is the template (``/api/incidents/{incident_id}``),
never the filled path, the query string, a header or the client's address; the request id
is the one the audit log records, so an operator can follow a failure to its audit events
without the log holding what the audit log protects.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

ACCESS = logging.getLogger("kuntur.access")
FIELDS = ("request_id", "method", "route", "status", "ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": os.getpid(),
        }
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def uvicorn_config() -> dict[str, Any]:
    """uvicorn's ``log_config`` with every logger in JSON; uvicorn's own access log off
    (it logs the client's address and the full path), ours on."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "kuntur.ops.logs.JsonFormatter"}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "kuntur.access": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }


def access(method: str, route: str, status: int, seconds: float, request_id: str | None) -> None:
    ACCESS.info(
        "%s %s %s",
        method,
        route,
        status,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "ms": round(seconds * 1000, 1),
            "request_id": request_id,
        },
    )
