"""What crime analysis declares: permissions, its audit event, its page, texts, CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Label, Manifest, Page, Permission, declare
from kuntur.identity.roles import Role

FORECASTS_READ = Permission(
    "forecasts.read",
    "Ver pronósticos de zonas de riesgo",
    "Read risk-zone forecasts",
    roles=(Role.DISPATCHER, Role.COMMANDER, Role.CRIME_ANALYST, Role.AUDITOR),
)
FORECASTS_RUN = Permission(
    "forecasts.run",
    "Generar pronósticos",
    "Run forecasts",
    roles=(Role.COMMANDER, Role.CRIME_ANALYST),
)

FORECAST_CREATED = EventType("forecast.created", "Pronóstico generado", "Forecast created")

TEXTS: dict[str, Label] = {
    "forecast": ("Pronóstico de riesgo", "Risk forecast"),
    "forecast_none": (
        "Aún no hay pronóstico: ejecute `kuntur forecast run`.",
        "No forecast yet: run `kuntur forecast run`.",
    ),
    "forecast_for": ("Vigente", "Valid"),
    "forecast_overlay": ("Zonas de riesgo del pronóstico", "Forecast risk zones"),
    "forecast_method": ("Método", "Method"),
    "forecast_area": ("Área de estudio", "Study area"),
    "forecast_auto": (
        "Automático: elegido entre 10 configuraciones por lo que habría acertado en las "
        "semanas previas; el conteo simple del último año se mantiene salvo evidencia de que "
        "otro acierta más",
        "Automatic: chosen among 10 configurations by what each would have caught in the "
        "previous weeks; last year's plain counts stand unless another is shown to catch more",
    ),
    "validation_weeks": ("semanas de validación", "validation weeks"),
    "cells": ("celdas", "cells"),
    "level_very_high": ("Muy alto (1 % superior del área)", "Very high (top 1 % of the area)"),
    "level_high": ("Alto (hasta el 5 % del área)", "High (up to 5 % of the area)"),
    "why_flagged": ("Por qué se marcó esta celda", "Why this cell was flagged"),
    "rank": ("Puesto", "Rank"),
    "expected": ("Eventos esperados en el periodo", "Expected events in the period"),
    "recent": ("Eventos recientes", "Recent events"),
    "days": ("días", "days"),
    "last_year": ("Eventos en los últimos 365 días", "Events in the last 365 days"),
    "long_term": ("Nivel de largo plazo (eventos/año)", "Long-term level (events/year)"),
    "area_mean": ("Promedio por celda del área (eventos)", "Area mean per cell (events)"),
    "fairness": ("Equidad: área marcada por distrito", "Fairness: flagged area by district"),
    "flagged_share": ("% del área marcada", "% of flagged area"),
    "population_share": ("% de la población", "% of population"),
    "reports_share": ("% de denuncias de víctimas", "% of victim reports"),
    "fairness_warning": (
        "Revisar antes de desplegar: estos distritos reciben el doble o más de área marcada "
        "que su parte de denuncias",
        "Review before deploying: these districts get twice or more flagged area than their "
        "share of reports",
    ),
    "excluded": ("Excluidos (los descubre el patrullaje)", "Left out (found by patrols)"),
    # The method in plain words, the cell's incidents, the fairness table (issue 13).
    "fc_how": ("Cómo se calcula", "How it is computed"),
    "fc_how_naive": (
        "Cuenta los incidentes de cada celda de {size} m en el último año y marca las que más "
        "tuvieron: lo que pasó mucho en un lugar suele volver a pasar allí.",
        "Counts each {size} m cell's incidents over the last year and flags those with most: "
        "what happened often in a place tends to happen there again.",
    ),
    "fc_how_kde": (
        "Suaviza los incidentes pasados sobre el mapa (cada uno pesa también en las celdas "
        "vecinas) y marca las celdas de {size} m con más densidad.",
        "Spreads past incidents over the map (each also weighs on nearby cells) and flags "
        "the {size} m cells of highest density.",
    ),
    "fc_how_prospective": (
        "Da más peso a los incidentes recientes y cercanos: tras un delito, el riesgo sube "
        "unas semanas a unos cientos de metros (Bowers, Johnson y Pease 2004).",
        "Weighs recent, nearby incidents most: after a crime the risk rises for some weeks "
        "within a few hundred metres (Bowers, Johnson & Pease 2004).",
    ),
    "fc_how_etas": (
        "Separa el nivel de fondo de cada celda de los delitos que desencadenan otros cerca "
        "y poco después, como réplicas de un sismo (Mohler et al. 2015).",
        "Separates each cell's background level from crimes that trigger others nearby soon "
        "after, like aftershocks (Mohler et al. 2015).",
    ),
    "fc_how_smoothing": (
        "Promedia los conteos de cada celda dando más peso a las semanas recientes y al "
        "ritmo de la estación.",
        "Averages each cell's counts, weighing recent weeks and the season's rhythm most.",
    ),
    "fc_how_levels": (
        "Rojo: el 1 % del área con más riesgo; naranja: hasta el 5 %. El área es la de las "
        "celdas con algún incidente registrado.",
        "Red: the 1 % of the area at highest risk; orange: up to 5 %. The area is that of "
        "the cells with any recorded incident.",
    ),
    "fc_behind": ("Incidentes en la celda (último año)", "Incidents in the cell (last year)"),
    "fc_behind_note": (
        "Solo los que usted puede leer; el pronóstico puede haber contado más.",
        "Only those you may read; the forecast may have counted more.",
    ),
    "fc_by_type": ("Por tipo de delito", "By crime type"),
    "fc_by_hour": ("Por hora del día (Lima)", "By hour of day (Lima)"),
    "fc_latest": ("Los más recientes", "The latest"),
    "fc_ratio": ("Veces su parte de denuncias", "Times its share of reports"),
    "fc_fair_note": (
        "Compara la parte del área marcada que cae en cada distrito con su parte de la "
        "población y de las denuncias de víctimas del último año. En rojo: el doble o más.",
        "Compares each district's part of the flagged area with its part of the population "
        "and of last year's victim reports. In red: twice or more.",
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
        cli_group=("forecast", "Pronósticos de zonas de riesgo: evaluar, generar, listar."),
    )
)
