"""Interventions through the actor (each change on the audit record) and their evaluation
on the stored incidents: weekly counts per district (Lima and Callao), the districts'
neighbours from their polygons (shared borders), the evaluation of kuntur.results. An
intervention over a drawn polygon is evaluated as a zone of its own, its displacement on
the band around it (``results.area``)."""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from datetime import UTC, date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import N_, _
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.identity.roles import OPERATIONAL_AGENCIES, Clearance
from kuntur.incidents.models import Incident
from kuntur.results import area as areas
from kuntur.results.evaluation import EvaluationError
from kuntur.results.manifest import CLOSED, EVALUATED, MANAGE, RECORDED, VIEW, WITHDRAWN
from kuntur.results.models import KINDS, Intervention
from kuntur.results.panel import count_events
from kuntur.results.run import evaluate_panel_json

LIMA_TZ = "America/Lima"


@functools.cache
def lima_callao_shapes() -> dict[str, Any]:
    """Each Lima and Callao district's polygon (GeoJSON geometry) by ubigeo."""
    from kuntur.geography import service as geo

    out: dict[str, Any] = {}
    for f in geo.lima_callao_geojson()["features"]:
        props = f.get("properties", {})
        code = props.get("ubigeo") or props.get("UBIGEO")
        if code and f.get("geometry"):
            out[str(code)] = f["geometry"]
    return out


@functools.cache
def district_neighbours() -> dict[str, list[str]]:
    """Lima and Callao districts that share a border (their polygons touch or overlap)."""
    import shapely
    from shapely.geometry import shape

    shapes = lima_callao_shapes()
    codes = list(shapes)
    geoms = [shape(g).buffer(0) for g in shapes.values()]
    tree = shapely.STRtree(geoms)
    out: dict[str, list[str]] = {c: [] for c in codes}
    for i, g in enumerate(geoms):
        for j in tree.query(g.buffer(1e-4), predicate="intersects"):
            if int(j) != i:
                out[codes[i]].append(codes[int(j)])
    return {c: sorted(v) for c, v in out.items()}


EARLIEST_START = date(2000, 1, 1)  # older than any incident file the command holds
PLANNED_AHEAD = timedelta(days=366)  # an intervention may be recorded before it starts


TITLE_CHARS = (3, 300)
DESCRIPTION_CHARS = 4000
REFERENCE_CHARS = 80  # a decree's or a plan's number, as the columns hold it


def _length(words: str, text: str, bounds: tuple[int, int] = TITLE_CHARS) -> str:
    """A refusal of a text's length: ``words`` (marked with ``N_`` where it is written,
    for the catalogue) filled with the bounds and the length the text has."""
    return _(words, low=bounds[0], high=bounds[1], got=len(text))


def _reference(field: str, value: str | None) -> str | None:
    """A legal basis's or a plan's reference, trimmed; blank is none."""
    value = (value or "").strip() or None
    if value is not None and len(value) > REFERENCE_CHARS:
        raise InvalidInput(
            _("{field}: a lo más {high} caracteres", field=field, high=REFERENCE_CHARS)
        )
    return value


LONGEST = timedelta(days=3653)  # ten years: a programme's span, not a typo of a century


def _check_end(starts_on: date, ends_on: date) -> None:
    """The last day in force (inclusive): the start's own day at the earliest (an
    operation of one day), ten years after it at the latest."""
    if ends_on < starts_on:
        raise InvalidInput(_("ends_on: el fin no puede ser anterior al inicio"))
    if ends_on > starts_on + LONGEST:
        raise InvalidInput(
            _(
                "ends_on: {day} está a más de diez años del inicio; revise el año",
                day=ends_on.isoformat(),
            )
        )


