"""Public statistics and alerts: making a release (the privacy rules of ``privacy``, the
store, the ledger), reading what was published (no login, no budget), the results the
public can check (response times and forecast hit rates, aggregates only), and issuing
CAP alerts. Every function that changes something takes the ``Actor`` first and puts the
act on record; the readers take a store session (public data, nothing to authorise)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuntur.config import Settings, get_settings
from kuntur.core.errors import Conflict, InvalidInput, NotFound
from kuntur.core.i18n import _, render
from kuntur.core.timeutil import LIMA, to_display, utcnow
from kuntur.dispatch import kpi
from kuntur.forecasting.grid import Grid, project
from kuntur.forecasting.models import Forecast, ForecastCell
from kuntur.geography import service as geo
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.incidents.categories import CATEGORY_LABELS, Category
from kuntur.incidents.layer_cache import TtlCache
from kuntur.incidents.models import Incident
from kuntur.public import cap, privacy
from kuntur.public.manifest import (
    ALERT_CANCELLED,
    ALERT_ISSUED,
    ALERTS_ISSUE,
    STATISTICS_RELEASE,
    STATISTICS_RELEASED,
)
from kuntur.public.models import PrivacyBudget, PublicAlert, StatCell, StatRelease

CATEGORIES = tuple(sorted(c.value for c in Category))


@dataclass(frozen=True)
class Policy:
    """The published privacy policy (``Settings.public_*``)."""

    epsilon_year: float = 4.0
    holdback_days: int = 7
    min_count: int = 5
    results_min_n: int = 10
    alert_sender: str = "alertas@comando-conjunto.kuntur.pe"

    @classmethod
    def of(cls, settings: Settings | None = None) -> Policy:
        s = settings or get_settings()
        return cls(
            s.public_epsilon_year,
            s.public_holdback_days,
            s.public_min_count,
            s.public_results_min_n,
            s.public_alert_sender,
        )


def districts() -> list[tuple[str, str]]:
    """The histogram's districts (Lima and Callao), (ubigeo, name), in ubigeo order: a
    fixed list, never taken from the data (which cells exist must not depend on it)."""
    return sorted((d.ubigeo, d.name) for d in geo.lima_callao_districts())


# --- releases ---------------------------------------------------------------------------
def _true_histogram(db: Session, start: datetime, end: datetime) -> dict[tuple[str, str], int]:
    """Incidents per (district, category) that occurred in [start, end): every record,
    whoever asks (the release is about all of them; the noise is what protects them),
    duplicates merged into another report left out. Kept in memory only."""
    rows = db.execute(
        select(Incident.district_ubigeo, Incident.category, func.count())
        .where(
            Incident.occurred_at >= start,
            Incident.occurred_at < end,
            Incident.merged_into_id.is_(None),
            Incident.district_ubigeo.is_not(None),
        )
        .group_by(Incident.district_ubigeo, Incident.category)
        .execution_options(**{EVERY_RECORD: True})
    ).all()
    return {(str(d), str(c)): int(n) for d, c, n in rows}


def spent(db: Session, year: int) -> float:
    found = db.get(PrivacyBudget, year)
    return round(found.spent, 6) if found else 0.0


def make_release(
    actor: Actor,
    *,
    period: str,
    epsilon: object,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> StatRelease:
    """Release ``period``'s counts with ``epsilon``: refused (``privacy.ReleaseRefused``,
    nothing written) for a bad period or epsilon, a month not over plus the holdback, a
    month already released, or an epsilon past what is left of the year's budget."""
    policy = policy or Policy.of()
    month = privacy.parse_period(period)
    eps = privacy.parse_epsilon(epsilon)
    actor.require(STATISTICS_RELEASE, object_type="public_release", object_id=str(month))
    now = now or utcnow()
    start, end = privacy.release_window(month, now, policy.holdback_days, LIMA)
    # Nothing of the last days, whatever the window says (a defence in depth).
    end = min(end, now - timedelta(days=policy.holdback_days))
    db = actor.db
    if db.scalar(select(StatRelease.id).where(StatRelease.period == str(month))) is not None:
        raise privacy.ReleaseRefused(
            _(
                "el periodo {period} ya se publicó: sus cifras se sirven tal cual, sin gastar "
                "más presupuesto",
                period=str(month),
            )
        )
    budget = db.get(PrivacyBudget, month.year, with_for_update=True)
    already = round(budget.spent, 6) if budget else 0.0
    privacy.check_budget(eps, year=month.year, year_budget=policy.epsilon_year, spent=already)
    truth = _true_histogram(db, start, end)
    cells = [(d, c) for d, _name in districts() for c in CATEGORIES]
    noisy = privacy.noisy_counts([truth.get(cell, 0) for cell in cells], eps)
    del truth  # never stored, never returned
    scale = privacy.scale_for(eps)
    after = round(already + eps, 6)
    release = StatRelease(
        period=str(month),
        year=month.year,
        epsilon=eps,
        mechanism=privacy.MECHANISM,
        scale=scale,
        sensitivity=privacy.SENSITIVITY,
        unit=privacy.UNIT,
        ci95=privacy.interval_halfwidth(scale),
        min_count=policy.min_count,
        holdback_days=policy.holdback_days,
        covers_from=start,
        covers_until=end,
        cells=len(cells),
        year_budget=policy.epsilon_year,
        spent_after=after,
        created_at=now,
        created_by=actor.who,
    )
    db.add(release)
    if budget is None:
        db.add(PrivacyBudget(year=month.year, spent=after))
    else:
        budget.spent = after
    try:
        db.flush()
    except IntegrityError as exc:  # the same month or year's first release, at the same time
        raise Conflict(
            _("otra publicación del periodo {p} se hizo a la vez", p=str(month))
        ) from exc
    db.add_all(
        StatCell(release_id=release.id, district_ubigeo=d, category=c, noisy_count=v)
        for (d, c), v in zip(cells, noisy, strict=True)
    )
    actor.record(
        STATISTICS_RELEASED,
        object_type="public_release",
        object_id=str(release.id),
        details={
            "period": str(month),
            "epsilon": eps,
            "scale": scale,
            "spent": after,
            "left": privacy.budget_left(policy.epsilon_year, after),
        },
    )
    return release


