"""The stored incidents end to end: the demo scenario with its demo intervention (a made
effect of about -25 %) evaluated from the store (`kuntur results evaluate --intervention`),
and the weekly brief rendered as HTML and as PDF, in Spanish, with the chart inline."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import system
from kuntur.results import brief, report, service


def test_the_demo_intervention_is_measured_from_the_store(demo_store) -> None:
    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        item = next(i for i in service.interventions(actor) if i.kind == "patrol_plan")
        result = service.evaluate_intervention(actor, item.id)
    # Every fourth incident among those nothing else points to: a little under 25 %.
    assert -0.32 < result["effect"] < -0.15
    assert result["ci95"][1] < 0
    assert result["displacement"]["units"]  # the districts that share a border
    assert set(result["treated"]) == {"150132", "150111"}


def test_the_cli_evaluates_a_stored_intervention(demo_store, monkeypatch, tmp_path) -> None:
    _eng, url = demo_store
    monkeypatch.setenv("KUNTUR_DATABASE_URL", url)
    from kuntur.config import get_settings

    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["results", "evaluate", "--intervention", "1", "--json"])
        plain = CliRunner().invoke(app, ["results", "evaluate", "--intervention", "1"])
        made = CliRunner().invoke(
            app, ["results", "brief", "--week", "2026-W40", "--out", str(tmp_path)]
        )
        bad = CliRunner().invoke(app, ["results", "brief", "--week", "semana 40"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ci95"][1] < 0 and result["intervention"] == 1
    # In words: which intervention, its districts by name, numbers the Spanish way.
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("Intervención 1: DEMOSTRACIÓN: plan de patrullaje")
    assert lines[1].startswith("  plan de patrullaje, desde 2026-")
    assert "San Juan de Lurigancho (150132), El Agustino (150111)" in lines[2]
    fit = next(line for line in lines if line.startswith("Ajuste antes del inicio"))
    assert re.fullmatch(
        r"Ajuste antes del inicio: RMSPE \d+,\d\d, R² -?\d+,\d\d, "
        r"error / ruido de conteo \d+,\d\d",
        fit,
    ), fit
    assert re.search(
        r"Pesos de San Juan de Lurigancho \(150132\): \w[^;]* \(\d{6}\) = 0,\d\d; ", plain.stdout
    )
    assert made.exit_code == 0, made.output
    assert (tmp_path / "informe-semanal-2026-W40.html").exists()
    assert (tmp_path / "informe-semanal-2026-W40.pdf").read_bytes().startswith(b"%PDF")
    assert bad.exit_code == 2


def test_the_brief_renders_as_html_and_pdf(demo_store, tmp_path: Path) -> None:
    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        item = next(i for i in service.interventions(actor) if i.kind == "patrol_plan")
        monday = item.starts_on + timedelta(weeks=4)
        service.record(  # planned for after that week: not in its brief
            actor,
            kind="programme",
            title="Programa que empieza después",
            districts=["150122"],
            starts_on=monday + timedelta(days=7),
        )
        html = brief.render_brief(actor, monday)
        db.rollback()
    assert "Programa que empieza después" not in html
    assert "plan de patrullaje intensivo" in html
    # The brief is in Spanish: its warnings too (the service gives them in both languages).
    assert "fuera de la comparación" in html and "left out of the comparison" not in html
    assert "Informe semanal del mando" in html
    assert "Tiempos de respuesta" in html and "Intervenciones y su efecto medido" in html
    assert "Incidentes recibidos" in html and "Despachados" in html
    assert "Lo que captaron los pronósticos" in html and "frente a su línea de base" in html
    assert "<svg" in html and "contrafactual" in html
    assert "intervalo de 95 %" in html
    assert "Zona dibujada de" in html and "en su entorno de 1 km" in html  # the demo's zone
    pdf = brief.write_pdf(html, tmp_path / "informe.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000


def test_weeks_are_iso_weeks() -> None:
    assert brief.parse_week("2026-W48").isoformat() == "2026-11-23"
    with pytest.raises(ValueError):
        brief.parse_week("2026-48")


def test_the_kpis_week_by_week_are_counted_and_drawn(demo_store) -> None:
    from sqlalchemy import func, select

    from kuntur.core.timeutil import utcnow
    from kuntur.incidents.models import Incident
    from kuntur.results import chart

    eng, _url = demo_store
    with Session(eng) as db:
        tx = db.begin()  # rolled back: the other tests see the demo store as seeded
        end = utcnow()
        first = end - timedelta(weeks=16)
        # Three incidents of the last week dispatched 2, 3 and 10 minutes after the call.
        recent = db.scalars(
            select(Incident)
            .where(Incident.occurred_at >= end - timedelta(days=5), Incident.occurred_at < end)
            .where(Incident.received_at.is_not(None))
            .limit(3)
        ).all()
        assert len(recent) == 3
        for inc, minutes in zip(recent, (2, 3, 10), strict=True):
            inc.dispatched_at = inc.received_at + timedelta(minutes=minutes)
        db.flush()
        kpis = service.weekly_kpis(system(db, "test"), weeks=16)
        # the last week alone, counted straight from the store
        last_week = db.scalar(
            select(func.count()).where(
                Incident.occurred_at >= end - timedelta(weeks=1), Incident.occurred_at < end
            )
        )
        total = db.scalar(
            select(func.count()).where(Incident.occurred_at >= first, Incident.occurred_at < end)
        )
        tx.rollback()
    assert len(kpis["weeks"]) == len(kpis["incidents"]) == len(kpis["uof"]) == 16
    assert sum(kpis["incidents"]) == total > 0
    assert abs(kpis["incidents"][-1] - last_week) <= 2  # a second apart: the clock moved
    assert kpis["dispatch_p50_min"][-1] == 3.0  # the median of 2, 3 and 10 minutes
    assert kpis["dispatch_p50_min"][:-2] == [None] * 14  # the demo dispatches none
    svg = chart.weekly_kpis(kpis, "es")
    assert svg.startswith("<svg") and svg.count('data-kpi="1"') == 3  # no forecast ended
    assert "sin datos en estas semanas" in svg  # the forecasts' panel says so
    assert "Incidentes por semana" in svg and kpis["weeks"][0] in svg
    assert "Incidents a week" in chart.weekly_kpis(kpis, "en")
    # Each baseline: the mean of the first 12 weeks, dashed across its panel.
    assert kpis["baseline"]["incidents"] == pytest.approx(sum(kpis["incidents"][:12]) / 12, 0.01)
    assert svg.count('data-baseline="1"') == 2  # incidents and force; the others have none


def test_one_district_week_by_week_with_the_forecasts_that_ended(demo_store) -> None:
    from sqlalchemy import func, select

    from kuntur.config import get_settings
    from kuntur.core.errors import InvalidInput
    from kuntur.core.timeutil import utcnow
    from kuntur.forecasting import service as forecasting
    from kuntur.incidents.models import Incident
    from kuntur.public import service as public
    from kuntur.results import chart

    eng, _url = demo_store
    sjl = "150132"
    with Session(eng) as db:
        tx = db.begin()  # rolled back: the other tests see the demo store as seeded
        actor = system(db, "test")
        end = utcnow()
        # A week's forecast for the district that began three weeks ago: its window ended
        # in the third week before the last.
        made = forecasting.run(
            actor=actor,
            req=forecasting.RunRequest(region=sjl, at=end - timedelta(weeks=3), horizon_days=7),
        )
        kpis = service.weekly_kpis(actor, weeks=16, district=sjl)
        counted = db.scalar(
            select(func.count()).where(
                Incident.district_ubigeo == sjl,
                Incident.occurred_at >= end - timedelta(weeks=16),
                Incident.occurred_at < end,
            )
        )
        published = [
            r
            for r in public.forecast_accuracy(db, public.Policy.of(get_settings()), end)
            if r["forecast_id"] == made.id and r["district"] == sjl
        ]
        with pytest.raises(InvalidInput, match="999999"):
            service.weekly_kpis(actor, district="999999")
        tx.rollback()
    assert kpis["district"] == sjl
    assert abs(sum(kpis["incidents"]) - counted) <= 2  # a second apart: the clock moved
    assert len(published) == 1
    # Named by its window in Lima's days (the last one included), not by a number.
    opened = made.valid_from.astimezone(LIMA)
    closed = (made.valid_until - timedelta(microseconds=1)).astimezone(LIMA)
    assert (published[0]["first_day"], published[0]["last_day"]) == (
        opened.date().isoformat(),
        closed.date().isoformat(),
    )
    hit = [v for v in kpis["forecast_hit_pct"] if v is not None]
    assert hit == [pytest.approx(100 * published[0]["hit_rate"], abs=0.05)]
    assert kpis["forecast_hit_pct"].index(hit[0]) == 16 - 3  # the week it ended in
    svg = chart.weekly_kpis(kpis, "es", "San Juan de Lurigancho")
    assert "Indicadores semana a semana: San Juan de Lurigancho" in svg
    # incidents, force and the one forecast (a dot); the demo dispatches none there
    assert svg.count('data-kpi="1"') == 3 and "<circle" in svg


def test_the_weekly_brief_is_written_once_on_its_schedule(demo_store, tmp_path) -> None:
    from datetime import UTC, date, datetime

    from kuntur.results import scheduled

    # Monday 7 December 2026, 03:00 in Lima: the week of 30 November is over.
    now = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert scheduled.last_full_week(now) == date(2026, 11, 30)
    # Sunday 6 December, 23:00 in Lima (already Monday in UTC): that week is not over yet.
    assert scheduled.last_full_week(datetime(2026, 12, 7, 4, 0, tzinfo=UTC)) == date(2026, 11, 23)
    eng, _url = demo_store
    written = scheduled.write_due(eng, tmp_path / "briefs", now, pdf=False)
    # The command's brief and, beside it, its public version (tests/results/test_public_brief).
    assert [p.name for p in written] == [
        "informe-semanal-2026-W49.html",
        "informe-publico-2026-W49.html",
    ]
    html = written[0].read_text(encoding="utf-8")
    assert "<svg" in html and "Informe" in html
    # Another tick, or another server process: nothing written again.
    assert scheduled.write_due(eng, tmp_path / "briefs", now, pdf=False) == []
    assert sorted(p.name for p in (tmp_path / "briefs").iterdir()) == sorted(
        p.name for p in written
    )


def test_an_evaluation_is_made_on_what_its_reader_may_see(demo_store) -> None:
    """Half the treated districts' incidents after the start made confidential: a reader
    cleared for them and one who is not get different evaluations, each from the cache of
    their own scope, never the other's. (Each reader in a session of their own, as each
    request is: an actor scopes its session's queries.)"""
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from kuntur.identity.actor import Actor
    from kuntur.identity.models import User
    from kuntur.identity.service import context_for
    from kuntur.incidents.models import Incident
    from tests.conftest import make_user

    eng, _url = demo_store
    make_user(eng, "analista_sin_acceso", ["crime_analyst"], clearance=0)
    with Session(eng) as db:
        item = next(i for i in service.interventions(system(db, "test")) if i.kind == "patrol_plan")
    hidden = (
        Incident.district_ubigeo.in_(item.district_list),
        Incident.occurred_at >= datetime.combine(item.starts_on, datetime.min.time(), tzinfo=UTC),
        Incident.id % 2 == 1,
    )

    def evaluation(username: str | None) -> dict | None:
        with Session(eng) as db, db.begin():
            if username is None:
                return service.cached_evaluation(system(db, "test"), item)
            user = db.scalar(select(User).where(User.username == username))
            assert user is not None
            reader = Actor(db, context_for(user, None, request_id="test"))
            return service.cached_evaluation(reader, item)

    with Session(eng) as db, db.begin():
        db.execute(update(Incident).where(*hidden).values(classification=2))
    try:
        seen_all = evaluation(None)
        seen_less = evaluation("analista_sin_acceso")
        again = evaluation(None)
    finally:
        with Session(eng) as db, db.begin():  # the other tests see the demo store as seeded
            db.execute(update(Incident).where(*hidden).values(classification=0))
    assert seen_all is not None and seen_less is not None
    # The analyst sees about half the treated districts' incidents after the start.
    assert seen_less["effect"] < seen_all["effect"] - 0.2
    assert again is seen_all  # the cleared reader's own, from the cache


