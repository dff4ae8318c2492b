"""Events in, the evaluation's JSON out: the panel, the neighbours, the messages.

Shared by the command line (a file) and the service (stored incidents). No ORM."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any

from kuntur.core.i18n import _, both
from kuntur.results.area import ZONE
from kuntur.results.evaluation import EvaluationError, Panel, Treatment, evaluate
from kuntur.results.files import Events
from kuntur.results.panel import centroids_of, count_events, neighbours_by_distance

MIN_UNIT_EVENTS = 20  # a unit with fewer events in the whole file is no comparison
SHOWN_UNITS = 12  # a message that lists the units there are names this many


def _number(value: float, lang: str) -> str:
    """A figure of a warning (a p-value, a ratio, a percentage): at most four significant
    decimals, with a decimal comma in Spanish."""
    text = f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "es" else text


def message(
    key: str,
    values: dict[str, Any],
    lang: str | None = None,
    label: Callable[[str], str] | None = None,
) -> str:
    """A warning in the reader's language (both, Spanish first, when ``lang`` is None),
    its numbers written as that language writes them; ``label`` names a unit (a
    district's name instead of its ubigeo) wherever a warning lists units."""
    if lang is None:
        return both(lambda lg: message(key, values, lg, label))
    if isinstance(values.get("units"), list):
        values = {**values, "units": ", ".join(map(label or str, values["units"]))}
    values = {k: _number(v, lang) if isinstance(v, float) else v for k, v in values.items()}
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
    if key == "other_interventions":
        return _(
            "fuera de la comparación, porque están bajo otra intervención registrada: {units}",
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
    leave_out: Collection[str] = (),
    named_out: Collection[str] | None = None,
    label: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """``leave_out``: units that are no comparison whatever the data say (under another
    intervention of their own): neither donors nor placebos; those of them in
    ``named_out`` (default: all) are reported and warned of."""
    panel = counted.panel
    dropped = sorted(u for u in set(leave_out) - set(treated) if u in panel.units)
    if dropped:
        keep = [i for i, u in enumerate(panel.units) if u not in dropped]
        panel = Panel([panel.units[i] for i in keep], panel.periods, panel.values[keep])
    missing = [u for u in treated if u not in panel.units]
    if missing == [ZONE]:  # a drawn zone is a unit only where events fell in it
        raise EvaluationError(
            _(
                "la zona no tiene incidentes en los datos: no hay nada que comparar; dibuje "
                "una zona mayor o compruebe que cubre el lugar de la intervención"
            )
        )
    if missing:
        shown = SHOWN_UNITS
        more = len(panel.units) - shown
        raise EvaluationError(
            _(
                "unidades tratadas sin eventos en los datos: {missing}; hay {n}: {units}",
                missing=", ".join(missing),
                n=len(panel.units),
                units=", ".join(panel.units[:shown]) + (f" (+{more})" if more > 0 else ""),
            )
        )
    rows = [panel.units.index(u) for u in treated]
    before = int(panel.values[rows, : counted.start_index].sum())
    if before < MIN_UNIT_EVENTS:
        # A handful of events says nothing of a change: one incident in a year made a
        # drawn zone's "effect" -100 % with an interval as wide as the search.
        raise EvaluationError(
            _(
                "muy pocos eventos para medir un efecto: {n} antes del inicio en lo tratado "
                "(hacen falta al menos {min}); elija más unidades, una zona mayor o un "
                "periodo más largo",
                n=before,
                min=MIN_UNIT_EVENTS,
            )
        )
    treatments = [Treatment(u, counted.start_index, counted.end_index) for u in treated]
    ev = evaluate(
        panel,
        treatments,
        method=method,
        neighbours=neighbours,
        messages=lambda k, v: message(k, v, lang, label),
    )
    out = ev.to_json()
    named = [u for u in dropped if named_out is None or u in named_out]
    out["under_other_interventions"] = named
    if named:
        out["warnings"].append(message("other_interventions", {"units": named}, lang, label))
    return out


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