def releases(db: Session, period: str | None = None) -> list[StatRelease]:
    q = select(StatRelease).order_by(StatRelease.period)
    if period is not None:
        q = q.where(StatRelease.period == period)
    return list(db.scalars(q))


def cells_of(db: Session, release: StatRelease) -> list[StatCell]:
    return list(
        db.scalars(
            select(StatCell)
            .where(StatCell.release_id == release.id)
            .order_by(StatCell.district_ubigeo, StatCell.category)
        )
    )


def _sum_interval(n_cells: int, scale: float) -> float:
    """95 % half-width of a sum of ``n_cells`` noisy cells (normal approximation of the sum
    of independent discrete Laplace noises: variance adds)."""
    return round(1.96 * (n_cells * privacy.noise_variance(scale)) ** 0.5, 1)


def release_out(
    release: StatRelease, cells: Sequence[StatCell], lang: str | None = None
) -> dict[str, Any]:
    """A release as published: its parameters, every noisy cell (and what the page shows),
    and the totals by district and by category (sums of noisy cells: post-processing)."""
    names = dict(districts())
    k = release.min_count
    by_district: dict[str, int] = defaultdict(int)
    by_category: dict[str, int] = defaultdict(int)
    out_cells = []
    for c in cells:
        by_district[c.district_ubigeo] += c.noisy_count
        by_category[c.category] += c.noisy_count
        out_cells.append(
            {
                "district": c.district_ubigeo,
                "district_name": names.get(c.district_ubigeo, c.district_ubigeo),
                "category": c.category,
                "noisy_count": c.noisy_count,
                "shown": privacy.shown(c.noisy_count, k),
            }
        )
    n_cat = len({c.category for c in cells}) or 1
    n_dis = len({c.district_ubigeo for c in cells}) or 1
    return {
        **release_brief(release),
        "cells": out_cells,
        "districts": [
            {
                "district": d,
                "district_name": names.get(d, d),
                "noisy_total": v,
                "shown": privacy.shown(v, k),
                "ci95": _sum_interval(n_cat, release.scale),
            }
            for d, v in sorted(by_district.items())
        ],
        "categories": [
            {
                "category": c,
                "label": render(CATEGORY_LABELS[Category(c)], lang) if c in CATEGORIES else c,
                "noisy_total": v,
                "shown": privacy.shown(v, k),
                "ci95": _sum_interval(n_dis, release.scale),
            }
            for c, v in sorted(by_category.items())
        ],
    }


