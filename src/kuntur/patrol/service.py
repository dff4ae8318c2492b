"""Patrol plans in the store: built for a shift from the stored forecast and the units on
hand, read, and approved by a commander into orders down the chain of command.

Every function takes the ``Actor`` first. Building and reading need ``patrol.read``
(commanders and dispatchers), approving ``patrol.approve`` (commanders) and, for each post,
what ``command.issue_order`` checks (``orders.issue``, the chain, the legal basis).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import numpy as np
from jinja2 import Environment, select_autoescape
from sqlalchemy import select, update

from kuntur.command import legal
from kuntur.command import service as command
from kuntur.command.models import CommandUnit, LegalAuthorization, Order, Unit
from kuntur.command.units import TYPE_SPEED_KMH, UnitStatus
from kuntur.core.db import get_or_404
from kuntur.core.errors import Forbidden, InvalidInput, KunturError
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.dispatch.models import Assignment
from kuntur.forecasting import service as forecasting
from kuntur.forecasting.grid import Grid, unproject
from kuntur.forecasting.models import Forecast, ForecastCell
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.identity.models import User
from kuntur.incidents.models import ImportBatch
from kuntur.patrol import planning
from kuntur.patrol.manifest import (
    PATROL_APPROVE,
    PATROL_READ,
    PLAN_APPROVED,
    PLAN_BUILT,
    PLAN_REFUSED,
    SHEET_PRINTED,
)
from kuntur.patrol.models import PatrolPlan, PatrolPost

REACH_MINUTES = 4.0  # a post reaches what its unit gets to in four minutes
TOP_SITES = 150  # the highest-risk cell centroids offered as sites, beside the homes
BUSY_WINDOW = timedelta(days=28)  # the dispatch history the busy fractions read
MAX_SHIFT = timedelta(hours=24)
SPOTS_OFFERED = 10  # hot spots in reach handed to the schedule (it keeps what fits)
UNCOVERED_LISTED = 50
ON_HAND = {UnitStatus.AVAILABLE, UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE}
ON_HAND |= {UnitStatus.ON_SCENE, UnitStatus.RETURNING}


def _lima(at: datetime) -> str:
    return f"{at.astimezone(legal.LIMA):%Y-%m-%d %H:%M}"


def _fail(es: str, en: str) -> InvalidInput:
    return InvalidInput(f"{es} / {en}")


def parse_region(region: str | Sequence[str] | None) -> tuple[str, ...]:
    """Ubigeo prefixes (2, 4 or 6 digits), from "1501,0701" or a list; () for everywhere."""
    if region is None:
        return ()
    parts = region.split(",") if isinstance(region, str) else list(region)
    out = tuple(p.strip() for p in parts if p.strip())
    bad = [p for p in out if not (p.isdigit() and len(p) in (2, 4, 6))]
    if bad:
        raise _fail(
            f"región: «{', '.join(bad)}» no es un prefijo de ubigeo (2, 4 o 6 dígitos)",
            f"region: {', '.join(bad)!r} is not a ubigeo prefix (2, 4 or 6 digits)",
        )
    return out


def _in_region(ubigeo: str | None, prefixes: tuple[str, ...]) -> bool:
    return not prefixes or (ubigeo is not None and ubigeo.startswith(prefixes))


def _forecast(actor: Actor, include_discovered: bool) -> Forecast:
    """The newest forecast the reader may see that leaves out what patrols discover
    themselves (drugs, weapons found in stops), unless asked to let it in: a plan fed its
    own discoveries sends patrols back where they already were (Ensign et al. 2018)."""
    for f in forecasting.list_forecasts(actor=actor, limit=50):
        if include_discovered or f.exclude_discovered:
            return f
    raise _fail(
        "no hay un pronóstico que deje fuera lo que descubre el propio patrullaje: ejecute "
        "`kuntur forecast run --exclude-discovered`, o incluya esos incidentes a sabiendas",
        "no forecast leaves out what patrols discover themselves: run `kuntur forecast run "
        "--exclude-discovered`, or include those incidents knowingly",
    )


def _actor_node(actor: Actor) -> int | None:
    if actor.ctx.user_id is None:
        return None
    user = actor.db.get(User, actor.ctx.user_id)
    return user.unit_id if user else None


def _root(actor: Actor) -> int:
    node = actor.db.scalar(
        select(CommandUnit.id).where(CommandUnit.parent_id.is_(None)).order_by(CommandUnit.id)
    )
    if node is None:
        raise _fail("no hay árbol de mando", "there is no command tree")
    return int(node)


def busy_fractions(actor: Actor, units: Sequence[Unit], at: datetime) -> dict[str, float]:
    """Per unit type: time assigned to incidents over time on shift, in the four weeks
    before ``at`` (``planning.busy_fraction``)."""
    start = at - BUSY_WINDOW
    by_type: dict[str, list[int]] = {}
    for u in units:
        by_type.setdefault(u.unit_type, []).append(u.id)
    rows = actor.db.execute(
        select(Assignment.unit_id, Assignment.dispatched_at, Assignment.released_at).where(
            Assignment.unit_id.in_([u.id for u in units]),
            Assignment.dispatched_at < at,
        )
    ).all()
    spans: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for uid, a, b in rows:
        spans.setdefault(uid, []).append((a, b))
    return {
        utype: planning.busy_fraction(
            [s for i in ids for s in spans.get(i, [])], len(ids), start, at, now=at
        )
        for utype, ids in by_type.items()
    }


def build_plan(
    actor: Actor,
    *,
    starts_at: datetime,
    ends_at: datetime,
    region: str | Sequence[str] | None = None,
    include_discovered: bool = False,
    node_id: int | None = None,
    reach_minutes: float = REACH_MINUTES,
    time_limit: float = 5.0,
) -> PatrolPlan:
    """The shift's plan, stored as a draft (``planning.plan_shift`` on the stored
    forecast's cells and the units of the node's subtree on hand in the region)."""
    db = actor.db
    actor.require(PATROL_READ, object_type="patrol_plan")
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)
    if ends_at <= starts_at or ends_at - starts_at > MAX_SHIFT:
        raise _fail(
            "turno: el fin debe seguir al inicio, 24 horas como máximo",
            "shift: the end must follow the start, 24 hours at most",
        )
    if not 1 <= reach_minutes <= 30:
        raise _fail("alcance: de 1 a 30 minutos", "reach: 1 to 30 minutes")
    prefixes = parse_region(region)
    f = _forecast(actor, include_discovered)
    node = node_id or _actor_node(actor) or _root(actor)
    if node_id is not None and not actor.is_system:
        mine = _actor_node(actor)
        if mine is None or node_id not in command.subtree(db, mine):
            raise Forbidden(
                "Solo puede planificar con las unidades de su nodo de mando o de uno que "
                "dependa de él. / You may plan only with the units of your own command node "
                "or one below it."
            )
    if db.get(CommandUnit, node) is None:
        raise _fail(f"nodo de mando {node}: no existe", f"command node {node}: none")
    # Demand: the forecast's cells in the region, at their centroids; risk for the shift.
    cells = [
        c
        for c in db.scalars(
            select(ForecastCell).where(ForecastCell.forecast_id == f.id).order_by(ForecastCell.rank)
        )
        if _in_region(c.district_ubigeo, prefixes)
    ]
    if not cells:
        raise _fail(
            f"el pronóstico {f.id} no marca celdas en la región",
            f"forecast {f.id} flags no cells in the region",
        )
    grid = Grid(f.x0, f.y0, f.cell_size, f.nx, f.ny, f.crs)
    cx, cy = grid.centres(np.array([c.cell for c in cells], dtype=np.int64))
    d_lon, d_lat = unproject(cx, cy, f.crs)
    share = (ends_at - starts_at).total_seconds() / 86400 / max(f.horizon_days, 1e-9)
    weight = np.array([c.risk for c in cells], dtype=float) * share
    demand = planning.Demand(d_lon, d_lat, weight)
    # Units: the node's subtree, on hand, based in the region.
    below = command.subtree(db, node)
    units = [
        u
        for u in db.scalars(
            select(Unit).where(Unit.command_unit_id.in_(below)).order_by(Unit.call_sign)
        )
        if u.status in ON_HAND
    ]
    if prefixes and units:
        where = geo.locate([u.home_lon for u in units], [u.home_lat for u in units])
        units = [u for u, d in zip(units, where, strict=True) if _in_region(d, prefixes)]
    if not units:
        raise _fail(
            "no hay unidades disponibles de ese nodo en la región",
            "no units of that node are on hand in the region",
        )
    # Sites: every unit's home, then the highest-risk cell centroids.
    keys = [f"home:{u.id}" for u in units] + [f"cell:{c.cell}" for c in cells[:TOP_SITES]]
    s_lon = np.concatenate([[u.home_lon for u in units], d_lon[:TOP_SITES]])
    s_lat = np.concatenate([[u.home_lat for u in units], d_lat[:TOP_SITES]])
    sites = planning.Sites(tuple(keys), s_lon.astype(float), s_lat.astype(float))
    auths = command.authorizations(db)
    allowed = np.array(
        [
            legal.basis_for(auths, float(x), float(y), starts_at, ends_at) is not None
            for x, y in zip(s_lon, s_lat, strict=True)
        ]
    )
    plan_units = [
        planning.PlanUnit(
            id=u.id,
            call_sign=u.call_sign,
            unit_type=u.unit_type,
            lon=u.lon if u.lon is not None else u.home_lon,
            lat=u.lat if u.lat is not None else u.home_lat,
            home_site=i,
            military=command.is_military(u.agency_code),
            speed_kmh=TYPE_SPEED_KMH.get(u.unit_type, 25.0),
            fixed=u.unit_type in planning.FIXED_TYPES,
        )
        for i, u in enumerate(units)
    ]
    busy = busy_fractions(actor, units, starts_at)
    result = planning.plan_shift(
        demand,
        plan_units,
        sites,
        reach_minutes=reach_minutes,
        busy=busy,
        allowed=allowed,
        time_limit=time_limit,
    )
    if result.status == "infeasible":
        raise _fail(
            f"no hay plan posible: {result.detail.get('reason') or '-'}",
            f"no plan is possible: {result.detail.get('reason') or '-'}",
        )
    reserve = []
    for i, why in result.reserve:
        u = units[i]
        entry: dict[str, Any] = {"unit_id": u.id, "call_sign": u.call_sign, "why": why}
        if why == "no_legal_site":
            es, en = legal.refusal_texts(auths, u.home_lon, u.home_lat, starts_at, ends_at)
            entry["reason"] = {"es": es, "en": en}
        reserve.append(entry)
    uncovered = [
        {
            "cell": cells[i].cell,
            "lon": round(float(d_lon[i]), 6),
            "lat": round(float(d_lat[i]), 6),
            "risk": float(weight[i]),
            "district": cells[i].district_ubigeo,
        }
        for i in sorted(result.uncovered.tolist(), key=lambda i: -weight[i])
    ]
    by_district: dict[str, float] = {}
    for row in uncovered:
        key = row["district"] or "-"
        by_district[key] = by_district.get(key, 0.0) + row["risk"]
    summary = {
        "objective": result.objective,
        "total": result.total,
        "bound": result.bound,
        "gap": result.gap,
        "status": result.status,
        "seconds": round(result.seconds, 3),
        "expected": result.expected,
        "current": {"covered": result.current, "expected": result.current_expected},
        "uncovered_risk": result.total - result.objective,
        "uncovered": uncovered[:UNCOVERED_LISTED],
        "uncovered_cells": len(uncovered),
        "uncovered_by_district": [
            {"district": d, "name": command.district_name(d) if d != "-" else "-", "risk": r}
            for d, r in sorted(by_district.items(), key=lambda kv: -kv[1])
        ],
        "reach_minutes": reach_minutes,
        "types": [
            {
                "unit_type": g.unit_type,
                "military": g.military,
                "units": len(g.members),
                "reach_m": round(g.reach_m, 1),
                "busy": round(g.busy, 4),
            }
            for g in result.groups
        ],
        "reserve": reserve,
        "demand_cells": len(demand),
        "sites": len(sites),
        "forecast": {
            "id": f.id,
            "valid_from": f.valid_from.isoformat(),
            "valid_until": f.valid_until.isoformat(),
            "exclude_discovered": f.exclude_discovered,
            "covers_shift": f.valid_from <= starts_at and ends_at <= f.valid_until,
        },
    }
    plan = PatrolPlan(
        created_at=utcnow(),
        created_by=actor.who,
        forecast_id=f.id,
        node_id=node,
        starts_at=starts_at,
        ends_at=ends_at,
        region=",".join(prefixes),
        include_discovered=include_discovered,
        status="draft",
        summary=json.dumps(summary, ensure_ascii=False),
    )
    db.add(plan)
    db.flush()
    type_reach = {(g.unit_type, g.military): g.reach_m for g in result.groups}
    for rank, p in enumerate(result.posts, start=1):
        u, pu = units[p.unit], plan_units[p.unit]
        lon, lat = float(sites.lon[p.site]), float(sites.lat[p.site])
        reach = type_reach[(pu.unit_type, pu.military)]
        basis = legal.basis_for(auths, lon, lat, starts_at, ends_at) if pu.military else None
        if pu.military and basis is None:  # the mask keeps this from happening: never post
            raise Forbidden(legal.refusal(auths, lon, lat, starts_at, ends_at))  # pragma: no cover
        kind = "deploy" if (pu.military or p.fixed) else "patrol"
        stops: list[dict[str, Any]] = []
        if kind == "patrol":
            stops = _schedule(
                plan.id, u, lon, lat, reach, demand, cells, d_lon, d_lat, starts_at, ends_at
            )
        db.add(
            PatrolPost(
                plan_id=plan.id,
                unit_id=u.id,
                site=sites.key[p.site],
                lon=lon,
                lat=lat,
                reach_m=reach,
                covered_risk=p.covered,
                fixed=p.fixed,
                kind=kind,
                legal_basis_id=basis.id if basis else None,
                schedule=json.dumps(stops),
                rank=rank,
            )
        )
    db.flush()
    actor.record(
        PLAN_BUILT,
        object_type="patrol_plan",
        object_id=str(plan.id),
        details={
            "forecast": f.id,
            "posts": len(result.posts),
            "objective": round(result.objective, 4),
            "include_discovered": include_discovered,
        },
    )
    return plan


def _schedule(
    plan_id: int,
    u: Unit,
    lon: float,
    lat: float,
    reach: float,
    demand: planning.Demand,
    cells: list[ForecastCell],
    d_lon: Any,
    d_lat: Any,
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    """The unit's hot-spot visits: the highest-risk cells within its reach of the post."""
    from kuntur.patrol.coverage import haversine_m

    near = haversine_m(lat, lon, demand.lat, demand.lon) <= reach
    idx = [int(i) for i in np.flatnonzero(near)]
    idx.sort(key=lambda i: -demand.weight[i])
    idx = idx[:SPOTS_OFFERED]
    spots = [(float(d_lon[i]), float(d_lat[i])) for i in idx]
    seed = zlib.crc32(f"{plan_id}:{u.id}".encode())
    _kept, stops = planning.visit_schedule(
        (lon, lat), spots, TYPE_SPEED_KMH.get(u.unit_type, 25.0), start, end, seed
    )
    return [
        {
            "cell": cells[idx[s.spot]].cell,
            "lon": round(spots[s.spot][0], 6),
            "lat": round(spots[s.spot][1], 6),
            "risk": float(demand.weight[idx[s.spot]]),
            "district": cells[idx[s.spot]].district_ubigeo,
            "arrive": s.arrive.isoformat(),
            "leave": s.leave.isoformat(),
        }
        for s in stops
    ]