def record(
    actor: Actor,
    *,
    kind: str,
    title: str,
    districts: list[str] | None = None,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
    legal_basis_id: str | None = None,
    patrol_plan_id: str | None = None,
    classification: int = 0,
    owner_agency: str | None = None,
    area: dict[str, Any] | None = None,
) -> Intervention:
    """An intervention on record, owned by the recorder's agency (or ``owner_agency`` for
    the system: the command line) at ``classification`` (at most the recorder's clearance).

    ``area`` (GeoJSON) draws the zone it covers; ``districts`` may then be left empty and
    are those the zone lies in."""
    actor.require(MANAGE, object_type="intervention")
    if kind not in KINDS:
        raise InvalidInput(_("kind: uno de {kinds}", kinds=", ".join(KINDS)))
    # Checked here and not only by the API's schema: the command line records through
    # this function too, and an untitled intervention is a card nobody can tell apart.
    title = title.strip()
    if not TITLE_CHARS[0] <= len(title) <= TITLE_CHARS[1]:
        raise InvalidInput(_length(N_("title: de {low} a {high} caracteres; tiene {got}"), title))
    if len(description) > DESCRIPTION_CHARS:
        raise InvalidInput(_("description: a lo más {high} caracteres", high=DESCRIPTION_CHARS))
    legal_basis_id = _reference("legal_basis_id", legal_basis_id)
    patrol_plan_id = _reference("patrol_plan_id", patrol_plan_id)
    zone = None
    districts = list(districts or [])
    if area is not None and districts:
        # The districts of a zone are those it lies in, found here: given ones would be
        # stored beside a zone elsewhere, and the page would say where it is not.
        raise InvalidInput(
            _("districts: distritos o una zona dibujada, no ambos (los de la zona se calculan)")
        )
    if area is not None:
        try:
            zone = areas.parse(area)
        except areas.AreaError as exc:
            raise InvalidInput(str(exc)) from exc
        covered = areas.districts_covered(zone, lima_callao_shapes())
        if not covered:
            raise InvalidInput(_("area: el polígono no cae en ningún distrito de Lima o Callao"))
        districts = covered
    if not districts:
        raise InvalidInput(_("districts: al menos un distrito"))
    known = lima_callao_shapes()
    unknown = [d for d in districts if d not in known]
    if unknown:
        raise InvalidInput(
            _(
                "districts: {codes} no es un ubigeo de Lima o Callao",
                codes=", ".join(unknown[:5]),
            )
        )
    if ends_on is not None:
        _check_end(starts_on, ends_on)
    today = utcnow().date()
    if not EARLIEST_START <= starts_on <= today + PLANNED_AHEAD:
        # A typo of a year (1026, 2062) is stored as a real date otherwise: an intervention
        # of centuries ago has no incidents to compare, and one decades ahead never starts.
        raise InvalidInput(
            _(
                "starts_on: {day} fuera de lo posible: desde {first} hasta un año después de hoy",
                day=starts_on.isoformat(),
                first=EARLIEST_START.isoformat(),
            )
        )
    _owners, limit = actor.scope()  # the highest classification it may read (None: any)
    if not 0 <= classification <= max(Clearance):
        raise InvalidInput(
            _(
                "classification: un nivel de 0 a {top}; se recibió {level}",
                top=int(max(Clearance)),
                level=classification,
            )
        )
    if limit is not None and classification > limit:
        raise InvalidInput(
            _(
                "classification: {level} supera su nivel de acceso ({clearance})",
                level=classification,
                clearance=actor.clearance,
            )
        )
    agency = (actor.agency if not actor.is_system else None) or owner_agency or "PNP"
    if agency not in OPERATIONAL_AGENCIES:
        raise InvalidInput(
            _("owner_agency: {agency} no es una institución del comando", agency=agency)
        )
    item = Intervention(
        owner_agency=agency,
        classification=classification,
        kind=kind,
        title=title,
        description=description,
        districts=",".join(districts),
        area=areas.to_text(zone) if zone is not None else None,
        starts_on=starts_on,
        ends_on=ends_on,
        legal_basis_id=legal_basis_id,
        patrol_plan_id=patrol_plan_id,
        created_at=utcnow(),
        created_by=actor.who,
    )
    actor.db.add(item)
    actor.db.flush()
    actor.record(
        RECORDED,
        object_type="intervention",
        object_id=str(item.id),
        details={
            "kind": kind,
            "districts": districts,
            "area": zone is not None,
            "starts_on": starts_on.isoformat(),
            "classification": classification,
        },
    )
    return item


