"""Time rules: store UTC, show America/Lima.

Every timestamp that enters the store passes through :func:`to_utc`, and every
timestamp shown to a person passes through :func:`to_display`.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _

LIMA = ZoneInfo("America/Lima")


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc(value: datetime, assume: tzinfo = LIMA) -> datetime:
    """Aware UTC datetime; a naive value is read in ``assume`` (Lima by default)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=assume)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # year 1 or 9999 with an offset that crosses the edge
        raise InvalidInput(_("la hora {time} está fuera de rango", time=value.isoformat())) from exc


def to_display(value: datetime | None, tz: ZoneInfo = LIMA) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # stored values are UTC even when the driver drops the zone
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(tz).isoformat(timespec="seconds")
    except OverflowError:  # at the very edge of the calendar: show it as stored (UTC)
        return value.isoformat(timespec="seconds")
