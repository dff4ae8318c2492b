"""Incident service: create, get, list, statistics and the map layer.

Plain functions with keyword-only arguments; every one takes the request
context so authorization and audit can hook in without changing callers.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar, cast

import numpy as np
import pydantic_core
from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    Table,
    Text,
    and_,
    func,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuntur.audit.manifest import SENSITIVE_READ
from kuntur.core import events
from kuntur.core.errors import Conflict, InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_display, to_utc, utcnow
from kuntur.geography import hexgrid
from kuntur.geography import service as geo
from kuntur.identity import purposes
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.identity.roles import OPERATIONAL_AGENCIES
from kuntur.incidents.categories import DEFAULT_PRIORITY, Category, Source, Status
from kuntur.incidents.layer_cache import TtlCache, freeze
from kuntur.incidents.manifest import (
    INCIDENT_CREATED,
    INCIDENT_DUPLICATE,
    INCIDENTS_READ,
    INCIDENTS_WRITE,
)
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
    # Set by the service from the request context, never by the caller: which owning
    # agencies and up to which classification the actor may see (None = no limit).
    owners: list[str] | None = None
    max_class: int | None = None

    def clauses(self, *, exact_bbox: bool = True) -> list[ColumnElement[bool]]:
        """SQL conditions. The bbox is tested on the coordinates when ``exact_bbox``;
        its spatial-index part (H3 ranges) comes from ``selects``."""
        out: list[ColumnElement[bool]] = []
        if self.bbox and (exact_bbox or hexgrid.bbox_ranges(self.bbox) is None):
            min_lon, min_lat, max_lon, max_lat = self.bbox
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
        if self.owners is not None:
            out.append(Incident.owner_agency.in_(self.owners))
        if self.max_class is not None:
            out.append(Incident.classification <= self.max_class)
        return out

    def selects(self, query: SelectT, *, exact_bbox: bool = True) -> list[SelectT]:
        """``query`` with the filters, once per H3 range of the bbox.

        The ranges are disjoint, so the parts never share a row: callers combine
        them with UNION ALL (or add up their aggregates). Each part is a range
        scan of the covering map index; an OR of ranges would make the database
        fetch table rows instead.
        """
        clauses = self.clauses(exact_bbox=exact_bbox)
        base = query.where(and_(*clauses)) if clauses else query
        ranges = hexgrid.bbox_ranges(self.bbox) if self.bbox else None
        if not ranges:
            return [base]
        return [base.where(Incident.h3_r9.between(lo, hi)) for lo, hi in ranges]


# Narratives of these categories name victims, phones and accounts: shown only to a reader
# with a checked purpose (``incident_out_for``), and every such read is audited.
SENSITIVE = frozenset(
    {Category.EXTORTION.value, Category.KIDNAPPING.value, Category.HUMAN_TRAFFICKING.value}
)


def scoped(actor: Actor, filters: IncidentFilter) -> IncidentFilter:
    """The filters narrowed to what ``ctx`` may see (agency sharing, clearance)."""
    owners, max_class = actor.scope()
    return dataclasses.replace(filters, owners=owners, max_class=max_class)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise InvalidInput(
            _("bbox debe ser cuatro números min_lon,min_lat,max_lon,max_lat: {value!r}", value=text)
        ) from None
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise InvalidInput(
            _("bbox debe ser min_lon,min_lat,max_lon,max_lat con min <= max: {value!r}", value=text)
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
                _(
                    "distrito desconocido {value!r}: indique un ubigeo del INEI o el nombre de un "
                    "distrito",
                    value=value,
                )
            )
        out.append(found[0].ubigeo)
    return out


def incident_out(incident: Incident | Row[Any], *, reveal: bool = True) -> IncidentOut:
    """The API shape of an incident: a stored object or a plain row of its table's columns."""
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
        narrative=incident.narrative if reveal else None,
        narrative_withheld=bool(incident.narrative) and not reveal,
        owner_agency=incident.owner_agency,
        classification=incident.classification,
        import_batch_id=incident.import_batch_id,
    )


