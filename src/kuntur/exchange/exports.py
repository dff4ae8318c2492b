"""Exports for analysts: incidents, forecasts (the stored forecast cells), networks
(intelligence nodes and links) and patrol plans (their posts), as GeoJSON, GeoPackage or
CSV, for QGIS, ArcGIS, R or a spreadsheet.

Each dataset is read as its own screens read it, through the actor, with the permission its
own read needs (``incidents.read``, ``forecasts.read``, ``intel.read`` with a checked
purpose, ``patrol.read``) and its record rules (agency sharing, clearance). Every export is
on record: the dataset, the format, the filters and how many rows; never the contents.

Files are written by GDAL (``pyogrio``), so what QGIS opens is what GDAL wrote; longitude
and latitude in EPSG:4326. Times are GDAL DateTime fields in UTC (ISO 8601 with "+00:00"
in CSV).
CSV cells that start with ``=``, ``+``, ``-`` or ``@`` (a formula, in a spreadsheet) are
written with a leading apostrophe (``core.exports``); numbers stay numbers. Narratives are
never exported: they name victims, and a GIS file travels.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select

from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.exports import safe_row
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_utc
from kuntur.exchange.manifest import EXPORTED
from kuntur.forecasting import service as forecasting
from kuntur.forecasting.manifest import FORECASTS_READ
from kuntur.forecasting.models import Forecast, ForecastCell
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.manifest import INCIDENTS_READ
from kuntur.incidents.models import Incident
from kuntur.intelligence import service as intelligence
from kuntur.intelligence.models import Entity, Link
from kuntur.patrol.manifest import PATROL_READ
from kuntur.patrol.models import PatrolPlan, PatrolPost

DATASETS = ("incidents", "forecasts", "networks", "patrol_plans")
FORMATS = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "csv": "text/csv; charset=utf-8",
}
MAX_ROWS = 500_000  # more is a database copy, not an analyst's export: narrow the filters


@dataclass(frozen=True)
class ExportFilter:
    start: datetime | None = None
    end: datetime | None = None
    districts: list[str] = field(default_factory=list)  # ubigeo codes or names


@dataclass
class Table:
    """One layer: its name, geometry type, typed columns (str, int, float, datetime) and
    rows."""

    name: str
    geometry_type: str
    columns: list[tuple[str, str]]
    rows: list[list[Any]] = field(default_factory=list)
    geometries: list[shapely.Geometry] = field(default_factory=list)


@dataclass(frozen=True)
class Export:
    content: bytes
    media_type: str
    rows: int
    file_name: str


# A dataset's layers, and the actor its export is on record under (the analyst with the
# checked purpose, for networks).
Read = tuple[list["Table"], Actor]


def _iso(value: datetime | None) -> str | None:
    return to_utc(value).isoformat() if value is not None else None


def _check_rows(n: int) -> None:
    if n > MAX_ROWS:
        raise InvalidInput(
            _(
                "más de {n} filas: acote el periodo (desde, hasta) o los distritos",
                n=MAX_ROWS,
            )
        )


# Datasets ----------------------------------------------------------------------------------
def _incidents(actor: Actor, f: ExportFilter, districts: list[str]) -> Read:
    actor.require(INCIDENTS_READ, object_type="incident")
    scope = incidents.scoped(
        actor, incidents.IncidentFilter(start=f.start, end=f.end, districts=districts)
    )
    cols = [
        Incident.id,
        Incident.source,
        Incident.external_id,
        Incident.category,
        Incident.category_label,
        Incident.priority,
        Incident.status,
        Incident.occurred_at,
        Incident.received_at,
        Incident.dispatched_at,
        Incident.on_scene_at,
        Incident.cleared_at,
        Incident.disposition,
        Incident.district_ubigeo,
        Incident.address,
        Incident.owner_agency,
        Incident.classification,
        Incident.longitude,
        Incident.latitude,
    ]
    query = scope.selects(select(*cols))[0].order_by(Incident.occurred_at, Incident.id)
    rows = actor.db.execute(query.limit(MAX_ROWS + 1)).all()
    _check_rows(len(rows))
    table = Table(
        "incidents",
        "Point",
        [
            ("id", "int"),
            ("source", "str"),
            ("external_id", "str"),
            ("category", "str"),
            ("category_label", "str"),
            ("priority", "int"),
            ("status", "str"),
            ("occurred_at", "datetime"),
            ("received_at", "datetime"),
            ("dispatched_at", "datetime"),
            ("on_scene_at", "datetime"),
            ("cleared_at", "datetime"),
            ("disposition", "str"),
            ("district_ubigeo", "str"),
            ("district_name", "str"),
            ("address", "str"),
            ("owner_agency", "str"),
            ("classification", "int"),
            ("longitude", "float"),
            ("latitude", "float"),
        ],
    )
    for r in rows:
        d = geo.get_district(r.district_ubigeo) if r.district_ubigeo else None
        table.rows.append(
            [
                r.id,
                r.source,
                r.external_id,
                r.category,
                r.category_label,
                r.priority,
                r.status,
                r.occurred_at,
                r.received_at,
                r.dispatched_at,
                r.on_scene_at,
                r.cleared_at,
                r.disposition,
                r.district_ubigeo,
                d.name if d else None,
                r.address,
                r.owner_agency,
                r.classification,
                r.longitude,
                r.latitude,
            ]
        )
        table.geometries.append(shapely.Point(r.longitude, r.latitude))
    return [table], actor


def _forecasts(actor: Actor, f: ExportFilter, districts: list[str]) -> Read:
    """The cells of the newest forecast the reader may read (valid from within the period,
    when one is given), as polygons."""
    actor.require(FORECASTS_READ, object_type="forecast")
    query = select(Forecast).order_by(Forecast.id.desc())
    if f.start:
        query = query.where(Forecast.valid_from >= to_utc(f.start))
    if f.end:
        query = query.where(Forecast.valid_from < to_utc(f.end))
    chosen = next((x for x in actor.db.scalars(query) if forecasting.may_read(actor, x)), None)
    if chosen is None:
        raise NotFound(_("ningún pronóstico que usted pueda leer en ese periodo"))
    geojson = forecasting.cells_geojson(actor=actor, forecast_id=chosen.id)
    cells = {
        c.cell: c
        for c in actor.db.scalars(select(ForecastCell).where(ForecastCell.forecast_id == chosen.id))
    }
    table = Table(
        "forecast_cells",
        "Polygon",
        [
            ("forecast_id", "int"),
            ("cell", "int"),
            ("rank", "int"),
            ("level", "str"),
            ("risk", "float"),
            ("recent_events", "int"),
            ("year_events", "int"),
            ("long_term_per_year", "float"),
            ("district_ubigeo", "str"),
            ("valid_from", "datetime"),
            ("valid_until", "datetime"),
            ("method", "str"),
        ],
    )
    for feature in geojson["features"]:
        c = cells[feature["properties"]["cell"]]
        if districts and c.district_ubigeo not in districts:
            continue
        table.rows.append(
            [
                chosen.id,
                c.cell,
                c.rank,
                c.level,
                c.risk,
                c.recent_events,
                c.year_events,
                c.long_term_per_year,
                c.district_ubigeo,
                chosen.valid_from,
                chosen.valid_until,
                chosen.chosen,
            ]
        )
        table.geometries.append(shapely.geometry.shape(feature["geometry"]))
    return [table], actor


def _networks(actor: Actor, f: ExportFilter, districts: list[str]) -> Read:
    """Nodes (reports at their place; entities at the mean place of the reports that name
    them) and links (report to entity), as the reader may see them: an intelligence analyst
    with a checked purpose (an open case they are a member of), the record rules of the
    linked reports applied (``intelligence.service.Access``)."""
    access = intelligence.require_analyst(actor, "export:networks")
    query = access.links(
        Link.incident_id,
        Link.mention,
        Link.rule,
        Link.confidence,
        Entity.id,
        Entity.kind,
        Entity.key,
        Incident.longitude,
        Incident.latitude,
        Incident.occurred_at,
        Incident.category,
        Incident.district_ubigeo,
    )
    if f.start:
        query = query.where(Incident.occurred_at >= to_utc(f.start))
    if f.end:
        query = query.where(Incident.occurred_at < to_utc(f.end))
    if districts:
        query = query.where(Incident.district_ubigeo.in_(districts))
    rows = actor.db.execute(query.order_by(Link.incident_id, Entity.id).limit(MAX_ROWS + 1)).all()
    _check_rows(len(rows))
    reports: dict[int, Any] = {}
    places: dict[int, list[tuple[float, float]]] = {}
    entities: dict[int, Any] = {}
    for r in rows:
        reports.setdefault(r.incident_id, r)
        entities.setdefault(r.id, r)
        places.setdefault(r.id, []).append((r.longitude, r.latitude))
    node_cols = [
        ("node", "str"),
        ("node_type", "str"),
        ("kind", "str"),
        ("label", "str"),
        ("incident_id", "int"),
        ("occurred_at", "datetime"),
        ("category", "str"),
        ("district_ubigeo", "str"),
        ("reports", "int"),
    ]
    nodes = Table("nodes", "Point", node_cols)
    for iid, r in reports.items():
        nodes.rows.append(
            [
                f"report:{iid}",
                "report",
                r.category,
                f"INC-{iid}",
                iid,
                r.occurred_at,
                r.category,
                r.district_ubigeo,
                1,
            ]
        )
        nodes.geometries.append(shapely.Point(r.longitude, r.latitude))
    centre: dict[int, tuple[float, float]] = {}
    named_in: dict[int, set[int]] = {}
    for r in rows:
        named_in.setdefault(r.id, set()).add(r.incident_id)
    for eid, e in entities.items():
        xy = np.array(places[eid])
        centre[eid] = (float(xy[:, 0].mean()), float(xy[:, 1].mean()))
        nodes.rows.append(
            [f"entity:{eid}", "entity", e.kind, e.key, None, None, None, None, len(named_in[eid])]
        )
        nodes.geometries.append(shapely.Point(*centre[eid]))
    links = Table(
        "links",
        "LineString",
        [
            ("source", "str"),
            ("target", "str"),
            ("incident_id", "int"),
            ("entity", "str"),
            ("mention", "str"),
            ("rule", "str"),
            ("confidence", "float"),
        ],
    )
    for r in rows:
        links.rows.append(
            [
                f"report:{r.incident_id}",
                f"entity:{r.id}",
                r.incident_id,
                r.key,
                r.mention,
                r.rule,
                r.confidence,
            ]
        )
        links.geometries.append(shapely.LineString([(r.longitude, r.latitude), centre[r.id]]))
    return [nodes, links], access.actor  # on record under the checked purpose


def _patrol_plans(actor: Actor, f: ExportFilter, districts: list[str]) -> Read:
    """The posts of the patrol plans whose shift starts within the period (every plan
    without one), each with its plan's times and status."""
    actor.require(PATROL_READ, object_type="patrol_plan")
    query = (
        select(PatrolPost, PatrolPlan)
        .join(PatrolPlan, PatrolPlan.id == PatrolPost.plan_id)
        .order_by(PatrolPlan.id, PatrolPost.rank)
    )
    if f.start:
        query = query.where(PatrolPlan.starts_at >= to_utc(f.start))
    if f.end:
        query = query.where(PatrolPlan.starts_at < to_utc(f.end))
    rows = actor.db.execute(query.limit(MAX_ROWS + 1)).all()
    _check_rows(len(rows))
    table = Table(
        "patrol_posts",
        "Point",
        [
            ("plan_id", "int"),
            ("plan_status", "str"),
            ("starts_at", "datetime"),
            ("ends_at", "datetime"),
            ("post_id", "int"),
            ("rank", "int"),
            ("unit_id", "int"),
            ("site", "str"),
            ("kind", "str"),
            ("reach_m", "float"),
            ("covered_risk", "float"),
            ("district_ubigeo", "str"),
        ],
    )
    for post, plan in rows:
        ubigeo = geo.locate_one(post.lon, post.lat)
        if districts and ubigeo not in districts:
            continue
        table.rows.append(
            [
                plan.id,
                plan.status,
                plan.starts_at,
                plan.ends_at,
                post.id,
                post.rank,
                post.unit_id,
                post.site,
                post.kind,
                post.reach_m,
                post.covered_risk,
                ubigeo,
            ]
        )
        table.geometries.append(shapely.Point(post.lon, post.lat))
    return [table], actor