def close(actor: Actor, intervention_id: int, ends_on: date) -> Intervention:
    actor.require(MANAGE, object_type="intervention", object_id=str(intervention_id))
    item = get(actor, intervention_id)
    _not_withdrawn(item)
    _check_end(item.starts_on, ends_on)
    before = item.ends_on  # a correction keeps what it replaced on the record
    item.ends_on = ends_on
    actor.record(
        CLOSED,
        object_type="intervention",
        object_id=str(item.id),
        details={
            "ends_on": ends_on.isoformat(),
            "previous": before.isoformat() if before else None,
        },
    )
    return item


REASON_CHARS = (10, 1000)


def withdraw(actor: Actor, intervention_id: int, reason: str) -> Intervention:
    """Withdraw a record made by mistake (a wrong district, a test, a duplicate): it
    stays listed, with when, by whom and why, and is no longer evaluated, in a brief, or
    keeping its districts out of the other evaluations' comparison. Never deleted: the
    record of what the command said it did is the oversight's."""
    actor.require(MANAGE, object_type="intervention", object_id=str(intervention_id))
    item = get(actor, intervention_id)
    _not_withdrawn(item)
    reason = reason.strip()
    if not REASON_CHARS[0] <= len(reason) <= REASON_CHARS[1]:
        raise InvalidInput(
            _length(
                N_("reason: diga por qué se anula, de {low} a {high} caracteres; tiene {got}"),
                reason,
                REASON_CHARS,
            )
        )
    item.withdrawn_at = utcnow()
    item.withdrawn_by = actor.who
    item.withdrawn_reason = reason
    actor.record(
        WITHDRAWN, object_type="intervention", object_id=str(item.id), details={"reason": reason}
    )
    return item


def _not_withdrawn(item: Intervention) -> None:
    if item.withdrawn_at is not None:
        raise InvalidInput(
            _(
                "la intervención {id} fue anulada el {day}: ya no se cierra, evalúa ni anula",
                id=item.id,
                day=item.withdrawn_at.astimezone(LIMA).date().isoformat(),
            )
        )


def get(actor: Actor, intervention_id: int) -> Intervention:
    """One intervention; not found also when the actor may not read it (on record)."""
    return actor.get(Intervention, intervention_id, object_type="intervention")


def interventions(actor: Actor) -> list[Intervention]:
    """The interventions the actor may read (its session's queries are scoped)."""
    actor.require(VIEW, object_type="intervention")
    return list(
        actor.db.scalars(
            select(Intervention).order_by(Intervention.starts_on.desc(), Intervention.id.desc())
        )
    )


_EVENTS: OrderedDict[tuple[Any, ...], tuple[np.ndarray, ...]] = OrderedDict()
_EVENTS_KEPT = 2  # the store's incidents as read for the latest marks (a page evaluates
# every intervention on the same ones: one read, not one per card)


def _stored_events(actor: Actor) -> tuple[np.ndarray, ...]:
    """Every stored incident the actor may read with a district: local time, district,
    longitude, latitude; read once per store mark and reader's scope."""
    import pandas as pd

    key = (*_store_mark(actor), *_scope_key(actor))
    if key in _EVENTS:
        _EVENTS.move_to_end(key)
        return _EVENTS[key]
    rows = actor.db.execute(
        select(
            Incident.occurred_at,
            Incident.district_ubigeo,
            Incident.longitude,
            Incident.latitude,
        ).where(Incident.district_ubigeo.is_not(None))
    ).all()
    if not rows:
        raise EvaluationError(_("no hay incidentes guardados con distrito"))
    times = pd.to_datetime(pd.Series([r[0] for r in rows]), utc=True)
    local = times.dt.tz_convert(LIMA_TZ).dt.tz_localize(None).to_numpy("datetime64[ns]")
    found = (
        local,
        np.array([r[1] for r in rows], dtype=object),
        np.array([r[2] for r in rows], dtype=float),
        np.array([r[3] for r in rows], dtype=float),
    )
    _EVENTS[key] = found
    while len(_EVENTS) > _EVENTS_KEPT:
        _EVENTS.popitem(last=False)
    return found