def release_brief(r: StatRelease) -> dict[str, Any]:
    return {
        "id": r.id,
        "period": r.period,
        "year": r.year,
        "epsilon": r.epsilon,
        "mechanism": r.mechanism,
        "scale": r.scale,
        "sensitivity": r.sensitivity,
        "unit": r.unit,
        "noise_variance": round(privacy.noise_variance(r.scale), 4),
        "ci95": r.ci95,
        "min_count": r.min_count,
        "holdback_days": r.holdback_days,
        "covers_from": to_display(r.covers_from),
        "covers_until": to_display(r.covers_until),
        "cells_count": r.cells,
        "year_budget": r.year_budget,
        "spent": r.spent_after,
        "left": privacy.budget_left(r.year_budget, r.spent_after),
        "created_at": to_display(r.created_at),
        "created_by": r.created_by,
    }


def ledger(db: Session, policy: Policy | None = None) -> dict[str, Any]:
    """Every release in order, with its epsilon and the year's spend after it, and each
    year's budget, spend and what is left: anyone can add it up."""
    policy = policy or Policy.of()
    entries = []
    years: dict[int, float] = defaultdict(float)
    for r in db.scalars(
        select(StatRelease).order_by(StatRelease.year, StatRelease.created_at, StatRelease.id)
    ):
        years[r.year] = round(years[r.year] + r.epsilon, 6)
        entries.append(
            {
                "id": r.id,
                "period": r.period,
                "year": r.year,
                "epsilon": r.epsilon,
                "scale": r.scale,
                "mechanism": r.mechanism,
                "cumulative": years[r.year],
                "created_at": to_display(r.created_at),
                "created_by": r.created_by,
            }
        )
    return {
        "epsilon_year": policy.epsilon_year,
        "holdback_days": policy.holdback_days,
        "min_count": policy.min_count,
        "mechanism": privacy.MECHANISM,
        "sensitivity": privacy.SENSITIVITY,
        "unit": privacy.UNIT,
        "releases": entries,
        "years": [
            {
                "year": y,
                "budget": policy.epsilon_year,
                "spent": s,
                "left": privacy.budget_left(policy.epsilon_year, s),
            }
            for y, s in sorted(years.items())
        ],
    }


CSV_COLUMNS = (
    "period",
    "district",
    "district_name",
    "category",
    "noisy_count",
    "shown",
    "epsilon",
    "scale",
    "ci95",
)


