"""The weekly brief for the command, in Spanish, as HTML and PDF (WeasyPrint): what
happened in the week against the four before it, response times, oversight deadlines
missed, legal bases about to expire, and every intervention with its measured effect and
its chart (the same SVG as the page, inline). ``kuntur results brief --week YYYY-Www``."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import LIMA
from kuntur.identity.actor import Actor
from kuntur.incidents.categories import CATEGORY_LABELS, Category
from kuntur.incidents.models import Incident
from kuntur.results import area as areas
from kuntur.results import chart, report, service
from kuntur.results.manifest import VIEW

TEMPLATES = Path(__file__).parent / "templates"


class PdfUnavailable(Exception):
    """WeasyPrint or the system's Pango is missing: the HTML is still written."""


FIRST_YEAR = 2000  # as an intervention's earliest start


def parse_week(text: str) -> date:
    """``2026-W48`` -> the Monday of that ISO week."""
    text = text.strip().upper()
    year, _, week = text.partition("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def checked_week(text: str, now: datetime, lang: str | None = None) -> date:
    """The Monday of ``text``'s ISO week, or InvalidInput saying why not: not a week, or
    one that has not begun yet at ``now`` (a brief of it would show another week's
    figures under its name)."""
    try:
        monday = parse_week(text)
    except ValueError:
        raise InvalidInput(
            _(
                "semana no válida: «{value}»; use AAAA-Www (p. ej. 2026-W48)",
                lang,
                value=text[:20],
            )
        ) from None
    if monday.year < FIRST_YEAR:  # a typo of a year (1026): no incident is that old
        raise InvalidInput(
            _(
                "semana no válida: «{value}»; los informes empiezan en {first}",
                lang,
                value=text[:20],
                first=FIRST_YEAR,
            )
        )
    today = now.astimezone(LIMA).date()
    sunday = monday + timedelta(days=6)
    if sunday >= today:
        # A week still running would be read as a fall: a few days' incidents against
        # whole weeks before it. The brief is of weeks that are over.
        year, week, _day = (today - timedelta(days=7)).isocalendar()
        last = f"{year}-W{week:02d}"
        value = text.strip().upper()
        if monday > today:
            words = _(
                "la semana {value} aún no ha empezado; la última completa es {last}",
                lang,
                value=value,
                last=last,
            )
        else:
            words = _(
                "la semana {value} aún no termina (termina el domingo {sunday}); la última "
                "completa es {last}",
                lang,
                value=value,
                sunday=sunday.isoformat(),
                last=last,
            )
        raise InvalidInput(words)
    return monday


def _utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LIMA).astimezone(UTC)


def _label(code: str) -> str:
    try:
        return str(CATEGORY_LABELS[Category(code)])
    except (ValueError, KeyError):
        return code


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds / 60:.1f}".replace(".", ",") + " min"


def gather(actor: Actor, monday: date) -> dict[str, Any]:
    actor.require(VIEW, object_type="brief")
    from kuntur.dispatch import kpi
    from kuntur.geography import service as geo

    db = actor.db
    start, end = _utc(monday), _utc(monday + timedelta(days=7))
    before = _utc(monday - timedelta(days=28))
    rows = db.execute(
        select(
            Incident.occurred_at,
            Incident.category,
            Incident.district_ubigeo,
            Incident.priority,
            Incident.received_at,
            Incident.dispatched_at,
            Incident.on_scene_at,
            Incident.cleared_at,
        ).where(Incident.occurred_at >= before, Incident.occurred_at < end)
    ).all()
    week = [r for r in rows if _as_utc(r.occurred_at) >= start]
    prior = [r for r in rows if _as_utc(r.occurred_at) < start]
    cats_w = Counter(r.category for r in week)
    cats_p = Counter(r.category for r in prior)
    categories = [
        {"label": _label(c), "week": n, "before": report.num(cats_p.get(c, 0) / 4, 1)}
        for c, n in cats_w.most_common(8)
    ]
    dists = Counter(r.district_ubigeo for r in week if r.district_ubigeo)
    dists_p = Counter(r.district_ubigeo for r in prior if r.district_ubigeo)
    districts = []
    for code, n in dists.most_common(10):
        d = geo.get_district(code)
        districts.append(
            {
                "name": d.name if d else code,
                "week": n,
                "before": report.num(dists_p.get(code, 0) / 4, 1),
                "dispatch_week": _minutes(
                    _median_dispatch(r for r in week if r.district_ubigeo == code)
                ),
                "dispatch_before": _minutes(
                    _median_dispatch(r for r in prior if r.district_ubigeo == code)
                ),
            }
        )
    times = kpi.table(
        [
            {
                "priority": r.priority,
                "received_at": _aware(r.received_at),
                "dispatched_at": _aware(r.dispatched_at),
                "on_scene_at": _aware(r.on_scene_at),
                "cleared_at": _aware(r.cleared_at),
            }
            for r in week
        ],
        "priority",
    )
    received = Counter(str(r.priority or "-") for r in week)
    response = [
        {
            "priority": t["group"],
            "received": received.get(t["group"], 0),
            "n": t["call_to_dispatch"]["n"],
            "dispatch_p50": _minutes(t["call_to_dispatch"]["p50_s"]),
            "dispatch_p90": _minutes(t["call_to_dispatch"]["p90_s"]),
            "arrival_p50": _minutes(t["dispatch_to_arrival"]["p50_s"]),
            "arrival_p90": _minutes(t["dispatch_to_arrival"]["p90_s"]),
        }
        for t in times
    ]
    interventions = []
    sunday = monday + timedelta(days=6)
    for item in service.interventions(actor):
        if item.starts_on > sunday or (item.ends_on is not None and item.ends_on < monday):
            continue  # not in force that week: planned for later, or over before it
        if item.withdrawn_at is not None:
            continue  # recorded by mistake
        # As it stood at the week's end: a brief made again later says the same.
        result = service.cached_evaluation(actor, item, as_of=sunday)
        interventions.append(
            {
                "title": item.title,
                "districts": ", ".join(
                    service.intervention_out(actor, item, evaluate=False)["district_names"]
                ),
                "zone_km2": report.num(areas.zone_km2(item.area)) if item.area else None,
                "since": item.starts_on.isoformat(),
                "until": item.ends_on.isoformat() if item.ends_on else None,
                "result": result,
                "effect": report.pct(result["effect"]) if result else None,
                "ci90": report.interval(result["ci90"]) if result else None,
                "ci95": report.interval(result["ci95"]) if result else None,
                "verdict": report.verdict(result) if result else None,
                "warnings": [report.half(w, "es") for w in result["warnings"]] if result else [],
                "svg": Markup(chart.from_result(result)) if result else None,  # noqa: S704
            }
        )
    return {
        "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
        "monday": monday.isoformat(),
        "sunday": (monday + timedelta(days=6)).isoformat(),
        "total": len(week),
        "total_before": report.num(len(prior) / 4, 1),
        "categories": categories,
        "districts": districts,
        "response": response,
        "overdue": _overdue(actor),
        "forecasts": _forecasts(actor, start, end),
        "expiring": _expiring(actor, end),
        "interventions": interventions,
        "made_at": datetime.now(LIMA).strftime("%Y-%m-%d %H:%M"),
    }


