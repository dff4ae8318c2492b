"""Events in, the evaluation's JSON out: the panel, the neighbours, the messages.

Shared by the command line (a file) and the service (stored incidents). No ORM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kuntur.core.i18n import _
from kuntur.results.evaluation import EvaluationError, Treatment, evaluate
from kuntur.results.files import Events
from kuntur.results.panel import centroids_of, count_events, neighbours_by_distance

MIN_UNIT_EVENTS = 20  # a unit with fewer events in the whole file is no comparison


def message(key: str, values: dict[str, Any], lang: str | None = None) -> str:
    if key == "short_pre":
        return _(
            "solo {n} periodos antes del inicio (hacen falta al menos {min} para confiar "
            "en el ajuste)",
            lang,
            **values,
        )
    if key == "poor_fit":
        return _(
            "el ajuste antes del inicio es pobre: su error es {ratio} veces lo que explica el "
            "ruido de conteo (R² {r2})",
            lang,
            **values,
        )
    if key == "pre_trend":
        return _(
            "las unidades tratadas ya se apartaban de la comparación antes del inicio "
            "(prueba de tendencia previa p = {p})",
            lang,
            **values,
        )
    if key == "unbounded":
        return _("los datos no acotan el efecto: el intervalo llega al límite de búsqueda", lang)
    if key == "methods_disagree":
        return _("el control sintético y las diferencias en diferencias no coinciden", lang)
    if key == "placebo_time":
        return _(
            "la prueba placebo en el tiempo (inicio adelantado a {start}) encuentra un efecto",
            lang,
            **values,
        )
    if key == "displacement":
        return _(
            "las unidades vecinas subieron un {effect} %: el delito pudo desplazarse al lado",
            lang,
            **values,
        )
    if key == "shocked":
        return _(
            "fuera de la comparación, porque cambiaron por su cuenta al inicio: {units}",
            lang,
            **values,
        )
    return key


def evaluate_panel_json(
    counted: Any,
    treated: Sequence[str],
    *,
    neighbours: Mapping[str, Sequence[str]] | None,
    method: str,
    lang: str | None = None,
) -> dict[str, Any]:
    panel = counted.panel
    missing = [u for u in treated if u not in panel.units]
    if missing:
        raise EvaluationError(
            _(
                "unidades tratadas que no están en los datos: {missing}; hay: {units}",
                missing=", ".join(missing),
                units=", ".join(panel.units[:60]),
            )
        )
    treatments = [Treatment(u, counted.start_index, counted.end_index) for u in treated]
    ev = evaluate(
        panel,
        treatments,
        method=method,
        neighbours=neighbours,
        messages=lambda k, v: message(k, v, lang),
    )
    return ev.to_json()


def evaluate_events(
    events: Events,
    *,
    treated: Sequence[str],
    start: date,
    end: date | None,
    period: str,
    method: str,
    source: str,
    neighbours: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """``events`` counted and evaluated; ``neighbours`` (unit -> the units around it, the
    displacement ring) by default from the units' centroids."""
    import numpy as np

    units, counts = np.unique(events.units.astype(str), return_counts=True)
    small = {str(u) for u, c in zip(units, counts, strict=True) if c < MIN_UNIT_EVENTS}
    small -= set(treated)
    keep = np.array([str(u) not in small for u in events.units], bool)
    counted = count_events(
        events.times[keep], events.units[keep], start=start, end=end, period=period
    )
    if neighbours is None:
        cents = centroids_of(events.lon[keep], events.lat[keep], events.units[keep])
        neighbours = neighbours_by_distance(cents)
    result = evaluate_panel_json(counted, treated, neighbours=neighbours, method=method)
    if small:
        result["warnings"].append(
            _(
                "unidades con menos de {n} eventos, fuera de la comparación: {units}",
                n=MIN_UNIT_EVENTS,
                units=", ".join(sorted(small)),
            )
        )
    result.update(
        {
            "source": source,
            "period": period,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "rows_read": events.rows_read,
            "rows_rejected": events.rejected,
            "events": int(keep.sum()),
        }
    )
    return result