def _district_events(actor: Actor, zone: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Every stored incident's local time and district, or with ``zone`` (a polygon) the
    zone, the band around it or the rest of its district (counts only leave this module)."""
    local, units, lon, lat = _stored_events(actor)
    if zone is not None:
        units = areas.assign(lon, lat, units, zone)
    return local, units


def _under_other_interventions(actor: Actor, item: Intervention) -> tuple[set[str], set[str]]:
    """The districts of every other intervention on record, and those of the ones the
    reader may see. A district under a patrol plan of its own is no picture of what would
    have happened without this one (its own effect would be read as this one's, with the
    sign reversed); a zone's are the districts it lies in. All are left out, so that every
    reader gets the same evaluation of the same incidents; only the visible ones are named
    (a warning must not disclose a classified operation). One that starts after this
    one's post-period is over (or after today, for one still open) touched none of the
    incidents compared, and keeps its districts among the donors."""
    window_end = item.ends_on or utcnow().date()
    others = actor.db.scalars(
        select(Intervention)
        .where(
            Intervention.id != item.id,
            Intervention.starts_on <= window_end,
            Intervention.withdrawn_at.is_(None),
        )
        .execution_options(**{EVERY_RECORD: True})
    ).all()
    every = {d for other in others for d in other.district_list}
    shown = {
        d
        for other in others
        if actor.may_read(owner_agency=other.owner_agency, classification=other.classification)
        for d in other.district_list
    }
    return every, shown


def _district_label(ubigeo: str) -> str:
    from kuntur.geography import service as geo

    found = geo.get_district(ubigeo)
    return found.name if found else ubigeo


def _unit_label(unit: str, lang: str | None = None) -> str:
    """A unit of an evaluation in words: a district's name, or the zone and its band."""
    if unit == areas.ZONE:
        return _("la zona", lang)
    if unit == areas.RING:
        return _("su entorno de 1 km", lang)
    return _district_label(unit)


def unit_names(result: dict[str, Any], lang: str | None = None) -> dict[str, str]:
    """The names of the units an evaluation shows (treated, compared and next door), in
    ``lang`` (both when None): made per reading, as the cached evaluation is for every
    reader."""
    shown = [
        *result["treated"],
        *result["donors"],
        *(result["displacement"] or {}).get("units", []),
    ]
    return {u: _unit_label(u, lang) for u in shown}


def evaluate_intervention(
    actor: Actor,
    intervention_id: int,
    *,
    period: str = "week",
    method: str = "synthetic_control",
    as_of: date | None = None,
) -> dict[str, Any]:
    """``as_of``: the evaluation as it stood on that day (the incidents after it left out),
    as a week's brief tells it however late it is made again."""
    actor.require(VIEW, object_type="intervention", object_id=str(intervention_id))
    item = get(actor, intervention_id)
    _not_withdrawn(item)
    zone = areas.from_text(item.area) if item.area else None
    times, units = _district_events(actor, zone)
    until = item.ends_on if as_of is None else min(item.ends_on or as_of, as_of)
    counted = count_events(times, units, start=item.starts_on, end=until, period=period)
    if zone is None:
        treated, neighbours = item.district_list, district_neighbours()
    else:  # the zone against the districts; displacement: the band around it
        treated, neighbours = [areas.ZONE], {areas.ZONE: [areas.RING]}
    left_out, named = _under_other_interventions(actor, item)
    result = evaluate_panel_json(
        counted,
        treated,
        neighbours=neighbours,
        method=method,
        leave_out=left_out,
        named_out=named,
        label=_district_label,
    )
    result.update(
        {
            "intervention": item.id,
            "title": item.title,
            "kind": item.kind,
            "start": item.starts_on.isoformat(),
            "end": item.ends_on.isoformat() if item.ends_on else None,
            "period": period,
        }
    )
    actor.record(
        EVALUATED,
        object_type="intervention",
        object_id=str(item.id),
        details={"effect": result["effect"], "ci95": result["ci95"], "method": method},
    )
    return result


_CACHE: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_CACHE_KEPT = 256  # evaluations kept per process: the newest (every new incident makes
# new keys, so an unbounded cache would grow for as long as the server runs)


def _store_mark(actor: Actor) -> tuple[Any, ...]:
    """Which store, and how many incidents up to which id: a new incident (or one taken
    out) changes it, so a cached evaluation or read of the incidents is then made again."""
    from sqlalchemy import func

    counted = actor.db.execute(select(func.count(), func.max(Incident.id))).one()
    bind = actor.db.get_bind()
    return (str(bind.engine.url), *counted)


def _scope_key(actor: Actor) -> tuple[Any, ...]:
    """What the actor may read, hashable: an evaluation made on one reader's incidents is
    never shown to a reader who may see fewer (or more)."""
    owners, limit = actor.scope()
    return (tuple(sorted(owners)) if owners is not None else None, limit)


def _cache_key(actor: Actor, item: Intervention, as_of: date | None) -> tuple[Any, ...]:
    where = (item.districts, item.area)
    others = tuple(tuple(sorted(s)) for s in _under_other_interventions(actor, item))
    return (
        item.id,
        item.starts_on,
        item.ends_on,
        item.withdrawn_at,  # withdrawn: no evaluation to hand out any more
        as_of,
        *where,
        others,
        *_store_mark(actor),
        *_scope_key(actor),
    )


def _evaluation(actor: Actor, item: Intervention, as_of: date | None = None) -> dict[str, Any]:
    """The evaluation from the cache, or made now and kept (EvaluationError and
    InvalidInput go to the caller)."""
    key = _cache_key(actor, item, as_of)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = evaluate_intervention(actor, item.id, as_of=as_of)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_KEPT:
        _CACHE.popitem(last=False)
    return result


def cached_evaluation(
    actor: Actor, item: Intervention, as_of: date | None = None
) -> dict[str, Any] | None:
    """The evaluation (as of ``as_of``), recomputed only when the incidents or the
    intervention changed; None when the stored incidents cannot evaluate it (too few
    periods, no district)."""
    try:
        return _evaluation(actor, item, as_of)
    except (ValueError, InvalidInput):  # EvaluationError is a ValueError
        return None


@functools.lru_cache(maxsize=256)
def _ring_json(area_text: str) -> dict[str, Any]:
    """The band around a drawn zone where displacement is measured, for the page's map."""
    from shapely.geometry import mapping

    return dict(mapping(areas.ring(areas.from_text(area_text)).simplify(1e-5)))


def intervention_out(actor: Actor, item: Intervention, *, evaluate: bool = True) -> dict[str, Any]:
    from kuntur.geography import service as geo
    from kuntur.results.report import verdict

    result = None
    error = None
    if evaluate and item.withdrawn_at is None:  # a withdrawn one is not evaluated
        try:
            result = _evaluation(actor, item)
        except (ValueError, InvalidInput) as exc:  # EvaluationError is a ValueError
            error = str(exc)
    names = []
    for code in item.district_list:
        d = geo.get_district(code)
        names.append(d.name if d else code)
    evaluation = None
    names_of: dict[str, str] = {}
    if result is not None:
        evaluation = {**result, "verdict": verdict(result)}
        names_of = unit_names(result)
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "districts": item.district_list,
        "district_names": names,
        "area": json.loads(item.area) if item.area else None,
        "area_ring": _ring_json(item.area) if item.area else None,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "legal_basis_id": item.legal_basis_id,
        "patrol_plan_id": item.patrol_plan_id,
        "owner_agency": item.owner_agency,
        "classification": item.classification,
        "created_by": item.created_by,
        "withdrawn": (
            {"at": item.withdrawn_at, "by": item.withdrawn_by, "reason": item.withdrawn_reason}
            if item.withdrawn_at is not None
            else None
        ),
        "evaluation": evaluation,
        "unit_names": names_of,
        "error": error,
    }


