"""Demand and candidate sites from CSV files, checked line by line.

DEMAND.csv: ``id,lat,lon,weight``; SITES.csv: ``id,lat,lon`` (other columns are ignored).
Ids are kept as written (strings). A file that cannot be used says which file, which line
(the header is line 1) and which field, Spanish first, then English.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import N_, render

DEMAND_COLUMNS = ("id", "lat", "lon", "weight")
SITE_COLUMNS = ("id", "lat", "lon")

MISSING_COLUMN = N_("falta la columna «{field}» (columnas: {found})")
EMPTY_FILE = N_("el archivo está vacío: se esperaba la cabecera {columns}")
EMPTY_ID = N_("el id está vacío")
DUPLICATE_ID = N_("el id «{value}» ya apareció en la línea {first}")
NOT_A_NUMBER = N_("«{value}» no es un número")
LAT_RANGE = N_("la latitud {value} está fuera de [-90, 90]")
LON_RANGE = N_("la longitud {value} está fuera de [-180, 180]")
NEGATIVE_WEIGHT = N_("el peso {value} no puede ser negativo")
SHORT_ROW = N_("faltan valores: la fila tiene {got} campos y la cabecera {want}")
UNREADABLE = N_("no se puede leer: {reason}")
WHERE = N_("{file}, línea {line}, campo «{field}»: {problem}")
WHERE_FILE = N_("{file}: {problem}")


class PatrolFileError(InvalidInput):
    """A file that cannot be used: where (file, line, field) and what is wrong."""

    def __init__(
        self,
        file: Path | str,
        problem: str,
        line: int | None = None,
        field: str = "",
        **values: object,
    ) -> None:
        self.file, self.line, self.field = str(file), line, field
        self.problem, self.values = problem, values
        super().__init__(self.message())

    def message(self, lang: str | None = None) -> str:
        if lang is None:
            return " / ".join(self.message(lg) for lg in ("es", "en"))
        problem = render(self.problem, lang, field=self.field, **self.values)
        if self.line is None:
            return render(WHERE_FILE, lang, file=self.file, problem=problem)
        return render(
            WHERE, lang, file=self.file, line=self.line, field=self.field, problem=problem
        )


@dataclass(frozen=True)
class Points:
    ids: list[str]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    weight: NDArray[np.float64]  # ones for sites

    def __len__(self) -> int:
        return len(self.ids)


def _number(path: Path, line: int, field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PatrolFileError(path, NOT_A_NUMBER, line, field, value=text) from None
    if not math.isfinite(value):
        raise PatrolFileError(path, NOT_A_NUMBER, line, field, value=text)
    return value


def read_points(path: Path, columns: tuple[str, ...]) -> Points:
    """The rows of ``path`` with ``columns`` (``weight`` among them for demand)."""
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise PatrolFileError(path, UNREADABLE, reason=exc.strerror or str(exc)) from None
    ids: list[str] = []
    lat: list[float] = []
    lon: list[float] = []
    weight: list[float] = []
    first: dict[str, int] = {}
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, None)
            if header is None:
                raise PatrolFileError(path, EMPTY_FILE, 1, columns[0], columns=",".join(columns))
            names = [h.strip().lower() for h in header]
            for name in columns:
                if name not in names:
                    raise PatrolFileError(
                        path, MISSING_COLUMN, 1, name, found=",".join(h.strip() for h in header)
                    )
            at = {name: names.index(name) for name in columns}
            width = max(at.values()) + 1
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) < width:
                    missing = next(n for n in columns if at[n] >= len(row))
                    raise PatrolFileError(
                        path, SHORT_ROW, line, missing, got=len(row), want=len(header)
                    )
                ident = row[at["id"]].strip()
                if not ident:
                    raise PatrolFileError(path, EMPTY_ID, line, "id")
                if ident in first:
                    raise PatrolFileError(
                        path, DUPLICATE_ID, line, "id", value=ident, first=first[ident]
                    )
                first[ident] = line
                y = _number(path, line, "lat", row[at["lat"]].strip())
                x = _number(path, line, "lon", row[at["lon"]].strip())
                if not -90 <= y <= 90:
                    raise PatrolFileError(path, LAT_RANGE, line, "lat", value=y)
                if not -180 <= x <= 180:
                    raise PatrolFileError(path, LON_RANGE, line, "lon", value=x)
                if "weight" in at:
                    v = _number(path, line, "weight", row[at["weight"]].strip())
                    if v < 0:
                        raise PatrolFileError(path, NEGATIVE_WEIGHT, line, "weight", value=v)
                    weight.append(v)
                ids.append(ident)
                lat.append(y)
                lon.append(x)
        except csv.Error as exc:
            raise PatrolFileError(path, UNREADABLE, reader.line_num, "", reason=str(exc)) from None
        except UnicodeDecodeError as exc:
            raise PatrolFileError(path, UNREADABLE, reason=str(exc)) from None
    return Points(
        ids=ids,
        lat=np.asarray(lat, dtype=float),
        lon=np.asarray(lon, dtype=float),
        weight=np.asarray(weight if weight else [1.0] * len(ids), dtype=float),
    )


def read_demand(path: Path) -> Points:
    return read_points(path, DEMAND_COLUMNS)


def read_sites(path: Path) -> Points:
    return read_points(path, SITE_COLUMNS)
