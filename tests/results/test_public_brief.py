"""The public weekly brief on both stores: it shows a release's noisy figures exactly as
released (never the true counts seeded), says plainly when the last month over has no
release yet, lists the week's public alerts and the unclassified interventions in force
without any measured effect, is written by ``kuntur results brief --public`` and by the
schedule, and is served to anyone at ``/estadisticas/informe-semanal``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.identity.actor import Actor
from kuntur.public import service as public
from kuntur.results import public_brief, scheduled
from kuntur.results.models import Intervention
from tests.public.helpers import put_incidents

NOW = datetime(2026, 10, 20, 15, tzinfo=UTC)  # September 2026 may be released
SEPT = datetime(2026, 9, 15, 17, tzinfo=UTC)
W40 = date(2026, 9, 28)  # 28 September to 4 October: September is over by its end
W45 = date(2026, 11, 2)  # 2 to 8 November: October is over, and has no release


def known_counts() -> dict[tuple[str, str], int]:
    cells = [(d, c) for d, _n in public.districts() for c in public.CATEGORIES]
    return {cell: (i * 7) % 13 for i, cell in enumerate(cells)}


def seed(engine: Engine) -> dict[tuple[str, str], int]:
    """September's incidents with known counts, its release (ε = 0.1: b = 10, so the
    released sums stand well away from the true ones), three interventions and two alerts."""
    truth = known_counts()
    put_incidents(engine, truth, SEPT)
    # Response times: twelve measurements in Cercado de Lima (published), four in Comas
    # (fewer than min_n = 10: withheld); incidents of their own, so the truth above grows.
    put_incidents(engine, {("150101", "theft"): 12}, SEPT, response_s=(90, 400))
    put_incidents(engine, {("150110", "theft"): 4}, SEPT, response_s=(30, 100))
    for district, n in (("150101", 12), ("150110", 4)):
        truth[(district, "theft")] += n
    with Session(engine) as db, db.begin():
        actor = Actor(db, RequestContext.system("test"))
        public.make_release(actor, period="2026-09", epsilon=0.1, now=NOW)
        made = datetime(2026, 9, 1, tzinfo=UTC)
        db.add_all(
            [
                Intervention(
                    kind="state_of_emergency",
                    title="Estado de emergencia en San Juan de Lurigancho",
                    districts="150132",
                    starts_on=date(2026, 9, 1),
                    ends_on=date(2026, 10, 30),
                    legal_basis_id="DS 101-2026-PCM",
                    created_at=made,
                    created_by="test",
                ),
                Intervention(
                    kind="operation",
                    title="Operativo reservado en Comas",
                    districts="150110",
                    starts_on=date(2026, 9, 20),
                    created_at=made,
                    created_by="test",
                ),
                Intervention(
                    kind="patrol_plan",
                    title="Plan de patrullaje de agosto",
                    districts="150101",
                    starts_on=date(2026, 8, 1),
                    ends_on=date(2026, 8, 31),
                    created_at=made,
                    created_by="test",
                ),
            ]
        )
        for when, headline in (
            (datetime(2026, 10, 1, 15, tzinfo=UTC), "Simulacro de alerta en Lima"),
            (datetime(2026, 10, 9, 15, tzinfo=UTC), "Alerta de la semana siguiente"),
        ):
            public.issue_alert(
                actor,
                district="150101",
                event="Simulacro",
                headline=headline,
                description="Ejercicio de alerta pública.",
                instruction="Ninguna.",
                now=when,
            )
    return truth


def values(html: str, attr: str) -> dict[str, str]:
    found = re.findall(rf'<tr data-{attr}="([^"]+)" data-value="([^"]*)"', html)
    return {k: unescape(v) for k, v in found}


def test_the_public_brief_shows_the_release_as_released(engine: Engine) -> None:
    truth = seed(engine)
    with Session(engine) as db:
        html = public_brief.render(db, W40)
        english = public_brief.render(db, W40, lang="en")
        r = public.releases(db, "2026-09")[0]
        released = public.release_out(r, public.cells_of(db, r), "es")
        later = public_brief.render(db, W45)
    by_cat = values(html, "category")
    by_dis = values(html, "district")
    assert by_cat == {c["category"]: str(c["shown"]) for c in released["categories"]}
    assert by_dis == {d["district"]: str(d["shown"]) for d in released["districts"]}
    # The sums shown are sums of the noisy cells, not the true counts seeded.
    noisy_cat = {c["category"]: c["noisy_total"] for c in released["categories"]}
    for cat, total in noisy_cat.items():
        assert total == sum(c["noisy_count"] for c in released["cells"] if c["category"] == cat)
    true_cat = {c: sum(n for (_d, k), n in truth.items() if k == c) for c in noisy_cat}
    assert sum(noisy_cat[c] != true_cat[c] for c in noisy_cat) >= len(noisy_cat) - 1
    # Figures as each language writes them: a decimal comma in Spanish, a point in English.
    half_width = f"{r.ci95:.1f}"
    assert "ε = 0,1" in html and f"cifra publicada ± {half_width.replace('.', ',')}" in html
    assert "gastado 0,1; queda 3,9" in html
    assert "ε = 0.1" in english and f"± {half_width}" in english
    assert "spent 0.1; left 3.9" in english
    # Response times as the public site shows them: Cercado de Lima's September (median
    # 92 s, 1.5 min), Comas withheld (four measurements) and never named.
    table = html.split('data-testid="response-table"')[1].split("</table>")[0]
    assert "Lima" in table and "1,5 min" in table and "Comas" not in table
    assert "1.5 min" in english.split('data-testid="response-table"')[1]
    assert "Tiempos de respuesta de 2026-09" in html
    assert 'data-testid="no-release"' not in html
    # October is over by 8 November and has no release: said plainly, September still shown.
    assert "El mes 2026-10 aún no tiene cifras publicadas." in later
    assert 'data-period="2026-09"' in later


def test_interventions_are_public_facts_without_effect_and_classified_ones_left_out(
    engine: Engine,
) -> None:
    seed(engine)
    with Session(engine) as db:
        html = public_brief.render(db, W40)
        secret = db.scalar(select(Intervention).where(Intervention.kind == "operation"))
        assert secret is not None
        # A classified intervention never shows, whatever its agency shares.
        secret.classification = 1
        hidden = public_brief.render(db, W40)
        # Drawn over a zone of Comas: where it is, its size, still without its effect.
        from kuntur.results import area

        secret.classification = 0
        secret.area = area.to_text(
            area.parse(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[-77.06, -11.94], [-77.05, -11.94], [-77.05, -11.93], [-77.06, -11.94]]
                    ],
                }
            )
        )
        zoned = public_brief.render(db, W40)
    assert "Estado de emergencia en San Juan de Lurigancho" in html
    assert "Base legal: DS 101-2026-PCM." in html and "Desde 2026-09-01 hasta 2026-10-30." in html
    assert "Operativo reservado en Comas" in html and "sin fecha de fin" in html
    assert "Plan de patrullaje de agosto" not in html  # over before the week
    assert "Operativo reservado en Comas" not in hidden
    assert "Estado de emergencia en San Juan de Lurigancho" in hidden
    assert "Su efecto medido no se publica" in html
    assert "Zona dibujada de 0,6" in zoned and "km² en: Comas." in zoned
    for effect in ("Efecto:", "contrafactual", "intervalo de 90", "<svg", "Conclusión"):
        assert effect not in html
    # The week's alerts, not the next week's.
    assert "Simulacro de alerta en Lima" in html
    assert "Alerta de la semana siguiente" not in html


def test_the_cli_and_the_schedule_write_the_public_brief(
    engine: Engine, cli_env: Settings, tmp_path
) -> None:
    seed(engine)
    out = tmp_path / "out"
    r = CliRunner().invoke(
        app, ["results", "brief", "--week", "2026-W40", "--public", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    html = (out / "informe-publico-2026-W40.html").read_text(encoding="utf-8")
    assert "Informe semanal público: semana 2026-W40" in html
    assert (out / "informe-publico-2026-W40.pdf").read_bytes().startswith(b"%PDF")
    assert not (out / "informe-semanal-2026-W40.html").exists()
    assert f"Escrito {out / 'informe-publico-2026-W40.html'}" in r.stdout
    # On the schedule: the week of 5 October is over on Monday 12 October.
    briefs = tmp_path / "briefs"
    now = datetime(2026, 10, 12, 15, tzinfo=UTC)
    written = scheduled.write_due(engine, briefs, now, pdf=False)
    assert [p.name for p in written] == [
        "informe-semanal-2026-W41.html",
        "informe-publico-2026-W41.html",
    ]
    assert scheduled.write_due(engine, briefs, now, pdf=False) == []  # once


def test_the_page_answers_anyone(engine: Engine, anonymous_client: TestClient) -> None:
    seed(engine)
    got = anonymous_client.get("/estadisticas/informe-semanal?semana=2026-W40")
    assert got.status_code == 200, got.text
    assert "Informe semanal público: semana 2026-W40" in got.text
    assert "Simulacro de alerta en Lima" in got.text
    with Session(engine) as db:
        r = public.releases(db, "2026-09")[0]
        released = public.release_out(r, public.cells_of(db, r), "es")
    assert values(got.text, "category") == {
        c["category"]: str(c["shown"]) for c in released["categories"]
    }
    en = anonymous_client.get("/estadisticas/informe-semanal?semana=2026-W40&lang=en")
    assert en.status_code == 200 and 'lang="en"' in en.text
    assert anonymous_client.get("/estadisticas/informe-semanal").status_code == 200
    assert anonymous_client.get("/estadisticas/informe-semanal?semana=").status_code == 200
    assert anonymous_client.get("/estadisticas/informe-semanal?semana=2026-40").status_code == 422
    bad = anonymous_client.get("/estadisticas/informe-semanal?semana=2026-W60")
    assert bad.status_code == 422 and "semana no válida" in bad.text
    # A page for people: what is wrong and the way to the latest brief, not JSON.
    assert bad.headers["content-type"].startswith("text/html") and "?lang=es" in bad.text
    odd = anonymous_client.get("/estadisticas/informe-semanal?semana=<b>abc</b>")
    assert odd.status_code == 422 and "&lt;b&gt;abc" in odd.text and "<b>abc" not in odd.text
    ahead = anonymous_client.get("/estadisticas/informe-semanal?semana=2099-W01&lang=en")
    assert ahead.status_code == 422 and "has not begun" in ahead.text
    assert "/estadisticas/informe-semanal" in anonymous_client.get("/estadisticas").text
