"""Human-trafficking complaints in Lambayeque, 2017-2023 (Gobierno Regional de Lambayeque
open data, ODbL; NOTICE): complaints by month, district and police station, their purpose
(sexual or labour exploitation, begging ...), and the trend.

The file gives, per station and month, the total (``F1_TOTAL``) and its split by purpose
(``F1_*``), and other splits (``F2_*``: place of exploitation ...). Totals here are sums of
``F1_TOTAL``; the purposes sum the ``F1_*`` rows. The file lists only some months; a month
without rows inside the file's span (its first to its last month) counts as zero. The trend
is the least-squares slope of the yearly totals over the calendar years inside that span,
with the change between the first and the last of them.

Pure: the bundled file (or any file of that shape) in, counts out.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

SOURCE = "Gobierno Regional de Lambayeque, datos abiertos (ODbL 1.0)"
FILE = "lambayeque_trafficking_complaints_2017_2023.csv"
TOTAL = "F1_TOTAL"


@dataclass(frozen=True)
class Row:
    year: int
    month: int
    province: str
    district: str
    station: str
    item: str
    value: int


def read(text: str) -> list[Row]:
    """The file's rows (``;``-separated, a BOM allowed); ValueError naming a bad row."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    out = []
    for n, r in enumerate(reader, start=1):
        try:
            out.append(
                Row(
                    int(r["ANIO"]),
                    int(r["MES"]),
                    r["PROVINCIA"].strip(),
                    r["DISTRITO"].strip(),
                    r["COMISARIA"].strip(),
                    r["Denuncias por comision"].strip(),
                    int(float(r["Valor"] or 0)),
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{FILE}, fila {n}: {exc}") from None
    return out


@lru_cache(maxsize=1)
def bundled() -> tuple[Row, ...]:
    text = resources.files("kuntur.border").joinpath("data", FILE).read_text(encoding="utf-8")
    return tuple(read(text))


def slope(xs: list[float], ys: list[float]) -> float:
    """The least-squares slope of ys on xs (0 for fewer than two points)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def summary(rows: tuple[Row, ...] | list[Row] | None = None) -> dict[str, Any]:
    rows = bundled() if rows is None else rows
    totals = [r for r in rows if r.item == TOTAL]
    by_month: Counter[str] = Counter()
    by_year: Counter[int] = Counter()
    by_district: Counter[str] = Counter()
    by_station: Counter[tuple[str, str]] = Counter()
    for r in totals:
        by_month[f"{r.year:04d}-{r.month:02d}"] += r.value
        by_year[r.year] += r.value
        by_district[r.district] += r.value
        by_station[(r.district, r.station)] += r.value
    purposes: Counter[str] = Counter()
    for r in rows:
        if r.item.startswith("F1_") and r.item != TOTAL:
            purposes[r.item[3:].capitalize()] += r.value
    first = min(by_month) if by_month else "0000-00"
    last = max(by_month) if by_month else "0000-00"
    years = range(int(first[:4]), int(last[:4]) + 1)
    full = [y for y in years if f"{y:04d}-01" >= first and f"{y:04d}-12" <= last]
    span = [f"{y:04d}-{m:02d}" for y in years for m in range(1, 13)]
    series = [{"month": m, "complaints": by_month.get(m, 0)} for m in span if first <= m <= last]
    s = slope([float(y) for y in full], [float(by_year[y]) for y in full])
    change = (
        (by_year[full[-1]] - by_year[full[0]]) / by_year[full[0]]
        if len(full) >= 2 and by_year[full[0]]
        else None
    )
    return {
        "source": SOURCE,
        "total": sum(by_year.values()),
        "by_year": [
            {"year": y, "complaints": by_year[y], "full_year": y in full} for y in sorted(by_year)
        ],
        "by_month": series,
        "by_district": [{"district": d, "complaints": n} for d, n in by_district.most_common()],
        "by_station": [
            {"district": d, "station": st, "complaints": n}
            for (d, st), n in by_station.most_common()
        ],
        "by_purpose": [{"purpose": p, "complaints": n} for p, n in purposes.most_common()],
        "trend": {
            "years": full,
            "slope_per_year": round(s, 2),
            "change": round(change, 3) if change is not None else None,
        },
    }