# What ``out_fields`` reads of a row: a query for a list need select no more.
OUT_COLUMNS = frozenset(
    {
        "id",
        "source",
        "external_id",
        "category",
        "category_label",
        "priority",
        "status",
        "occurred_at",
        "received_at",
        "latitude",
        "longitude",
        "h3_cell",
        "district_ubigeo",
        "address",
        "narrative",
        "owner_agency",
        "classification",
        "import_batch_id",
    }
)


def out_fields(incident: Incident | Row[Any], *, reveal: bool = True) -> dict[str, Any]:
    """``incident_out(incident, reveal=reveal).model_dump(mode="json")``, built directly: the same
    keys in the same order, the same values. For lists (the dispatch queue, the incident
    list): a pydantic model per row, dumped and validated again on the way out, was most
    of their time under load (tests/incidents/test_out_fields.py keeps the two equal).
    Lists of plain rows go through ``out_rows``."""
    return _fields(incident, reveal)


# Display fields of plain rows, by (column names, values, reveal): see out_rows.
_ROW_FIELDS: dict[tuple[Any, ...], dict[str, Any]] = {}
_ROW_FIELDS_MAX = 16_384


def out_rows(
    rows: Sequence[Row[Any]], reveal: bool | Callable[[Row[Any]], bool]
) -> list[dict[str, Any]]:
    """``out_fields`` of each plain row, each caller getting its own dicts to add to.

    A row's display fields are a function of its column names and values alone, so they
    are remembered by those: never stale (a changed incident is another key). The queue
    shows the same open incidents on every refresh, and formatting its 200 rows (two Lima
    times, a cell, a district each) was a fifth of the server's time under load. The names
    are read once per list (a row's ``_fields`` is rebuilt on every access), the values
    compared as a plain tuple; the memory is bounded by starting afresh when full.
    """
    if not rows:
        return []
    names = rows[0]._fields
    out = []
    for row in rows:
        shown = reveal(row) if callable(reveal) else reveal
        key = (names, tuple(row), shown)
        fields = _ROW_FIELDS.get(key)
        if fields is None:
            fields = _fields(row, shown)
            if len(_ROW_FIELDS) >= _ROW_FIELDS_MAX:
                _ROW_FIELDS.clear()
            _ROW_FIELDS[key] = fields
        out.append(dict(fields))
    return out


def _fields(incident: Incident | Row[Any], reveal: bool) -> dict[str, Any]:
    ubigeo = incident.district_ubigeo
    district = geo.get_district(ubigeo) if ubigeo else None
    narrative = incident.narrative
    return {
        "id": incident.id,
        "source": incident.source,
        "external_id": incident.external_id,
        "category": incident.category,
        "category_label": incident.category_label,
        "priority": incident.priority,
        "status": incident.status,
        "occurred_at": to_display(incident.occurred_at) or "",
        "received_at": to_display(incident.received_at) or "",
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "h3_cell": hexgrid.to_hex(incident.h3_cell),
        "district_ubigeo": ubigeo,
        "district_name": district.name if district else None,
        "address": incident.address,
        "narrative": narrative if reveal else None,
        "narrative_withheld": bool(narrative) and not reveal,
        "owner_agency": incident.owner_agency,
        "classification": incident.classification,
        "import_batch_id": incident.import_batch_id,
    }


