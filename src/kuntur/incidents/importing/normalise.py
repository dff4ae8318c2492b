"""Validate a table of text row by row and turn it into clean incident columns.

Pure: a DataFrame in, a clean DataFrame plus a list of rejects out. Every
rejected row says its line, the field and the reason. Column mapping flags
win; anything not given is found by its header (``lat``, ``latitud``, ``Y`` ...).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import tzfpy

from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow
from kuntur.geography import service as geo
from kuntur.geography.names import normalise_name
from kuntur.incidents.categories import DEFAULT_PRIORITY, Category, map_label
from kuntur.incidents.importing import readers
from kuntur.incidents.importing.timeparse import (
    ParsedTimes,
    compose_from_parts,
    decide_order,
    parse_times,
)

DEFAULT_TIMEZONE = "America/Lima"


class ImportRefused(readers.FileRefused):
    """The mapping does not fit the file (missing column, projected coordinates without CRS)."""


@dataclass
class ColumnMapping:
    time_col: str | None = None
    time_of_day_col: str | None = None  # a separate HH:MM / HHMM column (NYC, Los Angeles)
    lat_col: str | None = None
    lon_col: str | None = None
    x_col: str | None = None
    y_col: str | None = None
    crs: str | None = None
    category_col: str | None = None
    category_map: dict[str, str] = field(default_factory=dict)  # normalised label -> code
    default_category: str = Category.OTHER.value
    id_col: str | None = None
    address_col: str | None = None
    narrative_col: str | None = None
    time_format: str | None = None
    # None: America/Lima, unless most points lie outside Peru: then the zone where they lie.
    timezone: str | None = None
    decimal: str | None = None  # "." or ","; detected when None


@dataclass
class Reject:
    line: int
    field: str
    value: str
    reason: str


@dataclass
class Normalised:
    frame: pd.DataFrame  # columns below, one row per good record
    rejects: list[Reject]  # in line order
    mapping_used: dict[str, Any]
    warnings: list[str]


# Header names we recognise, normalised (lower case, no accents, spaces for separators).
_GUESS = {
    "time_col": [
        "occurred at",
        "occurred_at",
        "fecha hora",
        "fecha y hora",
        "datetime",
        "date time",
        "date_time",
        "date",
        "fecha",
        "fecha hecho",
        "fecha_hecho",
        "offense date",
        "offense_date",
        "time",
        "timestamp",
        "dispatch date time",
        "incident datetime",
        "reported date",
        "fecha denuncia",
    ],
    "lat_col": ["latitude", "lat", "latitud", "y coord", "lat y"],
    "lon_col": ["longitude", "lon", "lng", "long", "longitud", "x coord"],
    "x_col": ["x", "x coordinate", "coord x", "este", "easting"],
    "y_col": ["y", "y coordinate", "coord y", "norte", "northing"],
    "category_col": [
        "category",
        "categoria",
        "type",
        "tipo",
        "offense",
        "offense type",
        "offense_type",
        "primary type",
        "delito",
        "modalidad",
        "crime type",
        "tipo delito",
        "subtipo",
    ],
    "id_col": [
        "id",
        "uid",
        "incident no",
        "incident_no",
        "case number",
        "incident id",
        "incident number",
        "numero",
        "nro denuncia",
        "external id",
        "external_id",
        "case",
        "report number",
    ],
    "address_col": ["address", "direccion", "block", "hundred block", "location", "ubicacion"],
    "narrative_col": ["narrative", "description", "descripcion", "relato", "detalle", "details"],
}
_DATE_PARTS = {
    "year": ["year", "ano", "anio"],
    "month": ["month", "mes"],
    "day": ["day", "dia"],
    "hour": ["hour", "hora"],
    "minute": ["minute", "minuto"],
}

_COMMA_NUM = re.compile(r"^\s*-?[\d.\s]*\d,\d+\s*$")
_DOT_NUM = re.compile(r"^\s*-?[\d,\s]*\d\.\d+\s*$")


def _find(columns: list[str], names: list[str]) -> str | None:
    by_norm = {normalise_name(c).replace("_", " "): c for c in columns}
    for name in names:
        hit = by_norm.get(normalise_name(name).replace("_", " "))
        if hit is not None:
            return hit
    return None


# Second chance: a word of the header ("GEO_LAT", "Incident Latitude", "OFNS_DESC",
# "FIRST_OCCURRENCE_DATE"). Earlier words in each list are better evidence.
_WORDS = {
    "lat_col": ["latitude", "latitud", "lat"],
    "lon_col": ["longitude", "longitud", "lon", "lng", "long"],
    "x_col": ["x", "xcoord", "easting"],
    "y_col": ["y", "ycoord", "northing"],
    "time_col": [
        "occurred",
        "occurrence",
        "occ",
        "hecho",
        "datetime",
        "date",
        "fecha",
        "dt",
        "timestamp",
    ],
    "category_col": [
        "offense",
        "offence",
        "crime",
        "delito",
        "modalidad",
        "category",
        "categoria",
        "type",
        "tipo",
        "desc",
        "description",
    ],
    "address_col": ["address", "direccion", "block", "street", "calle"],
}


def _find_word(columns: list[str], attr: str, taken: set[str]) -> str | None:
    words = _WORDS.get(attr, [])
    split = {c: normalise_name(c).replace("_", " ").split() for c in columns if c not in taken}
    for word in words:
        for col, parts in split.items():
            if word in parts:
                return col
    return None


def resolve_mapping(columns: list[str], mapping: ColumnMapping, kind: str) -> ColumnMapping:
    """Fill unset columns from the headers; refuse mapped columns that do not exist."""
    m = ColumnMapping(**vars(mapping))
    for attr in (
        "time_col",
        "time_of_day_col",
        "lat_col",
        "lon_col",
        "x_col",
        "y_col",
        "category_col",
        "id_col",
        "address_col",
        "narrative_col",
    ):
        given = getattr(m, attr)
        if given is not None and given not in columns:
            flag = "--" + attr.replace("_", "-")
            raise ImportRefused(
                _(
                    "{flag} {given!r}: no existe esa columna. El archivo tiene: {columns}",
                    flag=flag,
                    given=given,
                    columns=", ".join(repr(c) for c in columns),
                )
            )
    has_geometry = readers.GEOM_LON in columns
    taken: set[str] = set()

    def guess(attr: str) -> str | None:
        found = _find(columns, _GUESS[attr]) or _find_word(columns, attr, taken)
        if found:
            taken.add(found)
        return found

    if not has_geometry and not (m.x_col or m.lat_col):
        if m.crs:  # projected coordinates: X/Y names
            m.x_col = m.x_col or guess("x_col")
            m.y_col = m.y_col or guess("y_col")
            if not (m.x_col and m.y_col):
                # No X/Y but latitude/longitude: those are WGS84 whatever --crs says (the
                # forecast grid uses --crs as its own projection, see forecasting/files.py).
                lat, lon = _find(columns, _GUESS["lat_col"]), _find(columns, _GUESS["lon_col"])
                if lat and lon:
                    m.x_col = m.y_col = None
                    m.lat_col, m.lon_col = lat, lon
                    taken.update((lat, lon))
        else:
            m.lat_col, m.lon_col = guess("lat_col"), guess("lon_col")
            if not (m.lat_col and m.lon_col):
                m.lat_col = m.lon_col = None
                m.x_col, m.y_col = guess("x_col"), guess("y_col")
    for attr in ("time_col", "category_col", "id_col", "address_col", "narrative_col"):
        if getattr(m, attr) is None:
            setattr(m, attr, guess(attr))
    if m.time_col is None and not _find(columns, _DATE_PARTS["day"]):
        m.time_col = _find(columns, ["month", "mes"])  # police.uk: "2024-01" only
    return m


def detect_decimal(values: list[pd.Series]) -> str:
    comma = dot = 0
    for series in values:
        sample = series.iloc[:5000]
        comma += int(sample.str.match(_COMMA_NUM).sum())
        dot += int(sample.str.match(_DOT_NUM).sum())
    return "," if comma > dot else "."


def parse_numbers(values: pd.Series, decimal: str) -> np.ndarray:
    """Numbers from text with either decimal mark; unreadable values become NaN."""
    if decimal == ",":
        values = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    # Slow path only for what the fast one could not read (spaces, thousands marks).
    retry = np.isnan(out) & (values.str.len() > 0).to_numpy(dtype=bool)
    if retry.any():
        cleaned = values[retry].str.replace(r"\s", "", regex=True)
        out[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64)
    return out


def _coordinates(
    frame: pd.DataFrame, m: ColumnMapping, used: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, str]:
    """lon, lat in WGS84, and which columns gave them."""
    if m.lat_col and m.lon_col:
        dec = m.decimal or detect_decimal([frame[m.lat_col], frame[m.lon_col]])
        used["decimal"] = dec
        lat = parse_numbers(frame[m.lat_col], dec)
        lon = parse_numbers(frame[m.lon_col], dec)
        finite = np.isfinite(lat) & np.isfinite(lon)
        if (
            finite.any()
            and np.nanmedian(np.abs(lat[finite])) > 90
            and np.nanmedian(np.abs(lon[finite])) <= 90
        ):
            # Latitude beyond 90 but longitude within it: the columns are swapped.
            used["swapped"] = _(
                "{lat} tiene longitudes y {lon} latitudes", lat=m.lat_col, lon=m.lon_col
            )
            return lat, lon, f"{m.lat_col},{m.lon_col}"
        if finite.any() and np.nanmedian(np.abs(lat[finite])) > 90 and not m.crs:
            raise ImportRefused(
                _(
                    "las columnas {lat!r}/{lon!r} tienen valores como {value:.1f}, que no son "
                    "grados: parecen coordenadas proyectadas. Indique --x-col/--y-col con --crs "
                    "EPSG:NNNN (p. ej. EPSG:32718 para UTM 18S, Lima)",
                    lat=m.lat_col,
                    lon=m.lon_col,
                    value=lat[finite][0],
                )
            )
        return lon, lat, f"{m.lon_col},{m.lat_col}"
    if m.x_col and m.y_col:
        dec = m.decimal or detect_decimal([frame[m.x_col], frame[m.y_col]])
        used["decimal"] = dec
        x = parse_numbers(frame[m.x_col], dec)
        y = parse_numbers(frame[m.y_col], dec)
        if not m.crs:
            finite = np.isfinite(x) & np.isfinite(y)
            if finite.any() and np.nanmedian(np.abs(x[finite])) <= 180:
                return x, y, f"{m.x_col},{m.y_col}"  # plain degrees under X/Y names
            raise ImportRefused(
                _(
                    "las columnas {x!r}/{y!r} tienen coordenadas proyectadas (p. ej. {value}); "
                    "indique con --crs EPSG:NNNN en qué sistema están (p. ej. EPSG:26910 para "
                    "UTM 10N, EPSG:3435 para Illinois Este en pies de EE. UU.)",
                    x=m.x_col,
                    y=m.y_col,
                    value=x[finite][0] if finite.any() else "n/a",
                )
            )
        from pyproj import Transformer
        from pyproj.exceptions import CRSError

        try:
            tr = Transformer.from_crs(m.crs, "EPSG:4326", always_xy=True)
        except CRSError as exc:
            raise ImportRefused(
                _(
                    "--crs {crs!r} no es un sistema de coordenadas que pyproj conozca: {exc}",
                    crs=m.crs,
                    exc=exc,
                )
            ) from None
        used["crs"] = m.crs
        lon, lat = tr.transform(x, y)
        # Zero coordinates are "withheld" in several portals: keep them as missing.
        zero = (x == 0) | (y == 0)
        lon = np.where(zero, np.nan, lon)
        lat = np.where(zero, np.nan, lat)
        return (
            np.asarray(lon, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            (f"{m.x_col},{m.y_col}"),
        )
    if readers.GEOM_LON in frame.columns:
        return (
            frame[readers.GEOM_LON].to_numpy(np.float64),
            frame[readers.GEOM_LAT].to_numpy(np.float64),
            "geometry",
        )
    located = _location_column(frame)
    if located is not None:
        return located
    raise ImportRefused(
        _(
            "no se encuentran las coordenadas: ninguna columna de latitud/longitud o X/Y "
            "reconocida entre {columns}. Indique --lat-col/--lon-col, o --x-col/--y-col con "
            "--crs",
            columns=", ".join(repr(c) for c in frame.columns),
        )
    )


_WKT_POINT = r"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$"
_PAIR = r"^\s*\(?\s*(-?\d+\.\d+)\s*,\s*(-?\d+\.\d+)\s*\)?\s*$"


def _location_column(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str] | None:
    """One column holding the point: WKT ``POINT (lon lat)`` or a ``(lat, lon)`` pair
    (Socrata portals such as Chicago's "Location")."""
    for col in frame.columns:
        if col.startswith("__"):
            continue
        sample = frame[col].iloc[:500]
        sample = sample[sample.str.strip() != ""]
        if sample.empty:
            continue
        for pattern, lon_first in ((_WKT_POINT, True), (_PAIR, False)):
            if sample.str.match(pattern, case=False).mean() > 0.8:
                parts = frame[col].str.extract(pattern, flags=re.IGNORECASE)
                a = pd.to_numeric(parts[0], errors="coerce").to_numpy(np.float64)
                b = pd.to_numeric(parts[1], errors="coerce").to_numpy(np.float64)
                return (a, b, col) if lon_first else (b, a, col)
    return None


_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_SLASHED_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_MIDNIGHT = re.compile(r"(?:\s|T)(?:00:00(?::00)?|12:00(?::00)?\s*[AaPp]\.?\s?[Mm]\.?)\s*$")
_TIME_OF_DAY_NAMES = [
    "time",
    "hora",
    "time occ",
    "time occurred",
    "occurred time",
    "hour",
    "cmplnt fr tm",
    "hora hecho",
    "hora del hecho",
]


def _time_of_day_column(frame: pd.DataFrame, m: ColumnMapping) -> str | None:
    """A separate clock-time column, used when the date column carries no time."""
    if m.time_of_day_col:
        return m.time_of_day_col
    if m.time_col is None:
        return None
    sample = frame[m.time_col].iloc[:2000].str.strip()
    sample = sample[sample != ""]
    has_clock = sample.str.contains(_CLOCK) & ~sample.str.contains(_MIDNIGHT)
    if sample.empty or has_clock.mean() > 0.05:
        return None  # the date column already tells the time
    others = [c for c in frame.columns if c != m.time_col]
    candidate = _find(others, _TIME_OF_DAY_NAMES) or next(
        (
            c
            for c in others
            if normalise_name(c).replace("_", " ").split()[-1:] in (["tm"], ["hora"])
        ),
        None,
    )
    if candidate is None:
        return None
    values = frame[candidate].iloc[:2000].str.strip()
    looks_like_clock = values.str.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?|\d{3,4}")
    return candidate if looks_like_clock.mean() > 0.8 else None


def _with_time_of_day(dates: pd.Series, clock: pd.Series) -> pd.Series:
    """'03/01/2020 12:00:00 AM' + '2130' -> '03/01/2020 21:30'."""
    day = dates.str.strip().str.split(r"[\sT]", n=1, regex=True).str[0]
    hhmm = clock.str.strip()
    digits = hhmm.str.fullmatch(r"\d{3,4}")
    padded = hhmm.where(~digits, hhmm.str.zfill(4))
    hhmm = padded.where(~digits, padded.str[:2] + ":" + padded.str[2:])
    return (day + " " + hhmm).where(day.str.len() > 0, "")


def _times(frame: pd.DataFrame, m: ColumnMapping, used: dict[str, Any]) -> ParsedTimes:
    zone = m.timezone or DEFAULT_TIMEZONE
    if m.time_col:
        used["time_col"] = m.time_col
        values = frame[m.time_col]
        time_format = m.time_format
        clock_col = _time_of_day_column(frame, m)
        if clock_col:
            used["time_of_day_col"] = clock_col
            sample = values.iloc[:20_000].str.strip()
            if time_format is None and sample.str.match(_SLASHED_DATE).mean() > 0.5:
                # Decide day/month order on the original text: its AM/PM says "US".
                time_format, _warning = decide_order(sample[sample != ""])
            values = _with_time_of_day(values, frame[clock_col])
        return parse_times(values, time_format=time_format, timezone=zone)
    parts = {k: _find(list(frame.columns), names) for k, names in _DATE_PARTS.items()}
    if parts["year"] and parts["month"] and parts["day"]:
        cols = {k: v for k, v in parts.items() if v}
        used["time_cols"] = list(cols.values())
        return compose_from_parts(frame, cols, zone)
    raise ImportRefused(
        _(
            "no se encuentra la columna de la hora entre {columns}. Indique --time-col (y "
            "--time-format si las fechas son ambiguas)",
            columns=", ".join(repr(c) for c in frame.columns),
        )
    )


def _mostly_in_peru(lon: np.ndarray, lat: np.ndarray) -> bool:
    return bool(geo.in_served_area(lon, lat).mean() >= 0.5)


def _zone_of_points(lon: np.ndarray, lat: np.ndarray, warnings: list[str]) -> str:
    """America/Lima, or the zone at the median point when most points lie outside Peru.

    A Chicago or Madrid file evaluated without ``--timezone`` would otherwise have
    its times shifted by Lima's offset (and its days cut at the wrong midnight).
    """
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any() or _mostly_in_peru(lon[ok], lat[ok]):
        return DEFAULT_TIMEZONE
    zone = tzfpy.get_tz(float(np.median(lon[ok])), float(np.median(lat[ok])))
    if not zone:
        warnings.append(
            _(
                "la mayoría de los puntos está fuera del Perú, en el mar o donde no se conoce "
                "la zona horaria: las horas sin desfase se leyeron como {zone}; indique "
                "--timezone",
                zone=DEFAULT_TIMEZONE,
            )
        )
        return DEFAULT_TIMEZONE
    warnings.append(
        _(
            "la mayoría de los puntos está fuera del Perú: las horas sin desfase se leyeron "
            "como {zone}, la zona donde están; indique --timezone para leerlas de otro modo",
            zone=zone,
        )
    )
    return str(zone)


def normalise(table: readers.RawTable, mapping: ColumnMapping) -> Normalised:
    frame = table.frame
    m = resolve_mapping(list(frame.columns), mapping, table.kind)
    used: dict[str, Any] = {}
    warnings: list[str] = []
    n = len(frame)
    lines = table.lines
    reason = np.full(n, "", dtype=object)
    field_ = np.full(n, "", dtype=object)
    value = np.full(n, "", dtype=object)
    rejected = np.zeros(n, dtype=bool)  # the first reason found for a row is the one reported

    def flag(mask: np.ndarray, fld: str, why: str, shown: pd.Series | None = None) -> None:
        new = mask & ~rejected
        if not new.any():
            return
        rejected[new] = True
        reason[new] = why
        field_[new] = fld
        if shown is not None:
            value[new] = shown.to_numpy()[new]

    lon, lat, coord_cols = _coordinates(frame, m, used)
    used["coordinates"] = coord_cols
    if "swapped" in used:
        warnings.append(
            _(
                "la latitud y la longitud parecen intercambiadas ({lat} tiene longitudes y "
                "{lon} latitudes); se leyeron al revés",
                lat=m.lat_col,
                lon=m.lon_col,
            )
        )
    if readers.GEOM_ERROR in frame.columns:
        geom_err = frame[readers.GEOM_ERROR].to_numpy(dtype=object)
        has = geom_err != ""
        reason[has] = geom_err[has]
        field_[has] = "geometry"
        rejected[has] = True
    coord_source = frame[m.lat_col] if m.lat_col else (frame[m.y_col] if m.y_col else None)
    missing_coord = ~(np.isfinite(lat) & np.isfinite(lon))
    flag(missing_coord, coord_cols, _("faltan las coordenadas o no se leen"), coord_source)
    flag((lat == 0) & (lon == 0), coord_cols, _("las coordenadas son 0,0 (sin ubicación)"))
    out_of_range = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    flag(
        out_of_range & ~missing_coord,
        coord_cols,
        _("coordenadas fuera de rango (latitud -90..90, longitud -180..180)"),
        coord_source,
    )

    good = ~rejected
    if good.any() and _mostly_in_peru(lon[good], lat[good]):
        # A Peruvian file: a row outside the served area is a wrong coordinate (a
        # placeholder, a dropped minus sign), not an incident the command can attend. A
        # foreign file (a public dataset imported to evaluate methods) keeps its points.
        flag(
            ~geo.in_served_area(lon, lat) & ~missing_coord & ~out_of_range,
            coord_cols,
            _(
                "fuera del área que atiende el comando ({area})",
                area=geo.SERVED_AREA_NAME,
            ),
            coord_source,
        )
    if m.timezone is None:
        m.timezone = _zone_of_points(lon[~rejected], lat[~rejected], warnings)
    used["timezone"] = m.timezone
    times = _times(frame, m, used)
    used["time_format"] = times.format
    if times.warning:
        warnings.append(times.warning)
    time_shown = frame[m.time_col] if m.time_col else None
    flag(times.missing, m.time_col or "time", _("falta la hora"))
    flag(
        times.bad,
        m.time_col or "time",
        _("no se puede leer la hora con el formato {format!r}", format=times.format),
        time_shown,
    )
    now = pd.Timestamp(utcnow())
    future = (times.utc > now + pd.Timedelta(days=1)).fillna(False).to_numpy(dtype=bool)
    flag(future, m.time_col or "time", _("la hora está en el futuro"), time_shown)
    too_old = (times.utc < pd.Timestamp("1900-01-01", tz="UTC")).fillna(False).to_numpy(bool)
    flag(too_old, m.time_col or "time", _("la hora es anterior a 1900"), time_shown)

    if m.category_col:
        # Work on the distinct labels only: a million rows carry a few dozen labels.
        positions, unique = pd.factorize(frame[m.category_col])
        codes = np.array([map_label(str(lbl), m.category_map).value for lbl in unique], object)
        stripped = np.array([str(lbl).strip() or None for lbl in unique], dtype=object)
        category = codes[positions]
        label_out = stripped[positions]
        used["category_col"] = m.category_col
    else:
        category = np.full(n, Category(m.default_category).value, dtype=object)
        label_out = np.full(n, None, dtype=object)

    if m.id_col:
        ext = frame[m.id_col].str.strip()
        flag((ext == "").to_numpy(), m.id_col, _("falta el id (--id-col indicado o detectado)"))
        external_id = ext.to_numpy(dtype=object)
        used["id_col"] = m.id_col
    else:
        external_id = np.full(n, None, dtype=object)

    good = ~rejected
    rejects = [Reject(line, "row", "", why) for line, why in table.bad_rows]
    rejects += [
        Reject(int(lines[i]), str(field_[i]), str(value[i])[:200], str(reason[i]))
        for i in np.nonzero(~good)[0]
    ]
    rejects.sort(key=lambda r: r.line)
    priority = (
        pd.Series(category[good])
        .map({c.value: p for c, p in DEFAULT_PRIORITY.items()})
        .to_numpy(dtype=np.int64)
    )
    # Text columns stay numpy object arrays: pandas' Arrow strings would be converted
    # back to Python objects for the database anyway, at a cost of seconds per million.
    clean = pd.DataFrame(
        {
            "line": lines[good],
            "external_id": _objects(external_id[good]),
            "category": _objects(category[good]),
            "category_label": _objects(label_out[good]),
            "priority": priority,
            # naive datetime64 in UTC: object arrays of Timestamps are 10x slower downstream
            "occurred_at": times.utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")[good],
            "latitude": lat[good],
            "longitude": lon[good],
            "address": _objects(_optional(frame, m.address_col, good)),
            "narrative": _objects(_optional(frame, m.narrative_col, good)),
            "row_hash": _objects(_row_hashes(table, good & pd.isna(external_id))[good]),
        }
    )
    for attr in ("address_col", "narrative_col"):
        if getattr(m, attr):
            used[attr] = getattr(m, attr)
    return Normalised(clean, rejects, used, warnings)


def _objects(values: np.ndarray | list[object]) -> pd.Series:
    return pd.Series(values, dtype=object)


def _optional(frame: pd.DataFrame, col: str | None, good: np.ndarray) -> np.ndarray:
    if not col:
        return np.full(int(good.sum()), None, dtype=object)
    values = frame[col].str.strip().to_numpy(dtype=object)[good]
    values[values == ""] = None
    return values


def _row_hashes(table: readers.RawTable, wanted: np.ndarray) -> np.ndarray:
    """128-bit content hash of the raw record, for rows without an id (else None).

    This is the idempotency key when a file has no id column: the same record
    imported again, from the same file or a renamed copy, is recognised.
    """
    out = np.full(len(wanted), None, dtype=object)
    idx = np.nonzero(wanted)[0]
    if len(idx) == 0:
        return out
    if table.records is not None:
        recs = table.records
        out[idx] = [
            hashlib.blake2b(recs[i].encode(), digest_size=16).hexdigest() for i in idx.tolist()
        ]
    else:  # GeoJSON, GeoPackage, multi-line CSV: hash the parsed values
        sub = table.frame.iloc[idx][[c for c in table.frame.columns if c != readers.GEOM_ERROR]]
        h1 = pd.util.hash_pandas_object(sub, index=False, hash_key="kuntur-import-01").to_numpy()
        h2 = pd.util.hash_pandas_object(sub, index=False, hash_key="kuntur-import-02").to_numpy()
        out[idx] = [f"{a:016x}{b:016x}" for a, b in zip(h1.tolist(), h2.tolist(), strict=True)]
    return out