def statistics_csv(db: Session) -> str:
    """Every published cell, one row each, with its release's epsilon, scale and interval."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in releases(db):
        for c in release_out(r, cells_of(db, r), "es")["cells"]:
            w.writerow(
                [
                    r.period,
                    c["district"],
                    c["district_name"],
                    c["category"],
                    c["noisy_count"],
                    c["shown"],
                    r.epsilon,
                    r.scale,
                    r.ci95,
                ]
            )
    return buf.getvalue()


# --- results: response times and forecast hit rates ---------------------------------------
def _lima_day(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f"{value.astimezone(LIMA):%Y-%m-%d}"


def _month_of(value: datetime) -> str:
    return _lima_day(value)[:7]


def _closed_months_cutoff(now: datetime, holdback_days: int) -> datetime:
    """Where results end: the first instant of the month that holds the day ``holdback_days``
    before now. Only whole months before it are published, none of the last days."""
    edge = (now - timedelta(days=holdback_days)).astimezone(LIMA)
    return edge.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


# The results are read by anyone, without a login, and cost a pass over every incident
# and forecast (160 ms on the demo store): each process keeps them while no incident or
# forecast is added or removed, for at most this long (a late arrival time on a past
# month's incident shows within it).
RESULTS_CACHE = TtlCache(ttl_s=300.0, size=16)


def _fingerprint(db: Session) -> tuple[Any, ...]:
    """Changes when an incident or a forecast is added or removed (two index reads)."""
    inc = db.execute(
        select(func.count(), func.max(Incident.id))
        .select_from(Incident)
        .execution_options(**{EVERY_RECORD: True})
    ).one()
    return (*inc, db.scalar(select(func.max(Forecast.id))))


def results(
    db: Session, policy: Policy | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """``compute_results``, kept per process while its data stays the same (at most
    ``RESULTS_CACHE.ttl_s``)."""
    policy = policy or Policy.of()
    now = now or utcnow()
    until = _closed_months_cutoff(now, policy.holdback_days)
    store = db.get_bind().engine.url.render_as_string(hide_password=True)
    key = (store, policy, until, _fingerprint(db))
    return RESULTS_CACHE.get(key, lambda: compute_results(db, policy, until))


def compute_results(db: Session, policy: Policy, until: datetime) -> dict[str, Any]:
    """Response times (call to dispatch, dispatch to arrival: median, 90th percentile,
    share within target; ``dispatch.kpi``) and forecast hit rates, by district and month,
    for months over (and past the holdback). A group with fewer than ``results_min_n``
    measurements is withheld, and no group says how many it has (that would be an exact
    count of incidents beside the noisy ones)."""
    rows = db.execute(
        select(
            Incident.district_ubigeo,
            Incident.received_at,
            Incident.dispatched_at,
            Incident.on_scene_at,
            Incident.cleared_at,
        )
        .where(
            Incident.received_at < until,
            Incident.dispatched_at.is_not(None),
            Incident.merged_into_id.is_(None),
            Incident.district_ubigeo.is_not(None),
        )
        .execution_options(**{EVERY_RECORD: True})
    ).all()
    names = dict(districts())
    data = [
        {
            "group": f"{r.district_ubigeo}|{_month_of(r.received_at)}",
            "received_at": r.received_at,
            "dispatched_at": r.dispatched_at,
            "on_scene_at": r.on_scene_at,
            "cleared_at": r.cleared_at,
        }
        for r in rows
        if r.district_ubigeo in names
    ]
    response = []
    for row in kpi.table(data, "group"):
        district, month = row["group"].split("|")
        entry: dict[str, Any] = {
            "district": district,
            "district_name": names[district],
            "month": month,
        }
        published = False
        for name in ("call_to_dispatch", "dispatch_to_arrival"):
            m = row[name]
            if m["n"] >= policy.results_min_n:
                entry[name] = {
                    "p50_s": m["p50_s"],
                    "p90_s": m["p90_s"],
                    "target_s": m.get("target_s"),
                    "within_target": m.get("within_target"),
                }
                published = True
            else:
                entry[name] = None
        if published:
            response.append(entry)
    response.sort(key=lambda e: (e["month"], e["district"]))
    return {
        "min_n": policy.results_min_n,
        "until": to_display(until),
        "response_times": response,
        "forecast_accuracy": forecast_accuracy(db, policy, until),
    }


def forecast_accuracy(
    db: Session, policy: Policy, until: datetime, since: datetime | None = None
) -> list[dict[str, Any]]:
    """For each forecast whose window ended before ``until`` (and from ``since``): of the
    incidents that then occurred in its area (its categories), the share in its flagged
    cells (hit rate), and that share over the flagged share of the area (PAI, Chainey et
    al. 2008), per month of the window's start and district; the whole area as "*"."""
    out: list[dict[str, Any]] = []
    names = dict(districts())
    query = select(Forecast).where(Forecast.valid_until <= until)
    if since is not None:
        query = query.where(Forecast.valid_until >= since)
    forecasts = db.scalars(query.order_by(Forecast.valid_from)).all()
    for f in forecasts:
        flagged = set(
            db.scalars(
                select(ForecastCell.cell).where(
                    ForecastCell.forecast_id == f.id,
                    ForecastCell.level.in_(("very_high", "high")),
                )
            )
        )
        if not flagged or not f.area_cells:
            continue
        cats = json.loads(f.categories or "[]")
        q = select(Incident.longitude, Incident.latitude, Incident.district_ubigeo).where(
            Incident.occurred_at >= f.valid_from,
            Incident.occurred_at < f.valid_until,
            Incident.merged_into_id.is_(None),
        )
        if cats:
            q = q.where(Incident.category.in_(cats))
        if f.region:
            q = q.where(Incident.district_ubigeo.startswith(f.region))
        pts = db.execute(q.execution_options(**{EVERY_RECORD: True})).all()
        if not pts:
            continue
        grid = Grid(f.x0, f.y0, f.cell_size, f.nx, f.ny, f.crs)
        x, y = project(
            np.array([p[0] for p in pts], dtype=float),
            np.array([p[1] for p in pts], dtype=float),
            f.crs,
        )
        cells = grid.cell_of(x, y)
        share = len(flagged) / f.area_cells
        groups: dict[str, list[bool]] = defaultdict(list)
        for p, cell in zip(pts, cells, strict=True):
            hit = int(cell) in flagged
            groups["*"].append(hit)
            if p[2] in names:
                groups[str(p[2])].append(hit)
        for district, hits in sorted(groups.items()):
            if len(hits) < policy.results_min_n:
                continue
            rate = sum(hits) / len(hits)
            out.append(
                {
                    "forecast_id": f.id,
                    "month": _month_of(f.valid_from),
                    # The window in Lima's days, the last one included: how a reader
                    # tells one week's forecast from another.
                    "first_day": _lima_day(f.valid_from),
                    "last_day": _lima_day(f.valid_until - timedelta(microseconds=1)),
                    "district": district,
                    "district_name": names.get(district, _("Toda el área")),
                    "flagged_share": round(share, 4),
                    "hit_rate": round(rate, 4),
                    "pai": round(rate / share, 3),
                }
            )
    return out


