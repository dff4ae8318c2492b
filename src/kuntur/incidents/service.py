"""Incident service: create, get, list, statistics and the map layer.

Plain functions with keyword-only arguments; every one takes the request
context so authorization and audit can hook in without changing callers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import ColumnElement, Select, String, and_, func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.timeutil import to_display, to_utc, utcnow
from kuntur.geography import hexgrid
from kuntur.geography import service as geo
from kuntur.incidents.categories import DEFAULT_PRIORITY, Category, Source, Status
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate, IncidentOut, IncidentStats

SelectT = TypeVar("SelectT", bound=Select)


@dataclass
class IncidentFilter:
    """What the list, stats and map endpoints share. Empty means no restriction."""

    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    districts: list[str] = field(default_factory=list)  # ubigeo codes
    start: datetime | None = None
    end: datetime | None = None
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def clauses(self, *, exact_bbox: bool = True) -> list[ColumnElement[bool]]:
        """SQL conditions. The bbox becomes an ``h3_r9`` range (the spatial index)
        and, when ``exact_bbox``, a test on the coordinates; without it the answer
        may include cells beyond the box (the map layer trims cells itself)."""
        out: list[ColumnElement[bool]] = []
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            h3_range = hexgrid.bbox_range(self.bbox)
            if h3_range is not None:
                out.append(Incident.h3_r9.between(*h3_range))
            if exact_bbox or h3_range is None:
                out += [
                    Incident.longitude.between(min_lon, max_lon),
                    Incident.latitude.between(min_lat, max_lat),
                ]
        if self.districts:
            out.append(Incident.district_ubigeo.in_(self.districts))
        if self.start:
            out.append(Incident.occurred_at >= to_utc(self.start))
        if self.end:
            out.append(Incident.occurred_at < to_utc(self.end))
        if self.categories:
            out.append(Incident.category.in_(self.categories))
        if self.statuses:
            out.append(Incident.status.in_(self.statuses))
        if self.sources:
            out.append(Incident.source.in_(self.sources))
        return out

    def apply(self, query: SelectT, *, exact_bbox: bool = True) -> SelectT:
        clauses = self.clauses(exact_bbox=exact_bbox)
        return query.where(and_(*clauses)) if clauses else query


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise InvalidInput(
            f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat: {text!r}"
        ) from None
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise InvalidInput(
            f"bbox must be min_lon,min_lat,max_lon,max_lat with min <= max: {text!r}"
        )
    return parts[0], parts[1], parts[2], parts[3]


def resolve_districts(values: list[str]) -> list[str]:
    """Ubigeo codes from codes or names ("san juan de lurigancho" works)."""
    out: list[str] = []
    for value in values:
        value = value.strip()
        if value.isdigit() and geo.get_district(value.zfill(6)):
            out.append(value.zfill(6))
            continue
        found = geo.find_districts(value)
        if not found:
            raise InvalidInput(
                f"unknown district {value!r}: give an INEI ubigeo or a district name"
            )
        out.append(found[0].ubigeo)
    return out


def to_out(incident: Incident) -> IncidentOut:
    district = geo.get_district(incident.district_ubigeo) if incident.district_ubigeo else None
    return IncidentOut(
        id=incident.id,
        source=Source(incident.source),
        external_id=incident.external_id,
        category=Category(incident.category),
        category_label=incident.category_label,
        priority=incident.priority,
        status=Status(incident.status),
        occurred_at=to_display(incident.occurred_at) or "",
        received_at=to_display(incident.received_at) or "",
        latitude=incident.latitude,
        longitude=incident.longitude,
        h3_cell=hexgrid.to_hex(incident.h3_cell),
        district_ubigeo=incident.district_ubigeo,
        district_name=district.name if district else None,
        address=incident.address,
        narrative=incident.narrative,
        import_batch_id=incident.import_batch_id,
    )


def create(*, db: Session, ctx: RequestContext, data: IncidentCreate) -> tuple[Incident, bool]:
    """Store a new incident; returns (incident, created).

    An incident whose source already sent the same external id is not stored
    twice: the existing one comes back with ``created`` False.
    """
    dedup_key = (
        f"{data.source.value}:{data.external_id}" if data.external_id else f"new:{uuid.uuid4().hex}"
    )
    if data.external_id:
        existing = db.scalar(select(Incident).where(Incident.dedup_key == dedup_key))
        if existing is not None:
            return existing, False
    lat = np.array([data.latitude])
    lon = np.array([data.longitude])
    cell = hexgrid.cells(lat, lon)
    category = Category(data.category)
    incident = Incident(
        source=data.source.value,
        external_id=data.external_id,
        dedup_key=dedup_key,
        category=category.value,
        category_label=data.category_label,
        priority=data.priority or DEFAULT_PRIORITY[category],
        status=data.status.value,
        occurred_at=to_utc(data.occurred_at),
        received_at=to_utc(data.received_at) if data.received_at else utcnow(),
        latitude=data.latitude,
        longitude=data.longitude,
        h3_cell=int(cell[0]),
        h3_r9=int(hexgrid.parents(cell, hexgrid.INDEX_RES)[0]),
        district_ubigeo=geo.locate_one(data.longitude, data.latitude),
        address=data.address,
        narrative=data.narrative,
        created_by=ctx.actor,
    )
    db.add(incident)
    try:
        db.flush()
    except IntegrityError:  # a concurrent request stored the same external id first
        db.rollback()
        existing = db.scalar(select(Incident).where(Incident.dedup_key == dedup_key))
        if existing is None:
            raise
        return existing, False
    return incident, True


def get(*, db: Session, ctx: RequestContext, incident_id: int) -> Incident:
    incident = db.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"incident {incident_id} does not exist")
    return incident


def list_incidents(
    *, db: Session, ctx: RequestContext, filters: IncidentFilter, limit: int = 50, offset: int = 0
) -> tuple[list[Incident], int]:
    """Newest first; ``total`` counts every match, not only this page."""
    total = db.scalar(filters.apply(select(func.count()).select_from(Incident))) or 0
    rows = db.scalars(
        filters.apply(select(Incident))
        .order_by(Incident.occurred_at.desc(), Incident.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def stats(*, db: Session, ctx: RequestContext, filters: IncidentFilter) -> IncidentStats:
    """Count, extent, period and mix in one pass (over the covering index when possible)."""
    rows = db.execute(
        filters.apply(
            select(
                Incident.category,
                Incident.source,
                func.count(),
                func.min(Incident.longitude),
                func.min(Incident.latitude),
                func.max(Incident.longitude),
                func.max(Incident.latitude),
                func.min(Incident.occurred_at),
                func.max(Incident.occurred_at),
            ).group_by(Incident.category, Incident.source)
        )
    ).all()
    by_category: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for cat, src, n, *_ in rows:
        by_category[cat] = by_category.get(cat, 0) + int(n)
        by_source[src] = by_source.get(src, 0) + int(n)
    count = sum(by_category.values())
    firsts = [t for t in (_as_utc(r[7]) for r in rows) if t]
    lasts = [t for t in (_as_utc(r[8]) for r in rows) if t]
    return IncidentStats(
        count=count,
        bbox=[
            min(r[3] for r in rows),
            min(r[4] for r in rows),
            max(r[5] for r in rows),
            max(r[6] for r in rows),
        ]
        if count
        else None,
        by_category=dict(sorted(by_category.items())),
        by_source=dict(sorted(by_source.items())),
        first_occurred_at=to_display(min(firsts)) if firsts else None,
        last_occurred_at=to_display(max(lasts)) if lasts else None,
    )


def _as_utc(value: Any) -> datetime | None:
    # Aggregates bypass the column type, so SQLite hands back text here.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_utc(value, assume=UTC)


def _iso_utc(value: Any) -> str:
    """ISO 8601 UTC text from a raw column value (SQLite text or a PostgreSQL datetime)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value).replace(" ", "T") + "Z"


