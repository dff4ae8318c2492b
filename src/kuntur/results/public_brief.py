"""The public weekly brief (issue 18): the command brief's public version, in Spanish (English
on request), as HTML and PDF (``brief.write_pdf``), made only of what the public
statistics rules already release (docs/public.md, decision 0013):

- the latest differentially private monthly release whose month ended before the week's
  end, its figures exactly as released (noisy cells and their sums, "menos de k", the
  published 95 % interval, epsilon and the year's budget ledger) — serving released figures
  again, or adding them up, is post-processing and spends no privacy budget; and a plain
  sentence when the last month over has no release yet;
- the measured results as the public site shows them (``public.service.results``: response
  times withheld below ``min_n``, forecast hit rates), of the latest month over by the
  week's end;
- the public alerts issued during the week;
- the interventions in force during the week as public facts (what, where, from when to
  when, on what legal basis), leaving out any that is classified, and without their
  measured effect: that estimate is computed from the exact incident counts, outside the
  privacy budget, so publishing it would release what the noise protects.

Nothing here reads an exact incident count, and nothing depends on who asks: it takes a
store session, not an actor (the public page serves it to anyone, without a login)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kuntur.core.i18n import LANGS, install_gettext
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.public import service as public
from kuntur.public.models import PublicAlert
from kuntur.results import area as areas
from kuntur.results import report
from kuntur.results.models import Intervention

TEMPLATES = Path(__file__).parent / "templates"


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """The week's first instant and the next week's (Lima time), in UTC."""

    def utc(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=LIMA).astimezone(UTC)

    return utc(monday), utc(monday + timedelta(days=7))


def week_label(monday: date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_month_over(monday: date) -> str:
    """``YYYY-MM`` of the last month that was over by the end of the week (Lima): the month
    before the one that holds the Monday after it (which may end exactly at the week's end)."""
    after = monday + timedelta(days=7)
    y, m = after.year, after.month - 1
    if m < 1:
        y, m = y - 1, 12
    return f"{y:04d}-{m:02d}"


def classified(item: Intervention) -> bool:
    """An intervention marked classified (a ``classification`` above 0) is never public."""
    return item.classification > 0


def _release(db: Session, month: str, lang: str) -> dict[str, Any]:
    """The latest release of a month up to ``month``, as released, and the year's ledger."""
    made = [r for r in public.releases(db) if r.period <= month]
    chosen = made[-1] if made else None
    out = public.release_out(chosen, public.cells_of(db, chosen), lang) if chosen else None
    year = None
    if chosen is not None:
        year = next(
            (y for y in public.ledger(db)["years"] if y["year"] == chosen.year),
            None,
        )
    return {
        "last_month": month,
        "last_month_released": chosen is not None and chosen.period == month,
        "release": out,
        "budget_year": year,
    }


def _results(db: Session, policy: public.Policy, month: str) -> dict[str, Any]:
    """The public results as the public site shows them (``public.service.results``: whole
    months past the holdback, groups below ``min_n`` withheld), of the latest month up to
    ``month`` (the last one over by the week's end) — the same rule as the releases."""
    res = public.results(db, policy)
    times = [r for r in res["response_times"] if r["month"] <= month]
    latest = max((r["month"] for r in times), default=None)
    accuracy = [r for r in res["forecast_accuracy"] if r["district"] == "*" and r["month"] <= month]
    acc_month = max((r["month"] for r in accuracy), default=None)
    return {
        "min_n": res["min_n"],
        "until": res["until"],
        "month": latest,
        "response_times": [r for r in times if r["month"] == latest],
        "forecast_month": acc_month,
        "forecast_accuracy": [r for r in accuracy if r["month"] == acc_month],
    }


def _alerts(db: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = db.scalars(
        select(PublicAlert)
        .where(PublicAlert.sent >= start, PublicAlert.sent < end)
        .order_by(PublicAlert.sent, PublicAlert.id)
    )
    return [public.alert_out(a) for a in rows]


def _interventions(db: Session, monday: date) -> list[dict[str, Any]]:
    """In force at some time in the week, not classified nor withdrawn: what, where, when,
    legal basis."""
    from kuntur.geography import service as geo

    sunday = monday + timedelta(days=6)
    rows = db.scalars(
        select(Intervention)
        .where(
            Intervention.starts_on <= sunday,
            or_(Intervention.ends_on.is_(None), Intervention.ends_on >= monday),
            Intervention.withdrawn_at.is_(None),  # a record made by mistake is no fact
        )
        .order_by(Intervention.starts_on, Intervention.id)
    )
    out = []
    for item in rows:
        if classified(item):
            continue
        names = []
        for code in item.district_list:
            d = geo.get_district(code)
            names.append(d.name if d else code)
        out.append(
            {
                "kind": item.kind,
                "title": item.title,
                "districts": ", ".join(names),
                "zone_km2": areas.zone_km2(item.area),
                "since": item.starts_on.isoformat(),
                "until": item.ends_on.isoformat() if item.ends_on else None,
                "legal_basis": item.legal_basis_id,
            }
        )
    return out


def gather(
    db: Session, monday: date, policy: public.Policy | None = None, lang: str = "es"
) -> dict[str, Any]:
    """What the public brief of the week of ``monday`` says (the same for anyone)."""
    policy = policy or public.Policy.of()
    start, end = week_bounds(monday)
    month = last_month_over(monday)
    return {
        "lang": lang if lang in LANGS else "es",
        "week": week_label(monday),
        "monday": monday.isoformat(),
        "sunday": (monday + timedelta(days=6)).isoformat(),
        "policy": policy,
        **_release(db, month, lang),
        "results": _results(db, policy, month),
        "alerts": _alerts(db, start, end),
        "interventions": _interventions(db, monday),
        "made_at": utcnow().astimezone(LIMA).strftime("%Y-%m-%d %H:%M"),
    }


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    install_gettext(env)  # Spanish first, English on request (the page's ``lang``)
    env.filters["num"] = _number
    return env


@pass_context
def _number(context: Any, value: float | str | None, digits: int | None = 1) -> str:
    """``{{ x | num(1) }}``: a figure as the page's language writes it (0,9 or 0.9)."""
    return report.num(value, digits, context.get("lang", "es"))


def render(
    db: Session,
    monday: date,
    policy: public.Policy | None = None,
    lang: str = "es",
    *,
    page: bool = False,
) -> str:
    """The brief as HTML; ``page``: as the public site serves it (with its links)."""
    template = _env().get_template("public_brief.html")
    return template.render(**gather(db, monday, policy, lang), page=page)


def file_name(monday: date) -> str:
    return f"informe-publico-{week_label(monday)}"
