"""Forecasts on the stored incidents: run, keep, serve and explain.

``run`` reads the incidents the caller may see (category, region), fits the
chosen estimator, stores the flagged cells with why each was flagged and the
fairness report, and audits the run. Reading forecasts needs
``forecasts.read`` and, as for the incidents themselves, the right to see every record the
forecast counts (their agencies and highest classification are kept with it); running one
needs ``forecasts.run``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from kuntur.core.db import get_or_404
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.forecasting import fairness
from kuntur.forecasting.auto import METHODS, make
from kuntur.forecasting.evaluation import rank
from kuntur.forecasting.grid import (
    Grid,
    datetimes_to_days,
    history_from_points,
    project,
    unproject,
)
from kuntur.forecasting.manifest import FORECAST_CREATED, FORECASTS_READ, FORECASTS_RUN
from kuntur.forecasting.models import Forecast, ForecastCell
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.identity.roles import OPERATIONAL_AGENCIES, Clearance
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category
from kuntur.incidents.models import Incident

MIN_EVENTS = 50
LEVELS = (("very_high", 1.0), ("high", 5.0))  # top 1 % of the area, then up to 5 %
RECENT_DAYS = 28
LIMA = ZoneInfo("America/Lima")


@dataclass(frozen=True)
class RunRequest:
    method: str = "auto"
    categories: tuple[str, ...] = ()
    region: str | None = None  # ubigeo prefix: "15" department, "1501" province, 6 = district
    cell_size: float = 250.0
    horizon_days: float = 7.0
    exclude_discovered: bool = False
    at: datetime | None = None  # forecast start; default the midnight after the last incident

    def check(self) -> None:
        if self.method not in METHODS:
            raise InvalidInput(
                _(
                    "method: {method!r} no es uno de {methods}",
                    method=self.method,
                    methods=", ".join(METHODS),
                )
            )
        bad = [c for c in self.categories if c not in Category.__members__.values()]
        if bad:
            raise InvalidInput(_("categories: desconocidas {bad}", bad=", ".join(bad)))
        if self.region is not None and not (
            self.region.isdigit() and len(self.region) in (2, 4, 6)
        ):
            raise InvalidInput(_("region: un prefijo de ubigeo de 2, 4 o 6 cifras (p. ej. 1501)"))
        if not 50 <= self.cell_size <= 2000:
            raise InvalidInput(_("cell_size: entre 50 y 2000 metros"))
        if not 1 <= self.horizon_days <= 90:
            raise InvalidInput(_("horizon_days: entre 1 y 90"))
        if self.at is not None and not 1900 <= to_utc(self.at).year <= 2100:
            raise InvalidInput(_("at: una fecha entre 1900 y 2100"))


@dataclass
class _Points:
    times: np.ndarray  # datetime64[ns] UTC
    lon: np.ndarray
    lat: np.ndarray
    category: np.ndarray
    district: np.ndarray
    version: str
    owners: tuple[str, ...]  # agencies owning the incidents used
    classification: int  # the highest classification among them


def _load(actor: Actor, req: RunRequest) -> _Points:
    db = actor.db
    filters = incidents.scoped(
        actor, incidents.IncidentFilter(categories=list(req.categories), end=req.at)
    )
    q = select(
        Incident.occurred_at,
        Incident.longitude,
        Incident.latitude,
        Incident.category,
        Incident.district_ubigeo,
        Incident.id,
        Incident.owner_agency,
        Incident.classification,
    ).where(*filters.clauses())
    if req.region:
        q = q.where(Incident.district_ubigeo.like(f"{req.region}%"))
    if req.exclude_discovered:
        q = q.where(Incident.category.not_in(sorted(fairness.PATROL_DISCOVERED)))
    # Points outside the served area (stored before intake refused them) would stretch
    # the grid over an ocean: left out, as every analysis does.
    x0, y0, x1, y1 = geo.SERVED_AREA
    q = q.where(Incident.longitude.between(x0, x1), Incident.latitude.between(y0, y1))
    rows = db.execute(q).all()
    if len(rows) < MIN_EVENTS:
        raise InvalidInput(
            _(
                "solo {n} incidentes coinciden (categoría, región, lo que usted puede ver); un "
                "pronóstico necesita al menos {needed}",
                n=len(rows),
                needed=MIN_EVENTS,
            )
        )
    times = np.array([r[0].replace(tzinfo=None) for r in rows], dtype="datetime64[ns]")
    ids = np.array([r[5] for r in rows], dtype=np.int64)
    digest = hashlib.sha256(
        np.sort(ids).tobytes() + times.max().astype(np.int64).tobytes()
    ).hexdigest()
    return _Points(
        times=times,
        lon=np.array([r[1] for r in rows], float),
        lat=np.array([r[2] for r in rows], float),
        category=np.array([r[3] for r in rows], dtype=object),
        district=np.array([r[4] for r in rows], dtype=object),
        version=digest[:16],
        owners=tuple(sorted({str(r[6]) for r in rows})),
        classification=max(int(r[7]) for r in rows),
    )


def _next_local_midnight(days: float) -> float:
    """The first midnight in Lima after ``days`` (forecasts start on a Lima day)."""
    moment = _days_to_datetime(days).astimezone(LIMA)
    midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), LIMA)
    return (midnight - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86_400.0


def _days_to_datetime(days: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=days)


def run(*, actor: Actor, req: RunRequest) -> Forecast:
    """Fit, rank, store the flagged cells and the fairness report; audited."""
    db = actor.db
    actor.require(FORECASTS_RUN, object_type="forecast")
    req.check()
    pts = _load(actor, req)
    history = history_from_points(pts.times, pts.lon, pts.lat, cell_size=req.cell_size)
    if req.at is not None:
        at = float(datetimes_to_days(np.array([to_utc(req.at).replace(tzinfo=None)]))[0])
    else:
        at = _next_local_midnight(float(history.times[-1]))
    model = make(req.method, cell_size=req.cell_size, horizon_days=req.horizon_days)
    risk = model.fit(history, at).predict(req.horizon_days)
    area = np.flatnonzero(np.bincount(history.cells, minlength=history.grid.n_cells))
    tie_break = np.random.default_rng(0).permutation(history.grid.n_cells)
    order = rank(risk, area, tie_break)
    cuts = [(name, max(1, round(len(area) * pct / 100.0))) for name, pct in LEVELS]
    flagged = order[: cuts[-1][1]]
    flagged = flagged[risk[flagged] > 0]  # never flag a cell the model gives no risk
    recent = history.counts(at - RECENT_DAYS, at)
    year = history.counts(at - 365.0, at)
    span_years = max((at - float(history.times[0])) / 365.25, 1.0 / 52)
    long_term = history.counts(-np.inf, at) / span_years
    cx, cy = history.grid.centres(flagged)
    lon, lat = unproject(cx, cy, history.grid.crs)
    districts = geo.locate(lon, lat) if len(flagged) else np.array([], dtype=object)
    victim = pts.category.astype(str)
    reported = ~np.isin(victim, sorted(fairness.PATROL_DISCOVERED))
    recent_year = pts.times >= np.datetime64(_days_to_datetime(at - 365.0).replace(tzinfo=None))
    counts: dict[str, int] = {}
    for d in pts.district[reported & recent_year]:
        if d:
            counts[str(d)] = counts.get(str(d), 0) + 1
    all_districts = geo.districts()
    report = fairness.report(
        [str(d) if d else None for d in districts],
        {u: d.population_2017 for u, d in all_districts.items()},
        counts,
        {u: d.name for u, d in all_districts.items()},
    )
    if req.exclude_discovered:
        report["excluded_categories"] = sorted(fairness.PATROL_DISCOVERED)
    grid = history.grid
    forecast = Forecast(
        created_at=utcnow(),
        created_by=actor.who,
        method=req.method,
        chosen=getattr(model, "choice_", model.label())[:300],
        params=json.dumps(
            {
                "estimator": model.label(),
                "scores": getattr(model, "scores_", None),
                "validation_windows": getattr(model, "validation_windows_", None),
                # Cells, counts and the fairness report derive from these records: a
                # reader sees the forecast only if it may see all of them.
                "scope": {"owners": list(pts.owners), "classification": pts.classification},
            }
        ),
        categories=json.dumps(list(req.categories)),
        region=req.region,
        exclude_discovered=req.exclude_discovered,
        data_version=pts.version,
        events_used=int(history.before(at).stop),
        cell_size=grid.cell_size,
        crs=grid.crs,
        x0=grid.x0,
        y0=grid.y0,
        nx=grid.nx,
        ny=grid.ny,
        area_cells=len(area),
        horizon_days=req.horizon_days,
        valid_from=_days_to_datetime(at),
        valid_until=_days_to_datetime(at + req.horizon_days),
        fairness=json.dumps(report),
    )
    db.add(forecast)
    db.flush()
    very_high = cuts[0][1]
    db.add_all(
        ForecastCell(
            forecast_id=forecast.id,
            cell=int(c),
            rank=i + 1,
            level="very_high" if i < very_high else "high",
            risk=float(risk[c]),
            recent_events=int(recent[c]),
            year_events=int(year[c]),
            long_term_per_year=round(float(long_term[c]), 3),
            district_ubigeo=str(d) if d else None,
        )
        for i, (c, d) in enumerate(zip(flagged, districts, strict=True))
    )
    actor.record(
        FORECAST_CREATED,
        object_type="forecast",
        object_id=str(forecast.id),
        details={
            "method": req.method,
            "chosen": forecast.chosen,
            "categories": list(req.categories),
            "region": req.region,
            "exclude_discovered": req.exclude_discovered,
            "data_version": pts.version,
            "flagged_cells": len(flagged),
        },
    )
    return forecast


def _scope(f: Forecast) -> tuple[list[str], int]:
    """Owning agencies and highest classification of the incidents a forecast counts.
    A forecast stored before scopes were kept is taken to count everything."""
    scope = json.loads(f.params).get("scope")
    if not scope:
        return sorted(OPERATIONAL_AGENCIES), max(Clearance)
    return list(scope["owners"]), int(scope["classification"])


def may_read(actor: Actor, f: Forecast) -> bool:
    owners, classification = _scope(f)
    return all(actor.may_read(owner_agency=o, classification=classification) for o in owners)


def _visible(actor: Actor, forecast_id: int) -> Forecast:
    """One forecast, if ``ctx`` may see every record it counts; otherwise not found (and
    the attempt audited), as for an incident."""
    db = actor.db
    actor.require(FORECASTS_READ, object_type="forecast")
    f = get_or_404(db, Forecast, forecast_id, f"forecast {forecast_id}")
    owners, classification = _scope(f)
    for owner in owners:
        actor.require_record(
            owner_agency=owner,
            classification=classification,
            object_type="forecast",
            object_id=str(forecast_id),
        )
    return f


def _readable(actor: Actor, limit: int) -> list[Forecast]:
    """The newest ``limit`` forecasts ``ctx`` may read (forecasts are few: filtered here).

    Newest by the day they start from, not by when they were made: a past week's forecast
    made afterwards (a backfill for the hit rate week by week) is not today's map."""
    out: list[Forecast] = []
    newest = select(Forecast).order_by(Forecast.valid_from.desc(), Forecast.id.desc())
    for f in actor.db.scalars(newest):
        if may_read(actor, f):
            out.append(f)
            if len(out) >= limit:
                break
    return out