def create(*, actor: Actor, data: IncidentCreate) -> Incident:
    """Store a new incident.

    An incident whose source already sent the same external id is not stored twice:
    ``Conflict`` (409), audited. The existing record may belong to another agency or sit
    above the caller's clearance, so the answer names it only to a caller who may read
    it, and never carries any of its contents.
    """
    db = actor.db
    actor.require(INCIDENTS_WRITE, object_type="incident")
    dedup_key = (
        f"{data.source.value}:{data.external_id}" if data.external_id else f"new:{uuid.uuid4().hex}"
    )
    # The duplicate may be a record the caller may not read: found among every record, then
    # named only to a caller who may read it (``_refuse_duplicate``).
    same_key = select(Incident).where(Incident.dedup_key == dedup_key)
    same_key = same_key.execution_options(**{EVERY_RECORD: True})
    if data.external_id:
        existing = db.scalar(same_key)
        if existing is not None:
            _refuse_duplicate(actor, existing)
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
        created_by=actor.who,
        owner_agency=actor.agency or "PNP",
        classification=data.classification,
    )
    if data.classification > actor.clearance and not actor.is_system:
        raise InvalidInput(_("no puede clasificar por encima de su propio nivel"))
    if actor.agency and actor.agency not in OPERATIONAL_AGENCIES:
        raise InvalidInput(
            _(
                "{agency} es un órgano de control: lee registros, no registra incidentes",
                agency=actor.agency,
            )
        )
    db.add(incident)
    try:
        with db.begin_nested():  # a savepoint: a lost race leaves the outer transaction usable
            db.flush()
    except IntegrityError:  # a concurrent request stored the same external id first
        existing = db.scalar(same_key)
        if existing is None:
            raise
        _refuse_duplicate(actor, existing)
    actor.record(
        INCIDENT_CREATED,
        object_type="incident",
        object_id=str(incident.id),
        details={"source": incident.source, "category": incident.category},
    )
    # Whoever follows new incidents (intelligence links reports into networks) does so in
    # this transaction; every open screen hears of it after commit.
    events.publish(db, INCIDENT_CREATED, incident)
    announce(db, incident)
    return incident


def announce(db: Session, inc: Incident) -> None:
    """Tell every open screen (that may see it) of a new or changed incident, on commit."""
    events.emit(
        db,
        "incident",
        {
            "id": inc.id,
            "status": inc.status,
            "priority": inc.priority,
            "category": inc.category,
            "lon": inc.longitude,
            "lat": inc.latitude,
            "owner_agency": inc.owner_agency,
            "classification": inc.classification,
        },
    )


def _refuse_duplicate(actor: Actor, existing: Incident) -> NoReturn:
    visible = actor.may_read(
        owner_agency=existing.owner_agency,
        classification=existing.classification,
    )
    actor.record_apart(
        INCIDENT_DUPLICATE,
        object_type="incident",
        # The id of a record the caller may not read is still named in the log: the
        # auditor needs to know which record was probed.
        object_id=str(existing.id),
        outcome="refused",
        details={"visible": visible},
    )
    raise Conflict(
        _(
            "Ya existe un incidente de esta fuente con ese número externo (external_id); no se "
            "guardó otro."
        ),
        existing_id=existing.id if visible else None,
    )


def get(*, actor: Actor, incident_id: int) -> Incident:
    actor.require(INCIDENTS_READ, object_type="incident", object_id=str(incident_id))
    return actor.get(Incident, incident_id, object_type="incident")


def incident_out_for(actor: Actor, incident: Incident) -> IncidentOut:
    """One incident for a reader. A sensitive narrative is shown only for a purpose that
    ``identity.purposes`` accepts (an open case the reader is a member of, or this incident
    when the reader dispatched a unit to it); that read is audited with the purpose's
    reference, never the narrative. No purpose stated: the narrative is withheld (nothing
    was asked for, nothing is refused). A purpose not accepted: 403, audited, saying what
    to enter."""
    if incident.category not in SENSITIVE or not incident.narrative:
        return incident_out(incident)
    reader = actor
    if not actor.is_system:  # the CLI and seeding act as the system itself
        if not actor.ctx.stated_purpose:
            return incident_out(incident, reveal=False)
        reader = purposes.require(
            actor,
            object_type="incident",
            object_id=str(incident.id),
            incident_id=incident.id,
        )
    reader.record(
        SENSITIVE_READ,
        object_type="incident",
        object_id=str(incident.id),
        details={"field": "narrative"},
    )
    return incident_out(incident, reveal=True)


