"""Events (a time and a unit each) into counts per unit and period, and units' neighbours.

Periods are aligned to the intervention's start: weeks of seven days starting on the
start's weekday, months from the start's day of the month. So the first post period
begins exactly at the start and no period is half before, half after. Only periods the
data covers whole are kept (a file that begins on a Wednesday does not count a short
first week). Pure numpy/pandas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kuntur.core.i18n import _
from kuntur.results.evaluation import EvaluationError, Panel

PERIODS = ("week", "month")
SPARSE_SHARE = 0.1  # leading or trailing periods with fewer events than this share of the
# median period's are left out (stray rows dated long before or after the rest)


@dataclass
class Counted:
    panel: Panel
    start_index: int  # the first post period
    end_index: int  # one past the last post period
    edges: list[date]  # len(periods) + 1


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def period_edges(start: date, first: date, last: date, period: str) -> list[date]:
    """Edges of the periods fully inside [first, last] (days), aligned on ``start``."""
    if period not in PERIODS:
        raise EvaluationError(f"period must be one of {', '.join(PERIODS)}")
    if period == "week":
        k0 = math.ceil((first - start).days / 7)
        k1 = math.floor(((last - start).days + 1) / 7)
        return [start + timedelta(days=7 * k) for k in range(k0, k1 + 1)]
    # months: from the start's day; the first edge on or after ``first``
    k0 = (first.year - start.year) * 12 + first.month - start.month - 1
    while _add_months(start, k0) < first:
        k0 += 1
    edges = []
    k = k0
    while _add_months(start, k) <= last + timedelta(days=1):
        edges.append(_add_months(start, k))
        k += 1
    return edges


def count_events(
    times: np.ndarray,
    units: np.ndarray,
    *,
    start: date,
    end: date | None = None,
    period: str = "week",
    all_units: Sequence[str] | None = None,
    data_first: date | None = None,
    data_last: date | None = None,
) -> Counted:
    """``times`` (datetime64, local time) and ``units`` (text) into a panel.

    ``end`` (inclusive) closes the post-period: periods after it are left out. Units in
    ``all_units`` with no events are kept with zeros."""
    t = pd.to_datetime(pd.Series(times)).dt.normalize()
    if len(t) == 0:
        raise EvaluationError(_("no hay eventos que contar"))
    first = data_first or t.min().date()
    last = data_last or t.max().date()
    if end is not None:
        last = min(last, end)
    edges = period_edges(start, first, last, period)
    if len(edges) < 2:
        raise EvaluationError(_("los datos no cubren ni un periodo completo"))
    if start not in edges:
        if start <= edges[0]:
            raise EvaluationError(
                _(
                    "el inicio {start} no deja periodos completos antes: los datos empiezan "
                    "el {first}",
                    start=start.isoformat(),
                    first=first.isoformat(),
                )
            )
        raise EvaluationError(
            _(
                "el inicio {start} no deja periodos completos después: los datos terminan "
                "el {last}",
                start=start.isoformat(),
                last=last.isoformat(),
            )
        )
    names = sorted({str(u) for u in units} | set(all_units or ()), key=_natural)
    index = {u: i for i, u in enumerate(names)}
    edge_ns = pd.to_datetime(pd.Series(edges)).to_numpy("datetime64[ns]")
    tv = t.to_numpy("datetime64[ns]")
    bins = np.searchsorted(edge_ns, tv, side="right") - 1
    keep = (bins >= 0) & (bins < len(edges) - 1)
    rows = np.fromiter((index[str(u)] for u in units), dtype=np.int64, count=len(units))
    values = np.zeros((len(names), len(edges) - 1))
    np.add.at(values, (rows[keep], bins[keep]), 1.0)
    s = edges.index(start)
    # A few stray rows dated long before (or after) the rest, a mistyped year, would add
    # years of empty periods: the panel runs from the first to the last period with at
    # least a tenth of a typical period's events.
    totals = values.sum(axis=0)
    busy = np.nonzero(totals >= SPARSE_SHARE * float(np.median(totals[totals > 0])))[0]
    lo, hi = (int(busy[0]), int(busy[-1]) + 1) if len(busy) else (0, len(totals))
    if lo >= s or hi <= s:
        lo, hi = 0, len(totals)
    values = values[:, lo:hi]
    edges = edges[lo : hi + 1]
    periods = [e.isoformat() for e in edges[:-1]]
    return Counted(Panel(names, periods, values), s - lo, hi - lo, edges)


def _natural(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def neighbours_by_distance(
    centroids: Mapping[str, tuple[float, float]], factor: float = 2.0
) -> dict[str, list[str]]:
    """Neighbours of each unit from its centroid (lon, lat): every unit closer than
    ``factor`` times the median nearest-neighbour distance, and at least the nearest one."""
    names = list(centroids)
    if len(names) < 2:
        return {n: [] for n in names}
    lon = np.radians([centroids[n][0] for n in names])
    lat = np.radians([centroids[n][1] for n in names])
    x = np.cos(lat) * np.cos(lon)
    y = np.cos(lat) * np.sin(lon)
    z = np.sin(lat)
    p = np.column_stack([x, y, z])
    d = np.linalg.norm(p[:, None, :] - p[None, :, :], axis=2)
    np.fill_diagonal(d, np.inf)
    nearest = d.min(axis=1)
    reach = factor * float(np.median(nearest))
    out = {}
    for i, n in enumerate(names):
        close = [names[j] for j in np.nonzero(d[i] <= max(reach, nearest[i]))[0]]
        out[n] = sorted(close, key=_natural)
    return out


def centroids_of(
    lon: np.ndarray, lat: np.ndarray, units: np.ndarray
) -> dict[str, tuple[float, float]]:
    frame = pd.DataFrame({"u": [str(u) for u in units], "lon": lon, "lat": lat})
    med = frame.groupby("u")[["lon", "lat"]].median()
    return {str(u): (float(r.lon), float(r.lat)) for u, r in med.iterrows()}
