"""Fairness report: where a forecast sends patrols, next to who lives there and who reports.

A hotspot forecast decides where the state shows up. Each district's share of
the flagged area is set beside its share of the population and its share of
victim-reported incidents, so an analyst sees at a glance a district flagged
far beyond what its victims report (a sign the data measure policing more than
crime). Incidents that patrols discover themselves (drugs, weapons found in
stops) follow patrols, not victims, and can be left out of the forecast
altogether (Lum & Isaac 2016, To predict and serve?, Significance 13(5):14-19;
Ensign et al. 2018, Runaway feedback loops in predictive policing, FAT*).

Pure: dictionaries and arrays in, a list of rows out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

# Found by patrols rather than reported by victims: counts follow where patrols already go.
PATROL_DISCOVERED = frozenset({"drug_trafficking", "arms_trafficking"})


def report(
    flagged_districts: Sequence[str | None],
    population: Mapping[str, int | None],
    victim_reports: Mapping[str, int],
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Shares per district over the districts in play (flagged, populated or reporting).

    ``ratio_*`` is flagged share / other share: 1 is proportional, 3 means the
    district gets three times the patrol attention its population (or its
    victims' reports) would suggest. ``None`` where the denominator is zero.
    """
    flagged = Counter(d for d in flagged_districts if d)
    unplaced = sum(1 for d in flagged_districts if not d)
    districts = sorted(set(flagged) | {d for d, n in victim_reports.items() if n})
    total_flag = sum(flagged.values())
    total_pop = sum(population.get(d) or 0 for d in districts)
    total_rep = sum(victim_reports.get(d, 0) for d in districts)
    rows: list[dict[str, Any]] = []
    for d in districts:
        f = flagged.get(d, 0) / total_flag if total_flag else 0.0
        p = (population.get(d) or 0) / total_pop if total_pop else 0.0
        r = victim_reports.get(d, 0) / total_rep if total_rep else 0.0
        rows.append(
            {
                "ubigeo": d,
                "name": (names or {}).get(d, d),
                "flagged_cells": flagged.get(d, 0),
                "flagged_share": round(f, 4),
                "population_share": round(p, 4),
                "victim_report_share": round(r, 4),
                "ratio_to_population": round(f / p, 2) if p else None,
                "ratio_to_reports": round(f / r, 2) if r else None,
            }
        )
    rows.sort(key=lambda row: (-row["flagged_share"], row["ubigeo"]))
    over = [r for r in rows if (r["ratio_to_reports"] or 0) >= 2.0 and r["flagged_cells"] >= 2]
    return {
        "districts": rows,
        "flagged_cells": total_flag,
        "flagged_cells_outside_districts": unplaced,
        "over_reports": [r["ubigeo"] for r in over],
        "note": "flagged share / victim-report share >= 2 on at least 2 cells: review before "
        "deploying (the data may measure patrols more than crime)",
    }