def _as_utc(v: datetime) -> datetime:
    return v if v.tzinfo else v.replace(tzinfo=UTC)


def _aware(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    return v if v.tzinfo else v.replace(tzinfo=UTC)


def _median_dispatch(rows: Any) -> float | None:
    secs = [
        (_as_utc(r.dispatched_at) - _as_utc(r.received_at)).total_seconds()
        for r in rows
        if r.dispatched_at is not None and r.received_at is not None
    ]
    secs = [x for x in secs if x >= 0]
    if not secs:
        return None
    secs.sort()
    return secs[len(secs) // 2]


def _forecasts(actor: Actor, start: datetime, end: datetime) -> list[dict[str, str]]:
    """The forecasts whose window ended in the week: the share of the incidents that then
    occurred in their flagged cells (hit rate) and that over the flagged share (PAI)."""
    from kuntur.config import get_settings
    from kuntur.forecasting.models import Forecast
    from kuntur.public import service as public

    ids = set(
        actor.db.scalars(
            select(Forecast.id).where(Forecast.valid_until >= start, Forecast.valid_until < end)
        )
    )
    if not ids:
        return []
    rows = public.forecast_accuracy(actor.db, public.Policy.of(get_settings()), end)
    return [
        {
            "forecast": str(r["forecast_id"]),
            "hit_rate": f"{r['hit_rate'] * 100:.1f}".replace(".", ",") + " %",
            "flagged": f"{r['flagged_share'] * 100:.1f}".replace(".", ",") + " %",
            "pai": f"{r['pai']:.1f}".replace(".", ","),
        }
        for r in rows
        if r["forecast_id"] in ids and r["district"] == "*"
    ]


def _overdue(actor: Actor) -> int | None:
    try:
        from kuntur.oversight import service as oversight

        return len(oversight.overdue(actor))
    except Exception:
        return None


def _expiring(actor: Actor, after: datetime) -> list[dict[str, str]]:
    from kuntur.command.models import LegalAuthorization

    rows = actor.db.scalars(
        select(LegalAuthorization).where(
            LegalAuthorization.revoked.is_(False),
            LegalAuthorization.ends_at >= after - timedelta(days=7),
            LegalAuthorization.ends_at < after + timedelta(days=14),
        )
    )
    return [
        {
            "number": r.number,
            "area": r.area_label,
            "ends": _as_utc(r.ends_at).astimezone(LIMA).strftime("%Y-%m-%d"),
        }
        for r in rows
    ]


def render_brief(actor: Actor, monday: date) -> str:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    return env.get_template("brief.html").render(**gather(actor, monday))


def write_pdf(html: str, path: Path) -> Path:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"no se puede escribir el PDF: WeasyPrint o Pango no están instalados ({exc})"
        ) from exc
    weasyprint.HTML(string=html).write_pdf(str(path))
    return path