def list_forecasts(*, actor: Actor, limit: int = 20) -> Sequence[Forecast]:
    actor.require(FORECASTS_READ, object_type="forecast")
    return _readable(actor, limit)


def latest(*, actor: Actor) -> Forecast:
    """The newest forecast ``ctx`` may read."""
    actor.require(FORECASTS_READ, object_type="forecast")
    newest = _readable(actor, 1)
    if not newest:
        raise NotFound(
            _("aún no hay pronóstico: ejecute `kuntur forecast run` o POST /api/forecasts")
        )
    return newest[0]


def get(*, actor: Actor, forecast_id: int) -> Forecast:
    return _visible(actor, forecast_id)


def summary(f: Forecast) -> dict[str, Any]:
    return {
        "id": f.id,
        "created_at": f.created_at.isoformat(),
        "created_by": f.created_by,
        "method": f.method,
        "chosen": f.chosen,
        "params": json.loads(f.params),
        "categories": json.loads(f.categories),
        "region": f.region,
        "exclude_discovered": f.exclude_discovered,
        "data_version": f.data_version,
        "events_used": f.events_used,
        "cell_size": f.cell_size,
        "crs": f.crs,
        "area_cells": f.area_cells,
        "horizon_days": f.horizon_days,
        "valid_from": f.valid_from.isoformat(),
        "valid_until": f.valid_until.isoformat(),
        "fairness": json.loads(f.fairness),
    }