def list_incidents(
    *, actor: Actor, filters: IncidentFilter, limit: int = 50, offset: int = 0
) -> tuple[list[Row[Any]], int]:
    """Newest first, as plain rows (the fields of ``Incident``); ``total`` counts every
    match, not only this page."""
    db = actor.db
    actor.require(INCIDENTS_READ, object_type="incident")
    filters = scoped(actor, filters)
    counts = filters.selects(select(func.count()).select_from(Incident))
    total = sum(int(db.scalar(q) or 0) for q in counts)
    newest = (Incident.occurred_at.desc(), Incident.id.desc())
    # Plain rows of the columns a list shows (``OUT_COLUMNS``), not ORM objects (as the
    # dispatch queue): loading each as an object was a third of the list's time under load.
    shown = [c for c in cast(Table, Incident.__table__).columns if c.name in OUT_COLUMNS]
    if not filters.bbox:  # one part: the page itself, newest first
        page = filters.selects(select(*shown))[0].order_by(*newest).limit(limit).offset(offset)
        return list(db.execute(page).all()), total
    # Several H3 ranges of a bbox: one ordered page of ids over their union (each part a
    # scan of the covering map index), then those rows.
    u = union_all(*filters.selects(select(Incident.id, Incident.occurred_at))).subquery()
    first = select(u.c.id).order_by(u.c.occurred_at.desc(), u.c.id.desc())
    ids = [row[0] for row in db.execute(first.limit(limit).offset(offset))]
    rows = db.execute(select(*shown).where(Incident.id.in_(ids)).order_by(*newest)).all()
    return list(rows), total


