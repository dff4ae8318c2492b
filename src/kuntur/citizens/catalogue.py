"""The fixed lists of the tip page and the desk: categories (extortion first), parts of the
day, statuses as the tipster reads them, and the desk's reasons to close (each with the
words the desk sees and the words the tipster reads). Spanish first (the msgids)."""

from __future__ import annotations

from kuntur.core.i18n import N_, Text
from kuntur.incidents.categories import Category

# code: (label for the citizen, the incident category it becomes, urgency 1..4)
CATEGORIES: dict[str, tuple[Text, Category, int]] = {
    "extortion": (
        N_("Extorsión (cobro de cupos, amenazas para pedir dinero)"),
        Category.EXTORTION,
        2,
    ),
    "threat": (N_("Amenaza de muerte o sicariato"), Category.HOMICIDE, 1),
    "kidnapping": (N_("Secuestro"), Category.KIDNAPPING, 1),
    "robbery": (N_("Robo o asalto"), Category.AGGRAVATED_ROBBERY, 2),
    "weapons": (N_("Armas ilegales"), Category.ARMS_TRAFFICKING, 2),
    "trafficking": (N_("Trata de personas"), Category.HUMAN_TRAFFICKING, 2),
    "drugs": (N_("Venta de drogas"), Category.DRUG_TRAFFICKING, 3),
    "other": (N_("Otro delito"), Category.OTHER, 4),
}

DAY_PARTS: dict[str, Text] = {
    "madrugada": N_("de madrugada (0 a 6 h)"),
    "manana": N_("en la mañana (6 a 12 h)"),
    "tarde": N_("en la tarde (12 a 18 h)"),
    "noche": N_("en la noche (18 a 24 h)"),
}

STATUSES: dict[str, Text] = {
    "received": N_("Recibida"),
    "reviewing": N_("En revisión"),
    "converted": N_("Convertida en caso"),
    "closed": N_("Cerrada"),
}
STATUS_HINTS: dict[str, Text] = {
    "received": N_("Su denuncia llegó. Una persona de la mesa de enlace ciudadano la leerá."),
    "reviewing": N_("La mesa de enlace ciudadano está revisando su denuncia."),
    "converted": N_(
        "Su denuncia dio lugar a un caso policial. No podemos contarle más sin ponerlo en riesgo."
    ),
    "closed": N_("Su denuncia fue cerrada."),
}
OPEN_STATUSES = ("received", "reviewing")

# code: (what the desk reads, what the tipster reads)
CLOSE_REASONS: dict[str, tuple[Text, Text]] = {
    "duplicate": (
        N_("Duplicada: ya se atiende por otra denuncia o caso"),
        N_("Lo que nos contó ya se está atendiendo por otra vía."),
    ),
    "insufficient": (
        N_("Sin datos suficientes para actuar"),
        N_(
            "No tenemos datos suficientes para actuar. Puede enviar una nueva denuncia con más "
            "detalles (lugar, día, números de teléfono o cuentas)."
        ),
    ),
    "referred": (
        N_("Derivada a otra institución (Fiscalía, municipalidad, otra)"),
        N_("Se derivó a la institución que corresponde atenderla."),
    ),
    "not_a_crime": (
        N_("No es un delito que atienda este canal"),
        N_(
            "Lo que nos contó no es un delito que atienda este canal. Para emergencias llame "
            "al 105."
        ),
    ),
    "resolved": (
        N_("Atendida sin abrir un incidente"),
        N_("Su denuncia fue atendida."),
    ),
    "abuse": (
        N_("Mensaje de prueba, abusivo o sin contenido"),
        N_("Se cerró sin trámite."),
    ),
}
