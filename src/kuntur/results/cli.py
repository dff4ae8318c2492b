"""`kuntur results ...`: evaluate an intervention on a file or on the stored incidents,
and write the weekly brief (docs/results.md).

- ``kuntur results evaluate FILE --time-col C --lat-col C --lon-col C --unit-col C
  --treated A,B --start YYYY-MM-DD [--end YYYY-MM-DD] [--period week|month] [--json]``:
  counts per unit and period, the effect on the treated units (observed /
  counterfactual - 1) with 90 % and 95 % intervals, the method, the pre-period fit, the
  placebo rank and the rest of the checks. Exit 2, with a message naming the file, line
  and field, when the file or a column cannot be used.
- ``kuntur results evaluate --intervention ID``: the same on the stored incidents.
- ``kuntur results intervention add ...``: record an intervention (through the actor);
  ``list``, ``close ID --end``, ``withdraw ID --reason`` (a record made by mistake).
- ``kuntur results brief --week YYYY-Www [--out DIR]``: the weekly brief, HTML and PDF.
- ``kuntur results brief --week YYYY-Www --public [--out DIR]``: its public version
  (``informe-publico-YYYY-Www``), made only of what the public statistics rules release.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from kuntur.core.cli_support import fail
from kuntur.core.errors import InvalidInput, KunturError
from kuntur.core.i18n import _
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.options import ReadOptions, with_mapping_options
from kuntur.results.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
Opt = typer.Option


@app.callback()
def _group() -> None:
    """Results."""


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(_("{flag}: {value!r} no es una fecha AAAA-MM-DD", flag=flag, value=text))


# The service names the API's fields; on the command line a message names the option.
FLAGS = {
    "kind": "--kind",
    "title": "--title",
    "districts": "--districts",
    "area": "--area",
    "starts_on": "--start",
    "ends_on": "--end",
    "legal_basis_id": "--legal-basis",
    "patrol_plan_id": "--patrol-plan",
    "classification": "--classification",
    "owner_agency": "--agency",
    "reason": "--reason",
}
_FIELD = re.compile(r"(^|/ )(" + "|".join(FLAGS) + r"):")


def _as_flags(message: str) -> str:
    """``starts_on: ... / starts_on: ...`` as ``--start: ... / --start: ...``."""
    return _FIELD.sub(lambda m: m.group(1) + FLAGS[m.group(2)] + ":", message)


@contextmanager
def _as_system(label: str) -> Iterator[Any]:
    """The command line's actor (``label`` on the audit record) in one transaction; a
    refusal of the service ends the command (exit 2) naming the option that is wrong."""
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            yield system(db, label)
    except KunturError as exc:
        fail(_as_flags(str(exc)))


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    from kuntur.results.report import summary_lines

    for line in summary_lines(result):
        typer.echo(line)


@app.command(
    "evaluate",
    help=_(
        "Evaluar una intervención: el efecto en las unidades tratadas (observado / "
        "contrafactual - 1) con intervalos de 90 % y 95 %, por control sintético con las "
        "unidades no tratadas, y las pruebas placebo. Sobre un archivo de incidentes o sobre "
        "los incidentes guardados (--intervention)."
    ),
)
@with_mapping_options
def evaluate_cmd(
    mapping: ColumnMapping,
    read: ReadOptions,
    file: Annotated[
        Path | None, typer.Argument(help=_("CSV (.csv, .csv.gz), GeoJSON o GeoPackage"))
    ] = None,
    unit_col: Annotated[
        str | None, Opt(help=_("columna de la unidad (distrito, sector, comisaría)"))
    ] = None,
    treated: Annotated[str | None, Opt(help=_("unidades tratadas, separadas por comas"))] = None,
    treated_area: Annotated[
        Path | None,
        Opt(
            help=_(
                "en lugar de --treated: la zona tratada, un archivo GeoJSON (Polygon o "
                "MultiPolygon); su entorno de 1 km es el anillo de desplazamiento"
            )
        ),
    ] = None,
    start: Annotated[str | None, Opt(help=_("inicio de la intervención, AAAA-MM-DD"))] = None,
    end: Annotated[
        str | None, Opt(help=_("fin de la intervención, AAAA-MM-DD (por omisión: fin de datos)"))
    ] = None,
    period: Annotated[str, Opt(help=_("week (semanas) o month (meses)"))] = "week",
    method: Annotated[
        str, Opt(help=_("synthetic_control (por omisión) o did (diferencias en diferencias)"))
    ] = "synthetic_control",
    intervention: Annotated[
        int | None, Opt(help=_("id de una intervención registrada: evaluar sobre lo guardado"))
    ] = None,
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    from kuntur.results.evaluation import METHODS, EvaluationError
    from kuntur.results.panel import PERIODS

    if period not in PERIODS:
        fail(_("--period debe ser week o month"))
    if method not in METHODS:
        fail(_("--method debe ser synthetic_control o did"))
    if intervention is not None:
        _evaluate_stored(intervention, period, method, as_json)
        return
    if file is None:
        fail(_("indique un archivo de incidentes o --intervention ID"))
    if not unit_col:
        fail(_("falta --unit-col: la columna de la unidad (distrito, sector)"))
    if treated and treated_area is not None:
        fail(_("--treated o --treated-area, no ambos"))
    if not treated and treated_area is None:
        fail(_("falta --treated: las unidades tratadas, separadas por comas"))
    zone = _zone(treated_area) if treated_area is not None else None
    starts = _day(start, "--start")
    if starts is None:
        fail(_("falta --start: el inicio de la intervención, AAAA-MM-DD"))
    ends = _day(end, "--end")
    if ends is not None and ends <= starts:
        fail(_("--end debe ser posterior a --start"))
    names = [t.strip() for t in (treated or "").split(",") if t.strip()]
    from kuntur.results import area as areas
    from kuntur.results import files, run

    try:
        events = files.read_events(file, mapping=mapping, read=read, unit_col=unit_col)
    except KunturError as exc:
        text = str(exc)
        fail(text if file.name in text else f"{file}: {text}")
    except (OSError, ValueError) as exc:
        fail(_("{file}: no se pudo leer ({err})", file=str(file), err=str(exc)))
    for note in events.notes:
        print(note, file=sys.stderr)
    neighbours = None
    if zone is not None:  # the zone is the treated unit, the band around it the ring
        events.units = areas.assign(events.lon, events.lat, events.units, zone)
        names, neighbours = [areas.ZONE], {areas.ZONE: [areas.RING]}
    try:
        result = run.evaluate_events(
            events,
            treated=names,
            start=starts,
            end=ends,
            period=period,
            method=method,
            source=str(file),
            neighbours=neighbours,
        )
    except EvaluationError as exc:
        fail(str(exc))
    _print(result, as_json)


def _evaluate_stored(intervention: int, period: str, method: str, as_json: bool) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.identity.actor import system
    from kuntur.results import service
    from kuntur.results.evaluation import EvaluationError

    try:
        with Session(engine()) as db, db.begin():
            result = service.evaluate_intervention(
                system(db, "results evaluate"), intervention, period=period, method=method
            )
            result["unit_names"] = service.unit_names(result, "es")  # the summary's language
    except (KunturError, EvaluationError) as exc:
        fail(str(exc))
    _print(result, as_json)


intervention_app = typer.Typer(
    help=_("Intervenciones: registrar, listar y cerrar."), no_args_is_help=True
)
app.add_typer(intervention_app, name="intervention")


@intervention_app.command("add", help=_("Registrar una intervención (qué, dónde, desde cuándo)."))
def intervention_add(
    title: Annotated[str, Opt(help=_("qué se hizo"))],
    start: Annotated[str, Opt(help=_("inicio de la intervención, AAAA-MM-DD"))],
    districts: Annotated[str, Opt(help=_("ubigeos de los distritos, separados por comas"))] = "",
    area: Annotated[
        Path | None,
        Opt(
            help=_(
                "la zona dibujada: un archivo GeoJSON con un Polygon o MultiPolygon "
                "(en lugar de distritos enteros)"
            )
        ),
    ] = None,
    kind: Annotated[
        str, Opt(help=_("state_of_emergency, patrol_plan, operation o programme"))
    ] = "operation",
    end: Annotated[
        str | None, Opt(help=_("fin de la intervención, AAAA-MM-DD (por omisión: fin de datos)"))
    ] = None,
    legal_basis: Annotated[str | None, Opt(help=_("id de la base legal"))] = None,
    patrol_plan: Annotated[str | None, Opt(help=_("id del plan de patrullaje"))] = None,
    classification: Annotated[
        int,
        Opt(
            help=_(
                "clasificación, 0 (pública: en el informe público) a 3 (secreta); por "
                "omisión 1 (reservada), como en la página"
            )
        ),
    ] = 1,
    agency: Annotated[
        str, Opt(help=_("institución dueña del registro (PNP, EP, MGP, FAP)"))
    ] = "PNP",
) -> None:
    from kuntur.results import service

    starts = _day(start, "--start")
    assert starts is not None
    zone = _read_area(area) if area is not None else None
    with _as_system("results intervention add") as actor:
        item = service.record(
            actor,
            kind=kind,
            title=title,
            districts=[d.strip() for d in districts.split(",") if d.strip()],
            starts_on=starts,
            ends_on=_day(end, "--end"),
            legal_basis_id=legal_basis,
            patrol_plan_id=patrol_plan,
            classification=classification,
            owner_agency=agency,
            area=zone,
        )
        ident = item.id
    typer.echo(_("Intervención {id} registrada", id=ident))


@intervention_app.command(
    "list", help=_("Las intervenciones registradas, la más reciente primero.")
)
def intervention_list(
    as_json: Annotated[bool, Opt("--json", help=_("una línea JSON por intervención"))] = False,
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.identity.actor import system
    from kuntur.results import area as areas
    from kuntur.results import service
    from kuntur.results.report import KIND_NAMES, num

    with Session(engine()) as db, db.begin():
        rows: list[dict[str, Any]] = [
            {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "districts": item.district_list,
                "zone_km2": areas.zone_km2(item.area),
                "starts_on": item.starts_on.isoformat(),
                "ends_on": item.ends_on.isoformat() if item.ends_on else None,
                "classification": item.classification,
                "owner_agency": item.owner_agency,
                "withdrawn_at": item.withdrawn_at.isoformat() if item.withdrawn_at else None,
            }
            for item in service.interventions(system(db, "results intervention list"))
        ]
    if not rows and not as_json:
        typer.echo(_("No hay intervenciones registradas."))
    for r in rows:
        if as_json:
            typer.echo(json.dumps(r, ensure_ascii=False))
            continue
        where = ", ".join(r["districts"]) + (
            " " + _("(zona de {km2} km²)", km2=num(r["zone_km2"])) if r["zone_km2"] else ""
        )
        until = r["ends_on"] or _("sin fecha de fin")
        kind = KIND_NAMES.get(r["kind"], r["kind"])
        gone = "  " + _("(anulada)") if r["withdrawn_at"] else ""
        typer.echo(f"{r['id']}  {r['starts_on']} – {until}  {kind}  {r['title']}  [{where}]{gone}")


@intervention_app.command("close", help=_("Cerrar una intervención: su fecha de fin."))
def intervention_close(
    ident: Annotated[int, typer.Argument(help=_("id de la intervención"))],
    end: Annotated[str, Opt(help=_("fin de la intervención, AAAA-MM-DD"))],
) -> None:
    from kuntur.results import service

    ends = _day(end, "--end")
    assert ends is not None
    with _as_system("results intervention close") as actor:
        service.close(actor, ident, ends)
    typer.echo(_("Intervención {id} cerrada el {end}", id=ident, end=ends.isoformat()))


@intervention_app.command(
    "withdraw",
    help=_(
        "Anular una intervención registrada por error, diciendo por qué: sigue en la "
        "lista, ya no se evalúa ni cuenta en las demás."
    ),
)
def intervention_withdraw(
    ident: Annotated[int, typer.Argument(help=_("id de la intervención"))],
    reason: Annotated[str, Opt(help=_("por qué se anula (al menos 10 caracteres)"))],
) -> None:
    from kuntur.results import service

    with _as_system("results intervention withdraw") as actor:
        service.withdraw(actor, ident, reason)
    typer.echo(_("Intervención {id} anulada", id=ident))


AREA_MAX_BYTES = 2 * 1024 * 1024


def _zone(path: Path) -> Any:
    """``--treated-area``: the zone of a file anywhere (not only Peru), or exit 2."""
    from kuntur.results import area as areas

    try:
        return areas.parse(_read_area(path), within=None)
    except areas.AreaError as exc:
        fail(f"{path}: {exc}")


def _read_area(path: Path) -> Any:
    """The GeoJSON of ``--area``, or exit 2 naming the file and what is wrong with it."""
    try:
        if path.stat().st_size > AREA_MAX_BYTES:
            fail(_("{file}: más de 2 MB; simplifique el polígono", file=str(path)))
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        fail(_("{file}: no se puede leer ({error})", file=str(path), error=exc.strerror))
    except UnicodeDecodeError:
        fail(_("{file}: no es texto UTF-8", file=str(path)))
    except json.JSONDecodeError as exc:
        fail(_("{file}: no es GeoJSON válido (línea {line})", file=str(path), line=exc.lineno))


@app.command(
    "brief",
    help=_(
        "El informe semanal para el mando (HTML y PDF): lo ocurrido, tiempos de respuesta, "
        "intervenciones y su efecto medido."
    ),
)
def brief_cmd(
    week: Annotated[str, Opt(help=_("la semana ISO, AAAA-Www (p. ej. 2026-W48)"))],
    out: Annotated[Path, Opt(help=_("carpeta donde escribir el informe"))] = Path("."),
    pdf: Annotated[bool, Opt("--pdf/--no-pdf", help=_("escribir también el PDF"))] = True,
    public: Annotated[
        bool,
        Opt(
            "--public",
            help=_("la versión pública: solo lo que publican las reglas de estadísticas públicas"),
        ),
    ] = False,
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.timeutil import utcnow
    from kuntur.identity.actor import system
    from kuntur.results import brief, public_brief

    try:
        monday = brief.checked_week(week, utcnow())
    except InvalidInput as exc:
        fail(f"--week: {exc}")
    if out.exists() and not out.is_dir():
        fail(_("--out: {path} es un archivo; indique una carpeta", path=str(out)))
    try:
        with Session(engine()) as db, db.begin():
            if public:  # public data: the same for anyone, no actor to ask
                html = public_brief.render(db, monday)
            else:
                html = brief.render_brief(system(db, "results brief"), monday)
    except KunturError as exc:
        fail(str(exc))
    name = public_brief.file_name(monday) if public else f"informe-semanal-{week.upper()}"
    html_path = out / f"{name}.html"
    try:
        out.mkdir(parents=True, exist_ok=True)
        html_path.write_text(html, encoding="utf-8")
    except OSError as exc:  # a folder it may not write to, a full disk
        fail(_("no se pudo escribir en {path}: {why}", path=str(out), why=exc.strerror or exc))
    typer.echo(_("Escrito {path}", path=str(html_path)))
    if pdf:
        try:
            pdf_path = brief.write_pdf(html, out / f"{name}.pdf")
        except brief.PdfUnavailable as exc:
            fail(str(exc))
        typer.echo(_("Escrito {path}", path=str(pdf_path)))
