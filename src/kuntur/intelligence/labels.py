"""How identifiers are written for people: "Teléfono +51 987 654 321", not "phone:+51987654321".

Pure (no web framework, no ORM): the link chart's labels come from ``display`` (the value,
written as people write it) and the kind's title in the manifest's texts; the case report,
rendered on the server in Spanish, uses ``label``.
"""

from __future__ import annotations

import re

from kuntur.core.i18n import N_, render

# Entity kind -> its title (Spanish; the English is in the catalogue). The manifest declares
# the same titles as texts (``kind_<kind>``) for the pages; the report uses them here.
KIND_TITLES: dict[str, str] = {
    "phone": N_("Teléfono"),
    "payment_account": N_("Cuenta"),
    "vehicle": N_("Placa"),
    "person": N_("Persona"),
    "alias": N_("Alias"),
    "organisation": N_("Banda"),
    "amount": N_("Monto"),
    "deadline": N_("Plazo"),
}

# How a mention was found (the extraction kind), in words.
MENTION_TITLES: dict[str, str] = {
    "phone": N_("número de teléfono"),
    "wallet": N_("billetera Yape/Plin"),
    "cci": N_("CCI (código de cuenta interbancario)"),
    "account": N_("número de cuenta"),
    "plate": N_("placa de vehículo"),
    "alias": N_("alias"),
    "gang": N_("nombre de banda"),
    "name": N_("nombre de persona"),
    "amount": N_("monto exigido"),
    "deadline": N_("plazo"),
}


def split(key: str) -> tuple[str, str]:
    """``"phone:+51987654321"`` -> ``("phone", "+51987654321")``."""
    kind, _, value = key.partition(":")
    return kind, value


def display(kind: str, value: str) -> str:
    """The value as people write it: a Peruvian mobile in groups of three, a CCI in its
    bank-branch-account-check groups, names with capitals, amounts with their currency."""
    if kind == "phone":
        m = re.fullmatch(r"\+51(9\d{2})(\d{3})(\d{3})", value)
        if m:
            return f"+51 {m.group(1)} {m.group(2)} {m.group(3)}"
        m = re.fullmatch(r"\+51(1)(\d{3})(\d{4})", value)  # Lima landline
        return f"+51 {m.group(1)} {m.group(2)} {m.group(3)}" if m else value
    if kind == "payment_account" and re.fullmatch(r"\d{20}", value):
        return f"{value[:3]}-{value[3:6]}-{value[6:18]}-{value[18:]}"
    if kind in ("person", "alias", "organisation"):
        return " ".join(w.capitalize() for w in value.split())
    if kind == "amount":
        cur, _, num = value.partition(" ")
        symbol = {"PEN": "S/", "USD": "US$"}.get(cur, cur)
        try:
            return f"{symbol} {int(float(num)):,}".replace(",", " ")
        except ValueError:
            return value
    return value


def label(key: str, lang: str = "es") -> str:
    """``"Teléfono +51 987 654 321"`` in ``lang``."""
    kind, value = split(key)
    title = render(KIND_TITLES[kind], lang) if kind in KIND_TITLES else kind
    return f"{title} {display(kind, value)}"


def mention(kind: str, lang: str = "es") -> str:
    return render(MENTION_TITLES[kind], lang) if kind in MENTION_TITLES else kind
