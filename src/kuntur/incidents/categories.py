"""Crime categories (DOMAIN.md codes), sources, statuses and priorities.

Imports map a source's own labels onto these codes and keep the original label.
The built-in mapping below covers common Spanish (SIDPOL, Peruvian penal code)
and English (US/Canadian open-data) labels; a mapping file extends it.
"""

from __future__ import annotations

import re
from enum import StrEnum

from kuntur.core.i18n import N_
from kuntur.geography.names import normalise_name


class Category(StrEnum):
    EXTORTION = "extortion"
    HOMICIDE = "homicide"
    AGGRAVATED_ROBBERY = "aggravated_robbery"
    THEFT = "theft"
    KIDNAPPING = "kidnapping"
    ARMS_TRAFFICKING = "arms_trafficking"
    HUMAN_TRAFFICKING = "human_trafficking"
    DRUG_TRAFFICKING = "drug_trafficking"
    OTHER = "other"


CATEGORY_LABELS: dict[Category, str] = {
    Category.EXTORTION: N_("Extorsión"),
    Category.HOMICIDE: N_("Homicidio / sicariato"),
    Category.AGGRAVATED_ROBBERY: N_("Robo agravado"),
    Category.THEFT: N_("Hurto"),
    Category.KIDNAPPING: N_("Secuestro"),
    Category.ARMS_TRAFFICKING: N_("Tráfico ilícito de armas"),
    Category.HUMAN_TRAFFICKING: N_("Trata de personas"),
    Category.DRUG_TRAFFICKING: N_("Tráfico ilícito de drogas (TID)"),
    Category.OTHER: N_("Otros"),
}

# Default priority by category: 1 is the most urgent (life at risk now).
DEFAULT_PRIORITY: dict[Category, int] = {
    Category.HOMICIDE: 1,
    Category.KIDNAPPING: 1,
    Category.EXTORTION: 2,
    Category.AGGRAVATED_ROBBERY: 2,
    Category.ARMS_TRAFFICKING: 2,
    Category.HUMAN_TRAFFICKING: 2,
    Category.DRUG_TRAFFICKING: 3,
    Category.THEFT: 3,
    Category.OTHER: 4,
}


class Source(StrEnum):
    EMERGENCY_CALL = "emergency_call"
    POLICE_REPORT = "police_report"
    CITIZEN_TIP = "citizen_tip"
    SENSOR_ALERT = "sensor_alert"
    IMPORT = "import"


SOURCE_LABELS: dict[Source, str] = {
    Source.EMERGENCY_CALL: N_("Llamada de emergencia (105)"),
    Source.POLICE_REPORT: N_("Denuncia policial"),
    Source.CITIZEN_TIP: N_("Alerta ciudadana"),
    Source.SENSOR_ALERT: N_("Alerta de sensor / cámara"),
    Source.IMPORT: N_("Importación"),
}


class Status(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    CLEARED = "cleared"
    CLOSED = "closed"  # historical records (imports): nothing left to do


STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: N_("Recibido"),
    Status.TRIAGED: N_("Clasificado"),
    Status.DISPATCHED: N_("Despachado"),
    Status.EN_ROUTE: N_("En camino"),
    Status.ON_SCENE: N_("En el lugar"),
    Status.CLEARED: N_("Atendido"),
    Status.CLOSED: N_("Cerrado (histórico)"),
}

# Keyword rules, tried in order on the normalised label; first match wins.
# Order matters: "robo a mano armada" is robbery, not arms trafficking.
_RULES: list[tuple[re.Pattern[str], Category]] = [
    (re.compile(p), c)
    for p, c in [
        (r"extors|cupo|extortion|blackmail", Category.EXTORTION),
        (r"secuestr|kidnap|abduct", Category.KIDNAPPING),
        (r"homicid|sicari|asesinat|feminicid|parricid|murder|manslaughter", Category.HOMICIDE),
        (
            r"trata de personas|trafico de (personas|migrantes)|human trafficking"
            r"|explotacion sexual|sex trafficking",
            Category.HUMAN_TRAFFICKING,
        ),
        (r"robo|robbery|carjack|asalto|atraco|hijack", Category.AGGRAVATED_ROBBERY),
        (r"\barmas?\b|municion|explosiv|weapon|firearm|\bguns?\b", Category.ARMS_TRAFFICKING),
        (r"\btid\b|droga|estupefac|narcot|marihuana|cocain|\bdrugs?\b", Category.DRUG_TRAFFICKING),
        (
            r"hurto|theft|larceny|burglar|break and enter|shoplift|stolen|pickpocket|arrebato"
            r"|raterismo",
            Category.THEFT,
        ),
    ]
]


def map_label(label: str | None, extra: dict[str, str] | None = None) -> Category:
    """Category code for a source label; ``extra`` (normalised label -> code) wins."""
    if not label:
        return Category.OTHER
    key = normalise_name(label)
    if extra and key in extra:
        return Category(extra[key])
    if key in {c.value.replace("_", " ") for c in Category}:
        return Category(key.replace(" ", "_"))
    for pattern, category in _RULES:
        if pattern.search(key):
            return category
    return Category.OTHER
