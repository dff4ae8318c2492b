"""Evaluate forecasting methods on a file of incidents, without storing anything.

Reads the file with the importer's readers and column mapping (the same flags
as ``kuntur incidents import``), lays the grid, and runs the rolling
evaluation. Rejected rows are counted and reported, never silently dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _, n_
from kuntur.forecasting.auto import make
from kuntur.forecasting.evaluation import (
    DEFAULT_COVERAGES,
    Evaluation,
    evaluate,
    forecast_origins,
)
from kuntur.forecasting.grid import (
    EventHistory,
    Grid,
    datetimes_to_days,
    in_metres,
    is_crs,
    project,
    utm_crs_for,
)
from kuntur.incidents.importing import readers
from kuntur.incidents.importing.normalise import ColumnMapping, normalise
from kuntur.incidents.importing.options import ReadOptions

MIN_TRAINING_DAYS = 90
FAR_KM = 50.0  # margin beyond the points' own reach, see far_points
MAX_CELLS = 4_000_000  # a grid this size takes a few GB across the methods' arrays


@dataclass
class FileEvaluation:
    evaluation: Evaluation
    rows_read: int
    rejected: int
    duplicates: int
    test_days: float
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.evaluation.to_json(),
            "rows_read": self.rows_read,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "test_days": self.test_days,
            "warnings": self.warnings,
        }


def _boundary(path: Path, crs: str) -> shapely.Geometry:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        feats = data["features"] if data.get("type") == "FeatureCollection" else [data]
        geom = shapely.union_all([shape(f.get("geometry", f)) for f in feats])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(
            _("{path}: no es un archivo de polígonos GeoJSON ({exc})", path=path, exc=exc)
        ) from exc
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            _(
                "{path}: el límite debe ser de polígonos (se recibió {kind})",
                path=path,
                kind=geom.geom_type,
            )
        )
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def far_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points far outside the area where the rest of them lie (a mask).

    Distance from the median point beyond three times the 90th-percentile
    distance plus ``FAR_KM``: a city's, region's or country's own spread is kept
    whole; a placeholder like (-1, -1) or a dropped minus sign, thousands of
    kilometres away, is not, as long as such rows are under a tenth of the file.
    """
    if len(x) < 20:
        return np.zeros(len(x), bool)
    d = np.hypot(x - np.median(x), y - np.median(y))
    return np.asarray(d > 3.0 * np.percentile(d, 90) + FAR_KM * 1000.0)


def _cells_spanned(x: np.ndarray, y: np.ndarray, cell_size: float) -> int:
    if len(x) == 0:
        return 0
    nx = (float(np.max(x)) - float(np.min(x))) // cell_size + 2
    ny = (float(np.max(y)) - float(np.min(y))) // cell_size + 2
    return int(nx * ny)


def _sample_coords(lon: np.ndarray, lat: np.ndarray) -> str:
    pairs = sorted(
        {(round(float(a), 4), round(float(b), 4)) for a, b in zip(lat, lon, strict=True)}
    )
    return ", ".join(f"({a:g}, {b:g})" for a, b in pairs[:3])


@dataclass
class LoadedFile:
    """A file's events on a grid, ready to evaluate, with what reading it cost."""

    history: EventHistory
    area: np.ndarray | None  # cells inside the boundary; None: the cells with an event
    rows_read: int
    rejected: int
    duplicates: int
    warnings: list[str]


