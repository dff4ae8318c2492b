"""Bulk import end to end, on both stores: real samples and every kind of bad input."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from kuntur.core.context import RequestContext
from kuntur.incidents.importing import readers, store
from kuntur.incidents.importing.normalise import ColumnMapping, ImportRefused
from kuntur.incidents.importing.service import ImportResult, import_file
from kuntur.incidents.models import ImportBatch, Incident
from tests.conftest import DATA

CTX = RequestContext.system("test")


def run(engine: Engine, path: Path, tmp_path: Path, **kw: Any) -> ImportResult:
    opts = {k: kw.pop(k) for k in ("delimiter", "encoding", "layer", "dataset") if k in kw}
    return import_file(
        engine, path, ctx=CTX, mapping=ColumnMapping(**kw), rejects_dir=tmp_path / "rejects", **opts
    )


def count(engine: Engine, model: type = Incident) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def rows(engine: Engine) -> list[Incident]:
    from sqlalchemy.orm import Session

    with Session(engine) as db:
        return list(db.scalars(select(Incident).order_by(Incident.id)))


def rejects_of(result: ImportResult) -> list[dict[str, str]]:
    assert result.rejects_file
    with open(result.rejects_file, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- real samples -----------------------------------------------------------------


def test_san_francisco_iso_utc(engine: Engine, tmp_path: Path) -> None:
    result = run(engine, DATA / "san_francisco_robbery_sample.csv", tmp_path)
    assert (result.imported, result.rejected, result.duplicates) == (200, 0, 0)
    first = rows(engine)[0]
    assert first.external_id == "24103841"
    assert first.category == "aggravated_robbery" and first.category_label == "personal robbery"
    assert first.occurred_at.isoformat() == "2019-01-01T19:50:00+00:00"
    assert first.district_ubigeo is None  # analysts study other cities: kept, no district
    assert abs(first.latitude - 37.788721) < 1e-9


def test_foreign_points_are_read_in_their_own_zone(engine: Engine, tmp_path: Path) -> None:
    """No --timezone and Chicago points: Chicago's clock (said in a warning), not Lima's."""
    result = run(engine, DATA / "chicago_southside_sample.csv", tmp_path)
    assert result.detected["timezone"] == "America/Chicago"
    assert any("America/Chicago" in w and "--timezone" in w for w in result.warnings)
    # "04/27/2016 01:44:00 PM" in Chicago (CDT, UTC-5), as with --timezone America/Chicago
    assert rows(engine)[0].occurred_at.isoformat() == "2016-04-27T18:44:00+00:00"
    peru = run(engine, write_peru(tmp_path / "p.csv"), tmp_path)
    assert not peru.warnings and peru.detected["timezone"] == "America/Lima"


def test_chicago_us_dates_am_pm(engine: Engine, tmp_path: Path) -> None:
    result = run(
        engine, DATA / "chicago_southside_sample.csv", tmp_path, timezone="America/Chicago"
    )
    assert result.imported == 200 and result.detected["time_format"] == "monthfirst"
    first = rows(engine)[0]
    # "04/27/2016 01:44:00 PM" in Chicago (CDT, UTC-5)
    assert first.occurred_at.isoformat() == "2016-04-27T18:44:00+00:00"
    assert first.address == "073XX S COTTAGE GROVE AVE"


def test_chicago_without_ids_uses_content_hash(engine: Engine, tmp_path: Path) -> None:
    path = DATA / "chicago_aggravated_assaults_sample.csv"
    first = run(engine, path, tmp_path, timezone="America/Chicago")
    assert first.imported + first.duplicates == 300
    again = run(engine, path, tmp_path, timezone="America/Chicago")
    assert again.imported == 0 and again.duplicates == 300
    assert count(engine) == first.imported


def test_cincinnati_missing_coordinates_are_rejected_with_lines(
    engine: Engine, tmp_path: Path
) -> None:
    result = run(engine, DATA / "cincinnati_burglary_sample.csv", tmp_path)
    rejects = rejects_of(result)
    assert result.rejected == len(rejects) > 0
    # Spanish first, English second, from the incidents catalogue.
    assert all(
        r["reason"] == "faltan las coordenadas o no se leen / missing or unreadable coordinates"
        for r in rejects
    )
    text = (DATA / "cincinnati_burglary_sample.csv").read_text().splitlines()
    for r in rejects:
        assert "NA" in text[int(r["line"]) - 1]  # the line number points at the bad row
    assert result.imported + result.duplicates + result.rejected == 300


def test_vancouver_projected_gzip(engine: Engine, tmp_path: Path) -> None:
    path = DATA / "vancouver_thefts_sample.csv.gz"
    with pytest.raises(ImportRefused, match="--crs"):
        run(engine, path, tmp_path)
    assert count(engine) == 0
    result = run(engine, path, tmp_path, crs="EPSG:26910", timezone="America/Vancouver")
    assert result.imported > 150 and result.rejected == 0
    lats = np.array([r.latitude for r in rows(engine)])
    lons = np.array([r.longitude for r in rows(engine)])
    assert (abs(lats - 49.25) < 0.15).all() and (abs(lons + 123.1) < 0.2).all()


# --- Peruvian exports: semicolons, decimal commas, Latin-1, day-first ---------------

PERU_ROWS = [
    ["NRO_DENUNCIA", "FECHA_HECHO", "MODALIDAD", "LATITUD", "LONGITUD", "DIRECCION"],
    ["D-001", "03/04/2024 21:15", "ROBO AGRAVADO", "-12,0464", "-77,0300", "Jr. Áncash 123"],
    ["D-002", "25/12/2023 08:00", "EXTORSIÓN", "-11,9760", "-77,0050", "Av. Próceres"],
    ["D-003", "31/02/2024 10:00", "HURTO", "-12,1211", "-77,0297", "fecha imposible"],
    ["D-004", "01/01/2024 10:00", "HURTO", "", "-77,0297", "sin coordenadas"],
    ["D-005", "02/01/2024 11:00", "HURTO", "-95,0", "-77,0", "latitud fuera de rango"],
    ["", "02/01/2024 11:00", "HURTO", "-12,05", "-77,03", "sin id"],
    ["D-002", "25/12/2023 08:00", "EXTORSIÓN", "-11,9760", "-77,0050", "Av. Próceres"],
]


def write_peru(
    path: Path, encoding: str = "latin-1", bom: bool = False, compress: bool = False
) -> Path:
    text = "\n".join(";".join(r) for r in PERU_ROWS) + "\n"
    data = (("\ufeff" if bom else "") + text).encode(encoding)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.mark.parametrize(
    ("encoding", "bom", "compress"),
    [("latin-1", False, False), ("utf-8", True, False), ("utf-8", False, True)],
)
def test_peruvian_export(
    engine: Engine, tmp_path: Path, encoding: str, bom: bool, compress: bool
) -> None:
    path = write_peru(tmp_path / "denuncias.csv", encoding, bom, compress)
    result = run(engine, path, tmp_path)
    assert result.detected["delimiter"] == ";" and result.detected["decimal"] == ","
    assert (result.imported, result.rejected, result.duplicates) == (2, 4, 1)
    reasons = {int(r["line"]): r["reason"] for r in rejects_of(result)}
    assert set(reasons) == {4, 5, 6, 7}
    assert reasons[4].startswith("no se puede leer la hora con el formato")
    assert "/ cannot read the time with format" in reasons[4]
    assert reasons[5] == "faltan las coordenadas o no se leen / missing or unreadable coordinates"
    assert (
        reasons[6].startswith("coordenadas fuera de rango")
        and "/ coordinates out of range" in reasons[6]
    )
    assert reasons[7].startswith("falta el id") and "/ missing id" in reasons[7]
    first, second = rows(engine)
    assert first.district_ubigeo == "150101" and first.category == "aggravated_robbery"
    assert first.occurred_at.isoformat() == "2024-04-04T02:15:00+00:00"  # 21:15 Lima
    assert first.address == "Jr. Áncash 123"
    assert second.category == "extortion" and second.category_label == "EXTORSIÓN"
    assert second.district_ubigeo == "150132"


def test_overrides_beat_detection(engine: Engine, tmp_path: Path) -> None:
    path = write_peru(tmp_path / "denuncias.csv")
    with pytest.raises(readers.FileRefused):
        run(engine, path, tmp_path, delimiter=",")
    result = run(
        engine,
        path,
        tmp_path,
        delimiter=";",
        decimal=",",
        encoding="latin-1",
        time_format="monthfirst",
    )
    assert result.detected["time_format"] == "monthfirst"


def test_category_mapping_file(engine: Engine, tmp_path: Path) -> None:
    from kuntur.incidents.importing.service import read_category_map

    mapping = tmp_path / "map.csv"
    mapping.write_text("etiqueta,categoria\nHURTO,other\n", encoding="utf-8")
    path = write_peru(tmp_path / "d.csv")
    result = run(engine, path, tmp_path, category_map=read_category_map(mapping))
    assert result.imported == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"HURTO": "burglary"}), encoding="utf-8")
    with pytest.raises(ImportRefused, match="no category"):
        read_category_map(bad)


def test_rows_with_wrong_field_counts_are_rejected_not_fatal(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "id,date,lat,lon\n1,2024-01-01T10:00:00,-12.05,-77.03\n"
        "2,2024-01-01T11:00:00,-12.05\n"
        "3,2024-01-01T12:00:00,-12.05,-77.03,extra\n"
        "4,2024-01-01T13:00:00,-12.06,-77.04\n",
        encoding="utf-8",
    )
    result = run(engine, path, tmp_path)
    assert (result.imported, result.rejected) == (2, 2)
    assert [(r["line"], r["reason"]) for r in rejects_of(result)] == [
        ("3", "tiene 3 campos, el encabezado tiene 4 / has 3 fields, the header has 4"),
        ("4", "tiene 5 campos, el encabezado tiene 4 / has 5 fields, the header has 4"),
    ]


def test_multiline_quoted_fields_keep_true_line_numbers(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        'id,date,lat,lon,narrative\n1,2024-01-01T10:00:00,-12.05,-77.03,"a\nb"\n'
        "2,2024-01-01T11:00:00,,-77.03,x\n",
        encoding="utf-8",
    )
    result = run(engine, path, tmp_path)
    assert result.imported == 1
    assert rejects_of(result)[0]["line"] == "4"
    assert rows(engine)[0].narrative == "a\nb"


# --- GeoJSON and GeoPackage -------------------------------------------------------


def test_geojson(engine: Engine, tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-77.03, -12.0464]},
            "properties": {"id": "g1", "fecha": "2024-05-01T10:00:00-05:00", "tipo": "SECUESTRO"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[-77, -12], [-77.1, -12.1]]},
            "properties": {"id": "g2", "fecha": "2024-05-01T11:00:00-05:00", "tipo": "HURTO"},
        },
    ]
    path = tmp_path / "points.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = run(engine, path, tmp_path)
    assert (result.imported, result.rejected) == (1, 1)
    assert rejects_of(result)[0]["reason"] == (
        "la geometría es LineString, no un punto / geometry is LineString, not a point"
    )
    (only,) = rows(engine)
    assert only.category == "kidnapping" and only.district_ubigeo == "150101"


def test_geopackage_in_utm(engine: Engine, tmp_path: Path) -> None:
    import pyogrio
    import shapely
    from pyproj import Transformer

    # Two points in UTM 18S (EPSG:32718): Plaza Mayor of Lima and Parque Kennedy.
    tr = Transformer.from_crs("EPSG:4326", "EPSG:32718", always_xy=True)
    x, y = tr.transform([-77.0300, -77.0297], [-12.0464, -12.1211])
    path = tmp_path / "incidentes.gpkg"
    pyogrio.write_dataframe
    geoms = shapely.to_wkb(shapely.points(x, y))
    pyogrio.raw.write(
        path,
        geometry=geoms,
        field_data=[
            np.array(["p1", "p2"], dtype=object),
            np.array(["2024-06-01T10:00:00", "2024-06-02T10:00:00"], dtype=object),
            np.array(["ROBO", "HURTO"], dtype=object),
        ],
        fields=["codigo", "fecha", "delito"],
        geometry_type="Point",
        crs="EPSG:32718",
        driver="GPKG",
        layer="incidentes",
    )
    result = run(engine, path, tmp_path, id_col="codigo")
    assert result.imported == 2 and result.detected["layer"] == "incidentes"
    first, second = rows(engine)
    assert first.district_ubigeo == "150101" and second.district_ubigeo == "150122"
    assert abs(first.latitude + 12.0464) < 1e-6


# --- files that cannot be read: refused, nothing written ---------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "el archivo está vacío / .*the file is empty"),
        (b"   \n\n", "el archivo está vacío / .*the file is empty"),
        (b"id,date,lat,lon\n", "ninguna fila de datos / .*no data rows"),
        (b"\x00\x01\x02\x03binary\x00garbage" * 20, "archivo binario.* / .*binary file"),
        (b"just one column\nvalue\nother\n", "delimitador.* / .*delimiter"),
        (b"\x1f\x8bnot really gzip", "gzip.* / .*gzip"),
        (b'{"type": "Feature"}', "FeatureCollection de GeoJSON / .*FeatureCollection"),
    ],
)
def test_unreadable_files_are_refused(
    engine: Engine, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(readers.FileRefused, match=message):
        run(engine, path, tmp_path)
    assert count(engine) == 0 and count(engine, ImportBatch) == 0


def test_missing_mapped_column_is_refused_with_the_columns(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(
        ImportRefused,
        match=r"--time-col 'fecha': no existe esa columna.*'date_time'.* / "
        r"--time-col 'fecha': no such column.*'date_time'",
    ):
        run(engine, DATA / "san_francisco_robbery_sample.csv", tmp_path, time_col="fecha")
    assert count(engine) == 0


def test_file_without_coordinates_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nocoords.csv"
    path.write_text("id,date,place\n1,2024-01-01,Lima\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="--lat-col"):
        run(engine, path, tmp_path)


def test_missing_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(readers.FileRefused, match=r"no existe el archivo / .*no such file"):
        run(engine, tmp_path / "nope.csv", tmp_path)


# --- all or nothing -----------------------------------------------------------------


def test_failure_midway_leaves_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "CHUNK", 50)
    real = store.build_rows
    calls = {"n": 0}

    def failing(frame: Any, dialect: str) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the third chunk
        return real(frame, dialect)

    monkeypatch.setattr(store, "build_rows", failing)
    with pytest.raises(KeyboardInterrupt):
        run(engine, DATA / "chicago_aggravated_assaults_sample.csv", tmp_path)
    assert calls["n"] == 3
    assert count(engine) == 0 and count(engine, ImportBatch) == 0


def test_large_batch_rebuilds_indexes_and_keeps_them(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import inspect

    monkeypatch.setattr(store, "BULK_REBUILD_MIN", 10)
    result = run(engine, DATA / "chicago_southside_sample.csv", tmp_path)
    assert result.imported == 200
    names = {ix["name"] for ix in inspect(engine).get_indexes("incidents")}
    assert {"ix_incidents_map", "ix_incidents_occurred_at"} <= names


def test_batch_records_what_happened(engine: Engine, tmp_path: Path) -> None:
    path = write_peru(tmp_path / "d.csv")
    result = run(engine, path, tmp_path, dataset="fiscalia-2024")
    from sqlalchemy.orm import Session

    with Session(engine) as db:
        batch = db.get(ImportBatch, result.batch_id)
        assert batch is not None
        assert (batch.rows_read, batch.imported, batch.rejected, batch.duplicates) == (7, 2, 4, 1)
        assert batch.dataset == "fiscalia-2024" and batch.actor == "system:test"
        assert batch.finished_at is not None and len(batch.file_sha256) == 64
    assert {r.import_batch_id for r in rows(engine)} == {result.batch_id}


def test_postgres_copy_falls_back_when_a_key_appears_concurrently(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the direct COPY path exists only on PostgreSQL")
    path = DATA / "san_francisco_robbery_sample.csv"
    assert run(engine, path, tmp_path).imported == 200
    # Pretend the key check saw nothing, as when another import commits in between:
    # the unique index must stop the COPY and the safe path must store nothing twice.
    monkeypatch.setattr(store, "_drop_known_keys", lambda conn, frame: frame)
    again = run(engine, path, tmp_path)
    assert (again.imported, again.duplicates) == (0, 200)
    assert count(engine) == 200


# --- layouts of other portals (written here in their published shapes) ---------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_title_lines_above_the_header_are_skipped(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "reporte.csv",
        "REPORTE DE DENUNCIAS - COMISARIA SAN ISIDRO\nGenerado: 01/06/2024\n\n"
        "fecha;latitud;longitud;delito\n"
        "03/04/2024 21:15;-12,0964;-77,0365;HURTO\n"
        "04/04/2024 10:00;;-77,0365;HURTO\n",
    )
    result = run(engine, path, tmp_path)
    assert result.imported == 1 and result.detected["skipped_title_lines"] == 3
    assert rejects_of(result)[0]["line"] == "6"  # the real line in the file


def test_headers_found_by_their_words(engine: Engine, tmp_path: Path) -> None:
    # Denver-style names
    path = write(
        tmp_path,
        "denver.csv",
        "INCIDENT_ID,OFFENSE_TYPE_ID,FIRST_OCCURRENCE_DATE,GEO_LON,GEO_LAT\n"
        "1,theft-of-motor-vehicle,2024-01-05 10:00:00,-104.99,39.74\n",
    )
    result = run(engine, path, tmp_path, timezone="America/Denver")
    assert result.imported == 1
    assert result.detected["coordinates"] == "GEO_LON,GEO_LAT"
    assert result.detected["time_col"] == "FIRST_OCCURRENCE_DATE"
    assert rows(engine)[0].category == "theft"


def test_separate_time_of_day_columns(engine: Engine, tmp_path: Path) -> None:
    # Los Angeles: date at midnight in one column, HHMM in another
    la = write(
        tmp_path,
        "la.csv",
        "DR_NO,DATE OCC,TIME OCC,Crm Cd Desc,LAT,LON\n"
        "1,03/01/2020 12:00:00 AM,2130,ROBBERY,34.0375,-118.3506\n"
        "2,03/02/2020 12:00:00 AM,0745,BURGLARY,34.0444,-118.2628\n",
    )
    result = run(engine, la, tmp_path, timezone="America/Los_Angeles")
    assert result.imported == 2 and result.detected["time_of_day_col"] == "TIME OCC"
    first, second = rows(engine)
    assert first.occurred_at.isoformat() == "2020-03-02T05:30:00+00:00"  # 21:30 PST
    assert second.occurred_at.isoformat() == "2020-03-02T15:45:00+00:00"
    # New York: CMPLNT_FR_DT + CMPLNT_FR_TM, named by flags
    nyc = write(
        tmp_path,
        "nyc.csv",
        "CMPLNT_NUM,CMPLNT_FR_DT,CMPLNT_FR_TM,OFNS_DESC,Latitude,Longitude\n"
        "9,12/31/2019,17:30:00,ROBBERY,40.8,-73.9\n",
    )
    result = run(
        engine,
        nyc,
        tmp_path,
        time_col="CMPLNT_FR_DT",
        time_of_day_col="CMPLNT_FR_TM",
        timezone="America/New_York",
    )
    assert result.imported == 1
    assert rows(engine)[-1].occurred_at.isoformat() == "2019-12-31T22:30:00+00:00"


def test_swapped_latitude_and_longitude_are_read_right(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "swap.csv",
        "id,fecha,lat,lon\n1,2024-01-01T10:00:00,-77.03,-12.0464\n"
        "2,2024-01-01T11:00:00,-77.0297,-12.1211\n",
    )
    # -77 is a valid latitude too: nothing proves these columns swapped, so they are taken
    # as written (the points then lie in Antarctica, which the analyst will see on the map).
    result = run(engine, path, tmp_path)
    assert result.imported == 2 and not any("swapped" in w for w in result.warnings)
    path = write(tmp_path, "swap2.csv", "id,fecha,lat,lon\n1,2024-01-01T10:00:00,-122.41,37.78\n")
    result = run(engine, path, tmp_path, timezone="America/Los_Angeles")
    assert result.imported == 1 and any("swapped" in w for w in result.warnings)
    assert rows(engine)[-1].latitude == pytest.approx(37.78)


def test_point_in_one_column(engine: Engine, tmp_path: Path) -> None:
    wkt = write(
        tmp_path, "wkt.csv", 'id,fecha,geom\n1,2024-01-01T10:00:00,"POINT (-77.03 -12.0464)"\n'
    )
    assert run(engine, wkt, tmp_path).imported == 1
    assert rows(engine)[-1].district_ubigeo == "150101"
    pair = write(
        tmp_path, "socrata.csv", 'ID,Date,Location\n5,2024-01-01T10:00:00,"(41.8781, -87.6298)"\n'
    )
    assert run(engine, pair, tmp_path, timezone="America/Chicago").imported == 1
    assert rows(engine)[-1].latitude == pytest.approx(41.8781)


def test_month_only_dates(engine: Engine, tmp_path: Path) -> None:
    # police.uk publishes the month only
    path = write(
        tmp_path,
        "uk.csv",
        "Crime ID,Month,Longitude,Latitude,Crime type\na1,2024-01,-0.1276,51.5072,Robbery\n",
    )
    result = run(engine, path, tmp_path, timezone="Europe/London")
    assert result.imported == 1
    assert rows(engine)[0].occurred_at.isoformat() == "2024-01-01T00:00:00+00:00"


def test_a_peruvian_file_refuses_rows_outside_the_served_area(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "denuncias.csv"
    lines = ["fecha;latitud;longitud;modalidad;detalle"]
    for i in range(30):
        lines.append(f"2026-11-{1 + i % 28:02d} 10:00;-12,05{i:02d};-77,03;hurto;caso {i}")
    lines.append('2026-11-20 10:00;0,5;140,0;hurto;=HYPERLINK("http://x")')  # far away
    lines.append("2026-11-21 10:00;12,05;-77,03;hurto;signo perdido")  # a dropped minus
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(engine, path, tmp_path, narrative_col="detalle")
    assert (result.imported, result.rejected) == (30, 2)
    rejects = rejects_of(result)
    assert [r["line"] for r in rejects] == ["32", "33"]
    assert all(
        r["reason"]
        == "fuera del área que atiende el comando (Perú) / outside the command's served area (Perú)"
        for r in rejects
    )


def test_rejects_file_cells_never_start_a_spreadsheet_formula(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "malo.csv"
    path.write_text(
        "fecha,latitud,longitud\n2026-11-20 10:00,-12.05,-77.03\n"
        "2026-11-20 10:00,=1+cmd|' /C calc'!A0,-77.03\n"
        "+cmd,-12.05,-77.03\n",
        encoding="utf-8",
    )
    result = run(engine, path, tmp_path)
    assert result.rejected == 2
    values = [r["value"] for r in rejects_of(result)]
    assert values and all(not v.startswith(("=", "+", "-", "@")) for v in values), values
    assert any(v.startswith("'=") for v in values) and any(v.startswith("'+") for v in values)


def test_importing_needs_the_import_permission_and_the_event_names_who(
    engine: Engine, tmp_path: Path
) -> None:
    """incidents.import was declared and never checked; the batch's event was built by
    hand, without the caller's agency and request id."""
    from sqlalchemy.orm import Session

    from kuntur.audit.models import AuditEvent
    from kuntur.core.errors import Forbidden

    path = DATA / "san_francisco_robbery_sample.csv"

    def person(name: str, role: str, user_id: int) -> RequestContext:
        return RequestContext(
            actor=f"user:{name}",
            agency="PNP",
            roles=frozenset({role}),
            user_id=user_id,
            request_id=f"req-{name}",
        )

    dispatcher = person("desp", "dispatcher", 1)
    with pytest.raises(Forbidden):
        import_file(engine, path, ctx=dispatcher, mapping=ColumnMapping(), rejects_dir=tmp_path)
    assert count(engine) == 0
    analyst = person("ana", "crime_analyst", 2)
    result = import_file(engine, path, ctx=analyst, mapping=ColumnMapping(), rejects_dir=tmp_path)
    assert result.imported == 200
    with Session(engine) as db:
        events = {e.type: e for e in db.scalars(select(AuditEvent))}
    assert events["authz.denied"].actor == "user:desp"
    batch = events["incident.import"]
    assert (batch.actor, batch.agency, batch.request_id) == ("user:ana", "PNP", "req-ana")