def test_districts_under_another_intervention_are_no_comparison(demo_store) -> None:
    """The patrol plan's districts (a made fall of a quarter) would pull every other
    evaluation's counterfactual down with them: they are left out of the others' donors
    and placebos, named (by name) in a warning, and listed in the JSON."""
    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        items = service.interventions(actor)
        plan = next(i for i in items if i.kind == "patrol_plan")
        zone = next(i for i in items if i.area)
        result = service.evaluate_intervention(actor, zone.id)
        own = service.evaluate_intervention(actor, plan.id)
        held_out = set(plan.district_list)
        # One that starts after the others' data end touched none of their incidents:
        # Miraflores stays a comparison for them.
        service.record(
            actor,
            kind="programme",
            title="Programa de Miraflores del año que viene",
            districts=["150122"],
            starts_on=utcnow().date() + timedelta(days=90),
        )
        planned = service.evaluate_intervention(actor, zone.id)
        db.rollback()
    assert "150122" not in planned["under_other_interventions"]
    assert "150122" in planned["donors"] and planned["effect"] == result["effect"]
    assert held_out <= set(result["under_other_interventions"])
    assert not held_out & set(result["donors"])
    assert not held_out & {p["unit"] for p in result["placebo_in_space"]}
    assert any("San Juan de Lurigancho" in w for w in result["warnings"])
    # The plan's own districts are its treated units, never left out of their own
    # evaluation; the classified operation's La Victoria is.
    assert set(own["treated"]) == held_out and "150115" in own["under_other_interventions"]