def trends(actor: Actor, *, weeks: int = 4, baseline_weeks: int = 12) -> dict[str, Any]:
    """Per district, the last ``weeks`` against the ``baseline_weeks`` before them: incidents
    a week, the median call-to-dispatch time and use-of-force reports a week."""
    from statistics import median

    from kuntur.geography import service as geo
    from kuntur.oversight.models import UofReport

    actor.require(VIEW, object_type="trends")
    end = utcnow()
    cut = end - timedelta(weeks=weeks)
    first = cut - timedelta(weeks=baseline_weeks)
    rows = actor.db.execute(
        select(
            Incident.district_ubigeo,
            Incident.occurred_at,
            Incident.received_at,
            Incident.dispatched_at,
        ).where(Incident.occurred_at >= first, Incident.district_ubigeo.is_not(None))
    ).all()
    uof = actor.db.execute(
        select(UofReport.district_ubigeo, UofReport.incident_at).where(
            UofReport.kind == "incident",
            UofReport.incident_at >= first,
            UofReport.district_ubigeo.is_not(None),
        )
    ).all()

    def utc(v: Any) -> Any:
        return v if v is None or v.tzinfo else v.replace(tzinfo=UTC)

    stats: dict[str, dict[str, list[float]]] = {}
    for code, at, received, dispatched in rows:
        s = stats.setdefault(
            str(code), {"n_r": [], "n_b": [], "d_r": [], "d_b": [], "u_r": [], "u_b": []}
        )
        recent = utc(at) >= cut
        s["n_r" if recent else "n_b"].append(1.0)
        if received is not None and dispatched is not None:
            secs = (utc(dispatched) - utc(received)).total_seconds()
            if secs >= 0:
                s["d_r" if recent else "d_b"].append(secs)
    for code, at in uof:
        s = stats.setdefault(
            str(code), {"n_r": [], "n_b": [], "d_r": [], "d_b": [], "u_r": [], "u_b": []}
        )
        s["u_r" if utc(at) >= cut else "u_b"].append(1.0)
    out: list[dict[str, Any]] = []
    for d in geo.lima_callao_districts():
        found = stats.get(d.ubigeo)
        if not found:
            continue
        s = found
        inc_r, inc_b = len(s["n_r"]) / weeks, len(s["n_b"]) / baseline_weeks
        out.append(
            {
                "ubigeo": d.ubigeo,
                "name": d.name,
                "incidents": round(inc_r, 1),
                "incidents_baseline": round(inc_b, 1),
                "change": round(inc_r / inc_b - 1, 4) if inc_b > 0 else None,
                "dispatch_p50_s": round(median(s["d_r"]), 1) if s["d_r"] else None,
                "dispatch_p50_baseline_s": round(median(s["d_b"]), 1) if s["d_b"] else None,
                "uof": round(len(s["u_r"]) / weeks, 2),
                "uof_baseline": round(len(s["u_b"]) / baseline_weeks, 2),
            }
        )
    out.sort(key=lambda r: -float(r["incidents"]))
    return {"weeks": weeks, "baseline_weeks": baseline_weeks, "districts": out}