def _grid(f: Forecast) -> Grid:
    return Grid(f.x0, f.y0, f.cell_size, f.nx, f.ny, f.crs)


def cells_geojson(*, actor: Actor, forecast_id: int) -> dict[str, Any]:
    """Flagged cells as polygons (longitude/latitude) with rank, level and risk."""
    f = _visible(actor, forecast_id)
    cells = actor.db.scalars(
        select(ForecastCell).where(ForecastCell.forecast_id == f.id).order_by(ForecastCell.rank)
    ).all()
    corners = _grid(f).corners_lonlat(np.array([c.cell for c in cells], np.int64))
    features = []
    for c, ring in zip(cells, corners, strict=True):
        coords = [[round(float(x), 6), round(float(y), 6)] for x, y in ring]
        features.append(
            {
                "type": "Feature",
                "id": c.cell,
                "geometry": {"type": "Polygon", "coordinates": [[*coords, coords[0]]]},
                "properties": {
                    "cell": c.cell,
                    "rank": c.rank,
                    "level": c.level,
                    "risk": round(c.risk, 4),
                    "district": c.district_ubigeo,
                },
            }
        )
    return {"type": "FeatureCollection", "forecast_id": f.id, "features": features}


def explain(*, actor: Actor, forecast_id: int, cell: int) -> dict[str, Any]:
    """Why a cell was flagged: its rank, the recent events and the long-term level there."""
    f = _visible(actor, forecast_id)
    c = actor.db.get(ForecastCell, (f.id, cell))
    if c is None:
        raise NotFound(
            _("la celda {cell} no fue marcada por el pronóstico {id}", cell=cell, id=f.id)
        )
    district = geo.get_district(c.district_ubigeo) if c.district_ubigeo else None
    # The area's typical cell: what "high" is measured against.
    per_cell_year = f.events_used / max(f.area_cells, 1)
    return {
        "forecast_id": f.id,
        "cell": c.cell,
        "rank": c.rank,
        "of_area_cells": f.area_cells,
        "top_percent": round(100.0 * c.rank / max(f.area_cells, 1), 2),
        "level": c.level,
        "expected_events": round(c.risk, 3),
        "recent_events": c.recent_events,
        "recent_days": RECENT_DAYS,
        "year_events": c.year_events,
        "long_term_per_year": c.long_term_per_year,
        "area_mean_events_per_cell": round(per_cell_year, 2),
        "district": {"ubigeo": district.ubigeo, "name": district.name} if district else None,
        "method": f.chosen,
        "cell_size": f.cell_size,
    }