def test_a_weeks_brief_tells_the_evaluation_as_it_stood_that_week(demo_store) -> None:
    """A brief made again weeks later says what it said at the week's end: the periods
    after that Sunday are left out of the evaluation it shows."""
    eng, _url = demo_store
    with Session(eng) as db:
        actor = system(db, "test")
        plan = next(i for i in service.interventions(actor) if i.kind == "patrol_plan")
        monday = plan.starts_on + timedelta(weeks=4)
        sunday = monday + timedelta(days=6)
        then = service.cached_evaluation(actor, plan, as_of=sunday)
        latest = service.cached_evaluation(actor, plan)
        html = brief.render_brief(actor, monday)
        db.rollback()
    assert then is not None and latest is not None
    assert then["post_periods"] == 5 and latest["post_periods"] > 5  # weeks from its Monday
    assert then["series"]["periods"][-1] <= sunday.isoformat()
    assert f"Efecto: <strong>{report.pct(then['effect'])}</strong>" in html


def test_a_record_made_by_mistake_is_withdrawn_not_deleted(demo_store, tmp_path) -> None:
    """A test record on Miraflores had pulled Miraflores out of every other evaluation's
    comparison: withdrawn with a reason, it stays listed (with who and why, on the audit
    record: the role matrix asks every write for its event) and is no longer evaluated, in
    a brief, or counted against the others."""
    from kuntur.core.errors import InvalidInput

    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        zone = next(i for i in service.interventions(actor) if i.area)
        wrong = service.record(
            actor,
            kind="operation",
            title="Prueba en el distrito equivocado",
            districts=["150122"],
            starts_on=zone.starts_on,
        )
        held = service.evaluate_intervention(actor, zone.id)
        with pytest.raises(InvalidInput, match="de 10 a 1000 caracteres; tiene 2"):
            service.withdraw(actor, wrong.id, "  no ")
        service.withdraw(actor, wrong.id, "registrado en Miraflores por error")
        freed = service.evaluate_intervention(actor, zone.id)
        shown = service.intervention_out(actor, wrong)
        for again in (
            lambda: service.withdraw(actor, wrong.id, "otra vez, por si acaso"),
            lambda: service.close(actor, wrong.id, zone.starts_on + timedelta(days=30)),
            lambda: service.evaluate_intervention(actor, wrong.id),
        ):
            with pytest.raises(InvalidInput, match="fue anulada el"):
                again()
        html = brief.render_brief(actor, zone.starts_on + timedelta(weeks=4))
        listed = [i.id for i in service.interventions(actor)]
        db.rollback()
    assert "150122" in held["under_other_interventions"] and "150122" not in held["donors"]
    assert "150122" not in freed["under_other_interventions"] and "150122" in freed["donors"]
    assert wrong.id in listed and shown["evaluation"] is None
    assert shown["withdrawn"]["reason"] == "registrado en Miraflores por error"
    assert shown["withdrawn"]["by"] == "system:test"
    assert "Prueba en el distrito equivocado" not in html


