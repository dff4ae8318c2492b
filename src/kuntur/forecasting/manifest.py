"""What crime analysis declares: permissions, its audit event, its page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

FORECASTS_READ = Permission(
    "forecasts.read",
    "Ver pronósticos de zonas de riesgo",
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.CRIME_ANALYST, Role.AUDITOR),
)
FORECASTS_RUN = Permission(
    "forecasts.run",
    "Generar pronósticos",
    roles=(Role.COMMANDER, Role.CRIME_ANALYST),
)

FORECAST_CREATED = EventType("forecast.created", "Pronóstico generado")

TEXTS: dict[str, Label] = {
    "forecast": N_("Pronóstico de riesgo"),
    "forecast_none": N_("Aún no hay pronóstico: ejecute `kuntur forecast run`."),
    "forecast_for": N_("Vigente"),
    "forecast_overlay": N_("Zonas de riesgo del pronóstico"),
    "forecast_method": N_("Método"),
    "forecast_area": N_("Área de estudio"),
    "forecast_auto": N_(
        "Automático: elegido entre 10 configuraciones por lo que habría acertado en las "
        "semanas previas; el conteo simple del último año se mantiene salvo evidencia de que "
        "otro acierta más"
    ),
    "validation_weeks": N_("semanas de validación"),
    "cells": N_("celdas"),
    "level_very_high": N_("Muy alto (1 % superior del área)"),
    "level_high": N_("Alto (hasta el 5 % del área)"),
    "why_flagged": N_("Por qué se marcó esta celda"),
    "rank": N_("Puesto"),
    "expected": N_("Eventos esperados en el periodo"),
    "recent": N_("Eventos recientes"),
    "days": N_("días"),
    "last_year": N_("Eventos en los últimos 365 días"),
    "long_term": N_("Nivel de largo plazo (eventos/año)"),
    "area_mean": N_("Promedio por celda del área (eventos)"),
    "fairness": N_("Equidad: área marcada por distrito"),
    "flagged_share": N_("% del área marcada"),
    "population_share": N_("% de la población"),
    "reports_share": N_("% de denuncias de víctimas"),
    "fairness_warning": N_(
        "Revisar antes de desplegar: estos distritos reciben el doble o más de área marcada "
        "que su parte de denuncias"
    ),
    "excluded": N_("Excluidos (los descubre el patrullaje)"),
    # The method in plain words, the cell's incidents, the fairness table (issue 13).
    "fc_how": N_("Cómo se calcula"),
    "fc_how_naive": N_(
        "Cuenta los incidentes de cada celda de {size} m en el último año y marca las que más "
        "tuvieron: lo que pasó mucho en un lugar suele volver a pasar allí."
    ),
    "fc_how_kde": N_(
        "Suaviza los incidentes pasados sobre el mapa (cada uno pesa también en las celdas "
        "vecinas) y marca las celdas de {size} m con más densidad."
    ),
    "fc_how_prospective": N_(
        "Da más peso a los incidentes recientes y cercanos: tras un delito, el riesgo sube "
        "unas semanas a unos cientos de metros (Bowers, Johnson y Pease 2004)."
    ),
    "fc_how_etas": N_(
        "Separa el nivel de fondo de cada celda de los delitos que desencadenan otros cerca "
        "y poco después, como réplicas de un sismo (Mohler et al. 2015)."
    ),
    "fc_how_smoothing": N_(
        "Promedia los conteos de cada celda dando más peso a las semanas recientes y al "
        "ritmo de la estación."
    ),
    "fc_how_levels": N_(
        "Rojo: el 1 % del área con más riesgo; naranja: hasta el 5 %. El área es la de las "
        "celdas con algún incidente registrado."
    ),
    "fc_behind": N_("Incidentes en la celda (último año)"),
    "fc_behind_note": N_("Solo los que usted puede leer; el pronóstico puede haber contado más."),
    "fc_by_type": N_("Por tipo de delito"),
    "fc_by_hour": N_("Por hora del día (Lima)"),
    "fc_latest": N_("Los más recientes"),
    "fc_ratio": N_("Veces su parte de denuncias"),
    "fc_fair_note": N_(
        "Compara la parte del área marcada que cae en cada distrito con su parte de la "
        "población y de las denuncias de víctimas del último año. En rojo: el doble o más."
    ),
}

MANIFEST = declare(
    Manifest(
        domain="forecasting",
        permissions=(FORECASTS_READ, FORECASTS_RUN),
        events=(FORECAST_CREATED,),
        pages=(
            # The latest forecast, why cells were flagged, fairness.
            Page(
                "/pronostico",
                "forecast.html",
                FORECASTS_READ,
                nav="forecast",
                nav_order=40,
                active="forecast",
            ),
        ),
        texts=TEXTS,
        cli_group=("forecast", N_("Pronósticos de zonas de riesgo: evaluar, generar, listar.")),
    )
)
