"""Wiring every entry point does (``kuntur.domains.load``): keep uvicorn's access log, which
prints the client's address and the exact time, off the tipster's routes in every server
process (``intake.hide_from_access_log``)."""

from __future__ import annotations

from kuntur.citizens import intake


def register() -> None:
    intake.hide_from_access_log()