BASELINE_WEEKS = 12  # the weekly charts' baseline: as ``trends``, the 12 weeks before the last 4


def weekly_kpis(actor: Actor, *, weeks: int = 16, district: str | None = None) -> dict[str, Any]:
    """The KPIs week by week over the last ``weeks`` (seven days each, the last one ending
    now, as ``trends`` counts them), for the city or one ``district``: incidents, the median
    call-to-dispatch time in minutes (None for a week with no dispatched incident),
    use-of-force reports, and the hit rate (%) of the forecasts whose window ended in the
    week (None: none did, or too few incidents to publish one); ``baseline``, each one's
    mean over the first ``BASELINE_WEEKS`` weeks, the baseline of the per-district table."""
    from statistics import mean, median

    from kuntur.oversight.models import UofReport

    actor.require(VIEW, object_type="trends")
    if district is not None and district not in lima_callao_shapes():
        raise InvalidInput(_("district: {code} no es un ubigeo de Lima o Callao", code=district))
    end = utcnow()
    first = end - timedelta(weeks=weeks)
    incident_q = select(Incident.occurred_at, Incident.received_at, Incident.dispatched_at).where(
        Incident.occurred_at >= first, Incident.occurred_at < end
    )
    uof_q = select(UofReport.incident_at).where(
        UofReport.kind == "incident", UofReport.incident_at >= first, UofReport.incident_at < end
    )
    if district is not None:
        incident_q = incident_q.where(Incident.district_ubigeo == district)
        uof_q = uof_q.where(UofReport.district_ubigeo == district)
    rows = actor.db.execute(incident_q).all()
    uof = actor.db.scalars(uof_q).all()

    def week_of(v: Any) -> int:
        at = v if v.tzinfo else v.replace(tzinfo=UTC)
        return min(weeks - 1, max(0, int((at - first) / timedelta(weeks=1))))

    incidents = [0] * weeks
    delays: list[list[float]] = [[] for _w in range(weeks)]
    for at, received, dispatched in rows:
        k = week_of(at)
        incidents[k] += 1
        if received is not None and dispatched is not None:
            secs = (
                (dispatched if dispatched.tzinfo else dispatched.replace(tzinfo=UTC))
                - (received if received.tzinfo else received.replace(tzinfo=UTC))
            ).total_seconds()
            if secs >= 0:
                delays[k].append(secs / 60.0)
    force = [0] * weeks
    for at in uof:
        force[week_of(at)] += 1
    out: dict[str, Any] = {
        "district": district,
        "weeks": [(first + timedelta(weeks=k)).date().isoformat() for k in range(weeks)],
        "incidents": incidents,
        "dispatch_p50_min": [round(median(d), 2) if d else None for d in delays],
        "uof": force,
        "forecast_hit_pct": _forecast_hits(actor, first, end, weeks, week_of, district),
    }
    base = min(BASELINE_WEEKS, weeks)
    out["baseline"] = {}
    for key in ("incidents", "dispatch_p50_min", "uof", "forecast_hit_pct"):
        values = [v for v in out[key][:base] if v is not None]
        out["baseline"][key] = round(mean(values), 2) if values else None
    out["baseline_weeks"] = base
    return out


def _forecast_hits(
    actor: Actor,
    first: Any,
    end: Any,
    weeks: int,
    week_of: Any,
    district: str | None,
) -> list[float | None]:
    """Per week, the mean hit rate (%) of the forecasts whose window ended in it, over the
    city ("*") or the district, as the public statistics publish them (their minimum n)."""
    from kuntur.config import get_settings
    from kuntur.forecasting.models import Forecast
    from kuntur.public import service as public

    ended = dict(
        actor.db.execute(
            select(Forecast.id, Forecast.valid_until).where(
                Forecast.valid_until >= first, Forecast.valid_until < end
            )
        ).all()
    )
    hits: list[list[float]] = [[] for _w in range(weeks)]
    if ended:
        policy = public.Policy.of(get_settings())
        for r in public.forecast_accuracy(actor.db, policy, end, since=first):
            if r["forecast_id"] in ended and r["district"] == (district or "*"):
                hits[week_of(ended[r["forecast_id"]])].append(100.0 * r["hit_rate"])
    return [round(sum(h) / len(h), 1) if h else None for h in hits]