def test_a_zone_and_districts_at_once_are_refused(demo_store) -> None:
    from kuntur.core.errors import InvalidInput

    eng, _url = demo_store
    with Session(eng) as db:
        actor = system(db, "test")
        zone = next(i for i in service.interventions(actor) if i.area)
        area = json.loads(zone.area)
        wrong = [  # what is given beside a valid operation, and the words that refuse it
            ({"districts": ["150132"], "area": area}, "no ambos"),
            ({"districts": ["150132"], "classification": 7}, "de 0 a 3"),
            ({"districts": ["150132"], "starts_on": date(1026, 3, 2)}, "fuera de lo posible"),
            ({"districts": ["150132"], "starts_on": date(2062, 3, 2)}, "fuera de lo posible"),
            ({"districts": ["150132"], "title": "   "}, "de 3 a 300 caracteres; tiene 0"),
            ({"districts": ["150132"], "legal_basis_id": "D" * 81}, "a lo más 80 caracteres"),
            ({"districts": ["150132"], "ends_on": zone.starts_on - timedelta(days=1)}, "anterior"),
            (
                {"districts": ["150132"], "ends_on": zone.starts_on + timedelta(days=3660)},
                "más de diez años del inicio",
            ),
        ]
        for given, words in wrong:
            with pytest.raises(InvalidInput, match=words):
                service.record(
                    actor,
                    **{"kind": "operation", "title": words, "starts_on": zone.starts_on, **given},
                )
        db.rollback()