def load_history(
    path: Path,
    *,
    mapping: ColumnMapping,
    read: ReadOptions,
    cell_size: float = 250.0,
    boundary: Path | None = None,
    shift_m: tuple[float, float] = (0.0, 0.0),
) -> LoadedFile:
    """Read, normalise, project and grid a file of incidents (rejected rows counted).

    ``shift_m`` moves the grid's origin east and north by that many metres: the
    benchmarks use it to show how much a cell edge alone changes the scores.
    """
    table = readers.read_table(
        path, delimiter=read.delimiter, encoding=read.encoding, layer=read.layer
    )
    result = normalise(table, mapping)
    frame = result.frame
    rows_read = len(table.frame) + len(table.bad_rows)
    if len(frame) == 0:
        raise InvalidInput(
            _("{path}: ninguna fila utilizable ({n} rechazadas)", path=path, n=len(result.rejects))
        )
    lon = frame["longitude"].to_numpy(float)
    lat = frame["latitude"].to_numpy(float)
    # --crs is the grid's CRS: the data's own metres for X/Y files, or a projection the
    # user chose for latitude/longitude; otherwise the data's UTM zone.
    warnings = list(result.warnings)
    # The same incident twice (one row per victim or offence under one id, or a record
    # repeated whole) counts once, as `kuntur incidents import` stores it once.
    keys = frame["external_id"].where(frame["external_id"].notna(), frame["row_hash"])
    repeated = keys.duplicated().to_numpy()
    if repeated.any():
        warnings.append(
            _(
                "{n} filas repiten un incidente ya leído (el mismo id, o el mismo registro): "
                "cada incidente cuenta una vez",
                n=int(repeated.sum()),
            )
        )
        frame, lon, lat = frame[~repeated], lon[~repeated], lat[~repeated]
    if mapping.crs and not is_crs(mapping.crs):
        raise InvalidInput(
            _("--crs {crs}: no es un sistema de referencia de coordenadas", crs=mapping.crs)
        )
    crs = mapping.crs or utm_crs_for(lon, lat)
    if mapping.crs and not in_metres(mapping.crs):
        crs = utm_crs_for(lon, lat)
        warnings.append(
            _(
                "--crs {given} no mide en metros: las celdas se trazan en {crs}",
                given=mapping.crs,
                crs=crs,
            )
        )
    try:
        x, y = project(lon, lat, crs)
    except ValueError as exc:
        raise InvalidInput(
            _(
                "--crs {crs}: no se pudieron proyectar las coordenadas ({detail})",
                crs=crs,
                detail=exc,
            )
        ) from exc
    x, y = x - shift_m[0], y - shift_m[1]
    # A stray point only costs cells: it adds one to the study area and nothing to the
    # scores. Placeholders such as (-1, -1) or a dropped minus sign, though, stretch the
    # grid across an ocean; when the grid would be too large, those are left out.
    far = np.zeros(len(x), bool)
    if boundary is None and _cells_spanned(x, y, cell_size) > MAX_CELLS:
        far = far_points(x, y)
    if far.any():
        warnings.append(
            n_(
                "{n} fila queda muy lejos del área donde están las demás (¿coordenadas de "
                "relleno o mal escritas?): se deja fuera; p. ej. latitud, longitud {sample}",
                "{n} filas quedan muy lejos del área donde están las demás (¿coordenadas de "
                "relleno o mal escritas?): se dejan fuera; p. ej. latitud, longitud {sample}",
                int(far.sum()),
                sample=_sample_coords(lon[far], lat[far]),
            )
        )
        frame, lon, lat, x, y = frame[~far], lon[~far], lat[~far], x[~far], y[~far]
    area_shape = _boundary(boundary, crs) if boundary else None
    try:
        if area_shape is not None:
            area_shape = shapely.transform(area_shape, lambda xy: xy - np.asarray(shift_m))
            bx0, by0, bx1, by1 = area_shape.bounds
            grid = Grid.covering(np.append(x, [bx0, bx1]), np.append(y, [by0, by1]), cell_size, crs)
        else:
            grid = Grid.covering(x, y, cell_size, crs)
    except ValueError as exc:
        raise InvalidInput(
            _("{path}: no se pudo trazar la cuadrícula ({detail})", path=path, detail=exc)
        ) from exc
    if grid.n_cells > MAX_CELLS:
        raise InvalidInput(
            _(
                "{path}: {nx:,} x {ny:,} celdas de {size:g} m es más de lo que admite una "
                "cuadrícula de pronóstico ({max:,}): use un --cell-size mayor o un --boundary (o "
                "revise si hay coordenadas erradas)",
                path=path,
                nx=grid.nx,
                ny=grid.ny,
                size=cell_size,
                max=MAX_CELLS,
            )
        )
    history = EventHistory.build(
        datetimes_to_days(frame["occurred_at"].to_numpy()), grid.cell_of(x, y), grid
    )
    area = None
    if area_shape is not None:
        cx, cy = grid.centres(np.arange(grid.n_cells))
        area = shapely.contains_xy(area_shape, cx, cy)
        if not area.any():
            raise InvalidInput(
                _(
                    "{path}: ningún centro de celda de {size:g} m cae dentro",
                    path=boundary,
                    size=cell_size,
                )
            )
    rejected = len(result.rejects) + int(far.sum())
    return LoadedFile(history, area, rows_read, rejected, int(repeated.sum()), warnings)


def evaluate_file(
    path: Path,
    *,
    mapping: ColumnMapping,
    read: ReadOptions,
    methods: list[str],
    cell_size: float = 250.0,
    horizon_days: float = 7.0,
    test_days: float | None = None,
    coverages: tuple[float, ...] = DEFAULT_COVERAGES,
    boundary: Path | None = None,
    on_ready: Callable[[int], None] | None = None,
    on_window: Callable[[str], None] | None = None,
) -> FileEvaluation:
    """Evaluate ``methods``; ``on_ready(steps)`` gives the total work, ``on_window`` each step."""
    loaded = load_history(path, mapping=mapping, read=read, cell_size=cell_size, boundary=boundary)
    history, area, warnings = loaded.history, loaded.area, loaded.warnings
    span = float(history.times[-1] - history.times[0])
    wanted = 365.0 if test_days is None else test_days
    if span - wanted < MIN_TRAINING_DAYS:
        if test_days is not None:
            raise InvalidInput(
                _(
                    "los datos abarcan {span:.0f} días: --test-days {days:g} deja menos de {min} "
                    "días para aprender",
                    span=span,
                    days=test_days,
                    min=MIN_TRAINING_DAYS,
                )
            )
        wanted = max(horizon_days, math.floor(span / 2 / horizon_days) * horizon_days)
        warnings.append(
            _(
                "los datos abarcan solo {span:.0f} días: se evalúan los últimos {days:g} (la "
                "mitad) en lugar de 365",
                span=span,
                days=wanted,
            )
        )
    models = {m: make(m, cell_size=cell_size, horizon_days=horizon_days) for m in methods}
    if on_ready:
        n = len(
            forecast_origins(
                history, test_days=wanted, step_days=horizon_days, horizon_days=horizon_days
            )
        )
        on_ready(n * len(models))
    try:
        ev = evaluate(
            history,
            models,
            horizon_days=horizon_days,
            test_days=wanted,
            coverages=coverages,
            area=area,
            on_window=on_window,
        )
    except ValueError as exc:
        raise InvalidInput(_("no se pudo evaluar el pronóstico ({detail})", detail=exc)) from exc
    return FileEvaluation(
        ev, loaded.rows_read, loaded.rejected, loaded.duplicates, wanted, warnings
    )