CELL_INCIDENTS_SHOWN = 50


def cell_incidents(*, actor: Actor, forecast_id: int, cell: int) -> dict[str, Any]:
    """What lies behind a flagged cell: the incidents in it over the year before the
    forecast, by crime type and by hour of the day (Lima), and the latest of them.

    Read as the reader's own incidents (``incidents.scoped``: owning agency, sharing rules,
    clearance), so a reader sees only the incidents they may read, even where the forecast
    counted more; ``readable`` says how many that is."""
    f = _visible(actor, forecast_id)
    if actor.db.get(ForecastCell, (f.id, cell)) is None:
        raise NotFound(
            _("la celda {cell} no fue marcada por el pronóstico {id}", cell=cell, id=f.id)
        )
    grid = _grid(f)
    ring = grid.corners_lonlat(np.array([cell], np.int64))[0]
    lons, lats = [float(p[0]) for p in ring], [float(p[1]) for p in ring]
    since = f.valid_from - timedelta(days=365)
    scope = incidents.scoped(
        actor,
        incidents.IncidentFilter(
            bbox=(min(lons), min(lats), max(lons), max(lats)), start=since, end=f.valid_from
        ),
    )
    categories = list(json.loads(f.categories))
    rows = actor.db.execute(
        select(
            Incident.id,
            Incident.occurred_at,
            Incident.category,
            Incident.district_ubigeo,
            Incident.longitude,
            Incident.latitude,
        )
        .where(*scope.clauses())
        .order_by(Incident.occurred_at.desc())
    ).all()
    # The bbox holds a little more than the (projected) cell: keep the cell's own points.
    if rows:
        x, y = project(
            np.array([r[4] for r in rows], float), np.array([r[5] for r in rows], float), grid.crs
        )
        inside = grid.cell_of(x, y) == cell
        rows = [r for r, ok in zip(rows, inside, strict=True) if ok]
    if categories:
        rows = [r for r in rows if r[2] in categories]
    if f.exclude_discovered:
        rows = [r for r in rows if r[2] not in fairness.PATROL_DISCOVERED]
    by_category: dict[str, int] = {}
    by_hour = [0] * 24
    for r in rows:
        by_category[r[2]] = by_category.get(r[2], 0) + 1
        by_hour[to_utc(r[1]).astimezone(LIMA).hour] += 1
    names = {u: d.name for u, d in geo.districts().items()}
    return {
        "forecast_id": f.id,
        "cell": cell,
        "since": since.isoformat(),
        "until": f.valid_from.isoformat(),
        "readable": len(rows),
        "by_category": dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_hour": by_hour,
        "incidents": [
            {
                "id": r[0],
                "occurred_at": to_utc(r[1]).isoformat(),
                "category": r[2],
                "district": names.get(r[3] or ""),
            }
            for r in rows[:CELL_INCIDENTS_SHOWN]
        ],
    }