READERS: dict[str, Callable[[Actor, ExportFilter, list[str]], Read]] = {
    "incidents": _incidents,
    "forecasts": _forecasts,
    "networks": _networks,
    "patrol_plans": _patrol_plans,
}


# Writing -----------------------------------------------------------------------------------
def _arrays(t: Table) -> list[np.ndarray]:
    out = []
    for i, (_name, kind) in enumerate(t.columns):
        values = [r[i] for r in t.rows]
        if kind == "datetime":  # GDAL DateTime fields, in UTC (QGIS's time controller)
            out.append(
                np.array(
                    [
                        np.datetime64(to_utc(v).replace(tzinfo=None), "ms") if v else None
                        for v in values
                    ],
                    dtype="datetime64[ms]",
                )
            )
        elif kind == "float":
            out.append(np.array([np.nan if v is None else v for v in values], np.float64))
        elif kind == "int" and all(v is not None for v in values):
            out.append(np.array(values, np.int64))
        else:  # text, or whole numbers with gaps (GDAL writes None as null)
            out.append(np.array(values, dtype=object))
    return out


def _gdal(tables: Sequence[Table], driver: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kuntur-export-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        for n, t in enumerate(tables):
            from pyogrio import raw

            raw.write(
                str(path),
                shapely.to_wkb(np.array(t.geometries, dtype=object)),
                _arrays(t),
                [c for c, _ in t.columns],
                layer=t.name,
                driver=driver,
                geometry_type=t.geometry_type,
                crs="EPSG:4326",
                append=n > 0,
                **({"layer_options": {"RFC7946": "YES"}} if driver == "GeoJSON" else {}),
            )
        return path.read_bytes()


def _geojson(tables: Sequence[Table]) -> bytes:
    """One FeatureCollection; with several layers (networks), each feature says its own in
    ``layer``. Written by GDAL one layer at a time, then put together."""
    if len(tables) == 1:
        return _gdal(tables, "GeoJSON", ".geojson")
    features: list[Any] = []
    for t in tables:
        layer = Table(t.name, t.geometry_type, [("layer", "str"), *t.columns])
        layer.rows = [[t.name, *r] for r in t.rows]
        layer.geometries = t.geometries
        features += json.loads(_gdal([layer], "GeoJSON", ".geojson"))["features"]
    return json.dumps(
        {"type": "FeatureCollection", "name": "networks", "features": features},
        ensure_ascii=False,
    ).encode("utf-8")


def _text(value: Any) -> Any:
    return _iso(value) if isinstance(value, datetime) else value


def _csv(tables: Sequence[Table]) -> bytes:
    """A header, then one row per feature with its geometry as WKT (``wkt``); with several
    layers, a ``layer`` column and the union of their columns."""
    names: list[str] = []
    for t in tables:
        names += [c for c, _ in t.columns if c not in names]
    several = len(tables) > 1
    header = (["layer"] if several else []) + names + ["wkt"]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    for t in tables:
        index = {c: i for i, (c, _) in enumerate(t.columns)}
        for row, geom in zip(t.rows, t.geometries, strict=True):
            values = [_text(row[index[c]]) if c in index else None for c in names]
            cells = ([t.name] if several else []) + values + [shapely.to_wkt(geom, 7)]
            out.writerow(safe_row(["" if v is None else v for v in cells]))
    return buf.getvalue().encode("utf-8")


def export(actor: Actor, dataset: str, fmt: str, f: ExportFilter) -> Export:
    """``dataset`` as ``fmt`` (geojson, gpkg, csv), filtered, read through the actor and on
    record (the dataset, format, filters and rows; never the contents)."""
    if dataset not in READERS:
        raise NotFound(
            _("no hay conjunto de datos {name!r}: {names}", name=dataset, names=", ".join(DATASETS))
        )
    if fmt not in FORMATS:
        raise InvalidInput(_("formato {fmt!r}: geojson, gpkg o csv", fmt=fmt))
    if f.start and f.end and to_utc(f.end) <= to_utc(f.start):
        raise InvalidInput(_("el final del periodo debe ser posterior a su inicio"))
    districts = incidents.resolve_districts(f.districts)
    tables, reader = READERS[dataset](actor, f, districts)
    rows = sum(len(t.rows) for t in tables)
    if fmt == "csv":
        content = _csv(tables)
    elif fmt == "geojson":
        content = _geojson(tables)
    else:
        content = _gdal(tables, "GPKG", ".gpkg")
    reader.record(
        EXPORTED,
        object_type="export",
        object_id=dataset,
        details={
            "dataset": dataset,
            "format": fmt,
            "rows": rows,
            "from": _iso(f.start),
            "to": _iso(f.end),
            "districts": districts,
        },
    )
    return Export(content, FORMATS[fmt], rows, f"{dataset}.{fmt}")