def _posts(actor: Actor, plan_id: int) -> list[PatrolPost]:
    return list(
        actor.db.scalars(
            select(PatrolPost).where(PatrolPost.plan_id == plan_id).order_by(PatrolPost.rank)
        )
    )


def _plan(actor: Actor, plan_id: int) -> PatrolPlan:
    actor.require(PATROL_READ, object_type="patrol_plan", object_id=str(plan_id))
    return get_or_404(actor.db, PatrolPlan, plan_id, f"patrol plan {plan_id}")


def latest_plan(actor: Actor) -> PatrolPlan | None:
    actor.require(PATROL_READ, object_type="patrol_plan")
    return actor.db.scalar(select(PatrolPlan).order_by(PatrolPlan.id.desc()).limit(1))


def get_plan(actor: Actor, plan_id: int) -> PatrolPlan:
    return _plan(actor, plan_id)


def plan_out(actor: Actor, plan: PatrolPlan) -> dict[str, Any]:
    db = actor.db
    summary = json.loads(plan.summary)
    posts = _posts(actor, plan.id)
    units = {
        u.id: u for u in db.scalars(select(Unit).where(Unit.id.in_([p.unit_id for p in posts])))
    }
    bases = {
        a.id: a
        for a in db.scalars(
            select(LegalAuthorization).where(
                LegalAuthorization.id.in_([p.legal_basis_id for p in posts if p.legal_basis_id])
            )
        )
    }
    orders = {
        o.id: o
        for o in db.scalars(
            select(Order).where(Order.id.in_([p.order_id for p in posts if p.order_id]))
        )
    }
    out_posts = []
    for p in posts:
        u = units[p.unit_id]
        basis = bases.get(p.legal_basis_id) if p.legal_basis_id else None
        order = orders.get(p.order_id) if p.order_id else None
        stops = json.loads(p.schedule)
        out_posts.append(
            {
                "id": p.id,
                "rank": p.rank,
                "unit_id": u.id,
                "call_sign": u.call_sign,
                "unit_type": u.unit_type,
                "agency": u.agency_code,
                "military": command.is_military(u.agency_code),
                "site": p.site,
                "lon": p.lon,
                "lat": p.lat,
                "reach_m": p.reach_m,
                "covered_risk": p.covered_risk,
                "fixed": p.fixed,
                "kind": p.kind,
                "legal_basis": (
                    {
                        "id": basis.id,
                        "number": basis.number,
                        "label_es": command.as_legal(basis).label("es"),
                        "label_en": command.as_legal(basis).label("en"),
                        "ends_at": basis.ends_at.isoformat(),
                    }
                    if basis
                    else None
                ),
                "order_id": p.order_id,
                "order_status": order.status if order else None,
                "stops": len(stops),
                "sheet_url": f"/patrullaje/planes/{plan.id}/hoja/{u.id}",
            }
        )
    return {
        "id": plan.id,
        "status": plan.status,
        "created_at": plan.created_at.isoformat(),
        "created_by": plan.created_by,
        "node_id": plan.node_id,
        "starts_at": plan.starts_at.isoformat(),
        "ends_at": plan.ends_at.isoformat(),
        "region": [r for r in plan.region.split(",") if r],
        "include_discovered": plan.include_discovered,
        "approved_by": plan.approved_by,
        "approved_at": plan.approved_at.isoformat() if plan.approved_at else None,
        "objective": summary["objective"],
        "total": summary["total"],
        "bound": summary["bound"],
        "gap": summary["gap"],
        "solver_status": summary["status"],
        "seconds": summary["seconds"],
        "expected": summary["expected"],
        "current": summary["current"],
        "uncovered_risk": summary["uncovered_risk"],
        "uncovered_cells": summary["uncovered_cells"],
        "uncovered": summary["uncovered"],
        "uncovered_by_district": summary["uncovered_by_district"],
        "reach_minutes": summary["reach_minutes"],
        "types": summary["types"],
        "reserve": summary["reserve"],
        "forecast": summary["forecast"],
        "posts": out_posts,
    }


