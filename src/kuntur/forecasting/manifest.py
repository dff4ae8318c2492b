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