def test_a_brief_of_a_week_to_come_or_into_a_file_is_refused(
    demo_store, monkeypatch, tmp_path
) -> None:
    _eng, url = demo_store
    monkeypatch.setenv("KUNTUR_DATABASE_URL", url)
    from kuntur.config import get_settings

    get_settings.cache_clear()
    taken = tmp_path / "informe.html"
    taken.write_text("ya está")
    try:
        future = CliRunner().invoke(app, ["results", "brief", "--week", "2099-W01"])
        into_file = CliRunner().invoke(
            app, ["results", "brief", "--week", "2026-W40", "--out", str(taken)]
        )
    finally:
        get_settings.cache_clear()
    said = " ".join(into_file.output.split())  # Rich wraps long lines
    assert future.exit_code == 2 and "aún no ha empezado" in " ".join(future.output.split())
    assert into_file.exit_code == 2 and "es un archivo" in said
    assert "Traceback" not in into_file.output and taken.read_text() == "ya está"


def test_a_week_still_running_or_of_another_millennium_is_no_brief() -> None:
    """A brief of the running week would read as a fall (a few days against whole
    weeks): only weeks that are over, in Lima's time; and no typo of a year."""
    from datetime import UTC, datetime

    from kuntur.core.errors import InvalidInput

    friday = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # 13:00 in Lima, ISO week 49
    with pytest.raises(
        InvalidInput,
        match=r"2026-W49 aún no termina \(termina el domingo "
        r"2026-12-06\); la última completa es 2026-W48",
    ):
        brief.checked_week("2026-W49", friday)
    assert brief.checked_week("2026-w48", friday) == date(2026, 11, 23)
    sunday_night = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # still Sunday 23:30 in Lima
    with pytest.raises(InvalidInput, match="aún no termina"):
        brief.checked_week("2026-W49", sunday_night)
    monday = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)  # Monday 00:30 in Lima
    assert brief.checked_week("2026-W49", monday) == date(2026, 11, 30)
    with pytest.raises(InvalidInput, match="los informes empiezan en 2000"):
        brief.checked_week("1026-W10", friday)