def stats(*, actor: Actor, filters: IncidentFilter) -> IncidentStats:
    """Count, extent, period and mix, added up over the parts of the spatial index."""
    actor.require(INCIDENTS_READ, object_type="incident")
    filters = scoped(actor, filters)
    rows: list[Any] = []
    for part in filters.selects(
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
    ):
        rows += actor.db.execute(part).all()
    by_category: dict[str, int] = {}
    by_source: dict[str, int] = {}
    for cat, src, n, *_rest in rows:
        by_category[cat] = by_category.get(cat, 0) + int(n)
        by_source[src] = by_source.get(src, 0) + int(n)
    count = sum(by_category.values())
    firsts = [t for t in (_as_utc(r[7]) for r in rows) if t]
    lasts = [t for t in (_as_utc(r[8]) for r in rows) if t]
    bbox = None
    if count:
        bbox = [
            min(r[3] for r in rows),
            min(r[4] for r in rows),
            max(r[5] for r in rows),
            max(r[6] for r in rows),
        ]
    return IncidentStats(
        count=count,
        bbox=bbox,
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


def _utc_text(column: Any, dialect: str) -> Any:
    """``column`` (a UTC time) as the store's own text of it, naive UTC ("2026-11-20
    02:15:00", microseconds when there are any): SQLite keeps it so; PostgreSQL's cast of
    the UTC wall time is cheaper than making a datetime of each row and formatting it in
    Python, which for a layer of 2,000 points was the largest cost after the query."""
    if dialect == "postgresql":
        return sql_cast(func.timezone("UTC", column), Text)
    return type_coerce(column, String)


def _iso_utc(value: str) -> str:
    """ISO 8601 UTC text from ``_utc_text``'s, the same from either store (SQLite keeps
    zero microseconds, PostgreSQL leaves them out)."""
    if value.endswith(".000000"):
        value = value[:-7]
    return value.replace(" ", "T") + "Z"


def map_resolution(span_deg: float) -> int:
    """H3 resolution for a view ``span_deg`` degrees of longitude wide."""
    if span_deg > 1.5:
        return 7
    if span_deg > 0.25:
        return 8
    return 9


@dataclass
class MapLayer:
    """What the map shows for a view: H3 cell counts, or the points themselves.

    ``total`` is the number of incidents in view (None when points were capped at
    the limit, which ``truncated`` says). Two encodings: ``compact()`` (parallel
    arrays, what the map page uses: small and fast to encode) and ``geojson()``
    (for GIS tools).
    """

    kind: str  # "cells" | "points"
    total: int | None
    truncated: bool = False
    resolution: int | None = None
    cells: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    times_utc: list[str] = field(default_factory=list)

    def compact(self) -> dict[str, Any]:
        head = {"kind": self.kind, "total": self.total, "truncated": self.truncated}
        if self.kind == "cells":
            return {
                **head,
                "resolution": self.resolution,
                "cells": [hexgrid.to_hex(c) for c in self.cells],
                "counts": self.counts,
            }
        return {
            **head,
            "ids": self.ids,
            "lon": self.lons,
            "lat": self.lats,
            "category": self.categories,
            "occurred_utc": self.times_utc,
        }

    def geojson_text(self) -> str:
        """``geojson()`` as JSON text. Cells are written from per-cell text encoded once
        (a Lima-wide layer is 3,000 polygons: building and encoding them on every request
        cost three times the query); points go through the JSON encoder."""
        if self.kind != "cells":  # pydantic's encoder: a tenth of the standard library's time
            return pydantic_core.to_json(self.geojson()).decode()
        head = {
            "type": "FeatureCollection",
            "kind": self.kind,
            "total": self.total,
            "truncated": self.truncated,
            "resolution": self.resolution,
        }
        features = hexgrid.cells_geojson_features_text(zip(self.cells, self.counts, strict=True))
        return json.dumps(head, separators=(",", ":"))[:-1] + ',"features":' + features + "}"

    def geojson(self) -> dict[str, Any]:
        head = {
            "type": "FeatureCollection",
            "kind": self.kind,
            "total": self.total,
            "truncated": self.truncated,
        }
        if self.kind == "cells":
            layer = hexgrid.cells_geojson(zip(self.cells, self.counts, strict=True))
            return {**layer, **head, "resolution": self.resolution}
        features = [
            {
                "type": "Feature",
                "id": i,
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"id": i, "category": c, "occurred_utc": t},
            }
            for i, x, y, c, t in zip(
                self.ids, self.lons, self.lats, self.categories, self.times_utc, strict=True
            )
        ]
        return {**head, "features": features}


def map_layer(
    *,
    actor: Actor,
    filters: IncidentFilter,
    points_max_span: float,
    points_limit: int,
    cells_cache: TtlCache | None = None,
) -> MapLayer:
    """H3 counts for wide views, points for close ones (see ``MapLayer``). Wide layers
    come from ``cells_cache`` when given (``layer_cache``: keyed by the reader's scope)."""
    db = actor.db
    actor.require(INCIDENTS_READ, object_type="incident")
    filters = scoped(actor, filters)
    span = (filters.bbox[2] - filters.bbox[0]) if filters.bbox else 360.0
    if span <= points_max_span:
        return _points_layer(db, filters, points_limit)
    res = map_resolution(span)
    if cells_cache is None:
        return _cells_layer(db, filters, res)
    store = db.get_bind().engine.url.render_as_string(hide_password=True)
    # The scoped filter carries the reader's owners and clearance: part of the key.
    key = (store, freeze(filters), res)
    return cells_cache.get(key, lambda: _cells_layer(db, filters, res))


