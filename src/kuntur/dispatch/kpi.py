"""Response KPIs from incident timestamps: p50 and p90 by group, against targets.

Call-to-dispatch (received -> dispatched; NFPA 1225: 90 % within 60 s),
dispatch-to-arrival (dispatched -> on scene; priority-1 police targets in cities
run 5-8 minutes) and on-scene time (on scene -> cleared). Pure: rows in, table out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np

TARGETS_S = {"call_to_dispatch": 60.0, "dispatch_to_arrival": 8 * 60.0}
INTERVALS = {
    "call_to_dispatch": ("received_at", "dispatched_at"),
    "dispatch_to_arrival": ("dispatched_at", "on_scene_at"),
    "on_scene": ("on_scene_at", "cleared_at"),
}


def _secs(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    s = (b - a).total_seconds()
    return s if s >= 0 else None


def table(rows: Iterable[dict[str, Any]], group_by: str) -> list[dict[str, Any]]:
    """``rows``: dicts with the timestamps and the grouping key; one output row per group."""
    groups: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        g = groups.setdefault(str(r.get(group_by) or "-"), {k: [] for k in INTERVALS})
        for name, (a, b) in INTERVALS.items():
            s = _secs(r.get(a), r.get(b))
            if s is not None:
                g[name].append(s)
    out = []
    for key, vals in sorted(groups.items()):
        row: dict[str, Any] = {"group": key}
        for name, xs in vals.items():
            arr = np.array(xs)
            row[name] = {
                "n": len(xs),
                "p50_s": round(float(np.percentile(arr, 50)), 1) if len(xs) else None,
                "p90_s": round(float(np.percentile(arr, 90)), 1) if len(xs) else None,
            }
            target = TARGETS_S.get(name)
            if target is not None and len(xs):
                row[name]["target_s"] = target
                row[name]["within_target"] = round(float((arr <= target).mean()), 3)
        out.append(row)
    # Sorted as people read them: priorities and months in order, places and agencies by
    # how many incidents they measured (most first).
    if group_by in ("priority", "month"):
        out.sort(key=lambda r: (r["group"] == "-", r["group"].zfill(8)))
    else:
        out.sort(key=lambda r: (-r["call_to_dispatch"]["n"], r["group"]))
    return out