# --- alerts ---------------------------------------------------------------------------------
def _choice(value: str, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            _(
                "{field} no válido: «{value}»; use uno de: {allowed}",
                field=field,
                value=value,
                allowed=", ".join(allowed),
            )
        )
    return value


def issue_alert(
    actor: Actor,
    *,
    district: str,
    event: str,
    headline: str,
    description: str,
    instruction: str,
    status: str = "Exercise",
    msg_type: str = "Alert",
    urgency: str = "Expected",
    severity: str = "Moderate",
    certainty: str = "Likely",
    expires: datetime | None = None,
    references: int | None = None,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> PublicAlert:
    """Issue a CAP 1.2 alert for one district; the document is checked against the OASIS
    schema before it is stored (an invalid one is refused, nothing written) and the act is
    on record. An Update or Cancel names the alert it ``references``."""
    actor.require(ALERTS_ISSUE, object_type="public_alert")
    policy = policy or Policy.of()
    found = geo.get_district(district)
    if found is None:
        raise InvalidInput(_("distrito desconocido: «{ubigeo}»", ubigeo=district))
    _choice(status, cap.STATUSES, "status")
    _choice(msg_type, cap.MSG_TYPES, "msgType")
    _choice(urgency, cap.URGENCIES, "urgency")
    _choice(severity, cap.SEVERITIES, "severity")
    _choice(certainty, cap.CERTAINTIES, "certainty")
    earlier: PublicAlert | None = None
    if msg_type != "Alert":
        if references is None:
            raise InvalidInput(_("una actualización o cancelación debe citar la alerta previa"))
        earlier = actor.db.get(PublicAlert, references)
        if earlier is None:
            raise NotFound(_("la alerta {id} no existe", id=references))
    sent = (now or utcnow()).astimezone(LIMA).replace(microsecond=0)
    identifier = f"PE-KUNTUR-{sent:%Y%m%d}-{uuid.uuid4().hex[:12]}"
    document = cap.to_xml(
        cap.Alert(
            identifier=identifier,
            sender=policy.alert_sender,
            sent=sent,
            status=status,
            msg_type=msg_type,
            event=event.strip(),
            urgency=urgency,
            severity=severity,
            certainty=certainty,
            headline=headline.strip(),
            description=description.strip(),
            instruction=instruction.strip(),
            area=cap.Area(
                found.name, found.ubigeo, cap.polygon_of(geo.district_geometry(found.ubigeo))
            ),
            references=(
                f"{earlier.sender},{earlier.identifier},{cap.cap_time(earlier.sent.astimezone(LIMA))}"
                if earlier
                else None
            ),
            expires=expires.astimezone(LIMA) if expires else None,
            sender_name="Comando Conjunto PNP / FF. AA. (Kuntur)",
            note=_("Ejercicio: no es una alerta real") if status == "Exercise" else None,
        )
    )
    try:
        cap.validate(document)
    except cap.InvalidAlert as exc:
        raise InvalidInput(str(exc)) from exc
    alert = PublicAlert(
        identifier=identifier,
        sender=policy.alert_sender,
        sent=sent.astimezone(UTC),
        status=status,
        msg_type=msg_type,
        district_ubigeo=found.ubigeo,
        district_name=found.name,
        event=event.strip(),
        urgency=urgency,
        severity=severity,
        certainty=certainty,
        headline=headline.strip(),
        description=description.strip(),
        instruction=instruction.strip(),
        expires=expires.astimezone(UTC) if expires else None,
        references_id=earlier.id if earlier else None,
        document=document.decode("utf-8"),
        created_by=actor.who,
    )
    actor.db.add(alert)
    actor.db.flush()
    actor.record(
        ALERT_CANCELLED if msg_type == "Cancel" else ALERT_ISSUED,
        object_type="public_alert",
        object_id=str(alert.id),
        details={
            "identifier": identifier,
            "district": found.ubigeo,
            "status": status,
            "msg_type": msg_type,
            "references": earlier.identifier if earlier else None,
        },
    )
    return alert


def cancel_alert(actor: Actor, alert_id: int, *, now: datetime | None = None) -> PublicAlert:
    """A CAP Cancel of an alert (a new message that references it; the first is kept)."""
    earlier = actor.db.get(PublicAlert, alert_id)
    if earlier is None:
        actor.require(ALERTS_ISSUE, object_type="public_alert", object_id=str(alert_id))
        raise NotFound(_("la alerta {id} no existe", id=alert_id))
    return issue_alert(
        actor,
        district=earlier.district_ubigeo,
        event=earlier.event,
        headline=_("Cancelada: {headline}", "es", headline=earlier.headline)[:200],
        description=_("Se cancela la alerta {identifier}.", "es", identifier=earlier.identifier),
        instruction=_("No se requiere ninguna acción.", "es"),
        status=earlier.status,
        msg_type="Cancel",
        urgency="Past",
        severity="Minor",
        certainty="Observed",
        references=earlier.id,
        now=now,
    )


def alerts(db: Session, limit: int = 100) -> list[PublicAlert]:
    return list(
        db.scalars(
            select(PublicAlert)
            .order_by(PublicAlert.sent.desc(), PublicAlert.id.desc())
            .limit(limit)
        )
    )


def get_alert(db: Session, alert_id: int) -> PublicAlert:
    found = db.get(PublicAlert, alert_id)
    if found is None:
        raise NotFound(_("la alerta {id} no existe", id=alert_id))
    return found


def alert_out(a: PublicAlert) -> dict[str, Any]:
    return {
        "id": a.id,
        "identifier": a.identifier,
        "sender": a.sender,
        "sent": to_display(a.sent),
        "status": a.status,
        "msg_type": a.msg_type,
        "district": a.district_ubigeo,
        "district_name": a.district_name,
        "event": a.event,
        "urgency": a.urgency,
        "severity": a.severity,
        "certainty": a.certainty,
        "headline": a.headline,
        "description": a.description,
        "instruction": a.instruction,
        "expires": to_display(a.expires),
        "references": a.references_id,
        "cap_url": f"/api/public/alerts/{a.id}.cap",
    }


def alerts_atom(db: Session, base_url: str) -> bytes:
    found = alerts(db)
    base = base_url.rstrip("/")
    updated = max((a.sent for a in found), default=datetime(2026, 1, 1, tzinfo=UTC))
    if updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    return cap.atom_feed(
        feed_id=f"{base}/api/public/alerts.atom",
        title=_("Alertas públicas — Comando Conjunto (Kuntur)", "es"),
        self_link=f"{base}/api/public/alerts.atom",
        updated=updated.astimezone(LIMA),
        entries=[
            cap.FeedEntry(
                id=f"urn:kuntur:alert:{a.identifier}",
                title=f"[{a.status}] {a.headline}",
                updated=(a.sent if a.sent.tzinfo else a.sent.replace(tzinfo=UTC)).astimezone(LIMA),
                summary=f"{a.district_name}: {a.description}",
                link=f"{base}/api/public/alerts/{a.id}.cap",
                district=a.district_ubigeo,
            )
            for a in found
        ],
    )