@pytest.mark.parametrize("n", [2, 5, 12, 30, 60, 522])
def test_the_charts_dates_never_run_into_each_other(n: int) -> None:
    """Dates of 10 characters at 7 px each (the PDF's font at its widest): the labels'
    boxes, from their anchors, do not overlap, and the first and last periods are named."""
    import re

    from kuntur.results import chart

    periods = [(date(2025, 1, 6) + timedelta(weeks=k)).isoformat() for k in range(n)]
    svg = chart.observed_vs_counterfactual(
        periods, [10.0] * n, [11.0] * n, [k >= n * 0.8 for k in range(n)]
    )
    found = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="(\w+)">(\d{4}-\d\d-\d\d)<', svg)
    boxes = []
    for x, anchor, label in found:
        w, at = len(label) * 7.0, float(x)
        lo = at if anchor == "start" else at - w if anchor == "end" else at - w / 2
        boxes.append((lo, lo + w))
        assert lo >= 0 and lo + w <= chart.WIDTH
    assert all(a[1] < b[0] for a, b in itertools.pairwise(boxes))
    assert found[0][2] == periods[0] and found[-1][2] == periods[-1]


def test_the_chart_keeps_its_labels_inside_and_marks_an_end() -> None:
    """A start near the right edge puts its label on the left of the line; the last
    period's label ends at the edge; an intervention closed before the data end has its
    end marked; a zone's chart says the zone, not districts."""
    import re

    from kuntur.results import chart

    n = 30
    periods = [f"2026-{k:03d}" for k in range(n)]
    late = chart.observed_vs_counterfactual(
        periods, [10.0] * n, [11.0] * n, [k >= n - 2 for k in range(n)]
    )
    label = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="(\w+)">inicio', late)
    assert label and label.group(2) == "end" and float(label.group(1)) < chart.WIDTH
    assert f'text-anchor="end">{periods[-1]}</text>' in late
    assert 'data-mark="end"' not in late  # open to the data end
    closed = chart.from_result(
        {
            "treated": ["zona"],
            "series": {
                "periods": periods,
                "observed": [10.0] * n,
                "counterfactual": [11.0] * n,
                "post": [10 <= k < 20 for k in range(n)],
            },
        }
    )
    assert 'data-mark="end"' in closed and "observado (la zona)" in closed
    # Closed, and the data counted up to its end (as the stored evaluation does): marked.
    to_end = chart.from_result(
        {
            "treated": ["150132"],
            "end": "2026-11-30",
            "series": {
                "periods": periods,
                "observed": [10.0] * n,
                "counterfactual": [11.0] * n,
                "post": [k >= 20 for k in range(n)],
            },
        }
    )
    assert 'data-mark="end"' in to_end and 'text-anchor="end">fin de la intervención' in to_end
    english = chart.from_result({"treated": ["zona"], "series": to_end_series(periods)}, lang="en")
    assert "start of the intervention" in english and "observed (the zone)" in english
    assert "contrafactual" not in english
    early = re.search(r'<text x="([\d.]+)"[^>]*text-anchor="(\w+)">inicio', closed)
    assert early and early.group(2) == "start"


def to_end_series(periods: list[str]) -> dict:
    n = len(periods)
    return {
        "periods": periods,
        "observed": [10.0] * n,
        "counterfactual": [11.0] * n,
        "post": [k >= 20 for k in range(n)],
    }


def test_every_reader_gets_the_same_donors_and_only_sees_what_they_may(demo_store) -> None:
    """The classified operation's district (La Victoria) is no donor for anyone, but only a
    reader cleared for the operation is told why: a warning must not disclose it."""
    from sqlalchemy import select

    from kuntur.identity.actor import Actor
    from kuntur.identity.models import User
    from kuntur.identity.service import context_for
    from tests.conftest import make_user

    eng, _url = demo_store
    make_user(eng, "analista_publico", ["crime_analyst"], clearance=0)
    with Session(eng) as db, db.begin():
        cleared = system(db, "test")
        plan_id = next(i.id for i in service.interventions(cleared) if i.kind == "patrol_plan")
        seen = service.evaluate_intervention(cleared, plan_id)
    with Session(eng) as db, db.begin():
        user = db.scalar(select(User).where(User.username == "analista_publico"))
        assert user is not None
        reader = Actor(db, context_for(user, None, request_id="test"))
        assert "150115" not in {i.district_list[0] for i in service.interventions(reader)}
        unseen = service.evaluate_intervention(reader, plan_id)
    assert "150115" in seen["under_other_interventions"]
    assert "150115" not in unseen["under_other_interventions"]
    assert "150115" not in seen["donors"] and "150115" not in unseen["donors"]
    assert not any("La Victoria" in w for w in unseen["warnings"])