def map_resolution(span_deg: float) -> int:
    """H3 resolution for a view ``span_deg`` degrees of longitude wide."""
    if span_deg > 1.5:
        return 7
    if span_deg > 0.25:
        return 8
    return 9


def map_layer(
    *,
    db: Session,
    ctx: RequestContext,
    filters: IncidentFilter,
    points_max_span: float,
    points_limit: int,
) -> dict[str, Any]:
    """GeoJSON for the map: H3 counts for wide views, points for close ones.

    The answer says which it is (``kind``: "cells" or "points"), the H3
    ``resolution`` of cells, and the ``total`` in view (None when points were
    capped at ``points_limit``; ``truncated`` says so).
    """
    span = (filters.bbox[2] - filters.bbox[0]) if filters.bbox else 360.0
    if span <= points_max_span:
        return _points_layer(db, filters, points_limit)
    return _cells_layer(db, filters, map_resolution(span))


def _points_layer(db: Session, filters: IncidentFilter, limit: int) -> dict[str, Any]:
    # Only columns of the covering index: no table row is read. Details
    # (priority, status, narrative) come from /api/incidents/{id} on click.
    # Times stay raw UTC (no per-row conversion); the page shows them in Lima time.
    raw_time = type_coerce(Incident.occurred_at, String)
    rows = db.execute(
        filters.apply(
            select(Incident.id, Incident.longitude, Incident.latitude, Incident.category, raw_time)
            .order_by(Incident.occurred_at.desc())
            .limit(limit + 1)
        )
    ).all()
    truncated = len(rows) > limit
    features = [
        {
            "type": "Feature",
            "id": r[0],
            "geometry": {"type": "Point", "coordinates": [r[1], r[2]]},
            "properties": {"id": r[0], "category": r[3], "occurred_utc": _iso_utc(r[4])},
        }
        for r in rows[:limit]
    ]
    # A truncated layer says so instead of paying for a second scan to count.
    return {
        "type": "FeatureCollection",
        "kind": "points",
        "truncated": truncated,
        "total": None if truncated else len(features),
        "features": features,
    }


def _cells_layer(db: Session, filters: IncidentFilter, res: int) -> dict[str, Any]:
    # Only the covering index is read (h3_r9 + filter columns); cells are trimmed to
    # the bbox by their centres afterwards, and coarser cells rolled up in memory.
    rows = db.execute(
        filters.apply(
            select(Incident.h3_r9, func.count()).group_by(Incident.h3_r9), exact_bbox=False
        )
    ).all()
    cells = np.array([r[0] for r in rows], dtype=np.int64)
    counts = np.array([r[1] for r in rows], dtype=np.int64)
    if res != hexgrid.INDEX_RES:
        cells = hexgrid.parents(cells, res)
    keys, inverse = np.unique(cells, return_inverse=True)
    totals = np.bincount(inverse, weights=counts, minlength=len(keys)).astype(np.int64)
    keep = (keys != 0) & hexgrid.centres_within(keys, filters.bbox)
    layer = hexgrid.cells_geojson(zip(keys[keep].tolist(), totals[keep].tolist(), strict=True))
    layer.update(kind="cells", resolution=res, truncated=False, total=int(totals[keep].sum()))
    return layer