def _points_layer(db: Session, filters: IncidentFilter, limit: int) -> MapLayer:
    # Only columns of the covering index: no table row is read. Details
    # (priority, status, narrative) come from /api/incidents/{id} on click.
    parts = filters.selects(
        select(
            Incident.id,
            Incident.longitude,
            Incident.latitude,
            Incident.category,
            Incident.occurred_at,
        )
    )
    u = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    # Times as the store's UTC text, for the rows returned only (outside the subquery);
    # the page shows them in Lima time. Core execution (no ORM row machinery): thousands of
    # plain tuples.
    text = _utc_text(u.c.occurred_at, db.get_bind().dialect.name)
    query = (
        select(
            u.c.id,
            u.c.longitude,
            u.c.latitude,
            u.c.category,
            type_coerce(text, String).label("occurred_utc"),
        )
        .order_by(u.c.occurred_at.desc())
        .limit(limit + 1)
    )
    rows = db.connection().execute(query).all()
    truncated = len(rows) > limit
    rows = rows[:limit]
    # One pass in C over the rows for all five columns, not a comprehension per column.
    ids, lons, lats, categories, raw_times = (
        (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [], [], [])
    )
    # A truncated layer says so instead of paying for a second scan to count.
    return MapLayer(
        kind="points",
        total=None if truncated else len(rows),
        truncated=truncated,
        ids=ids,
        lons=lons,
        lats=lats,
        categories=categories,
        times_utc=[_iso_utc(t) for t in raw_times],
    )


# The planner settings the map aggregate runs under on PostgreSQL (see _index_scans_only).
_MAP_PLANNER = {
    "enable_seqscan": "off",
    "enable_bitmapscan": "off",
    "plan_cache_mode": "force_custom_plan",
}


@contextmanager
def _index_scans_only(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, keep the planner on the covering map index for this transaction's
    aggregates, then put its settings back.

    Measured with a million rows: a Lima-wide range holds nearly every row, and with the
    default cost model (random pages 4x sequential, for spinning disks) the planner
    scans the whole table, twice the index's size (130-220 ms) instead of the index
    alone (90-110 ms); with a start date it reads the table through the time index (a
    bitmap heap scan, 146 ms) instead of the map index (40-50 ms). Which of those a
    request got also depended on whether its pooled connection had run the statement
    five times (psycopg then prepares it and the server may switch to a generic plan),
    so custom plans are forced: planning costs 0.2 ms. SQLite plans it right alone.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    names = list(_MAP_PLANNER)
    current = ", ".join(f"current_setting('{n}')" for n in names)
    change = ", ".join(f"set_config('{n}', '{v}', true)" for n, v in _MAP_PLANNER.items())
    before = conn.exec_driver_sql(f"SELECT {current}, {change}").one()[: len(names)]
    try:
        yield
    finally:
        restore = ", ".join(f"set_config('{n}', %(v{i})s, true)" for i, n in enumerate(names))
        conn.exec_driver_sql(
            f"SELECT {restore}", {f"v{i}": v for i, v in enumerate(before)}
        ).close()


def _cells_layer(db: Session, filters: IncidentFilter, res: int) -> MapLayer:
    # Only the covering index is read (h3_r9 + filter columns); cells are trimmed to
    # the bbox by their centres afterwards, and coarser cells rolled up in memory.
    rows: list[Any] = []
    conn = db.connection()
    with _index_scans_only(conn):
        for part in filters.selects(
            select(Incident.h3_r9, func.count()).group_by(Incident.h3_r9), exact_bbox=False
        ):
            rows += conn.execute(part).all()
    cells = np.array([r[0] for r in rows], dtype=np.int64)
    counts = np.array([r[1] for r in rows], dtype=np.int64)
    if res != hexgrid.INDEX_RES:
        cells = hexgrid.parents(cells, res)
    keys, inverse = np.unique(cells, return_inverse=True)
    totals = np.bincount(inverse, weights=counts, minlength=len(keys)).astype(np.int64)
    keep = (keys != 0) & hexgrid.centres_within(keys, filters.bbox)
    return MapLayer(
        kind="cells",
        total=int(totals[keep].sum()),
        resolution=res,
        cells=keys[keep].tolist(),
        counts=totals[keep].tolist(),
    )
