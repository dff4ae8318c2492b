"""`kuntur border watchlist import FILE.csv` and `kuntur border screen TRAVELLERS.csv
[--json]`: the exact columns, the header line and one CSV row per traveller, the JSON keys
docs/border.md lists, bad rows reported with file, row and field, good rows kept, unusable
input exit 2 with nothing written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.audit.models import AuditEvent
from kuntur.border.models import Screening, WatchlistEntry
from kuntur.cli import app
from kuntur.config import Settings
from tests.border.conftest import WATCHLIST_CSV

runner = CliRunner()
TRAVELLERS = """id,name,birth_date,nationality,document_number
T1,"QUISPE MAMANI, Jose Luis",1985-12-03,PE,41234568
T2,Ana Nadie Ninguna,,,
T3,Jorbis Hernandes Marcano,1990,VE,
T4,José Luis Quispe Mamani,1991-06-30,PE,70001122
"""


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _import(tmp_path: Path, text: str, name: str = "lista.csv") -> object:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["border", "watchlist", "import", str(f)])


def test_import_then_screen_csv(cli_env: Settings, engine: Engine, tmp_path: Path) -> None:
    r = _import(tmp_path, WATCHLIST_CSV)
    assert r.exit_code == 0, r.output
    assert _count(engine, WatchlistEntry) == 4
    f = tmp_path / "viajeros.csv"
    f.write_text(TRAVELLERS, encoding="utf-8")
    r = runner.invoke(app, ["border", "screen", str(f)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["traveller_id", "watchlist_id", "score", "explanation"]
    assert [x[0] for x in rows[1:]] == ["T1", "T2", "T3", "T4"]
    assert rows[1][1] == "W1" and float(rows[1][2]) >= 0.5
    assert "fecha con día y mes invertidos" in rows[1][3]
    assert rows[2][1:3] == ["", "0"]
    assert rows[3][1] == "W2"
    assert rows[4][1:3] == ["", "0"]  # the namesake: another birth date and document
    assert _count(engine, Screening) == 4
    with Session(engine) as db:
        assert db.scalar(select(func.count()).where(AuditEvent.type == "border.manifest")) == 1


def test_screen_json(cli_env: Settings, tmp_path: Path) -> None:
    _import(tmp_path, WATCHLIST_CSV)
    f = tmp_path / "viajeros.csv"
    f.write_text(TRAVELLERS, encoding="utf-8")
    r = runner.invoke(app, ["border", "screen", str(f), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out) == 4
    assert set(out[0]) >= {"traveller_id", "watchlist_id", "score", "explanation", "candidates"}
    assert out[0]["candidates"][0]["watchlist_id"] == "W1"
    assert out[1]["watchlist_id"] == "" and out[1]["score"] == 0 and out[1]["candidates"] == []


def test_import_bad_rows_reported_good_rows_kept(
    cli_env: Settings, engine: Engine, tmp_path: Path
) -> None:
    text = (
        "id,name,aliases,birth_date,nationality,document_number,list\n"
        "A1,Pedro Ramos Soto,,1980-02-30,PE,123,requisitoria\n"
        "A2,Luz Apaza Choque,,1979,PER,,interpol\n"
        "A3,Rosa Calle Mayta,,1990-01-01,PE,,lista_rara\n"
        "A4,,,1990-01-01,PE,,interpol\n"
        "A5,Juan Cusi Poma,,1990-01-01,pe,40000001,interpol\n"
    )
    r = _import(tmp_path, text)
    assert r.exit_code == 0, r.output
    err = r.stderr
    assert "lista.csv, fila 1, campo birth_date" in err
    assert "se guarda sin ese dato" in err  # a bad birth date: kept without it, a warning
    assert "fila 2, campo nationality" in err
    assert "fila 3" not in err  # a list of another name is still screened against
    assert "fila 4, campo name" in err
    with Session(engine) as db:
        kept = db.execute(
            select(WatchlistEntry.entry_id, WatchlistEntry.source_list).order_by(
                WatchlistEntry.entry_id
            )
        ).all()
    assert [tuple(k) for k in kept] == [
        ("A1", "requisitoria"),
        ("A3", "lista_rara"),
        ("A5", "interpol"),
    ]
    assert "3 entradas" in r.stdout and "2 filas con errores" in r.stdout
    assert "1 entradas guardadas con avisos (sin el dato erróneo: birth_date)" in r.stdout


def test_bad_birth_date_kept_without_it_and_reported(
    cli_env: Settings, engine: Engine, tmp_path: Path
) -> None:
    text = (
        "id,name,aliases,birth_date,nationality,document_number,list\n"
        "B1,Pedro Ramos Soto,,1980-02-30,PE,41234567,requisitoria\n"
        "B2,Luz Apaza Choque,,19xx,PE,,interpol\n"
        "B3,Juan Cusi Poma,,1990-01-01,PE,40000001,interpol\n"
    )
    f = tmp_path / "lista.csv"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["border", "watchlist", "import", str(f), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["added"] == 3 and out["bad_rows"] == 0 and out["errors"] == []
    assert [(w["file"], w["row"], w["field"]) for w in out["warnings"]] == [
        ("lista.csv", 1, "birth_date"),
        ("lista.csv", 2, "birth_date"),
    ]
    assert "1980-02-30" in out["warnings"][0]["message"]
    assert "lista.csv, fila 2, campo birth_date" in r.stderr
    with Session(engine) as db:
        got = {e.entry_id: e for e in db.scalars(select(WatchlistEntry))}
        assert got["B1"].birth_date is None and got["B1"].document_number == "41234567"
        assert got["B3"].birth_date == "1990-01-01"
        audit = db.scalars(
            select(AuditEvent).where(AuditEvent.type == "border.watchlist.imported")
        ).one()
        assert json.loads(audit.details)["warnings"] == 2
    # and the entry kept without its date is still found by name and document
    t = tmp_path / "viajeros.csv"
    t.write_text(
        "id,name,birth_date,nationality,document_number\n"
        "T1,Pedro Ramos Soto,1980-03-02,PE,41234567\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["border", "screen", str(t)])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].startswith("T1,B1,")


def test_unusable_input_exit_2_nothing_written(
    cli_env: Settings, engine: Engine, tmp_path: Path
) -> None:
    r = _import(tmp_path, "nombre;fecha\nx;y\n")
    assert r.exit_code == 2
    assert "faltan las columnas" in r.stderr
    r = _import(tmp_path, "id,name,birth_date\nA1,,1990\n")
    assert r.exit_code == 2
    assert _count(engine, WatchlistEntry) == 0
    r = runner.invoke(app, ["border", "screen", str(tmp_path / "no-existe.csv")])
    assert r.exit_code == 2
    f = tmp_path / "v.csv"
    f.write_text("name\nx\n", encoding="utf-8")
    r = runner.invoke(app, ["border", "screen", str(f)])
    assert r.exit_code == 2
    assert _count(engine, Screening) == 0


def test_ftm_import(cli_env: Settings, engine: Engine, tmp_path: Path) -> None:
    lines = [
        {
            "id": "ftm-1",
            "schema": "Person",
            "properties": {
                "name": ["Yorbis Hernández Marcano"],
                "alias": ["El Flaco"],
                "birthDate": ["1990-04-04"],
                "nationality": ["ve"],
                "idNumber": ["V-18.765.432"],
                "topics": ["wanted"],
                "phone": ["+58 412 1234567"],
            },
        },
        {"id": "ftm-2", "schema": "Vehicle", "properties": {"registrationNumber": ["ABO-123"]}},
        {"id": "ftm-3", "schema": "Person", "properties": {}},
        {
            "id": "ftm-4",
            "schema": "Person",
            "properties": {"name": ["Rosa Calle Mayta"], "birthDate": ["1975-13-45"]},
        },
    ]
    r = _import(tmp_path, "\n".join(json.dumps(x) for x in lines), "lista.ftm.json")
    assert r.exit_code == 0, r.output
    assert "fila 3" in r.stderr
    assert "lista.ftm.json, fila 4, campo birthDate" in r.stderr  # kept, with a warning
    assert "se guarda sin ese dato" in r.stderr
    assert "1 entradas guardadas con avisos" in r.stdout
    with Session(engine) as db:
        got = {e.entry_id: e for e in db.scalars(select(WatchlistEntry))}
    assert got["ftm-4"].name == "Rosa Calle Mayta" and got["ftm-4"].birth_date is None
    assert got["ftm-1"].source_list == "interpol"
    assert got["ftm-1"].document_number == "V18765432"
    assert got["ftm-2"].kind == "plate"
    assert any(e.kind == "phone" for e in got.values())


def test_help_is_spanish_first() -> None:
    r = runner.invoke(app, ["border", "--help"])
    assert r.exit_code == 0
    assert "Control fronterizo" in r.output
