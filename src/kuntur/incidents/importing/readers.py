"""Read a file into a table of text, detecting what a new user would not want to specify.

CSV: gzip, encoding (UTF-8 with or without BOM, else Windows-1252/Latin-1) and
delimiter are detected; ``delimiter`` / ``encoding`` override. GeoJSON and
GeoPackage: properties become columns, point geometry becomes ``__lon``/``__lat``
(reprojected to WGS84 when the file declares another CRS).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _

GEOM_LON = "__lon"
GEOM_LAT = "__lat"
GEOM_ERROR = "__geom_error"
DELIMITERS = [",", ";", "\t", "|"]
_SNIFF_LINES = 200


class FileRefused(InvalidInput):
    """The whole file cannot be read; the message says what to fix."""


@dataclass
class RawTable:
    frame: pd.DataFrame  # every cell is text ("" when empty)
    kind: str  # csv | geojson | gpkg
    detected: dict[str, Any] = field(default_factory=dict)
    # Line in the file of each row, for CSV; feature number for GeoJSON/GeoPackage.
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # The raw text of each CSV record (one line each), when the file has no
    # multi-line records: the cheapest exact content to hash for idempotency.
    records: list[str] | None = None
    # Rows that could not even be split into fields: (line, reason).
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def read_table(
    path: Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
) -> RawTable:
    if not path.exists():
        raise FileRefused(_("{path}: no existe el archivo", path=path))
    if path.is_dir():
        raise FileRefused(_("{path}: es una carpeta, no un archivo", path=path))
    with path.open("rb") as fh:
        head = fh.read(16)
    if not head:
        raise FileRefused(_("{path}: el archivo está vacío", path=path))
    if head.startswith(b"SQLite format 3"):
        return _read_gpkg(path, layer)
    raw = path.read_bytes()
    if head.startswith(b"\x1f\x8b"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FileRefused(
                _(
                    "{path}: parece comprimido con gzip pero no se puede descomprimir ({exc})",
                    path=path,
                    exc=exc,
                )
            ) from None
    if not raw.strip():
        raise FileRefused(_("{path}: el archivo está vacío", path=path))
    stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".geojson", ".json")) or stripped[:1] == b"{":
        return _read_geojson(path, raw, encoding)
    if b"\x00" in raw[:65536]:
        raise FileRefused(
            _(
                "{path}: es un archivo binario, no CSV, GeoJSON ni GeoPackage; expórtelo como "
                "CSV (UTF-8 o Latin-1) e importe ese",
                path=path,
            )
        )
    return _read_csv(path, raw, delimiter, encoding)


def detect_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any byte string


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    return [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]


def _modal(counts: list[int]) -> int:
    return max(set(counts), key=counts.count) if counts else 0


def detect_delimiter(sample_lines: list[str]) -> str | None:
    """The delimiter that splits most lines into the same number (>1) of fields.

    Ragged rows (too few or too many fields) and a few title lines above the header
    do not hide it: bad rows are rejected later, title lines skipped.
    """
    best: tuple[float, str] | None = None
    for cand in DELIMITERS:
        counts = _field_counts(sample_lines, cand)
        mode = _modal(counts)
        if mode < 2:
            continue
        agree = sum(c == mode for c in counts) / len(counts)
        score = agree * 1000 + mode
        if agree >= 0.5 and (best is None or score > best[0]):
            best = (score, cand)
    return best[1] if best else None


def header_line(sample_lines: list[str], delimiter: str) -> int:
    """Index of the header: the first line with as many fields as most lines have.

    Government exports often start with a title, a date or a blank line or two.
    """
    counts = [len(next(csv.reader([ln], delimiter=delimiter), [])) for ln in sample_lines]
    mode = _modal([c for c in counts if c > 0])
    for i, c in enumerate(counts[:50]):
        if c == mode:
            return i
    return 0


def _read_csv(path: Path, raw: bytes, delimiter: str | None, encoding: str | None) -> RawTable:
    enc = encoding or detect_encoding(raw)
    try:
        text = raw.decode(enc)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileRefused(
            _(
                "{path}: no se puede decodificar como {enc} ({exc}); pruebe --encoding latin-1",
                path=path,
                enc=enc,
                exc=exc,
            )
        ) from None
    text = text.removeprefix("\ufeff")
    sample = text[:200_000].splitlines()[:_SNIFF_LINES]
    if delimiter in ("\\t", "tab"):
        delimiter = "\t"
    delim = delimiter or detect_delimiter(sample)
    if delim is None:
        raise FileRefused(
            _(
                "{path}: no se encuentra el delimitador: las primeras líneas no se dividen en "
                "el mismo número de campos con ninguno de , ; tab |. Revise el archivo o "
                "indique --delimiter",
                path=path,
            )
        )
    skipped = header_line(sample, delim)
    if skipped:  # drop title lines above the header; line numbers still count them
        text = text.split("\n", skipped)[-1]
    try:
        # Arrow's reader is multi-threaded and about 6x faster than pandas' C engine.
        frame = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),
            sep=delim,
            dtype=str,
            keep_default_na=False,
            engine="pyarrow",
        )
        bad: list[tuple[int, str]] = []
        lines = np.arange(2, len(frame) + 2, dtype=np.int64)
        records: list[str] | None = [ln for ln in text.splitlines()[1:] if ln.strip()]
        if records is not None and len(records) != len(frame):
            records = None  # multi-line quoted fields: lines and rows no longer match
            lines = _record_start_lines(text, delim, len(frame))
    except (pd.errors.ParserError, ValueError):
        # Some rows have the wrong number of fields: read row by row, keep the good
        # ones and report each bad one with its line.
        frame, lines, bad = _read_csv_tolerant(text, delim)
        records = None
    lines = lines + skipped
    bad = [(line + skipped, why) for line, why in bad]
    if frame.shape[1] < 2:
        raise FileRefused(
            _(
                "{path}: una sola columna con el delimitador {delim!r}; indique --delimiter",
                path=path,
                delim=delim,
            )
        )
    if frame.empty and not bad:
        raise FileRefused(_("{path}: tiene encabezado pero ninguna fila de datos", path=path))
    frame.columns = [str(c).strip() for c in frame.columns]
    detected: dict[str, Any] = {"encoding": enc, "delimiter": delim}
    if skipped:
        detected["skipped_title_lines"] = skipped
    return RawTable(frame, "csv", detected, lines, records, bad)


def _record_start_lines(text: str, delim: str, n: int) -> np.ndarray:
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    next(reader, None)
    starts = []
    previous_end = reader.line_num
    for _row in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts[:n], dtype=np.int64)


def _read_csv_tolerant(
    text: str, delim: str
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=delim, skipinitialspace=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileRefused(_("no se puede leer la línea de encabezado: {exc}", exc=exc)) from None
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    previous_end = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append((previous_end + 1, _("CSV mal formado: {exc}", exc=exc)))
            previous_end = reader.line_num
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if not row or not any(f.strip() for f in row):
            continue
        if len(row) != len(header):
            bad.append(
                (
                    start,
                    _(
                        "tiene {found} campos, el encabezado tiene {wanted}",
                        found=len(row),
                        wanted=len(header),
                    ),
                )
            )
            continue
        rows.append(row)
        lines.append(start)
    if len(header) < 2:
        raise FileRefused(
            _("una sola columna con el delimitador {delim!r}; indique --delimiter", delim=delim)
        )
    return pd.DataFrame(rows, columns=header, dtype=str), np.asarray(lines, np.int64), bad


def _points_from_features(
    features: list[dict[str, Any]],
) -> tuple[list[float], list[float], list[str]]:
    lon: list[float] = []
    lat: list[float] = []
    err: list[str] = []
    for feat in features:
        geom = feat.get("geometry") or {}
        kind = geom.get("type")
        coords = geom.get("coordinates")
        if kind == "MultiPoint" and coords:
            coords, kind = coords[0], "Point"
        if kind == "Point" and isinstance(coords, list) and len(coords) >= 2:
            lon.append(float(coords[0]))
            lat.append(float(coords[1]))
            err.append("")
        else:
            lon.append(float("nan"))
            lat.append(float("nan"))
            err.append(
                _("la geometría es {kind}, no un punto", kind=kind)
                if kind
                else _("falta la geometría")
            )
    return lon, lat, err


def _read_geojson(path: Path, raw: bytes, encoding: str | None) -> RawTable:
    try:
        data = json.loads(raw.decode(encoding or detect_encoding(raw)).removeprefix("\ufeff"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileRefused(_("{path}: no es JSON válido ({exc})", path=path, exc=exc)) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise FileRefused(_("{path}: es JSON pero no una FeatureCollection de GeoJSON", path=path))
    if not features:
        raise FileRefused(_("{path}: la FeatureCollection no tiene elementos", path=path))
    props = [
        {k: "" if v is None else str(v) for k, v in (f.get("properties") or {}).items()}
        for f in features
    ]
    frame = pd.DataFrame(props).fillna("").astype(str)
    lon, lat, err = _points_from_features(features)
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name")
    frame[GEOM_LON], frame[GEOM_LAT], frame[GEOM_ERROR] = lon, lat, err
    if crs and not any(s in crs for s in ("CRS84", "4326")):
        _reproject_geometry(frame, crs)
    lines = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawTable(frame, "geojson", {"crs": crs or "EPSG:4326", "features": len(frame)}, lines)


def _reproject_geometry(frame: pd.DataFrame, crs: str) -> None:
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    except CRSError as exc:
        raise FileRefused(
            _("sistema de referencia de coordenadas desconocido {crs!r}: {exc}", crs=crs, exc=exc)
        ) from None
    x, y = tr.transform(frame[GEOM_LON].to_numpy(float), frame[GEOM_LAT].to_numpy(float))
    frame[GEOM_LON], frame[GEOM_LAT] = x, y


def _read_gpkg(path: Path, layer: str | None) -> RawTable:
    import pyogrio
    import shapely

    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
        meta, _fids, geometry, field_data = pyogrio.raw.read(path, layer=layer)
    except Exception as exc:  # pyogrio raises its own DataSourceError/DataLayerError
        raise FileRefused(
            _("{path}: no se puede leer como GeoPackage ({exc})", path=path, exc=exc)
        ) from None
    frame = pd.DataFrame(
        {
            name: pd.Series(values).astype(str).replace({"None": "", "nan": ""})
            for name, values in zip(meta["fields"], field_data, strict=True)
        }
    )
    geoms = shapely.from_wkb(geometry) if geometry is not None else None
    if geoms is None or len(geoms) == 0:
        raise FileRefused(
            _(
                "{path}: la capa {layer!r} no tiene elementos",
                path=path,
                layer=layer or layers[0],
            )
        )
    is_point = shapely.get_type_id(geoms) == 0
    frame[GEOM_LON] = np.where(is_point, shapely.get_x(geoms), np.nan)
    frame[GEOM_LAT] = np.where(is_point, shapely.get_y(geoms), np.nan)
    frame[GEOM_ERROR] = np.where(is_point, "", _("la geometría no es un punto"))
    crs = meta.get("crs")
    if crs and crs not in ("EPSG:4326", "OGC:CRS84"):
        _reproject_geometry(frame, crs)
    lines = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawTable(
        frame, "gpkg", {"crs": crs, "layer": layer or layers[0], "layers": layers}, lines
    )