def approve_plan(actor: Actor, plan_id: int) -> PatrolPlan:
    """The plan becomes orders: one per post, from the plan's command node to the posted
    unit (``command.issue_order``: the chain of command, the legal basis of each
    armed-forces post checked again for the whole shift). Refused, with the reason and on
    record, when a basis has lapsed since the plan was built, or the shift is over."""
    db = actor.db
    actor.require(PATROL_APPROVE, object_type="patrol_plan", object_id=str(plan_id))
    plan = get_or_404(db, PatrolPlan, plan_id, f"patrol plan {plan_id}")
    if plan.status != "draft":
        raise _fail(
            f"el plan {plan_id} ya está {plan.status}", f"plan {plan_id} is already {plan.status}"
        )
    posts = _posts(actor, plan_id)
    now = utcnow()

    def refuse(es: str, en: str, **details: Any) -> Forbidden:
        actor.record_apart(
            PLAN_REFUSED,
            object_type="patrol_plan",
            object_id=str(plan_id),
            outcome="refused",
            details={"reason": f"{es} / {en}", **details},
        )
        return Forbidden(
            f"El plan {plan_id} no puede aprobarse: {es} / Plan {plan_id} cannot be approved: {en}"
        )

    if plan.ends_at <= now:
        raise refuse("el turno ya terminó", "the shift is over")
    auths = command.authorizations(db)
    units = {
        u.id: u for u in db.scalars(select(Unit).where(Unit.id.in_([p.unit_id for p in posts])))
    }
    for p in posts:
        u = units[p.unit_id]
        if not command.is_military(u.agency_code):
            continue
        if legal.basis_for(auths, p.lon, p.lat, plan.starts_at, plan.ends_at) is None:
            es, en = legal.refusal_texts(auths, p.lon, p.lat, plan.starts_at, plan.ends_at)
            raise refuse(
                f"{u.call_sign} ({u.agency_code}) no puede ser desplegada en su puesto: {es}",
                f"{u.call_sign} ({u.agency_code}) may not be deployed at its post: {en}",
                unit=u.call_sign,
            )
    # Claim the draft before issuing anything: of two approvals at once only one changes
    # the row (the other waits for its lock on PostgreSQL, then finds it approved), so no
    # post gets its orders twice. A failure below rolls the claim back with the orders.
    claimed = db.execute(
        update(PatrolPlan)
        .where(PatrolPlan.id == plan_id, PatrolPlan.status == "draft")
        .values(status="approved", approved_by=actor.who, approved_at=now)
        .returning(PatrolPlan.id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        raise _fail(
            f"el plan {plan_id} ya no es un borrador", f"plan {plan_id} is no longer a draft"
        )
    try:
        for p in posts:
            u = units[p.unit_id]
            order = command.issue_order(
                actor,
                issuer_node_id=plan.node_id,
                kind=p.kind,
                text=_order_text(plan, p, u),
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                target_unit_id=u.id,
                lon=p.lon,
                lat=p.lat,
            )
            p.order_id = order.id
    except KunturError as exc:  # refused by the chain or the basis, or invalid: on record
        actor.record_apart(
            PLAN_REFUSED,
            object_type="patrol_plan",
            object_id=str(plan_id),
            outcome="refused",
            details={"reason": str(exc)},
        )
        raise
    db.refresh(plan)
    actor.record(
        PLAN_APPROVED,
        object_type="patrol_plan",
        object_id=str(plan_id),
        details={"orders": [p.order_id for p in posts], "node": plan.node_id},
    )
    return plan


def _order_text(plan: PatrolPlan, p: PatrolPost, u: Unit) -> str:
    where = f"({p.lat:.5f}, {p.lon:.5f})"
    shift = f"{_lima(plan.starts_at)} a {_lima(plan.ends_at)}"
    if p.kind == "patrol":
        return (
            f"Plan de patrullaje {plan.id}: puesto en {where}, {shift} (hora de Lima); "
            f"visitas a puntos críticos según la hoja de la unidad {u.call_sign}."
        )
    return f"Plan de patrullaje {plan.id}: despliegue en {where}, {shift} (hora de Lima)."


_TEMPLATES = Environment(autoescape=select_autoescape(["html"]))


def sheet_html(actor: Actor, plan_id: int, unit_id: int, lang: str = "es") -> str:
    """A unit's printable visit sheet: its post, its stops in order with their times (Lima)
    and each spot's place; the demo's synthetic data said on the page."""
    plan = _plan(actor, plan_id)
    post = actor.db.scalar(
        select(PatrolPost).where(PatrolPost.plan_id == plan_id, PatrolPost.unit_id == unit_id)
    )
    if post is None:
        raise InvalidInput(f"unit {unit_id} has no post in plan {plan_id}")
    unit = actor.db.get(Unit, unit_id)
    assert unit is not None
    stops = json.loads(post.schedule)
    for s in stops:
        s["arrive_lima"] = _lima(datetime.fromisoformat(s["arrive"]))[-5:]
        s["leave_lima"] = _lima(datetime.fromisoformat(s["leave"]))[-5:]
        s["district_name"] = command.district_name(s["district"]) if s["district"] else "-"
    template = resources.files("kuntur").joinpath("patrol", "templates", "patrol_sheet.html")
    synthetic = (
        actor.db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
        is not None
    )
    page = _TEMPLATES.from_string(template.read_text(encoding="utf-8")).render(
        texts={
            "title": _("Hoja de visitas", lang),
            "synthetic": _("DATOS SINTÉTICOS DE DEMOSTRACIÓN — no son hechos reales", lang),
            "shift": _(
                "Plan de patrullaje {id}, turno del {start} al {end} (hora de Lima)",
                lang,
                id=plan.id,
                start=_lima(plan.starts_at),
                end=_lima(plan.ends_at),
            ),
            "post": _(
                "Puesto: {lat}, {lon}; alcance {reach} m",
                lang,
                lat=f"{post.lat:.5f}",
                lon=f"{post.lon:.5f}",
                reach=f"{post.reach_m:.0f}",
            ),
            "how": _(
                "Paradas de 10 a 15 minutos en los puntos de mayor riesgo, en un orden que no "
                "se repite; cada punto se vuelve a visitar antes de unas dos horas.",
                lang,
            ),
            "arrive": _("Llegada", lang),
            "leave": _("Salida", lang),
            "place": _("Lugar", lang),
            "district": _("Distrito", lang),
            "none": _("Sin puntos de riesgo a su alcance: permanece en su puesto.", lang),
            "print": _("Imprimir", lang),
        },
        plan=plan,
        post=post,
        unit=unit,
        stops=stops,
        start=_lima(plan.starts_at),
        end=_lima(plan.ends_at),
        synthetic=synthetic,
        lang=lang,
    )
    actor.record(
        SHEET_PRINTED,
        object_type="patrol_plan",
        object_id=str(plan_id),
        details={"unit": unit.call_sign},
    )
    return page
